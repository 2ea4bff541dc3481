"""The demo city's two years of foot and bike patrols and the weekly targets they are measured against.

The city (core and sign-ins) and its patrols are loaded once for this module and removed afterwards.
"""

import random
import zoneinfo
from collections import Counter, defaultdict
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from commonbeat.accounts import seeding as accounts_seeding
from commonbeat.core import seeding as core_seeding
from commonbeat.core.models import Agency, Neighbourhood, Officer
from commonbeat.patrols import seeding, services, visibility
from commonbeat.patrols.models import Mode, Patrol, PatrolTarget, RouteSource

AGENCIES = [("port-alder", "Port Alder Police Department"), ("lakeside-county", "Lakeside County Sheriff's Office")]
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        loaded = {}
        for number, (slug, name) in enumerate(AGENCIES):
            agency = Agency.objects.create(slug=slug, name=name, hosts=f"{slug}.test", timezone="America/Chicago")
            context = core_seeding.SeedContext(agency=agency, rng=random.Random(20261125 + number))
            core_seeding.seed(context)
            accounts_seeding.seed(context)
            seeding.seed(context)
            loaded[slug] = SimpleNamespace(log=context.log)
        yield loaded
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def port_alder(demo, db):
    return Agency.objects.get(slug="port-alder")


@pytest.fixture
def patrols(port_alder):
    return Patrol.objects.filter(agency=port_alder)


def weekly_average(agency, first_week, weeks: int) -> dict[int, float]:
    """Public patrol hours a week per neighbourhood (id), over `weeks` weeks from `first_week`."""
    figures = visibility.weekly_patrol_hours(agency, first_week, first_week + timedelta(weeks=weeks - 1))
    totals: dict[int, float] = defaultdict(float)
    for (neighbourhood_id, _monday), hours in figures.items():
        totals[neighbourhood_id] += hours[Mode.FOOT] + hours[Mode.BIKE]
    return {pk: totals.get(pk, 0.0) / weeks
            for pk in Neighbourhood.objects.filter(agency=agency).values_list("pk", flat=True)}


@pytest.fixture
def recent(port_alder) -> dict[int, float]:
    """The last twelve full weeks the public can see."""
    last = visibility.latest_public_week(port_alder) - timedelta(weeks=1)
    return weekly_average(port_alder, last - timedelta(weeks=11), 12)


@pytest.fixture
def story(port_alder):
    return presence(port_alder)


def presence(agency):
    return seeding.presence_plan(agency, list(Neighbourhood.objects.filter(agency=agency)))


def test_loading_the_patrols_says_what_it_loaded(demo):
    assert "foot and bike patrols" in demo["port-alder"].log[-1]


def test_two_years_of_patrols_that_have_all_ended(patrols):
    now = timezone.now()
    assert 3000 <= patrols.count() <= 8000
    first = patrols.order_by("started_at").first().started_at
    assert timedelta(weeks=103) <= now - first <= timedelta(weeks=105)
    assert not patrols.filter(ended_at__gt=now).exists()
    for started_at, ended_at, logged_at in patrols.values_list("started_at", "ended_at", "logged_at"):
        assert timedelta(0) < ended_at - started_at <= timedelta(hours=services.MAX_PATROL_HOURS)
        assert ended_at <= logged_at <= now
    modes = Counter(patrols.values_list("mode", flat=True))
    assert modes[Mode.FOOT] > modes[Mode.BIKE] > 0.15 * patrols.count()


def test_every_patrol_covers_a_neighbourhood_and_routes_lie_in_theirs(port_alder, patrols):
    through = Patrol.neighbourhoods.through.objects.filter(patrol__agency=port_alder)
    assert set(through.values_list("patrol_id", flat=True)) == set(patrols.values_list("pk", flat=True))
    routed = patrols.filter(route__isnull=False)
    assert 0.2 <= routed.count() / patrols.count() <= 0.5
    assert set(routed.values_list("route_source", flat=True)) == {RouteSource.GPX, RouteSource.DRAWN}
    assert set(patrols.filter(route__isnull=True).values_list("route_source", flat=True)) == {RouteSource.NONE}
    for patrol in routed.prefetch_related("neighbourhoods")[:400]:
        assert patrol.route["type"] == "MultiLineString"
        assert services.route_from_geojson(patrol.route) == patrol.route  # what a drawn route would store
        assert set(services.neighbourhoods_on_route(port_alder, patrol.route)) == set(patrol.neighbourhoods.all())


