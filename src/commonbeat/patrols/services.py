"""Logging foot and bike patrols, reading GPX routes, and setting weekly targets.

Each service takes the acting user and the agency, checks the role, runs in one transaction and writes its
audit event there. The audit event never holds the route itself.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import gpxpy
import gpxpy.gpx
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape

from commonbeat.accounts.roles import Action, can
from commonbeat.core import audit
from commonbeat.core.models import Agency, Neighbourhood, Officer
from commonbeat.core.tenancy import officer_of, scoped

from .models import Mode, Patrol, PatrolTarget, RouteSource

MAX_PATROL_HOURS = 16
MAX_ROUTE_POINTS = 20_000
MAX_GPX_BYTES = 5 * 1024 * 1024


class PatrolError(Exception):
    """A patrol that cannot be logged as given, with a message a person can read."""


def _require(actor, agency: Agency, action: Action) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("Your role does not allow this."))


def may_log_for(actor, agency: Agency, officer: Officer) -> bool:
    """Officers log their own patrols; engagement staff and admins may log for anyone."""
    if officer.agency_id != agency.id or not can(actor, agency, Action.LOG_PATROLS):
        return False
    if can(actor, agency, Action.MANAGE_PATROLS):
        return True
    return officer.user_id is not None and officer.user_id == actor.pk


def may_set_targets(actor, agency: Agency) -> bool:
    """Engagement staff and admins, and any officer who supervises others."""
    if can(actor, agency, Action.MANAGE_PATROLS):
        return True
    me = officer_of(actor, agency)
    return me is not None and can(actor, agency, Action.LOG_PATROLS) and me.supervisees.exists()


# ---------------------------------------------------------------- routes

def route_from_gpx(data: bytes) -> dict:
    """The tracks (or, failing those, the routes) of a GPX file as a GeoJSON MultiLineString.

    Raises PatrolError with a readable message for a file that is not GPX, is too big, or has no points."""
    if len(data) > MAX_GPX_BYTES:
        raise PatrolError(_("The GPX file is larger than %(mb)s MB.") % {"mb": MAX_GPX_BYTES // (1024 * 1024)})
    if b"<!DOCTYPE" in data[:2048].upper() or b"<!ENTITY" in data.upper():
        raise PatrolError(_("This GPX file cannot be read: it declares its own entities."))
    try:
        parsed = gpxpy.parse(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, gpxpy.gpx.GPXException, ValueError) as error:
        raise PatrolError(_("This is not a GPX file we can read.")) from error
    lines = [[(point.longitude, point.latitude) for point in segment.points]
             for track in parsed.tracks for segment in track.segments]
    if not any(len(line) >= 2 for line in lines):
        lines = [[(point.longitude, point.latitude) for point in route.points] for route in parsed.routes]
    return _multiline([line for line in lines if len(line) >= 2])


def route_from_geojson(value: dict) -> dict:
    """A drawn route (GeoJSON LineString, MultiLineString, or a Feature holding one) as a MultiLineString."""
    if not isinstance(value, dict):
        raise PatrolError(_("The route is not GeoJSON."))
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    kind, coordinates = value.get("type"), value.get("coordinates")
    try:
        if kind == "LineString":
            lines = [[(float(x), float(y)) for x, y, *_rest in coordinates]]
        elif kind == "MultiLineString":
            lines = [[(float(x), float(y)) for x, y, *_rest in line] for line in coordinates]
        else:
            raise PatrolError(_("A route is a line: a GeoJSON LineString or MultiLineString."))
    except (TypeError, ValueError) as error:
        raise PatrolError(_("The route's coordinates are not numbers.")) from error
    return _multiline([line for line in lines if len(line) >= 2])


def _multiline(lines: list[list[tuple[float, float]]]) -> dict:
    if not lines:
        raise PatrolError(_("The route has no line of at least two points."))
    if sum(len(line) for line in lines) > MAX_ROUTE_POINTS:
        raise PatrolError(_("The route has more than %(count)s points.") % {"count": f"{MAX_ROUTE_POINTS:,}"})
    for line in lines:
        for longitude, latitude in line:
            if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
                raise PatrolError(_("The route has a point that is not a valid latitude and longitude."))
    return {"type": "MultiLineString",
            "coordinates": [[[round(x, 6), round(y, 6)] for x, y in line] for line in lines]}


def neighbourhoods_on_route(agency: Agency, route: dict) -> list[Neighbourhood]:
    """The agency's neighbourhoods the route passes through."""
    line = shape(route)
    return [n for n in scoped(Neighbourhood, agency).order_by("name") if shape(n.boundary).intersects(line)]


# ---------------------------------------------------------------- patrols

@dataclass
class PatrolDetails:
    officer: Officer
    mode: str
    started_at: datetime
    ended_at: datetime
    neighbourhoods: list[Neighbourhood] = field(default_factory=list)
    route: dict | None = None
    route_source: str = RouteSource.NONE
    positive_contacts: int = 0
    businesses_visited: int = 0
    schools_visited: int = 0
    notes: str = ""


