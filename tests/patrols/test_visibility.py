"""What the public may see of patrols: hours per neighbourhood per week (in the agency's weeks), never a patrol
that ended less than a day ago, and routes only as grid cells that several patrols passed through."""

import zoneinfo
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.patrols import services, visibility
from commonbeat.patrols.models import Mode, RouteSource
from commonbeat.patrols.services import PatrolDetails

from ..factories import make_user

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = datetime(2025, 3, 18, 15, 0, tzinfo=CHICAGO)  # a Tuesday afternoon
LAST_WEEK = date(2025, 3, 10)
THIS_WEEK = date(2025, 3, 17)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def north(agency):
    return Neighbourhood.objects.get(agency=agency, slug="alpha-north-end")


@pytest.fixture
def south(agency):
    return Neighbourhood.objects.get(agency=agency, slug="alpha-south-end")


@pytest.fixture
def log(agency, cast):
    """Log a patrol through the service, as engagement staff would for the agency's officer."""
    officer = Officer.objects.get(agency=agency)

    def log(started_at: datetime, hours: float, neighbourhoods=(), *, mode=Mode.FOOT, route=None):
        return services.log_patrol(cast[Role.ENGAGEMENT_STAFF], agency, PatrolDetails(
            officer=officer, mode=mode, started_at=started_at, ended_at=started_at + timedelta(hours=hours),
            neighbourhoods=list(neighbourhoods), route=route,
            route_source=RouteSource.DRAWN if route else RouteSource.NONE))

    return log


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHICAGO)


def hours(agency, **options) -> dict:
    return visibility.weekly_patrol_hours(agency, date(2025, 3, 3), THIS_WEEK, **options)


# ---------------------------------------------------------------- hours per neighbourhood per week

def test_a_patrol_covering_two_neighbourhoods_shares_its_hours_between_them(agency, log, north, south):
    log(at(date(2025, 3, 12), 9), 3, [north, south])
    log(at(date(2025, 3, 13), 14), 2, [north], mode=Mode.BIKE)
    figures = hours(agency)
    assert figures[(north.pk, LAST_WEEK)] == {"foot": 1.5, "bike": 2.0}
    assert figures[(south.pk, LAST_WEEK)] == {"foot": 1.5, "bike": 0.0}
    assert len(figures) == 2


def test_a_patrol_counts_in_the_agency_week_it_started_even_when_utc_says_monday(agency, log, north):
    sunday_night = at(date(2025, 3, 16), 23, 30)
    assert sunday_night.astimezone(zoneinfo.ZoneInfo("UTC")).weekday() == 0  # Monday 04:30 in UTC
    log(sunday_night, 2, [north])
    figures = hours(agency)
    assert figures == {(north.pk, LAST_WEEK): {"foot": 2.0, "bike": 0.0}}


def test_a_patrol_late_on_the_last_sunday_of_the_range_is_counted_and_one_on_the_monday_after_is_not(
        agency, log, north):
    log(at(date(2025, 3, 9), 23, 0), 1, [north])  # Sunday of the week of 3 March
    log(at(date(2025, 3, 2), 23, 0), 1, [north])  # the Sunday before the range
    figures = visibility.weekly_patrol_hours(agency, date(2025, 3, 5), date(2025, 3, 5))  # the week of a Wednesday
    assert figures == {(north.pk, date(2025, 3, 3)): {"foot": 1.0, "bike": 0.0}}


def test_the_public_does_not_see_patrols_that_ended_less_than_a_day_ago(agency, log, north):
    log(NOW - timedelta(hours=27), 3, [north])  # ended exactly 24 hours ago
    log(NOW - timedelta(hours=6), 2, [north])  # ended 4 hours ago
    public = hours(agency)
    staff = hours(agency, public=False)
    assert public[(north.pk, THIS_WEEK)]["foot"] == 3.0
    assert staff[(north.pk, THIS_WEEK)]["foot"] == 5.0
    later = visibility.weekly_patrol_hours(agency, THIS_WEEK, THIS_WEEK, now=NOW + timedelta(hours=21))
    assert later[(north.pk, THIS_WEEK)]["foot"] == 5.0  # a day after it ended, it is published


def test_published_patrols_and_the_newest_public_week(agency, log, north):
    old = log(NOW - timedelta(days=3), 2, [north])
    log(NOW - timedelta(hours=3), 2, [north])
    assert list(visibility.published_patrols(agency)) == [old]
    assert visibility.published_until() == NOW - visibility.PUBLIC_DELAY
    assert visibility.latest_public_week(agency) == THIS_WEEK
    assert visibility.latest_public_week(agency, at(date(2025, 3, 17), 10)) == LAST_WEEK  # Monday morning