def test_no_officer_is_on_two_patrols_the_same_day_or_before_joining(patrols):
    days = Counter()
    for officer_id, started_at, active_from in patrols.values_list("officer_id", "started_at",
                                                                   "officer__active_from"):
        day = started_at.astimezone(CHICAGO).date()
        days[(officer_id, day)] += 1
        assert active_from <= day
    assert max(days.values()) == 1


def test_patrol_hours_are_uneven_across_neighbourhoods(recent):
    assert max(recent.values()) >= 4 * min(recent.values())
    assert min(recent.values()) > 0


def test_some_neighbourhoods_meet_their_target_and_some_fall_far_short(port_alder, recent, story):
    targets = visibility.targets_by_neighbourhood(port_alder)
    this_week = visibility.latest_public_week(port_alder)
    share = {pk: recent[pk] / float(services.target_for(targets[pk], this_week)) for pk in recent}
    strong = [pk for pk, p in story.items() if p.story == seeding.STRONG]
    weak = [pk for pk, p in story.items() if p.story == seeding.WEAK]
    assert len(strong) >= 2 and len(weak) >= 2
    assert all(share[pk] >= 0.95 for pk in strong)
    assert all(share[pk] <= 0.4 for pk in weak)
    assert sum(1 for value in share.values() if value >= 0.95) >= 3


def test_one_neighbourhood_goes_from_a_fraction_of_its_target_to_meeting_it(port_alder, recent, story):
    first_weeks = weekly_average(port_alder, services.week_start(timezone.localdate(timezone.now(), CHICAGO))
                                 - timedelta(weeks=104), 12)
    improving = next(pk for pk, p in story.items() if p.story == seeding.IMPROVING)
    assert recent[improving] >= 3 * first_weeks[improving]
    assert recent[improving] >= 0.85 * story[improving].weekly_target


def test_every_neighbourhood_has_a_target_in_force_from_the_first_week(port_alder, patrols):
    targets = visibility.targets_by_neighbourhood(port_alder)
    first_week = services.week_start(patrols.order_by("started_at").first().started_at.astimezone(CHICAGO).date())
    this_week = visibility.latest_public_week(port_alder)
    neighbourhoods = Neighbourhood.objects.filter(agency=port_alder)
    assert set(targets) == set(neighbourhoods.values_list("pk", flat=True))
    for pk, theirs in targets.items():
        assert services.target_for(theirs, first_week) is not None, pk
        assert services.target_for(theirs, this_week) > 0
    assert PatrolTarget.objects.filter(agency=port_alder).count() > neighbourhoods.count()  # some were changed


def test_the_demo_officer_patrols_and_supervises_her_beat_team(port_alder, patrols):
    demo_officer = Officer.objects.get(agency=port_alder, user__username="officer")
    user = demo_officer.user
    mine = patrols.filter(officer=demo_officer)
    assert mine.count() >= 50
    assert mine.filter(ended_at__gt=timezone.now() - visibility.PUBLIC_DELAY).exists()  # not public yet
    assert mine.filter(ended_at__gt=timezone.now() - timedelta(days=7),
                       ended_at__lte=timezone.now() - visibility.PUBLIC_DELAY).exists()
    assert mine.filter(logged_by=user).count() == mine.count()
    assert demo_officer.supervisees.count() >= 3
    assert services.may_set_targets(user, port_alder)
    assert services.may_log_for(user, port_alder, demo_officer)
    others = patrols.exclude(officer=demo_officer).first().officer
    assert not services.may_log_for(user, port_alder, others)


def test_most_officers_have_a_supervisor_and_nobody_supervises_themselves(port_alder):
    officers = Officer.objects.filter(agency=port_alder)
    assert officers.filter(supervisor__isnull=False).count() >= officers.count() / 2
    assert not officers.filter(supervisor_id=F("id")).exists()


def test_the_public_route_map_has_cells_many_patrols_passed_through(port_alder):
    today = timezone.localdate(timezone.now(), CHICAGO)
    cells = visibility.route_cells(port_alder, today - timedelta(weeks=4), today)
    assert len(cells) >= 20
    assert all(cell.patrols >= visibility.MIN_PATROLS_PER_CELL for cell in cells)


def test_the_small_agency_patrols_far_less(demo, db):
    lakeside = Agency.objects.get(slug="lakeside-county")
    port_alder = Agency.objects.get(slug="port-alder")
    small, main = Patrol.objects.filter(agency=lakeside).count(), Patrol.objects.filter(agency=port_alder).count()
    assert 100 <= small <= main / 4
    assert set(visibility.targets_by_neighbourhood(lakeside)) == set(
        Neighbourhood.objects.filter(agency=lakeside).values_list("pk", flat=True))