def _check(actor, agency: Agency, details: PatrolDetails, now: datetime) -> None:
    if not may_log_for(actor, agency, details.officer):
        raise PermissionDenied(_("You can log only your own patrols."))
    if details.mode not in Mode.values:
        raise PatrolError(_("Choose on foot or by bike."))
    if details.ended_at <= details.started_at:
        raise PatrolError(_("The patrol must end after it starts."))
    if details.ended_at - details.started_at > timedelta(hours=MAX_PATROL_HOURS):
        raise PatrolError(_("A patrol can last at most %(hours)s hours.") % {"hours": MAX_PATROL_HOURS})
    if details.ended_at > now + timedelta(minutes=5):
        raise PatrolError(_("Log a patrol once it has ended; the end time is in the future."))
    if any(n.agency_id != agency.id for n in details.neighbourhoods):
        raise PatrolError(_("Choose from the agency's own neighbourhoods."))
    if min(details.positive_contacts, details.businesses_visited, details.schools_visited) < 0:
        raise PatrolError(_("Counts cannot be negative."))


@transaction.atomic
def log_patrol(actor, agency: Agency, details: PatrolDetails, *, idempotency_key: str | None = None) -> Patrol:
    """Record a foot or bike patrol that has ended. When no neighbourhood is ticked, those the route passes
    through are used; a patrol must cover at least one. Sending the same form twice logs it once."""
    if idempotency_key:
        earlier = scoped(Patrol, agency).filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier
    now = timezone.now()
    _check(actor, agency, details, now)
    neighbourhoods = list(details.neighbourhoods)
    if not neighbourhoods and details.route:
        neighbourhoods = neighbourhoods_on_route(agency, details.route)
    if not neighbourhoods:
        raise PatrolError(_("Tick the neighbourhoods the patrol covered, or add its route."))
    patrol = Patrol(agency=agency, officer=details.officer, mode=details.mode, started_at=details.started_at,
                    ended_at=details.ended_at, route=details.route,
                    route_source=details.route_source if details.route else RouteSource.NONE,
                    positive_contacts=details.positive_contacts, businesses_visited=details.businesses_visited,
                    schools_visited=details.schools_visited, notes=details.notes.strip(),
                    idempotency_key=idempotency_key or None, logged_by=actor, logged_at=now)
    try:
        with transaction.atomic():
            patrol.save()
    except IntegrityError:
        return scoped(Patrol, agency).get(idempotency_key=idempotency_key)
    patrol.neighbourhoods.set(neighbourhoods)
    audit.record("patrols.patrol_logged", actor=actor, agency=agency, target=patrol,
                 changes={"officer": details.officer.pk, "mode": details.mode, "started_at": details.started_at,
                          "ended_at": details.ended_at, "neighbourhoods": [n.slug for n in neighbourhoods],
                          "route": patrol.route_source or None, "positive_contacts": details.positive_contacts})
    return patrol


def week_start(day: date) -> date:
    """The Monday of the week holding `day` (ISO weeks)."""
    return day - timedelta(days=day.weekday())


@transaction.atomic
def set_target(actor, agency: Agency, neighbourhood: Neighbourhood, weekly_hours, *,
               from_week: date | None = None) -> PatrolTarget:
    """Aim for `weekly_hours` of foot and bike patrol in the neighbourhood from the week of `from_week` (this
    week when not given). Earlier weeks keep the target they had."""
    if not may_set_targets(actor, agency):
        raise PermissionDenied(_("Only supervisors and engagement staff set patrol targets."))
    if neighbourhood.agency_id != agency.id:
        raise PatrolError(_("Choose one of the agency's neighbourhoods."))
    try:
        hours = Decimal(str(weekly_hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as error:
        raise PatrolError(_("Enter the hours as a number.")) from error
    if not Decimal(0) <= hours <= Decimal(1000):
        raise PatrolError(_("Enter from 0 to 1,000 hours a week."))
    monday = week_start(from_week or timezone.localdate())
    target, _created = PatrolTarget.objects.update_or_create(
        neighbourhood=neighbourhood, effective_from=monday,
        defaults={"agency": agency, "weekly_hours": hours, "set_by": actor, "set_at": timezone.now()})
    audit.record("patrols.target_set", actor=actor, agency=agency, target=target,
                 changes={"neighbourhood": neighbourhood.slug, "weekly_hours": hours, "from_week": monday})
    return target


def target_for(targets: list[PatrolTarget], monday: date) -> Decimal | None:
    """The target in force in the week starting `monday`, from one neighbourhood's targets."""
    in_force = [t for t in targets if t.effective_from <= monday]
    return max(in_force, key=lambda t: t.effective_from).weekly_hours if in_force else None
