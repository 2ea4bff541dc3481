"""Events as iCalendar (RFC 5545): one event's `.ics` file and the feeds calendar apps subscribe to.

Times are written in the agency's time zone with its VTIMEZONE, so an event at 6 pm stays at 6 pm local time
on both sides of a daylight-saving change. Cancelled events stay in the feeds with STATUS:CANCELLED, so a
subscriber's calendar drops them instead of keeping a stale copy.
"""

import zoneinfo
from datetime import timedelta

import icalendar
from django.urls import reverse
from django.utils import translation

from commonbeat.core.models import Agency

from .models import Event

PRODUCT_ID = "-//CommonBeat//Community events//EN"


def _event_component(event: Event, zone: zoneinfo.ZoneInfo, language: str) -> icalendar.Event:
    agency = event.agency
    host = agency.host_names[0] if agency.host_names else "localhost"
    with translation.override(language):
        page = agency.absolute_url(reverse("engagement:event", args=[event.pk]))
    component = icalendar.Event()
    component.add("uid", f"event-{event.pk}@{host}")
    component.add("dtstamp", event.updated_at)
    component.add("last-modified", event.updated_at)
    component.add("dtstart", event.starts_at.astimezone(zone))
    component.add("dtend", event.ends_at.astimezone(zone))
    component.add("summary", event.title_in(language))
    description = event.description_in(language)
    component.add("description", f"{description}\n\n{page}".strip())
    component.add("location", ", ".join(part for part in (event.place_name, event.address) if part))
    if event.latitude is not None:
        component.add("geo", (event.latitude, event.longitude))
    component.add("url", page)
    component.add("categories", [event.kind.name_in(language)])
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return component


def calendar_file(agency: Agency, events, *, name: str, language: str = "en") -> bytes:
    """An iCalendar document holding `events`, named `name` in calendar apps."""
    zone = zoneinfo.ZoneInfo(agency.timezone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", agency.timezone)
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    events = list(events)
    for event in events:
        calendar.add_component(_event_component(event, zone, language))
    if events:
        # Only the years the events span, so the VTIMEZONE stays short.
        first = min(event.starts_at for event in events).astimezone(zone).date().replace(month=1, day=1)
        last = max(event.ends_at for event in events).astimezone(zone).date().replace(month=12, day=31)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()
