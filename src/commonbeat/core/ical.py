"""iCalendar (RFC 5545) files and feeds: one way for every app to publish dated things (events, board meetings).

Times are written in the agency's time zone with its VTIMEZONE, so a meeting at 6 pm stays at 6 pm local time on
both sides of a daylight-saving change. Cancelled entries stay in feeds with STATUS:CANCELLED, so a subscriber's
calendar drops them instead of keeping a stale copy.
"""

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import icalendar
from django.utils import timezone

from .models import Agency

PRODUCT_ID = "-//CommonBeat//Community calendar//EN"


@dataclass(frozen=True)
class CalendarEntry:
    uid: str  # unique and stable, e.g. "event-12@trust.example.gov"
    starts_at: datetime
    ends_at: datetime
    title: str
    description: str = ""
    location: str = ""
    url: str = ""
    categories: tuple[str, ...] = ()
    cancelled: bool = False
    updated_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None


def uid(agency: Agency, name: str) -> str:
    """A stable UID for `name` (e.g. "event-12") on the agency's site."""
    host = agency.host_names[0] if agency.host_names else "localhost"
    return f"{name}@{host}"


def _component(entry: CalendarEntry, zone: zoneinfo.ZoneInfo) -> icalendar.Event:
    component = icalendar.Event()
    stamp = entry.updated_at or timezone.now()
    component.add("uid", entry.uid)
    component.add("dtstamp", stamp)
    component.add("last-modified", stamp)
    component.add("dtstart", entry.starts_at.astimezone(zone))
    component.add("dtend", entry.ends_at.astimezone(zone))
    component.add("summary", entry.title)
    description = "\n\n".join(part for part in (entry.description, entry.url) if part)
    if description:
        component.add("description", description)
    if entry.location:
        component.add("location", entry.location)
    if entry.latitude is not None and entry.longitude is not None:
        component.add("geo", (entry.latitude, entry.longitude))
    if entry.url:
        component.add("url", entry.url)
    if entry.categories:
        component.add("categories", list(entry.categories))
    component.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    return component


def calendar_file(agency: Agency, entries: Iterable[CalendarEntry], *, name: str) -> bytes:
    """An iCalendar document holding `entries`, named `name` in calendar apps."""
    zone = zoneinfo.ZoneInfo(agency.timezone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", agency.timezone)
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    entries = sorted(entries, key=lambda entry: (entry.starts_at, entry.uid))
    for entry in entries:
        calendar.add_component(_component(entry, zone))
    if entries:
        # Only the years the entries span, so the VTIMEZONE stays short.
        first = entries[0].starts_at.astimezone(zone).date().replace(month=1, day=1)
        last = max(entry.ends_at for entry in entries).astimezone(zone).date().replace(month=12, day=31)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()
