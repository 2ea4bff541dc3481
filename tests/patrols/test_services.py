"""Logging foot and bike patrols, and setting the weekly targets they are measured against."""

import json
import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Neighbourhood, Officer
from commonbeat.patrols import services
from commonbeat.patrols.models import Mode, Patrol, PatrolTarget, RouteSource
from commonbeat.patrols.services import PatrolDetails, PatrolError

from ..factories import make_user

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = datetime(2025, 3, 18, 15, 0, tzinfo=CHICAGO)  # a Tuesday afternoon
NORTH_ONLY = {"type": "MultiLineString", "coordinates": [[[-89.998, 40.002], [-89.995, 40.004]]]}
ACROSS = {"type": "MultiLineString", "coordinates": [[[-89.996, 40.005], [-89.992, 40.006], [-89.985, 40.004]]]}


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def pat(agency, cast) -> Officer:
    """Officer Pat Alphason, whose account has the officer role."""
    officer = Officer.objects.get(agency=agency, badge_number="101")
    officer.user = cast[Role.OFFICER]
    officer.save()
    return officer


@pytest.fixture
def sam(agency) -> Officer:
    """Another officer, without an account."""
    return Officer.objects.create(agency=agency, badge_number="102", first_name="Sam", last_name="Second",
                                  rank="Officer", active_from=date(2021, 1, 1))


@pytest.fixture
def north(agency):
    return Neighbourhood.objects.get(agency=agency, slug="alpha-north-end")


@pytest.fixture
def south(agency):
    return Neighbourhood.objects.get(agency=agency, slug="alpha-south-end")


def details(officer, **changes) -> PatrolDetails:
    fields = {"officer": officer, "mode": Mode.FOOT, "started_at": NOW - timedelta(hours=5),
              "ended_at": NOW - timedelta(hours=3)}
    fields.update(changes)
    return PatrolDetails(**fields)


# ---------------------------------------------------------------- logging

def test_an_officer_logs_a_patrol_of_their_own(agency, cast, pat, north):
    patrol = services.log_patrol(cast[Role.OFFICER], agency, details(
        pat, neighbourhoods=[north], positive_contacts=9, businesses_visited=3, notes="  Quiet.  "))
    stored = Patrol.objects.get(pk=patrol.pk)
    assert (stored.officer, stored.mode, stored.hours) == (pat, Mode.FOOT, 2.0)
    assert list(stored.neighbourhoods.all()) == [north]
    assert (stored.positive_contacts, stored.businesses_visited, stored.notes) == (9, 3, "Quiet.")
    assert stored.logged_by == cast[Role.OFFICER] and stored.logged_at == NOW
    assert stored.route is None and stored.route_source == RouteSource.NONE


def test_the_neighbourhoods_come_from_the_route_when_none_are_ticked(agency, cast, pat, north, south):
    inside = services.log_patrol(cast[Role.OFFICER], agency, details(pat, route=NORTH_ONLY,
                                                                     route_source=RouteSource.DRAWN))
    across = services.log_patrol(cast[Role.OFFICER], agency, details(pat, route=ACROSS, route_source=RouteSource.GPX,
                                                                     mode=Mode.BIKE))
    assert list(inside.neighbourhoods.all()) == [north]
    assert set(across.neighbourhoods.all()) == {north, south}
    assert Patrol.objects.get(pk=across.pk).route_source == RouteSource.GPX


def test_ticked_neighbourhoods_win_over_the_route(agency, cast, pat, south):
    patrol = services.log_patrol(cast[Role.OFFICER], agency, details(pat, neighbourhoods=[south], route=NORTH_ONLY,
                                                                     route_source=RouteSource.DRAWN))
    assert list(patrol.neighbourhoods.all()) == [south]


def test_a_patrol_must_cover_a_neighbourhood(agency, cast, pat):
    with pytest.raises(PatrolError, match="Tick the neighbourhoods"):
        services.log_patrol(cast[Role.OFFICER], agency, details(pat))
    outside = {"type": "MultiLineString", "coordinates": [[[-70.0, 30.0], [-70.1, 30.1]]]}
    with pytest.raises(PatrolError, match="Tick the neighbourhoods"):
        services.log_patrol(cast[Role.OFFICER], agency, details(pat, route=outside))
    assert not Patrol.objects.exists()


