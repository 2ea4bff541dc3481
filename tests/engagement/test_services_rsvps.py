"""Residents' replies: places by party size, the waiting list and its order, promotion, cancelling, reminders,
and what the audit log and the database keep of a resident."""

import json
import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent
from commonbeat.engagement import services
from commonbeat.engagement.models import Event, Rsvp, RsvpStatus
from commonbeat.engagement.services import EngagementError


def make_event(agency, actor, *, capacity=None, starts=None, title="Mill Creek forum") -> Event:
    starts = starts or timezone.now() + timedelta(days=3)
    return services.create_event(actor, agency, services.EventDetails(
        kind=services.event_kinds(agency).get(slug="community-meeting"), title={"en": title, "es": f"{title} (es)"},
        starts_at=starts, ends_at=starts + timedelta(hours=2), address="1 Main St", organiser="Engagement",
        latitude=40.005, longitude=-89.995, capacity=capacity))


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


def reply(agency, event, name, size=1, email=None):
    email = f"{name.lower()}@example.org" if email is None else email
    return services.rsvp(agency, event, name=name, email=email, party_size=size)


def status_of(result) -> str:
    return Rsvp.objects.get(pk=result.rsvp.pk).status


# ---------------------------------------------------------------- places and the waiting list

def test_a_party_is_confirmed_only_while_the_whole_party_fits(agency, staff):
    event = make_event(agency, staff, capacity=5)
    three = reply(agency, event, "Ana", 3)
    too_many = reply(agency, event, "Ben", 3)
    two = reply(agency, event, "Cy", 2)
    assert [status_of(r) for r in (three, too_many, two)] == [RsvpStatus.CONFIRMED, RsvpStatus.WAITLISTED,
                                                               RsvpStatus.CONFIRMED]
    assert services.places_taken(event) == 5 and services.places_left(event) == 0


def test_an_event_without_a_limit_confirms_everyone(agency, staff):
    event = make_event(agency, staff, capacity=None)
    results = [reply(agency, event, f"P{number}", 10) for number in range(5)]
    assert {status_of(r) for r in results} == {RsvpStatus.CONFIRMED}
    assert services.places_left(event) is None and services.places_taken(event) == 50


def test_the_waiting_list_keeps_the_order_of_replies(agency, staff):
    event = make_event(agency, staff, capacity=1)
    reply(agency, event, "Ana")
    waiting = [reply(agency, event, name) for name in ("Ben", "Cy", "Di")]
    assert [services.waiting_position(Rsvp.objects.get(pk=w.rsvp.pk)) for w in waiting] == [1, 2, 3]

    services.cancel_rsvp(agency, waiting[0].token)

    assert services.waiting_position(Rsvp.objects.get(pk=waiting[0].rsvp.pk)) is None
    assert [services.waiting_position(Rsvp.objects.get(pk=w.rsvp.pk)) for w in waiting[1:]] == [1, 2]


def test_a_freed_place_goes_to_the_first_waiting_party_that_fits_skipping_one_too_big(agency, staff):
    event = make_event(agency, staff, capacity=4)
    first, second = reply(agency, event, "Ana", 2), reply(agency, event, "Ben", 2)
    family, single, couple = reply(agency, event, "Cy", 3), reply(agency, event, "Di", 1), reply(agency, event, "Ed", 2)
    assert {status_of(r) for r in (family, single, couple)} == {RsvpStatus.WAITLISTED}

    services.cancel_rsvp(agency, first.token)  # two places free: the family of three does not fit, Di does

    assert status_of(family) == RsvpStatus.WAITLISTED
    assert status_of(single) == RsvpStatus.CONFIRMED
    assert status_of(couple) == RsvpStatus.WAITLISTED  # one place left, a party of two does not fit
    assert Rsvp.objects.get(pk=single.rsvp.pk).promoted_at is not None

    services.cancel_rsvp(agency, second.token)  # three places free: now the family fits, and comes first

    assert status_of(family) == RsvpStatus.CONFIRMED
    assert status_of(couple) == RsvpStatus.WAITLISTED
    assert services.places_taken(event) == 4


