"""Two years of foot and bike patrols for the demo city, and the weekly targets they are measured against.

The patrols are uneven on purpose, so the public visibility map tells a story: a few neighbourhoods are
walked and ridden more than their target every week, most get a fair share, a couple get a fraction of
theirs, and one goes from a fraction to above its target over the two years (a new beat team). The same
plan (`presence_plan`) sizes the community events of each neighbourhood, so events and patrols agree.

Patrols are written in bulk, as `services.log_patrol` would store them: each ended in the past, lasted at
most a few hours, covers the neighbourhoods ticked (or, when it has a route, the neighbourhood the route
lies in), and routes are GeoJSON MultiLineStrings that follow a few beats per neighbourhood, so the
aggregated route map has cells walked by many patrols. The demo officer sign-in supervises the officers of
her beat team (so she may set targets) and logs patrols of her own, a few in the last days.
"""

import math
import random
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from shapely.geometry import LineString, Point, shape
from shapely.ops import unary_union
from shapely.prepared import prep

from commonbeat.accounts.models import Membership
from commonbeat.accounts.roles import Role
from commonbeat.core import audit
from commonbeat.core.models import Agency, Neighbourhood, Officer
from commonbeat.core.seeding import SeedContext
from commonbeat.core.tenancy import scoped

from .models import Mode, Patrol, PatrolTarget, RouteSource
from .services import week_start

ORDER = 75

WEEKS = 104
STRONG, STEADY, WEAK, IMPROVING = "strong", "steady", "weak", "improving"
DISTRICTS = ("PN", "PW", "PS", "PE")  # by the neighbourhood's direction from the city centre, from north
BEAT_TEAM = 5  # officers who usually patrol a neighbourhood
ROUTED = 0.35  # share of patrols logged with a route
SECOND_NEIGHBOURHOOD = 0.12  # share of patrols without a route that also covered a neighbouring area
NOTES = [
    "Spoke with the owner of the corner store about the recent break-ins.",
    "Checked the park after dark; lights out by the playground, reported to the city.",
    "Walked the school route at dismissal with the crossing guard.",
    "Residents asked about speeding on the main road; passed on to traffic.",
    "Met the neighbourhood association chair; invited to the next community meeting.",
    "Quiet evening; several families out, good conversations.",
]


@dataclass(frozen=True)
class Presence:
    """How much a neighbourhood is patrolled (as a share of its weekly target) and how many events it has."""

    neighbourhood: Neighbourhood
    story: str
    district: str  # code of the patrol unit whose district the neighbourhood is in
    weekly_target: int
    start_level: float
    end_level: float

    def level(self, progress: float) -> float:
        """Share of the weekly target patrolled; `progress` runs from 0 (two years ago) to 1 (now)."""
        if self.story == IMPROVING:  # a slow first year, then a new beat team
            turn = 1 / (1 + math.exp(-12 * (progress - 0.5)))
            return self.start_level + (self.end_level - self.start_level) * turn
        return self.start_level + (self.end_level - self.start_level) * progress

    def event_weight(self, progress: float) -> float:
        """How likely an event is held here rather than elsewhere (relative)."""
        return 0.2 + 2.4 * self.level(progress) ** 1.5