@pytest.mark.parametrize(("changes", "message"), [
    ({"ended_at": NOW - timedelta(hours=5)}, "end after it starts"),
    ({"ended_at": NOW - timedelta(hours=6)}, "end after it starts"),
    ({"started_at": NOW - timedelta(hours=17), "ended_at": NOW - timedelta(minutes=59)}, "at most 16 hours"),
    ({"ended_at": NOW + timedelta(minutes=6)}, "in the future"),
    ({"mode": "car"}, "on foot or by bike"),
    ({"positive_contacts": -1}, "cannot be negative"),
])
def test_a_patrol_that_does_not_make_sense_is_refused(agency, cast, pat, north, changes, message):
    with pytest.raises(PatrolError, match=message):
        services.log_patrol(cast[Role.OFFICER], agency, details(pat, neighbourhoods=[north], **changes))
    assert not Patrol.objects.exists()


def test_sixteen_hours_and_an_end_a_few_minutes_ahead_are_accepted(agency, cast, pat, north):
    services.log_patrol(cast[Role.OFFICER], agency, details(
        pat, neighbourhoods=[north], started_at=NOW - timedelta(hours=16), ended_at=NOW))
    services.log_patrol(cast[Role.OFFICER], agency, details(
        pat, neighbourhoods=[north], started_at=NOW - timedelta(hours=1), ended_at=NOW + timedelta(minutes=5)))
    assert Patrol.objects.count() == 2


def test_another_agencys_neighbourhood_is_refused(agency, other_agency, cast, pat):
    theirs = Neighbourhood.objects.filter(agency=other_agency).first()
    with pytest.raises(PatrolError, match="agency's own neighbourhoods"):
        services.log_patrol(cast[Role.OFFICER], agency, details(pat, neighbourhoods=[theirs]))


def test_the_same_form_sent_twice_logs_one_patrol(agency, cast, pat, north):
    first = services.log_patrol(cast[Role.OFFICER], agency, details(pat, neighbourhoods=[north]),
                                idempotency_key="phone-retry-1")
    again = services.log_patrol(cast[Role.OFFICER], agency, details(pat, neighbourhoods=[north]),
                                idempotency_key="phone-retry-1")
    assert first.pk == again.pk and Patrol.objects.count() == 1
    assert AuditEvent.objects.filter(action="patrols.patrol_logged").count() == 1


def test_the_audit_event_never_holds_the_route(agency, cast, pat):
    services.log_patrol(cast[Role.OFFICER], agency, details(pat, route=ACROSS, route_source=RouteSource.GPX))
    logged = AuditEvent.objects.get(action="patrols.patrol_logged")
    assert logged.changes["route"] == "gpx"
    assert logged.changes["neighbourhoods"] == ["alpha-north-end", "alpha-south-end"]
    assert "-89.99" not in json.dumps(logged.changes) and "40.00" not in json.dumps(logged.changes)


# ---------------------------------------------------------------- who may log for whom

def test_an_officer_logs_only_their_own_patrols(agency, cast, pat, sam, north):
    officer_user = cast[Role.OFFICER]
    assert services.may_log_for(officer_user, agency, pat)
    assert not services.may_log_for(officer_user, agency, sam)
    with pytest.raises(PermissionDenied):
        services.log_patrol(officer_user, agency, details(sam, neighbourhoods=[north]))
    assert not Patrol.objects.exists()


def test_an_officer_without_a_linked_record_logs_for_nobody(agency, pat, sam):
    unlinked = make_user(agency, Role.OFFICER, "new_officer")
    assert not services.may_log_for(unlinked, agency, pat) and not services.may_log_for(unlinked, agency, sam)
    assert services.officer_of(unlinked, agency) is None


def test_engagement_staff_and_admins_log_for_any_officer(agency, cast, pat, sam, north):
    for role in (Role.ENGAGEMENT_STAFF, Role.AGENCY_ADMIN):
        assert services.may_log_for(cast[role], agency, sam) and services.may_log_for(cast[role], agency, pat)
    patrol = services.log_patrol(cast[Role.ENGAGEMENT_STAFF], agency, details(sam, neighbourhoods=[north]))
    assert patrol.logged_by == cast[Role.ENGAGEMENT_STAFF] and patrol.officer == sam


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER,
                                  Role.CRISIS_COORDINATOR])
def test_other_roles_log_no_patrols(agency, cast, pat, role):
    assert not services.may_log_for(cast[role], agency, pat)


def test_nobody_logs_for_another_agencys_officer(agency, other_agency, cast, north):
    theirs = Officer.objects.get(agency=other_agency)
    assert not services.may_log_for(cast[Role.ENGAGEMENT_STAFF], agency, theirs)
    assert not services.may_log_for(cast[Role.ENGAGEMENT_STAFF], other_agency, theirs)  # not their agency
    with pytest.raises(PermissionDenied):
        services.log_patrol(cast[Role.ENGAGEMENT_STAFF], agency, details(theirs, neighbourhoods=[north]))


