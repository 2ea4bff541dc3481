"""Events as iCalendar entries (see `core.ical`): one event's `.ics` file and the feeds calendar apps subscribe to."""

from django.urls import reverse
from django.utils import translation

from commonbeat.core import ical
from commonbeat.core.models import Agency

from .models import Event


def event_entry(event: Event, language: str) -> ical.CalendarEntry:
    agency = event.agency
    with translation.override(language):
        page = agency.absolute_url(reverse("engagement:event", args=[event.pk]))
    return ical.CalendarEntry(
        uid=ical.uid(agency, f"event-{event.pk}"), starts_at=event.starts_at, ends_at=event.ends_at,
        title=event.title_in(language), description=event.description_in(language),
        location=", ".join(part for part in (event.place_name, event.address) if part), url=page,
        categories=(event.kind.name_in(language),), cancelled=event.is_cancelled, updated_at=event.updated_at,
        latitude=event.latitude, longitude=event.longitude)


def calendar_file(agency: Agency, events, *, name: str, language: str = "en", extra=()) -> bytes:
    """An iCalendar document holding `events` (and any `extra` calendar entries), named `name`."""
    entries = [event_entry(event, language) for event in events] + list(extra)
    return ical.calendar_file(agency, entries, name=name)
