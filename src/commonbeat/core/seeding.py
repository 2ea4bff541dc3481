"""The demo city. `manage.py seed_demo` runs the `seed(context)` function of every app's `seeding`
module, in the order of their `ORDER` (core first), so each app adds its own part of the demo."""

import importlib
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.utils.text import slugify
from shapely import voronoi_polygons
from shapely.geometry import MultiPoint, Point, Polygon, mapping

from .models import Agency, Neighbourhood, Officer, Unit

ORDER = 0


@dataclass
class SeedContext:
    agency: Agency
    rng: random.Random
    scale: int = 1
    today: date | None = None  # the agency's today, in its time zone, unless a caller fixes another day
    sign_ins: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, username, password)
    log: list[str] = field(default_factory=list)

    def __post_init__(self):
        if self.today is None:
            self.today = self.agency.today()


def seeding_modules() -> list:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("commonbeat."):
            continue
        # An app may have a second step that must run after every app's first (insights' text analysis).
        for name in ("seeding", "text_seeding"):
            try:
                modules.append(importlib.import_module(f"{config.name}.{name}"))
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.{name}":
                    raise
    return sorted(modules, key=lambda module: getattr(module, "ORDER", 100))


NEIGHBOURHOOD_NAMES = [
    "Old Harbor", "Cedar Flats", "Mill Creek", "Las Palmas", "Northgate", "Riverside",
    "Eastbrook", "Hillcrest", "Southport", "Union Square", "Westfield", "La Loma",
    "Briar Glen", "Stone Bridge", "Maple Hollow", "Sunset Row",
]
FIRST_NAMES = [
    "Maria", "James", "Aaliyah", "Jose", "Emily", "DeShawn", "Linh", "Carlos", "Sarah", "Michael",
    "Guadalupe", "Kevin", "Fatima", "Daniel", "Ana", "Marcus", "Priya", "Luis", "Hannah", "Andre",
    "Rosa", "Tyler", "Mei", "Jorge", "Grace", "Samuel", "Elena", "Omar", "Keisha", "Brian",
]
LAST_NAMES = [
    "Garcia", "Johnson", "Nguyen", "Martinez", "Smith", "Washington", "Lopez", "Brown", "Kim", "Hernandez",
    "Williams", "Patel", "Rodriguez", "Davis", "Jackson", "Ramirez", "Wilson", "Chen", "Torres", "Moore",
    "Flores", "Taylor", "Rivera", "Anderson", "Thomas", "Gomez", "Harris", "Cruz", "Clark", "Reyes",
]
UNITS = [
    ("PN", "Patrol — North District"), ("PS", "Patrol — South District"), ("PE", "Patrol — East District"),
    ("PW", "Patrol — West District"), ("CE", "Community Engagement"), ("INV", "Investigations"),
    ("PSU", "Professional Standards"), ("TRN", "Training Academy"), ("CIT", "Crisis Intervention"),
]
RANKS = [("Officer", 70), ("Senior Officer", 12), ("Corporal", 6), ("Sergeant", 8), ("Lieutenant", 3),
         ("Captain", 1)]
AGE_BANDS = ["18-29", "30-44", "45-64", "65+"]
GENDERS = ["female", "male", "another"]
RACES = ["hispanic", "white", "black", "asian", "other"]


def city_boundary(rng: random.Random, centre: tuple[float, float], radius: float) -> Polygon:
    """An irregular, roughly round city outline (about `radius` degrees across from the centre)."""
    points = []
    for step in range(36):
        angle = 2 * math.pi * step / 36
        reach = radius * rng.uniform(0.8, 1.1)
        points.append((centre[0] + reach * math.cos(angle) * 1.25, centre[1] + reach * math.sin(angle)))
    return Polygon(points).buffer(0)


def neighbourhood_polygons(rng: random.Random, boundary: Polygon, count: int) -> list[Polygon]:
    """`count` Voronoi cells of random points inside the boundary, clipped to it."""
    min_x, min_y, max_x, max_y = boundary.bounds
    seeds: list[Point] = []
    while len(seeds) < count:
        candidate = Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
        if boundary.buffer(-0.004).contains(candidate) and all(candidate.distance(s) > 0.012 for s in seeds):
            seeds.append(candidate)
    cells = voronoi_polygons(MultiPoint(seeds), extend_to=boundary.envelope.buffer(0.05))
    ordered = []
    for seed in seeds:
        cell = next(c for c in cells.geoms if c.contains(seed))
        ordered.append(cell.intersection(boundary))
    return ordered


def census_make_up(rng: random.Random, adults: int) -> dict:
    def split(categories: list[str], weights: list[float]) -> dict[str, int]:
        noisy = [w * rng.uniform(0.6, 1.4) for w in weights]
        total = sum(noisy)
        counts = {c: int(adults * w / total) for c, w in zip(categories, noisy, strict=True)}
        counts[categories[0]] += adults - sum(counts.values())
        return counts

    return {
        "age_band": split(AGE_BANDS, [22, 27, 33, 18]),
        "gender": split(GENDERS, [50.5, 48.5, 1]),
        "race_ethnicity": split(RACES, [30, 35, 22, 8, 5]),
    }


def create_geography(context: SeedContext, centre: tuple[float, float], count: int) -> list[Neighbourhood]:
    rng = context.rng
    boundary = city_boundary(rng, centre, 0.08)
    names = rng.sample(NEIGHBOURHOOD_NAMES, count)
    neighbourhoods = []
    for name, polygon in zip(names, neighbourhood_polygons(rng, boundary, count), strict=True):
        population = rng.randrange(4000, 26000)
        geometry = mapping(polygon)
        neighbourhoods.append(Neighbourhood.objects.create(
            agency=context.agency, slug=slugify(name), name=name,
            boundary={"type": geometry["type"], "coordinates": _as_lists(geometry)},
            population=population, census=census_make_up(rng, int(population * 0.77)),
        ))
    return neighbourhoods


def _as_lists(geometry: dict):
    """GeoJSON coordinates as nested lists with 6 decimals (shapely gives tuples)."""
    def convert(value):
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], (int, float)):
            return [round(value[0], 6), round(value[1], 6)]
        return [convert(item) for item in value]

    return convert(geometry["coordinates"])


def create_force(context: SeedContext, officer_count: int) -> list[Officer]:
    rng = context.rng
    units = [Unit.objects.create(agency=context.agency, code=code, name=name) for code, name in UNITS]
    rank_names = [rank for rank, _ in RANKS]
    rank_weights = [weight for _, weight in RANKS]
    officers = []
    for number in range(officer_count):
        unit = units[number % 4] if number < officer_count * 0.6 else rng.choice(units)
        officers.append(Officer(
            agency=context.agency, badge_number=str(1001 + number),
            first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(LAST_NAMES),
            rank=rng.choices(rank_names, rank_weights)[0], unit=unit,
            active_from=context.today - timedelta(days=rng.randrange(200, 9000)),
        ))
    return Officer.objects.bulk_create(officers)


def seed(context: SeedContext) -> None:
    is_main_city = context.agency.slug == "port-alder"
    create_geography(context, (-89.62, 39.78) if is_main_city else (-89.30, 39.55), 12 if is_main_city else 3)
    create_force(context, 150 * context.scale if is_main_city else 20)
    context.log.append(f"{context.agency.name}: neighbourhoods, units and officers.")