def presence_plan(agency: Agency, neighbourhoods: list[Neighbourhood]) -> dict[int, Presence]:
    """The story of each neighbourhood, by id. Deterministic from the neighbourhoods, so the events seeding
    and the patrols seeding read the same story without sharing state."""
    ordered = sorted(neighbourhoods, key=lambda n: n.pk)
    if not ordered:
        return {}
    rng = random.Random("presence:" + agency.slug + ":" + ",".join(n.slug for n in ordered))
    count = len(ordered)
    stories = ([STRONG] * (count // 4) + [WEAK] * (2 if count >= 8 else 1) + [IMPROVING]
               + [STEADY] * count)[:count]
    if count < 4:
        stories = ([STEADY, WEAK, IMPROVING] * count)[:count]
    rng.shuffle(stories)
    shapes = {n.pk: shape(n.boundary) for n in ordered}
    centre = unary_union(list(shapes.values())).centroid
    small = count < 6
    plan = {}
    for neighbourhood, story in zip(ordered, stories, strict=True):
        middle = shapes[neighbourhood.pk].centroid
        angle = math.degrees(math.atan2(middle.y - centre.y, middle.x - centre.x)) % 360
        district = DISTRICTS[int(((angle - 45) % 360) // 90)]
        if story == STRONG:
            target, start, end = 16, rng.uniform(1.05, 1.2), rng.uniform(1.12, 1.3)
        elif story == WEAK:
            target, start, end = 10, rng.uniform(0.12, 0.25), rng.uniform(0.1, 0.25)
        elif story == IMPROVING:
            target, start, end = 12, rng.uniform(0.12, 0.2), rng.uniform(1.05, 1.2)
        else:
            target = rng.choice([8, 10, 12])
            start = rng.uniform(0.55, 0.8)
            end = start + rng.uniform(-0.05, 0.15)
        if small:
            target = max(4, target // 2)
        plan[neighbourhood.pk] = Presence(neighbourhood, story, district, target, start, end)
    return plan


# ---------------------------------------------------------------- routes along beats

def _inside(polygon, rng: random.Random, margin: float):
    """A prepared, slightly shrunk polygon and a function giving random points inside it."""
    area = polygon.buffer(-margin)
    if area.is_empty or area.area < polygon.area * 0.2:
        area = polygon.buffer(-margin / 4)
    if area.is_empty:
        area = polygon
    prepared = prep(area)
    min_x, min_y, max_x, max_y = area.bounds

    def point() -> Point:
        for _ in range(500):
            candidate = Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
            if prepared.contains(candidate):
                return candidate
        return area.representative_point()

    return prepared, point


def _beat(rng: random.Random, polygon) -> list[tuple[float, float]]:
    """A walk of 12–30 blocks that stays inside the neighbourhood, out and back to where it started."""
    prepared, random_point = _inside(polygon, rng, 0.0015)
    start = random_point()
    points = [(start.x, start.y)]
    heading = rng.uniform(0, 2 * math.pi)
    for _ in range(rng.randrange(12, 30)):
        for _attempt in range(12):
            heading += rng.uniform(-0.9, 0.9)
            step = rng.uniform(0.0012, 0.0025)
            x, y = points[-1][0] + step * math.cos(heading), points[-1][1] + step * math.sin(heading)
            if prepared.contains(LineString([points[-1], (x, y)])):
                points.append((x, y))
                break
            heading += math.pi / 2
    if len(points) < 3:
        end = random_point()
        points = [(start.x, start.y), (end.x, end.y)]
    return points + points[-2::-1] if rng.random() < 0.4 else points


def _route(rng: random.Random, beat: list[tuple[float, float]]) -> dict:
    """A GPS trace along (part of) a beat: a few metres of noise, sometimes split where the phone lost signal."""
    first = rng.randrange(0, max(1, len(beat) // 4))
    last = len(beat) - rng.randrange(0, max(1, len(beat) // 4))
    noise = rng.random
    points = [[round(x + (noise() - 0.5) * 0.00012, 6), round(y + (noise() - 0.5) * 0.00012, 6)]
              for x, y in beat[first:last]]
    if len(points) < 2:
        points = [[round(x, 6), round(y, 6)] for x, y in beat[:2]]
    if len(points) >= 8 and rng.random() < 0.2:
        cut = rng.randrange(3, len(points) - 3)
        return {"type": "MultiLineString", "coordinates": [points[:cut], points[cut + 1:]]}
    return {"type": "MultiLineString", "coordinates": [points]}


# ---------------------------------------------------------------- the plan

@dataclass
class Beat:
    presence: Presence
    officers: list[Officer]
    weights: list[float]
    beats: list[list[tuple[float, float]]]
    neighbours: list[Neighbourhood] = field(default_factory=list)


def _demo_officer(agency: Agency) -> Officer | None:
    users = Membership.objects.filter(agency=agency, role=Role.OFFICER).values_list("user_id", flat=True)
    return scoped(Officer, agency).filter(user_id__in=users).order_by("id").first()


def _beat_teams(context: SeedContext, plan: dict[int, Presence], officers: list[Officer],
                demo: Officer | None) -> dict[int, Beat]:
    rng = context.rng
    by_unit: dict[str, list[Officer]] = {}
    for officer in officers:
        by_unit.setdefault(officer.unit.code if officer.unit else "", []).append(officer)
    engagement = by_unit.get("CE") or officers
    taken: set[int] = set()
    teams = {}
    home = None
    if demo is not None:  # the demo officer walks a neighbourhood that meets its target, in her district if any
        own = demo.unit.code if demo.unit else ""
        ranked = sorted(plan.values(), key=lambda p: ({STRONG: 0, STEADY: 1}.get(p.story, 2), p.district != own))
        home = ranked[0].neighbourhood.pk
    shapes = {pk: shape(p.neighbourhood.boundary) for pk, p in plan.items()}
    for pk, presence in plan.items():
        pool = [o for o in by_unit.get(presence.district, officers) if o.pk not in taken and o != demo]
        pool = pool or [o for o in officers if o != demo]
        team = rng.sample(pool, min(BEAT_TEAM - 1, len(pool))) + [rng.choice(engagement)]
        taken.update(o.pk for o in team)
        if pk == home:
            team.insert(0, demo)
        weights = [1.0] * len(team)
        if pk == home:
            weights[0] = 1.2
        teams[pk] = Beat(presence, team, weights, [_beat(rng, shapes[pk]) for _ in range(rng.randrange(3, 5))])
    for pk, beat in teams.items():
        beat.neighbours = [plan[other].neighbourhood for other in plan
                           if other != pk and shapes[pk].buffer(0.0005).intersects(shapes[other])]
    return teams


def _supervisors(demo: Officer | None, teams: dict[int, Beat], officers: list[Officer]) -> int:
    """The demo officer supervises her beat team; in each unit a sergeant (or higher) supervises the others."""
    supervised: dict[int, Officer] = {}
    if demo is not None:
        for beat in teams.values():
            if demo in beat.officers:
                supervised.update({o.pk: o for o in beat.officers if o != demo})
    lead_ranks = ("Sergeant", "Lieutenant", "Captain")
    by_unit: dict[int, list[Officer]] = {}
    for officer in officers:
        if officer.unit_id:
            by_unit.setdefault(officer.unit_id, []).append(officer)
    changed = []
    for officer in officers:
        if officer.pk in supervised and demo is not None:
            officer.supervisor = demo
            changed.append(officer)
    for members in by_unit.values():
        leads = [o for o in members if o.rank in lead_ranks and o != demo and o.pk not in supervised]
        if not leads:
            continue
        for position, officer in enumerate(o for o in members if o.pk not in supervised and o not in leads
                                           and o != demo):
            officer.supervisor = leads[position % len(leads)]
            changed.append(officer)
    Officer.objects.bulk_update(changed, ["supervisor"], batch_size=500)
    return len(changed)


def _targets(agency: Agency, plan: dict[int, Presence], first_monday: date, staff, set_at: datetime,
             rng: random.Random) -> list[PatrolTarget]:
    """A target for every neighbourhood from the first week; a few raised or lowered a year ago."""
    targets = []
    changed = rng.sample(sorted(plan), k=min(2, len(plan)))
    for pk, presence in plan.items():
        hours = presence.weekly_target
        if pk in changed or presence.story == IMPROVING:
            earlier = hours - 4 if presence.story in (IMPROVING, STRONG) else hours + 2
            targets.append(PatrolTarget(agency=agency, neighbourhood=presence.neighbourhood,
                                        weekly_hours=Decimal(max(earlier, 2)), effective_from=first_monday,
                                        set_by=staff, set_at=set_at))
            from_week = first_monday + timedelta(weeks=WEEKS // 2)
            targets.append(PatrolTarget(agency=agency, neighbourhood=presence.neighbourhood,
                                        weekly_hours=Decimal(hours), effective_from=from_week,
                                        set_by=staff, set_at=set_at + timedelta(weeks=WEEKS // 2)))
        else:
            targets.append(PatrolTarget(agency=agency, neighbourhood=presence.neighbourhood,
                                        weekly_hours=Decimal(hours), effective_from=first_monday,
                                        set_by=staff, set_at=set_at))
    return targets


def _staff(agency: Agency):
    for role in (Role.ENGAGEMENT_STAFF, Role.AGENCY_ADMIN):
        membership = (Membership.objects.filter(agency=agency, role=role).select_related("user").order_by("id")
                      .first())
        if membership:
            return membership.user
    return None


class Planner:
    def __init__(self, context: SeedContext, staff, now: datetime):
        self.rng = context.rng
        self.agency = context.agency
        self.scale = context.scale
        self.staff = staff
        self.now = now
        self.tz = zoneinfo.ZoneInfo(context.agency.timezone)
        self.patrols: list[Patrol] = []
        self.covered: list[list[Neighbourhood]] = []
        self.busy: set[tuple[int, date]] = set()  # (officer, day) already out on patrol

    def patrol(self, beat: Beat, officer: Officer, started_at: datetime, hours: float, *,
               mode: str | None = None) -> float:
        """Plan one patrol; returns its hours (0 when it would not have ended yet)."""
        rng = self.rng
        ended_at = started_at + timedelta(minutes=round(hours * 4) * 15)
        if ended_at > self.now - timedelta(minutes=20):
            return 0.0
        local = started_at.astimezone(self.tz)
        winter = local.month in (12, 1, 2)
        mode = mode or (Mode.BIKE if rng.random() < (0.15 if winter else 0.38) else Mode.FOOT)
        covered = [beat.presence.neighbourhood]
        route, source = None, RouteSource.NONE
        if rng.random() < ROUTED:
            route = _route(rng, rng.choice(beat.beats))
            source = RouteSource.GPX if rng.random() < (0.75 if mode == Mode.BIKE else 0.35) else RouteSource.DRAWN
        elif beat.neighbours and rng.random() < SECOND_NEIGHBOURHOOD:
            covered.append(rng.choice(beat.neighbours))
        school_hours = local.weekday() < 5 and 7 <= local.hour <= 15
        self.patrols.append(Patrol(
            agency=self.agency, officer=officer, mode=mode, started_at=started_at, ended_at=ended_at,
            route=route, route_source=source,
            positive_contacts=rng.randrange(3, 26) if mode == Mode.FOOT else rng.randrange(2, 16),
            businesses_visited=rng.choices(range(7), [20, 25, 20, 15, 10, 6, 4])[0],
            schools_visited=rng.choices([0, 1, 2], [50, 40, 10])[0] if school_hours else 0,
            notes=rng.choice(NOTES) if rng.random() < 0.15 else "",
            logged_by=officer.user or self.staff,
            logged_at=min(ended_at + timedelta(minutes=rng.randrange(5, 120)), self.now)))
        self.covered.append(covered)
        self.busy.add((officer.pk, local.date()))
        return (ended_at - started_at).total_seconds() / 3600

    def start(self, monday: date) -> datetime:
        rng = self.rng
        day = monday + timedelta(days=rng.choices(range(7), [15, 16, 16, 16, 17, 12, 8])[0])
        hour = rng.choices([7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20],
                           [3, 6, 8, 9, 7, 8, 8, 9, 9, 8, 7, 5, 3])[0]
        return datetime.combine(day, time(hour, rng.choice([0, 15, 30, 45])), tzinfo=self.tz)

    def week(self, beat: Beat, monday: date, progress: float) -> None:
        rng = self.rng
        presence = beat.presence
        season = 1.0 + 0.08 * math.sin(2 * math.pi * (monday.timetuple().tm_yday - 100) / 365)
        goal = presence.weekly_target * presence.level(progress) * season * rng.gauss(1, 0.12) * self.scale
        done, attempts = 0.0, 0
        while done < goal and attempts < 200:
            attempts += 1
            remaining = goal - done
            if remaining < 2 and rng.random() > remaining / 2.5:
                break  # the last hour or so: some weeks one more short patrol, some weeks none
            officer = rng.choices(beat.officers, beat.weights)[0]
            started = self.start(monday)
            if officer.active_from > monday or (officer.pk, started.date()) in self.busy:
                continue  # not serving yet, or already out on patrol that day
            hours = rng.uniform(2, 4) if remaining >= 2 else rng.uniform(1.5, 2.5)
            done += self.patrol(beat, officer, started, hours) or hours * 0.5

    def recent_for(self, beat: Beat, officer: Officer) -> None:
        """The demo officer's last few days: patrols already public, and one that ended only hours ago (shown
        to her and to staff, not yet to the public)."""
        local_now = self.now.astimezone(self.tz)
        for days_ago, hour, hours, mode in ((3, 9, 2.5, Mode.FOOT), (2, 14, 3.0, Mode.BIKE)):
            day = local_now.date() - timedelta(days=days_ago)
            self.patrol(beat, officer, datetime.combine(day, time(hour), tzinfo=self.tz), hours, mode=mode)
        ended = (local_now - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
        if ended.hour < 10:  # too early in the day: yesterday evening's patrol
            started = datetime.combine(local_now.date() - timedelta(days=1), time(17), tzinfo=self.tz)
        else:
            started = ended - timedelta(hours=2.5)
        self.patrol(beat, officer, started, 2.5, mode=Mode.FOOT)


def _insert_covered(rows: list[tuple[int, int]]) -> None:
    """The patrols' neighbourhoods, as `patrol.neighbourhoods.set()` stores them, in one statement: thousands of
    through-model instances would take a second to build."""
    through = Patrol.neighbourhoods.through
    quote = connection.ops.quote_name
    columns = ", ".join(quote(through._meta.get_field(name).column) for name in ("patrol", "neighbourhood"))
    statement = f"INSERT INTO {quote(through._meta.db_table)} ({columns}) VALUES (%s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)


def seed(context: SeedContext) -> None:
    agency = context.agency
    now = timezone.now()
    tz = zoneinfo.ZoneInfo(agency.timezone)
    neighbourhoods = list(scoped(Neighbourhood, agency).order_by("id"))
    officers = list(scoped(Officer, agency).select_related("unit", "user").order_by("id"))
    if not neighbourhoods or not officers:
        return
    plan = presence_plan(agency, neighbourhoods)
    staff = _staff(agency)
    demo = _demo_officer(agency)
    if demo is not None:
        demo = next(o for o in officers if o.pk == demo.pk)
    teams = _beat_teams(context, plan, officers, demo)
    supervised = _supervisors(demo, teams, officers)

    this_monday = week_start(timezone.localdate(now, tz))
    first_monday = this_monday - timedelta(weeks=WEEKS)
    set_at = datetime.combine(first_monday - timedelta(days=3), time(10), tzinfo=tz)
    PatrolTarget.objects.bulk_create(_targets(agency, plan, first_monday, staff, set_at, context.rng))

    planner = Planner(context, staff, now)
    if demo is not None:  # first, so that her days are taken before the weeks are filled in
        home = next(beat for beat in teams.values() if demo in beat.officers)
        planner.recent_for(home, demo)
    for week in range(WEEKS + 1):
        monday = first_monday + timedelta(weeks=week)
        for pk in sorted(teams):
            planner.week(teams[pk], monday, week / WEEKS)

    order = sorted(range(len(planner.patrols)), key=lambda i: planner.patrols[i].started_at)
    patrols = Patrol.objects.bulk_create([planner.patrols[i] for i in order], batch_size=1000)
    _insert_covered([(patrol.pk, n.pk) for patrol, i in zip(patrols, order, strict=True)
                     for n in planner.covered[i]])
    hours = sum(patrol.hours for patrol in patrols)
    routes = sum(1 for patrol in patrols if patrol.route)
    audit.record("patrols.demo_history_loaded", agency=agency, changes={
        "patrols": len(patrols), "hours": round(hours), "with_route": routes, "supervised_officers": supervised,
        "note": "Demo patrols and weekly targets, loaded in bulk."})
    context.log.append(f"{agency.name}: {len(patrols)} foot and bike patrols ({round(hours)} hours, {routes} with "
                       f"routes) over two years; weekly targets in {len(plan)} neighbourhoods.")