def test_the_resident_given_a_freed_place_is_told_by_email(agency, staff, django_capture_on_commit_callbacks):
    event = make_event(agency, staff, capacity=1)
    first = reply(agency, event, "Ana")
    reply(agency, event, "Ben")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_rsvp(agency, first.token)

    assert [message.to for message in mail.outbox] == [["ben@example.org"]]
    assert "Mill Creek forum" in mail.outbox[0].subject
    assert "/events/rsvp/" in mail.outbox[0].body  # the link to the place, its QR code, and to cancel


def test_a_reply_to_a_full_event_is_told_it_is_on_the_waiting_list(agency, staff, django_capture_on_commit_callbacks):
    event = make_event(agency, staff, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        reply(agency, event, "Ana")
        reply(agency, event, "Ben")
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert "waiting list" in subjects["ben@example.org"]
    assert "waiting list" not in subjects["ana@example.org"]


def test_a_reply_without_an_email_address_sends_nothing(agency, staff, django_capture_on_commit_callbacks):
    event = make_event(agency, staff)
    with django_capture_on_commit_callbacks(execute=True):
        reply(agency, event, "Ana", email="")
    assert mail.outbox == []


# ---------------------------------------------------------------- what is refused

def test_a_reply_needs_a_name_and_a_party_of_one_to_ten(agency, staff):
    event = make_event(agency, staff)
    with pytest.raises(EngagementError, match="name"):
        services.rsvp(agency, event, name="   ")
    for size in (0, services.MAX_PARTY_SIZE + 1):
        with pytest.raises(EngagementError, match="1 to 10"):
            services.rsvp(agency, event, name="Ana", party_size=size)
    assert not Rsvp.objects.exists()


def test_a_reply_after_the_event_started_is_refused(agency, staff):
    event = make_event(agency, staff, starts=timezone.now() - timedelta(minutes=5))
    with pytest.raises(EngagementError, match="no longer taking replies"):
        reply(agency, event, "Ana")
    assert not services.accepts_rsvps(event)


def test_a_reply_to_another_agencys_event_is_refused(agency, other_agency, staff):
    event = make_event(agency, staff)
    with pytest.raises(EngagementError):
        reply(other_agency, event, "Ana")
    assert not Rsvp.objects.exists()


def test_cancelling_twice_is_harmless(agency, staff):
    event = make_event(agency, staff, capacity=1)
    first = reply(agency, event, "Ana")
    waiting = reply(agency, event, "Ben")
    services.cancel_rsvp(agency, first.token)
    cancelled_at = Rsvp.objects.get(pk=first.rsvp.pk).cancelled_at
    events_before = AuditEvent.objects.count()

    again = services.cancel_rsvp(agency, first.token)

    assert again.status == RsvpStatus.CANCELLED and again.cancelled_at == cancelled_at
    assert AuditEvent.objects.count() == events_before
    assert status_of(waiting) == RsvpStatus.CONFIRMED and services.places_taken(event) == 1


def test_cancelling_after_being_checked_in_is_refused(agency, staff, cast):
    event = make_event(agency, staff)
    result = reply(agency, event, "Ana")
    services.check_in(cast[Role.OFFICER], result.rsvp)
    with pytest.raises(EngagementError, match="already been checked in"):
        services.cancel_rsvp(agency, result.token)
    assert status_of(result) == RsvpStatus.CONFIRMED


def test_a_link_works_only_on_its_own_agencys_site(agency, other_agency, staff):
    event = make_event(agency, staff)
    result = reply(agency, event, "Ana")
    assert services.find_rsvp(agency, result.token).pk == result.rsvp.pk
    assert services.find_rsvp(other_agency, result.token) is None
    assert services.find_rsvp(agency, "not-a-token") is None and services.find_rsvp(agency, "x" * 65) is None
    with pytest.raises(EngagementError, match="not valid"):
        services.cancel_rsvp(other_agency, result.token)


# ---------------------------------------------------------------- privacy

def test_the_audit_log_never_holds_a_residents_name_or_email(agency, staff, cast):
    event = make_event(agency, staff, capacity=1)
    first = services.rsvp(agency, event, name="Zelda Quixote", email="zelda.quixote@example.org")
    waiting = services.rsvp(agency, event, name="Yannick Xavier", email="yannick.xavier@example.org")
    services.cancel_rsvp(agency, first.token)
    services.check_in(cast[Role.OFFICER], Rsvp.objects.get(pk=waiting.rsvp.pk))

    written = AuditEvent.objects.filter(action__startswith="engagement.rsvp") | AuditEvent.objects.filter(
        action="engagement.checked_in")
    actions = set(written.values_list("action", flat=True))
    assert {"engagement.rsvp_received", "engagement.rsvp_cancelled", "engagement.rsvp_promoted",
            "engagement.checked_in"} <= actions
    by_resident = written.filter(action__in=["engagement.rsvp_received", "engagement.rsvp_cancelled"])
    assert set(by_resident.values_list("actor", "actor_label")) == {(None, "anonymous")}
    dumped = json.dumps([[e.actor_label, e.changes] for e in AuditEvent.objects.all()]).lower()
    for secret in ("zelda", "quixote", "yannick", "xavier", first.token, waiting.token):
        assert secret not in dumped


def test_names_and_email_addresses_are_encrypted_at_rest(agency, staff):
    event = make_event(agency, staff)
    services.rsvp(agency, event, name="Zelda Quixote", email="zelda.quixote@example.org")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, email, token_hash FROM {Rsvp._meta.db_table}")  # noqa: S608
        name, email, token_hash = cursor.fetchone()
    assert "Zelda" not in name and "zelda" not in email and len(token_hash) == 64
    stored = Rsvp.objects.get()
    assert (stored.name, stored.email) == ("Zelda Quixote", "zelda.quixote@example.org")


# ---------------------------------------------------------------- reminders

def local(agency, day, hour, minute=0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zoneinfo.ZoneInfo(agency.timezone))


@pytest.fixture
def evening(agency):
    """20:00 on the agency's clocks a week from now, when it is already the next day in UTC."""
    zone = zoneinfo.ZoneInfo(agency.timezone)
    day = timezone.now().astimezone(zone).date() + timedelta(days=7)
    moment = local(agency, day, 20)
    assert moment.astimezone(zoneinfo.ZoneInfo("UTC")).date() != day
    return moment


def test_reminders_go_once_and_only_for_events_tomorrow_in_agency_time(
        agency, staff, evening, django_capture_on_commit_callbacks):
    tomorrow = evening.date() + timedelta(days=1)
    # Tomorrow evening in Chicago is still "today" in UTC at the moment the job runs; the morning after
    # tomorrow is "tomorrow" in UTC and only 35 hours away, but two days away on the agency's clocks.
    due = make_event(agency, staff, starts=local(agency, tomorrow, 18), title="Tomorrow evening", capacity=2)
    early = make_event(agency, staff, starts=local(agency, tomorrow, 9), title="Tomorrow morning")
    day_after = make_event(agency, staff, starts=local(agency, tomorrow + timedelta(days=1), 7),
                           title="Day after tomorrow")
    tonight = make_event(agency, staff, starts=evening + timedelta(hours=2), title="Tonight")
    reply(agency, due, "Ana", 2)
    reply(agency, due, "Ben")  # waiting: no reminder
    reply(agency, due, "Cy", email="")  # no address
    cancelled = reply(agency, early, "Fay")
    services.cancel_rsvp(agency, cancelled.token)
    reply(agency, early, "Gus")
    reply(agency, day_after, "Di")
    reply(agency, tonight, "Ed")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_reminders(now=evening)

    assert sent == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["ana@example.org", "gus@example.org"]
    assert all(message.subject.startswith("Tomorrow:") for message in mail.outbox)
    assert Rsvp.objects.filter(reminder_sent_at=evening).count() == 2

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(now=evening + timedelta(hours=1)) == 0
    assert mail.outbox == []


def test_a_cancelled_event_sends_no_reminder(agency, staff, evening, django_capture_on_commit_callbacks):
    event = make_event(agency, staff, starts=local(agency, evening.date() + timedelta(days=1), 18))
    reply(agency, event, "Ana")
    services.cancel_event(staff, event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(now=evening) == 0
    assert mail.outbox == []