def test_another_agencys_officer_cannot_log_here_for_themselves(agency, other_agency, north):
    stranger = make_user(other_agency, Role.OFFICER, "beta_officer")
    theirs = Officer.objects.get(agency=other_agency)
    theirs.user = stranger
    theirs.save()
    assert not services.may_log_for(stranger, agency, theirs)
    assert services.may_log_for(stranger, other_agency, theirs)


# ---------------------------------------------------------------- weekly targets

def test_a_supervising_officer_sets_targets_and_one_without_supervisees_cannot(agency, cast, pat, sam, north):
    officer_user = cast[Role.OFFICER]
    assert not services.may_set_targets(officer_user, agency)
    with pytest.raises(PermissionDenied):
        services.set_target(officer_user, agency, north, 10)

    sam.supervisor = pat
    sam.save()

    assert services.may_set_targets(officer_user, agency)
    target = services.set_target(officer_user, agency, north, "12.5")
    assert (target.weekly_hours, target.set_by) == (Decimal("12.5"), officer_user)


@pytest.mark.parametrize(("role", "allowed"), [(Role.ENGAGEMENT_STAFF, True), (Role.AGENCY_ADMIN, True),
                                               (Role.BOARD_MEMBER, False), (Role.OVERSIGHT_REVIEWER, False)])
def test_who_sets_targets(agency, cast, north, role, allowed):
    assert services.may_set_targets(cast[role], agency) is allowed
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.set_target(cast[role], agency, north, 8)
        assert not PatrolTarget.objects.exists()


def test_a_target_starts_on_the_monday_of_its_week_and_a_second_one_that_week_replaces_it(agency, cast, north):
    staff = cast[Role.ENGAGEMENT_STAFF]
    first = services.set_target(staff, agency, north, 10)
    assert first.effective_from == date(2025, 3, 17)  # the Monday of the frozen Tuesday
    again = services.set_target(staff, agency, north, 14, from_week=date(2025, 3, 23))  # that week's Sunday
    assert again.pk == first.pk and PatrolTarget.objects.get().weekly_hours == Decimal("14.0")
    later = services.set_target(staff, agency, north, 16, from_week=date(2025, 4, 2))
    assert later.effective_from == date(2025, 3, 31) and PatrolTarget.objects.count() == 2
    logged = AuditEvent.objects.filter(action="patrols.target_set").last()
    assert logged.changes == {"neighbourhood": "alpha-north-end", "weekly_hours": "16.0", "from_week": "2025-03-31"}


@pytest.mark.parametrize("hours", ["-1", "1000.1", "lots", None])
def test_a_target_out_of_bounds_is_refused(agency, cast, north, hours):
    with pytest.raises(PatrolError):
        services.set_target(cast[Role.ENGAGEMENT_STAFF], agency, north, hours)


def test_a_target_for_another_agencys_neighbourhood_is_refused(agency, other_agency, cast):
    with pytest.raises(PatrolError, match="agency's neighbourhoods"):
        services.set_target(cast[Role.ENGAGEMENT_STAFF], agency,
                            Neighbourhood.objects.filter(agency=other_agency).first(), 8)


def test_the_target_in_force_is_the_latest_one_that_has_started(agency, cast, north):
    staff = cast[Role.ENGAGEMENT_STAFF]
    services.set_target(staff, agency, north, 8, from_week=date(2025, 1, 6))
    services.set_target(staff, agency, north, 12, from_week=date(2025, 3, 3))
    services.set_target(staff, agency, north, 20, from_week=date(2025, 6, 2))
    targets = list(PatrolTarget.objects.filter(neighbourhood=north))
    assert services.target_for(targets, date(2024, 12, 30)) is None
    assert services.target_for(targets, date(2025, 1, 6)) == Decimal("8")
    assert services.target_for(targets, date(2025, 2, 24)) == Decimal("8")
    assert services.target_for(targets, date(2025, 3, 3)) == Decimal("12")
    assert services.target_for(targets, date(2025, 7, 7)) == Decimal("20")
    assert services.target_for([], date(2025, 7, 7)) is None


def test_weeks_start_on_monday():
    assert services.week_start(date(2025, 3, 17)) == date(2025, 3, 17)
    assert services.week_start(date(2025, 3, 23)) == date(2025, 3, 17)
    assert services.week_start(date(2025, 3, 24)) == date(2025, 3, 24)
