"""Recording crisis responses and managing the team: the rules the services enforce."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Officer
from commonbeat.crisis import services
from commonbeat.crisis.models import Availability, MemberKind, Outcome, ResponderKind, Shift, Weekday

from .conftest import clinician_member, mental_health_partner, officer_member


def _details(agency, **changes) -> services.ResponseDetails:
    values = dict(occurred_at=timezone.now() - timedelta(hours=2), call_type="welfare_check", minutes_on_scene=40,
                  outcomes={Outcome.RESOLVED_ON_SCENE}, notes="Calm after twenty minutes.")
    values.update(changes)
    return services.ResponseDetails(**values)


def test_an_officer_and_a_clinician_together_are_recorded_as_a_co_responder_team(agency, cast):
    officer, clinician = officer_member(agency), clinician_member(agency)
    response = services.record_response(cast[Role.OFFICER], agency, _details(
        agency, officers=[officer], clinicians=[clinician]))
    assert response.responder_kind == ResponderKind.CO_RESPONDER
    assert list(response.officers.all()) == [officer] and list(response.clinicians.all()) == [clinician]
    assert response.resolved_on_scene and not response.arrest


def test_who_responded_decides_officer_only_and_clinician_only(agency, cast):
    officer_only = services.record_response(cast[Role.OFFICER], agency, _details(
        agency, officers=[officer_member(agency)]))
    clinician_only = services.record_response(cast[Role.OFFICER], agency, _details(
        agency, clinicians=[clinician_member(agency)]))
    assert officer_only.responder_kind == ResponderKind.OFFICER_ONLY
    assert clinician_only.responder_kind == ResponderKind.CLINICIAN_ONLY


def test_a_response_needs_someone_who_responded_and_an_outcome(agency, cast):
    with pytest.raises(services.CrisisError, match="at least one officer or clinician"):
        services.record_response(cast[Role.OFFICER], agency, _details(agency))
    with pytest.raises(services.CrisisError, match="at least one outcome"):
        services.record_response(cast[Role.OFFICER], agency, _details(
            agency, officers=[officer_member(agency)], outcomes=set()))


def test_a_response_cannot_be_in_the_future_or_list_a_clinician_as_an_officer(agency, cast):
    with pytest.raises(services.CrisisError, match="not come yet"):
        services.record_response(cast[Role.OFFICER], agency, _details(
            agency, officers=[officer_member(agency)], occurred_at=timezone.now() + timedelta(hours=1)))
    with pytest.raises(services.CrisisError, match="Only officers"):
        services.record_response(cast[Role.OFFICER], agency, _details(agency, officers=[clinician_member(agency)]))


def test_a_member_of_another_agency_cannot_be_listed(agency, other_agency, cast):
    with pytest.raises(PermissionDenied):
        services.record_response(cast[Role.OFFICER], agency, _details(agency, officers=[officer_member(other_agency)]))


def test_roles_without_the_action_cannot_record_or_manage(agency, cast):
    with pytest.raises(PermissionDenied):
        services.record_response(cast[Role.BOARD_MEMBER], agency, _details(agency, officers=[officer_member(agency)]))
    with pytest.raises(PermissionDenied):
        services.add_member(cast[Role.OFFICER], agency, services.MemberDetails(
            kind=MemberKind.CLINICIAN, clinician_name="A", partner=mental_health_partner(agency)))


def test_the_audit_event_keeps_codes_but_never_the_notes(agency, cast):
    response = services.record_response(cast[Role.CRISIS_COORDINATOR], agency, _details(
        agency, officers=[officer_member(agency)], notes="Sister Rosa Lopez on scene"))
    event = AuditEvent.objects.get(action="crisis.response_recorded", object_id=str(response.pk))
    assert event.changes["responder_kind"] == "officer_only"
    assert "Rosa" not in str(event.changes)


def test_an_officer_joins_the_team_once_and_a_clinician_needs_an_organisation(agency, cast):
    coordinator = cast[Role.CRISIS_COORDINATOR]
    officer = Officer.objects.filter(agency=agency).first()
    member = services.add_member(coordinator, agency, services.MemberDetails(kind=MemberKind.OFFICER, officer=officer))
    assert member.officer == officer and member.is_active
    with pytest.raises(services.CrisisError, match="already on the crisis team"):
        services.add_member(coordinator, agency, services.MemberDetails(kind=MemberKind.OFFICER, officer=officer))
    with pytest.raises(services.CrisisError, match="partner organisation"):
        services.add_member(coordinator, agency, services.MemberDetails(kind=MemberKind.CLINICIAN,
                                                                        clinician_name="Dana Whitfield"))


def test_a_clinician_works_for_a_partner_of_the_same_agency(agency, other_agency, cast):
    with pytest.raises(PermissionDenied):
        services.add_member(cast[Role.CRISIS_COORDINATOR], agency, services.MemberDetails(
            kind=MemberKind.CLINICIAN, clinician_name="Dana Whitfield", partner=mental_health_partner(other_agency)))


def test_availability_is_replaced_by_the_shifts_chosen(agency, cast):
    member = clinician_member(agency)
    coordinator = cast[Role.CRISIS_COORDINATOR]
    services.set_availability(coordinator, member, {(Weekday.MONDAY, Shift.DAY), (Weekday.FRIDAY, Shift.NIGHT)})
    services.set_availability(coordinator, member, {(Weekday.TUESDAY, Shift.EVENING)})
    assert list(Availability.objects.filter(member=member).values_list("weekday", "shift")) == [(1, "evening")]


def test_times_are_read_in_the_agency_time_zone(agency, cast):
    moment = datetime(2026, 1, 5, 23, 30, tzinfo=zoneinfo.ZoneInfo(agency.timezone))
    response = services.record_response(cast[Role.OFFICER], agency, _details(
        agency, occurred_at=moment, officers=[officer_member(agency)]))
    response.refresh_from_db()
    assert response.occurred_at == moment
