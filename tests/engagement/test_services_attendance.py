"""At the event and after it: checking residents in, counting walk-ins, officers' participation, concerns
written down, and the feedback survey sent to the people who came."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Neighbourhood, Officer
from commonbeat.engagement import services
from commonbeat.engagement.models import (
    Attendance,
    CheckInMethod,
    Concern,
    Event,
    OfficerParticipation,
    ParticipationRole,
    Rsvp,
)
from commonbeat.engagement.services import EngagementError
from commonbeat.surveys.models import Survey, SurveyStatus

from ..factories import make_user


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


@pytest.fixture
def officer_user(cast):
    return cast[Role.OFFICER]


@pytest.fixture
def event(agency, staff) -> Event:
    starts = timezone.now() + timedelta(days=2)
    return services.create_event(staff, agency, services.EventDetails(
        kind=services.event_kinds(agency).get(slug="coffee-with-officers"),
        title={"en": "Coffee with officers", "es": "Café con agentes"}, starts_at=starts,
        ends_at=starts + timedelta(hours=2), address="1 Main St", organiser="Community Engagement",
        latitude=40.005, longitude=-89.995, capacity=3))


@pytest.fixture
def officer(agency) -> Officer:
    return Officer.objects.get(agency=agency)


def held(event: Event, days_ago: int = 1) -> Event:
    """Move the event into the past, as if the days had gone by."""
    starts = timezone.now() - timedelta(days=days_ago)
    Event.objects.filter(pk=event.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))
    event.refresh_from_db()
    return event


# ---------------------------------------------------------------- check-in

def test_an_officer_checks_a_resident_in_from_the_list_for_the_whole_party(agency, event, officer_user):
    ana = services.rsvp(agency, event, name="Ana", party_size=2)
    attendance = services.check_in(officer_user, ana.rsvp)
    assert (attendance.people, attendance.method, attendance.recorded_by) == (2, CheckInMethod.RSVP_LIST,
                                                                              officer_user)
    assert services.attendance_count(event) == 2
    logged = AuditEvent.objects.get(action="engagement.checked_in")
    assert logged.changes == {"rsvp": ana.rsvp.pk, "method": "rsvp_list", "people": 2}


def test_a_resident_shows_the_qr_code_at_the_door(agency, event, staff):
    ana = services.rsvp(agency, event, name="Ana")
    assert services.check_in(staff, ana.rsvp, method=CheckInMethod.QR_CODE).method == CheckInMethod.QR_CODE


def test_a_resident_is_checked_in_once(agency, event, staff):
    ana = services.rsvp(agency, event, name="Ana")
    services.check_in(staff, ana.rsvp)
    with pytest.raises(EngagementError, match="Already checked in"):
        services.check_in(staff, ana.rsvp, method=CheckInMethod.QR_CODE)
    assert Attendance.objects.count() == 1


def test_someone_from_the_waiting_list_who_comes_anyway_is_welcome(agency, event, staff):
    services.rsvp(agency, event, name="Ana", party_size=3)
    ben = services.rsvp(agency, event, name="Ben")
    assert services.check_in(staff, ben.rsvp).people == 1


def test_a_cancelled_reply_cannot_be_checked_in_nor_a_walk_in_by_name(agency, event, staff):
    ana = services.rsvp(agency, event, name="Ana")
    services.cancel_rsvp(agency, ana.token)
    with pytest.raises(EngagementError, match="cancelled"):
        services.check_in(staff, Rsvp.objects.get(pk=ana.rsvp.pk))
    ben = services.rsvp(agency, event, name="Ben")
    with pytest.raises(EngagementError, match="Walk-ins are counted"):
        services.check_in(staff, ben.rsvp, method=CheckInMethod.WALK_IN)
    assert not Attendance.objects.exists()


def test_walk_ins_are_counted_in_batches(agency, event, officer_user):
    ana = services.rsvp(agency, event, name="Ana", party_size=2)
    services.check_in(officer_user, ana.rsvp)
    services.record_walk_ins(officer_user, event, 12)
    services.record_walk_ins(officer_user, event, 3)
    assert services.attendance_count(event) == 17
    assert Attendance.objects.filter(method=CheckInMethod.WALK_IN, rsvp=None).count() == 2


@pytest.mark.parametrize("people", [0, -1, 10_001])
def test_a_walk_in_count_out_of_bounds_is_refused(event, staff, people):
    with pytest.raises(EngagementError, match="from 1 to 10,000"):
        services.record_walk_ins(staff, event, people)


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.INVESTIGATOR, Role.TRAINING_COORDINATOR])
def test_only_people_running_the_event_check_in(agency, event, cast, role):
    ana = services.rsvp(agency, event, name="Ana")
    with pytest.raises(PermissionDenied):
        services.check_in(cast[role], ana.rsvp)
    with pytest.raises(PermissionDenied):
        services.record_walk_ins(cast[role], event, 4)
    assert not Attendance.objects.exists()


def test_another_agencys_officer_cannot_check_in_or_log_anything(agency, other_agency, event, officer):
    stranger = make_user(other_agency, Role.OFFICER, "beta_officer")
    ana = services.rsvp(agency, event, name="Ana")
    for attempt in (lambda: services.check_in(stranger, ana.rsvp),
                    lambda: services.record_walk_ins(stranger, event, 2),
                    lambda: services.log_participation(stranger, event, officer, role="host", hours=Decimal(2)),
                    lambda: services.record_concern(stranger, event, "Speeding")):
        with pytest.raises(PermissionDenied):
            attempt()
    assert not Attendance.objects.exists() and not OfficerParticipation.objects.exists()


# ---------------------------------------------------------------- officer participation

def test_an_officer_logs_participation_and_a_correction_updates_the_same_record(event, officer, officer_user):
    services.log_participation(officer_user, event, officer, role=ParticipationRole.HOST, hours=Decimal("2"))
    corrected = services.log_participation(officer_user, event, officer, role=ParticipationRole.PRESENTER,
                                           hours=Decimal("2.5"))
    stored = OfficerParticipation.objects.get()
    assert stored.pk == corrected.pk
    assert (stored.role, stored.hours) == (ParticipationRole.PRESENTER, Decimal("2.50"))
    logs = AuditEvent.objects.filter(action="engagement.participation_logged").order_by("id")
    assert [log.changes["corrected"] for log in logs] == [False, True]


@pytest.mark.parametrize(("hours", "accepted"), [("0.24", False), ("0.25", True), ("24", True), ("24.25", False),
                                                 ("-1", False)])
def test_hours_are_from_a_quarter_hour_to_a_day(event, officer, staff, hours, accepted):
    if accepted:
        services.log_participation(staff, event, officer, role=ParticipationRole.SUPPORT, hours=Decimal(hours))
        assert OfficerParticipation.objects.get().hours == Decimal(hours)
    else:
        with pytest.raises(EngagementError, match="from 0.25 to 24"):
            services.log_participation(staff, event, officer, role=ParticipationRole.SUPPORT, hours=Decimal(hours))
        assert not OfficerParticipation.objects.exists()


def test_participation_needs_a_role_and_one_of_the_agencys_officers(event, officer, staff, other_agency):
    with pytest.raises(EngagementError, match="Choose a role"):
        services.log_participation(staff, event, officer, role="mascot", hours=Decimal(1))
    with pytest.raises(EngagementError, match="agency's officers"):
        services.log_participation(staff, event, Officer.objects.get(agency=other_agency), role="host",
                                   hours=Decimal(1))


def test_participation_can_be_removed(event, officer, staff):
    participation = services.log_participation(staff, event, officer, role="host", hours=Decimal(1))
    services.remove_participation(staff, participation)
    assert not OfficerParticipation.objects.exists()
    assert AuditEvent.objects.filter(action="engagement.participation_removed").exists()


def test_a_board_member_cannot_log_participation(event, officer, cast):
    with pytest.raises(PermissionDenied):
        services.log_participation(cast[Role.BOARD_MEMBER], event, officer, role="host", hours=Decimal(1))


# ---------------------------------------------------------------- concerns

def test_a_concern_belongs_to_the_events_neighbourhood_unless_told(agency, event, officer_user):
    concern = services.record_concern(officer_user, event, "  Speeding on Main St after school.  ")
    assert concern.text == "Speeding on Main St after school."
    assert concern.neighbourhood == event.neighbourhood and concern.recorded_by == officer_user
    south = Neighbourhood.objects.get(agency=agency, slug="alpha-south-end")
    assert services.record_concern(officer_user, event, "Dark streets", neighbourhood=south).neighbourhood == south
    assert AuditEvent.objects.filter(action="engagement.concern_recorded").count() == 2


def test_an_empty_concern_or_another_agencys_neighbourhood_is_refused(event, staff, other_agency):
    with pytest.raises(EngagementError, match="Write down"):
        services.record_concern(staff, event, "   ")
    with pytest.raises(EngagementError, match="agency's neighbourhoods"):
        services.record_concern(staff, event, "Noise", neighbourhood=Neighbourhood.objects.filter(
            agency=other_agency).first())
    assert not Concern.objects.exists()


# ---------------------------------------------------------------- feedback after the event

def test_feedback_is_asked_for_only_once_the_event_is_over(agency, event, staff):
    with pytest.raises(EngagementError, match="once the event is over"):
        services.request_feedback(staff, event)
    assert not Survey.objects.exists()


def test_feedback_opens_a_two_question_survey_and_emails_only_people_who_came_with_an_address(
        agency, event, staff, django_capture_on_commit_callbacks):
    came = services.rsvp(agency, event, name="Ana", email="ana@example.org", language="es")
    no_address = services.rsvp(agency, event, name="Ben")
    stayed_home = services.rsvp(agency, event, name="Cy", email="cy@example.org")
    for result in (came, no_address):
        services.check_in(staff, result.rsvp)
    held(event)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        asked = services.request_feedback(staff, event)

    assert asked == 1
    event.refresh_from_db()
    survey = Survey.objects.get(agency=agency, slug=event.feedback_survey_slug)
    assert survey.status == SurveyStatus.OPEN and not survey.counts_toward_trust_index
    assert [q.code for q in survey.questions.order_by("position")] == ["useful", "improve"]
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    assert f"/{event.feedback_survey_slug}/" in mail.outbox[0].body
    assert Rsvp.objects.get(pk=came.rsvp.pk).feedback_requested_at is not None
    assert Rsvp.objects.get(pk=stayed_home.rsvp.pk).feedback_requested_at is None

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_feedback(staff, event) == 0
    assert mail.outbox == [] and Survey.objects.count() == 1


def test_the_feedback_survey_stops_taking_answers_after_thirty_days(agency, event, staff):
    ana = services.rsvp(agency, event, name="Ana", email="ana@example.org")
    services.check_in(staff, ana.rsvp)
    held(event)
    services.request_feedback(staff, event)
    survey = Survey.objects.get(agency=agency, slug=Event.objects.get(pk=event.pk).feedback_survey_slug)
    assert survey.closes_at is not None
    assert timezone.now() + timedelta(days=29) < survey.closes_at <= timezone.now() + timedelta(days=30)


def test_people_checked_in_after_the_first_request_are_asked_the_second_time(
        agency, event, staff, django_capture_on_commit_callbacks):
    first = services.rsvp(agency, event, name="Ana", email="ana@example.org")
    late = services.rsvp(agency, event, name="Ben", email="ben@example.org")
    services.check_in(staff, first.rsvp)
    held(event)
    services.request_feedback(staff, event)
    services.check_in(staff, late.rsvp)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_feedback(staff, event) == 1
    assert [message.to for message in mail.outbox] == [["ben@example.org"]]


def test_feedback_is_not_asked_for_a_cancelled_event_nor_by_an_officer(agency, event, staff, officer_user):
    held(event)
    with pytest.raises(PermissionDenied):
        services.request_feedback(officer_user, event)
    services.cancel_event(staff, event)
    with pytest.raises(EngagementError, match="cancelled"):
        services.request_feedback(staff, event)
    assert not Survey.objects.exists()