def test_another_agencys_patrols_never_count(agency, other_agency, cast, log, north):
    log(at(date(2025, 3, 12), 9), 2, [north])
    theirs = Neighbourhood.objects.filter(agency=other_agency).first()
    beta_staff = make_user(other_agency, Role.ENGAGEMENT_STAFF, "beta_staff")
    services.log_patrol(beta_staff, other_agency, PatrolDetails(
        officer=Officer.objects.get(agency=other_agency), mode=Mode.FOOT, started_at=at(date(2025, 3, 12), 9),
        ended_at=at(date(2025, 3, 12), 12), neighbourhoods=[theirs]))
    assert set(hours(agency)) == {(north.pk, LAST_WEEK)}
    assert set(hours(other_agency)) == {(theirs.pk, LAST_WEEK)}


def test_targets_are_read_per_neighbourhood(agency, cast, north, south):
    services.set_target(cast[Role.ENGAGEMENT_STAFF], agency, north, 10, from_week=date(2025, 1, 6))
    services.set_target(cast[Role.ENGAGEMENT_STAFF], agency, north, 12, from_week=date(2025, 3, 3))
    targets = visibility.targets_by_neighbourhood(agency)
    assert set(targets) == {north.pk}
    assert services.target_for(targets[north.pk], LAST_WEEK) == 12


# ---------------------------------------------------------------- where patrols went, as grid cells

def line(*points) -> dict:
    return {"type": "MultiLineString", "coordinates": [[list(point) for point in points]]}


HOME_CELL = (-89.999, 40.001)  # inside the cell from (-90.0, 40.0) to (-89.996, 40.004)
NEXT_CELL = (-89.995, 40.001)  # the cell east of it


def cells(agency, **options) -> dict:
    found = visibility.route_cells(agency, date(2025, 3, 1), date(2025, 3, 18), **options)
    return {(cell.west, cell.south): cell.patrols for cell in found}


def test_a_cell_is_shown_only_once_three_different_patrols_passed_through_it(agency, log, north):
    for day in (10, 11, 12):
        log(at(date(2025, 3, day), 9), 2, [north], route=line(HOME_CELL, (-89.9985, 40.0015)))
    for day in (13, 14):
        log(at(date(2025, 3, day), 9), 2, [north], route=line(NEXT_CELL, (-89.9945, 40.0015)))
    assert cells(agency) == {(-90.0, 40.0): 3}
    cell = visibility.route_cells(agency, date(2025, 3, 1), date(2025, 3, 18))[0]
    assert (cell.east, cell.north) == (-89.996, 40.004)


def test_one_patrol_going_round_a_block_many_times_counts_once(agency, log, north):
    loop = line(*([HOME_CELL, (-89.9985, 40.0015), (-89.9988, 40.0012)] * 10))
    log(at(date(2025, 3, 10), 9), 3, [north], route=loop)
    log(at(date(2025, 3, 11), 9), 3, [north], route=line(HOME_CELL, (-89.9981, 40.0011)))
    assert cells(agency) == {}
    assert cells(agency, minimum=2) == {(-90.0, 40.0): 2}


def test_the_cells_a_straight_line_crosses_count_even_without_a_point_in_them(agency, log, north):
    for day in (10, 11, 12):
        log(at(date(2025, 3, day), 9), 2, [north], route=line((-89.9990, 40.001), (-89.9910, 40.001)))
    assert set(cells(agency)) == {(-90.0, 40.0), (-89.996, 40.0), (-89.992, 40.0)}


def test_a_patrol_that_ended_less_than_a_day_ago_is_never_on_the_map(agency, log, north):
    for day in (10, 11):
        log(at(date(2025, 3, day), 9), 2, [north], route=line(HOME_CELL, (-89.9985, 40.0015)))
    log(NOW - timedelta(hours=5), 2, [north], route=line(HOME_CELL, (-89.9985, 40.0015)))
    assert cells(agency) == {}
    assert cells(agency, now=NOW + timedelta(hours=21)) == {(-90.0, 40.0): 3}


def test_patrols_without_a_route_or_outside_the_days_are_not_on_the_map(agency, log, north):
    for day in (10, 11):
        log(at(date(2025, 3, day), 9), 2, [north], route=line(HOME_CELL, (-89.9985, 40.0015)))
    log(at(date(2025, 3, 12), 9), 2, [north])
    log(at(date(2025, 2, 27), 9), 2, [north], route=line(HOME_CELL, (-89.9985, 40.0015)))  # before the first day
    assert cells(agency) == {}
