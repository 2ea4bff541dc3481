"""Planning events: what staff may create and change, what a change of capacity does to the waiting list, and
what cancelling an event does to the people who replied."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Unit
from commonbeat.engagement import services
from commonbeat.engagement.models import Event, EventKind, EventStatus, Rsvp, RsvpStatus
from commonbeat.engagement.services import EngagementError

from ..factories import make_user


def details(agency, **changes) -> services.EventDetails:
    starts = changes.pop("starts_at", timezone.now() + timedelta(days=3))
    fields = {"kind": services.event_kinds(agency).get(slug="community-meeting"),
              "title": {"en": "Mill Creek forum", "es": "Foro de Mill Creek"}, "starts_at": starts,
              "ends_at": starts + timedelta(hours=2), "address": "1 Main St", "organiser": "Community Engagement",
              "latitude": 40.005, "longitude": -89.995, "capacity": 2}
    fields.update(changes)
    return services.EventDetails(**fields)


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


@pytest.fixture
def event(agency, staff):
    return services.create_event(staff, agency, details(agency))


def test_every_agency_starts_with_the_standard_kinds_in_both_languages(agency, other_agency):
    kinds = services.event_kinds(agency)
    assert [kind.slug for kind in kinds] == [slug for slug, *_ in services.STANDARD_KINDS]
    assert kinds.get(slug="safety-workshop").is_workshop
    assert kinds.get(slug="town-hall").name_in("es") == "Asamblea pública"
    assert services.event_kinds(other_agency).count() == len(services.STANDARD_KINDS)
    assert EventKind.objects.count() == 2 * len(services.STANDARD_KINDS)


def test_staff_add_a_kind_of_their_own_once(agency, staff):
    kind = services.add_event_kind(staff, agency, slug="walk-and-talk", name={"en": "Walk and talk", "es": ""})
    assert kind.name == {"en": "Walk and talk"}
    with pytest.raises(EngagementError, match="already"):
        services.add_event_kind(staff, agency, slug="walk-and-talk", name={"en": "Again"})
    with pytest.raises(EngagementError, match="English"):
        services.add_event_kind(staff, agency, slug="nameless", name={"es": "Sin nombre"})


def test_a_new_event_is_published_with_its_neighbourhood_and_an_audit_event(agency, staff, event):
    assert event.status == EventStatus.SCHEDULED and event.created_by == staff
    assert event.neighbourhood.slug == "alpha-north-end"
    assert event.title_in("es") == "Foro de Mill Creek"
    logged = AuditEvent.objects.get(action="engagement.event_created")
    assert logged.actor == staff and logged.object_id == str(event.pk)
    assert logged.changes["neighbourhood"] == "alpha-north-end"


def test_an_event_without_a_map_point_has_no_neighbourhood(agency, staff):
    event = services.create_event(staff, agency, details(agency, latitude=None, longitude=None))
    assert event.neighbourhood is None


def test_an_event_outside_every_neighbourhood_has_none(agency, staff):
    event = services.create_event(staff, agency, details(agency, latitude=41.5, longitude=-95.0))
    assert event.neighbourhood is None


@pytest.mark.parametrize(("changes", "message"), [
    (lambda starts: {"title": {"es": "Solo en español"}}, "title in English"),
    (lambda starts: {"ends_at": starts}, "end after it starts"),
    (lambda starts: {"ends_at": starts + timedelta(hours=25)}, "at most 24 hours"),
    (lambda starts: {"latitude": 40.0, "longitude": None}, "both the latitude and the longitude"),
    (lambda starts: {"latitude": 95.0, "longitude": -89.0}, "not a valid latitude"),
])
def test_an_event_that_does_not_make_sense_is_refused(agency, staff, changes, message):
    starts = timezone.now() + timedelta(days=3)
    with pytest.raises(EngagementError, match=message):
        services.create_event(staff, agency, details(agency, starts_at=starts, **changes(starts)))
    assert not Event.objects.exists()


def test_another_agencys_kind_or_unit_is_refused(agency, other_agency, staff):
    with pytest.raises(EngagementError, match="kinds"):
        services.create_event(staff, agency, details(agency, kind=services.event_kinds(other_agency).first()))
    with pytest.raises(EngagementError, match="units"):
        services.create_event(staff, agency, details(agency, organising_unit=Unit.objects.get(agency=other_agency)))


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.OFFICER, Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER])
def test_only_engagement_staff_and_admins_plan_events(agency, cast, role):
    with pytest.raises(PermissionDenied):
        services.create_event(cast[role], agency, details(agency))
    services.create_event(cast[Role.AGENCY_ADMIN], agency, details(agency))
    assert Event.objects.count() == 1


def test_another_agencys_staff_cannot_change_or_cancel_an_event(other_agency, event):
    stranger = make_user(other_agency, Role.ENGAGEMENT_STAFF, "beta_staff")
    with pytest.raises(PermissionDenied):
        services.update_event(stranger, event, details(event.agency, capacity=10))
    with pytest.raises(PermissionDenied):
        services.cancel_event(stranger, event)
    with pytest.raises(PermissionDenied):
        services.create_event(stranger, event.agency, details(event.agency))
    assert Event.objects.get(pk=event.pk).status == EventStatus.SCHEDULED


def test_raising_the_capacity_gives_waiting_residents_their_places(
        agency, staff, event, django_capture_on_commit_callbacks):
    services.rsvp(agency, event, name="Ana", email="ana@example.org", party_size=2)
    ben = services.rsvp(agency, event, name="Ben", email="ben@example.org", party_size=2)
    cy = services.rsvp(agency, event, name="Cy", email="cy@example.org", party_size=3)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.update_event(staff, event, details(agency, capacity=5))

    assert Rsvp.objects.get(pk=ben.rsvp.pk).status == RsvpStatus.CONFIRMED
    assert Rsvp.objects.get(pk=cy.rsvp.pk).status == RsvpStatus.WAITLISTED  # one place left, a party of three
    assert [message.to for message in mail.outbox] == [["ben@example.org"]]
    assert AuditEvent.objects.filter(action="engagement.rsvp_promoted").count() == 1


def test_removing_the_limit_confirms_everyone_waiting(agency, staff, event):
    services.rsvp(agency, event, name="Ana", party_size=2)
    waiting = [services.rsvp(agency, event, name=name, party_size=4) for name in ("Ben", "Cy")]
    services.update_event(staff, event, details(agency, capacity=None))
    assert {Rsvp.objects.get(pk=w.rsvp.pk).status for w in waiting} == {RsvpStatus.CONFIRMED}


def test_the_capacity_cannot_go_below_the_places_already_confirmed(agency, staff, event):
    services.rsvp(agency, event, name="Ana", party_size=2)
    with pytest.raises(EngagementError, match="2 places are already confirmed"):
        services.update_event(staff, event, details(agency, capacity=1))
    assert Event.objects.get(pk=event.pk).capacity == 2
    services.update_event(staff, event, details(agency, capacity=2, title={"en": "Renamed"}))
    assert Event.objects.get(pk=event.pk).title == {"en": "Renamed"}


def test_a_change_moves_the_event_to_the_neighbourhood_of_its_new_point(agency, staff, event):
    services.update_event(staff, event, details(agency, longitude=-89.985))
    assert Event.objects.get(pk=event.pk).neighbourhood.slug == "alpha-south-end"
    logged = AuditEvent.objects.get(action="engagement.event_updated")
    assert logged.changes["before"]["neighbourhood"] == "alpha-north-end"
    assert logged.changes["after"]["neighbourhood"] == "alpha-south-end"


def test_cancelling_an_event_tells_everyone_with_a_place_or_waiting(
        agency, staff, event, django_capture_on_commit_callbacks):
    services.rsvp(agency, event, name="Ana", email="ana@example.org", party_size=2)
    services.rsvp(agency, event, name="Ben", email="ben@example.org")  # waiting
    services.rsvp(agency, event, name="Cy")  # no address
    gone = services.rsvp(agency, event, name="Di", email="di@example.org")
    services.cancel_rsvp(agency, gone.token)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(staff, event, reason="The hall flooded.")

    assert sorted(message.to[0] for message in mail.outbox) == ["ana@example.org", "ben@example.org"]
    assert all(message.subject.startswith("Cancelled:") for message in mail.outbox)
    assert Event.objects.get(pk=event.pk).is_cancelled
    assert AuditEvent.objects.get(action="engagement.event_cancelled").changes == {"reason": "The hall flooded."}


def test_a_cancelled_event_refuses_replies_changes_and_check_ins(agency, staff, event, cast):
    ana = services.rsvp(agency, event, name="Ana")
    services.cancel_event(staff, event)
    event.refresh_from_db()
    with pytest.raises(EngagementError, match="no longer taking replies"):
        services.rsvp(agency, event, name="Ben")
    with pytest.raises(EngagementError, match="cancelled"):
        services.update_event(staff, event, details(agency))
    with pytest.raises(EngagementError, match="already cancelled"):
        services.cancel_event(staff, event)
    with pytest.raises(EngagementError, match="cancelled"):
        services.check_in(cast[Role.OFFICER], ana.rsvp)
    with pytest.raises(EngagementError, match="cancelled"):
        services.record_walk_ins(cast[Role.OFFICER], event, 3)
    assert not services.accepts_rsvps(event)
