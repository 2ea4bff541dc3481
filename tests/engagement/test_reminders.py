"""The hourly `send_event_reminders` job: one reminder per confirmed reply, for events tomorrow where the agency is."""

import io
import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.engagement import services
from commonbeat.engagement.models import Rsvp

from ..factories import make_user


def at_noon(agency, days_ahead: int) -> datetime:
    """Noon `days_ahead` days from today, on the agency's clocks (noon tomorrow is always 12 to 36 hours away)."""
    zone = zoneinfo.ZoneInfo(agency.timezone)
    today = timezone.now().astimezone(zone).date()
    return datetime.combine(today + timedelta(days=days_ahead), time(12), tzinfo=zone)


def make_event(agency, user, starts: datetime, title: str, capacity=None):
    return services.create_event(user, agency, services.EventDetails(
        kind=services.event_kinds(agency).get(slug="community-meeting"), title={"en": title}, starts_at=starts,
        ends_at=starts + timedelta(hours=2), address="1 Main St", organiser="Engagement", capacity=capacity))


def run() -> str:
    out = io.StringIO()
    call_command("send_event_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def tokyo(other_agency):
    """Beta keeps its clocks in Tokyo, so its "tomorrow" is not Alpha's."""
    other_agency.timezone = "Asia/Tokyo"
    other_agency.save(update_fields=["timezone"])
    return other_agency


def test_each_reply_is_reminded_once_for_events_tomorrow_in_agency_time(
        agency, cast, tokyo, django_capture_on_commit_callbacks):
    staff = cast[Role.ENGAGEMENT_STAFF]
    tomorrow = make_event(agency, staff, at_noon(agency, 1), "Tomorrow's forum", capacity=2)
    later = make_event(agency, staff, at_noon(agency, 2), "Forum the day after")
    beta_tomorrow = make_event(tokyo, make_user(tokyo, Role.ENGAGEMENT_STAFF, "beta_staff"), at_noon(tokyo, 1),
                               "Beta forum")
    cancelled = make_event(agency, staff, at_noon(agency, 1), "Cancelled forum")
    services.rsvp(agency, tomorrow, name="Ana", email="ana@example.org", party_size=2)
    services.rsvp(agency, tomorrow, name="Ben", email="ben@example.org")  # waiting: no reminder
    services.rsvp(agency, tomorrow, name="Cy")  # no e-mail address
    services.rsvp(agency, later, name="Di", email="di@example.org")
    services.rsvp(tokyo, beta_tomorrow, name="Eri", email="eri@example.org", language="es")
    services.rsvp(agency, cancelled, name="Fay", email="fay@example.org")
    services.cancel_event(staff, cancelled)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = run()
    with django_capture_on_commit_callbacks(execute=True):
        second = run()

    assert "2 reminders queued." in first and "0 reminders queued." in second
    assert sorted(message.to[0] for message in mail.outbox) == ["ana@example.org", "eri@example.org"]
    assert Rsvp.objects.filter(reminder_sent_at__isnull=False).count() == 2
    reminder = next(message for message in mail.outbox if message.to == ["ana@example.org"])
    assert "Tomorrow's forum" in reminder.subject + reminder.body
    assert any(name == "event.ics" for name, _content, _type in reminder.attachments)


def test_nothing_to_remind_says_so(agency):
    assert "0 reminders queued." in run()
