"""What the public may see of patrols: hours per neighbourhood per week, and where patrols went, aggregated.

Officer safety comes first. Nothing here is real time: a patrol is counted only once it ended at least
`PUBLIC_DELAY` ago. Routes are never shown as lines: they are reduced to grid cells of about 400 m, and a
cell is shown only when at least `MIN_PATROLS_PER_CELL` different patrols passed through it in the period,
so no single officer's path can be read off the map.
"""

import math
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from shapely import segmentize
from shapely.geometry import shape

from commonbeat.core.models import Agency
from commonbeat.core.tenancy import scoped

from .models import Mode, Patrol, PatrolTarget
from .services import week_start

PUBLIC_DELAY = timedelta(hours=24)
CELL_DEGREES = 0.004
MIN_PATROLS_PER_CELL = 3


def published_until(now: datetime | None = None) -> datetime:
    """Patrols that ended before this moment may be shown to the public."""
    return (now or timezone.now()) - PUBLIC_DELAY


def published_patrols(agency: Agency, now: datetime | None = None):
    return scoped(Patrol, agency).filter(ended_at__lte=published_until(now))


def patrol_hours(patrols, agency: Agency) -> dict[tuple[int, date], dict[str, float]]:
    """{(neighbourhood id, Monday): {"foot": hours, "bike": hours}}. A patrol's hours are shared equally among
    the neighbourhoods it covered and counted in the week (agency time) it started."""
    zone = zoneinfo.ZoneInfo(agency.timezone)
    hours: dict[tuple[int, date], dict[str, float]] = defaultdict(lambda: {Mode.FOOT: 0.0, Mode.BIKE: 0.0})
    covered = defaultdict(list)
    through = Patrol.neighbourhoods.through.objects.filter(patrol__in=patrols)
    for patrol_id, neighbourhood_id in through.values_list("patrol_id", "neighbourhood_id"):
        covered[patrol_id].append(neighbourhood_id)
    for patrol_id, mode, started_at, ended_at in patrols.values_list("id", "mode", "started_at", "ended_at"):
        places = covered.get(patrol_id) or []
        if not places:
            continue
        share = (ended_at - started_at).total_seconds() / 3600 / len(places)
        monday = week_start(started_at.astimezone(zone).date())
        for neighbourhood_id in places:
            hours[(neighbourhood_id, monday)][mode] += share
    return dict(hours)


def weekly_patrol_hours(agency: Agency, first_week: date, last_week: date, *, now: datetime | None = None,
                        public: bool = True) -> dict[tuple[int, date], dict[str, float]]:
    """Patrol hours per neighbourhood per week from the week of `first_week` to that of `last_week`. With
    `public`, only patrols that ended at least `PUBLIC_DELAY` ago."""
    start, end = agency.day_bounds(week_start(first_week), week_start(last_week) + timedelta(days=6))
    patrols = published_patrols(agency, now) if public else scoped(Patrol, agency)
    return patrol_hours(patrols.filter(started_at__gte=start, started_at__lt=end), agency)


def targets_by_neighbourhood(agency: Agency) -> dict[int, list[PatrolTarget]]:
    targets = defaultdict(list)
    for target in scoped(PatrolTarget, agency):
        targets[target.neighbourhood_id].append(target)
    return dict(targets)


@dataclass(frozen=True)
class Cell:
    west: float
    south: float
    east: float
    north: float
    patrols: int


def route_cells(agency: Agency, first_day: date, last_day: date, *, now: datetime | None = None,
                minimum: int = MIN_PATROLS_PER_CELL) -> list[Cell]:
    """Grid cells that at least `minimum` published patrols (started between the two days) passed through."""
    start, end = agency.day_bounds(first_day, last_day)
    patrols = (published_patrols(agency, now).filter(started_at__gte=start, started_at__lt=end)
               .filter(route__isnull=False).values_list("route", flat=True))
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for route in patrols.iterator(chunk_size=500):
        line = segmentize(shape(route), CELL_DEGREES / 2)
        parts = getattr(line, "geoms", [line])
        cells = {(math.floor(x / CELL_DEGREES), math.floor(y / CELL_DEGREES))
                 for part in parts for x, y in part.coords}
        for cell in cells:
            counts[cell] += 1
    return [Cell(round(i * CELL_DEGREES, 6), round(j * CELL_DEGREES, 6), round((i + 1) * CELL_DEGREES, 6),
                 round((j + 1) * CELL_DEGREES, 6), count)
            for (i, j), count in sorted(counts.items()) if count >= minimum]


# ---------------------------------------------------------------- read by the pages and the engagement figures

def latest_public_week(agency: Agency, now: datetime | None = None) -> date:
    """The newest week the public may look at: the week (agency time) holding the moment up to which patrols
    are published. Later weeks would show patrols that ended less than `PUBLIC_DELAY` ago."""
    zone = zoneinfo.ZoneInfo(agency.timezone)
    return week_start(published_until(now).astimezone(zone).date())


def patrols_started_between(agency: Agency, first_day: date, last_day: date, *, public: bool = True,
                            now: datetime | None = None):
    """Patrols that started from midnight starting `first_day` to midnight ending `last_day` (agency time).
    With `public`, only those that ended at least `PUBLIC_DELAY` ago."""
    start, end = agency.day_bounds(first_day, last_day)
    patrols = published_patrols(agency, now) if public else scoped(Patrol, agency)
    return patrols.filter(started_at__gte=start, started_at__lt=end)


def hours_by_officer(patrols) -> dict[int, float]:
    """{officer id: patrol hours} for a queryset of patrols (whole patrols, not shared among neighbourhoods)."""
    hours: dict[int, float] = defaultdict(float)
    for officer_id, started_at, ended_at in patrols.values_list("officer_id", "started_at", "ended_at"):
        hours[officer_id] += (ended_at - started_at).total_seconds() / 3600
    return dict(hours)
