"""The patrol pages: officers log patrols from a phone and see their own; supervisors and engagement staff see
every patrol and set weekly targets; residents see presence in their neighbourhood, and the engagement
figures, on the public visibility page.

Officer safety first: the public page shows only patrols that ended at least 24 hours ago, and routes only
as grid cells several patrols passed through (`patrols.visibility`). A patrol's own route is shown to staff
only: its officer, and those who manage patrols.
"""

import csv
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from shapely.geometry import shape

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action, can
from commonbeat.core import charts, geo
from commonbeat.core.caching import private
from commonbeat.core.downloads import as_download
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.tenancy import scoped
from commonbeat.engagement import figures as engagement_figures
from commonbeat.engagement.queries import officer_event_hours

from . import services, visibility
from .forms import FiguresForm, PatrolFilterForm, PatrolForm, TargetForm, default_first_day
from .models import Mode, Patrol

PAGE_SIZE = 25
TREND_WEEKS = 12
CSV_WEEKS = 52
TARGET_WEEKS = 4
VISIBILITY_CSV_COLUMNS = ["week", "neighbourhood", "foot_hours", "bike_hours", "target_hours", "event_officer_hours"]
FIGURES_CSV_COLUMNS = ["group", "key", "name", "first_day", "last_day", "events", "attendance",
                       "officer_engagement_hours", "patrol_hours", "problems_opened", "problems_resolved"]

log_patrols = staff_required(Action.LOG_PATROLS)


def _manages(request: HttpRequest) -> bool:
    return can(request.user, request.agency, Action.MANAGE_PATROLS)


# ---------------------------------------------------------------- maps drawn as SVG, no script needed

@dataclass(frozen=True)
class Projection:
    """Longitude and latitude to SVG coordinates, fitted into a box the way `core.geo.svg_paths` fits
    neighbourhoods, so what is drawn with it lies on the same map."""

    min_x: float
    max_y: float
    scale: float
    width: int
    height: int

    @classmethod
    def fitting(cls, bounds: tuple[float, float, float, float], width: int = 600, height: int = 480):
        min_x, min_y, max_x, max_y = bounds
        scale = min(width / ((max_x - min_x) or 1), height / ((max_y - min_y) or 1))
        return cls(min_x, max_y, scale, round((max_x - min_x) * scale), round((max_y - min_y) * scale))

    def point(self, longitude: float, latitude: float) -> tuple[float, float]:
        return round((longitude - self.min_x) * self.scale, 1), round((self.max_y - latitude) * self.scale, 1)

    def length(self, degrees: float) -> float:
        return round(degrees * self.scale, 1)


def _bounds(geometries) -> tuple[float, float, float, float] | None:
    boxes = [geometry.bounds for geometry in geometries if not geometry.is_empty]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _ring_path(projection: Projection, coordinates) -> str:
    points = [f"{x},{y}" for x, y in (projection.point(lon, lat) for lon, lat, *_rest in coordinates)]
    return "M" + " L".join(points) + " Z"


def _polygon_path(projection: Projection, geometry) -> str:
    polygons = getattr(geometry, "geoms", [geometry])
    return " ".join(_ring_path(projection, ring.coords)
                    for polygon in polygons for ring in [polygon.exterior, *polygon.interiors])


def _kilometres(lines: list[list[list[float]]]) -> float:
    """The length of a route along the Earth's surface (haversine), in kilometres."""
    total = 0.0
    for line in lines:
        for (lon1, lat1, *_a), (lon2, lat2, *_b) in zip(line, line[1:], strict=False):
            phi1, phi2 = math.radians(lat1), math.radians(lat2)
            a = (math.sin((phi2 - phi1) / 2) ** 2
                 + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
            total += 2 * 6371.0088 * math.asin(math.sqrt(a))
    return total


def route_map(patrol: Patrol) -> dict | None:
    """The patrol's route over the neighbourhoods it covered, as SVG path data, with its figures."""
    if not patrol.route:
        return None
    route = shape(patrol.route)
    neighbourhoods = [(n, shape(n.boundary)) for n in patrol.neighbourhoods.order_by("name")]
    bounds = _bounds([route, *(geometry for _n, geometry in neighbourhoods)])
    projection = Projection.fitting(bounds, 600, 420)
    lines = patrol.route["coordinates"]
    first, last = lines[0][0], lines[-1][-1]
    end_x, end_y = projection.point(*last[:2])
    return {
        "width": projection.width, "height": projection.height,
        "areas": [{"neighbourhood": n, "path": _polygon_path(projection, geometry)} for n, geometry in neighbourhoods],
        "lines": [" ".join("{},{}".format(*projection.point(lon, lat)) for lon, lat, *_rest in line) for line in lines],
        "start": projection.point(*first[:2]), "end": (round(end_x - 5, 1), round(end_y - 5, 1)),
        "first": {"longitude": first[0], "latitude": first[1]}, "last": {"longitude": last[0], "latitude": last[1]},
        "points": sum(len(line) for line in lines), "kilometres": _kilometres(lines),
    }


# ---------------------------------------------------------------- logging a patrol

def _log_page(request: HttpRequest, form: PatrolForm | None, *, file_dropped: bool = False) -> HttpResponse:
    return private(render(request, "patrols/log.html", {
        "form": form,
        "file_dropped": file_dropped,
        "zone": request.agency.timezone,
        "tile_url": settings.COMMONBEAT_MAP_TILE_URL,
        "tile_attribution": settings.COMMONBEAT_MAP_TILE_ATTRIBUTION,
    }))


def _logged_message(patrol: Patrol, earlier: bool) -> str:
    figures = {"mode": patrol.get_mode_display(), "hours": f"{patrol.hours:.1f}",
               "places": ", ".join(n.name for n in patrol.neighbourhoods.order_by("name"))}
    if earlier:
        return _("This patrol was already logged: %(mode)s, %(hours)s hours in %(places)s.") % figures
    return _("Patrol logged: %(mode)s, %(hours)s hours in %(places)s.") % figures


@log_patrols
@require_http_methods(["GET", "HEAD", "POST"])
def log_patrol(request: HttpRequest) -> HttpResponse:
    agency, choose_officer = request.agency, _manages(request)
    me = services.officer_of(request.user, agency)
    if not choose_officer and me is None:
        return _log_page(request, None)
    if request.method != "POST":
        return _log_page(request, PatrolForm(agency=agency, choose_officer=choose_officer, officer=me))
    form = PatrolForm(request.POST, request.FILES, agency=agency, choose_officer=choose_officer, officer=me)
    if form.is_valid():
        token = form.cleaned_data["submission_token"]
        earlier = scoped(Patrol, agency).filter(idempotency_key=token).exists()  # only to word the message
        try:
            patrol = services.log_patrol(request.user, agency, form.details(me), idempotency_key=token)
        except services.PatrolError as error:
            form.add_error(None, str(error))
        except PermissionDenied as error:
            form.add_error("officer" if choose_officer else None, str(error))
        else:
            messages.success(request, _logged_message(patrol, earlier=earlier))
            return redirect("patrols:patrols")
    return _log_page(request, form, file_dropped=bool(request.FILES.get("gpx_file")))


# ---------------------------------------------------------------- the list and one patrol

@log_patrols
@require_safe
def patrol_list(request: HttpRequest) -> HttpResponse:
    """Officers see their own patrols; those who manage patrols see everyone's, with filters."""
    agency, manages = request.agency, _manages(request)
    patrols = scoped(Patrol, agency).select_related("officer").prefetch_related("neighbourhoods")
    form = None
    if manages:
        form = PatrolFilterForm(request.GET or None, agency=agency)
        if form.is_bound and form.is_valid():
            patrols = _filtered(patrols, form.cleaned_data, agency)
    else:
        me = services.officer_of(request.user, agency)
        if me is None:
            return private(render(request, "patrols/patrols.html", {"no_officer": True}))
        patrols = patrols.filter(officer=me)
    page = Paginator(patrols.order_by("-started_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return private(render(request, "patrols/patrols.html", {
        "page": page, "form": form, "manages": manages,
        "may_set_targets": services.may_set_targets(request.user, agency),
    }))


def _filtered(patrols, data: dict, agency: Agency):
    if data.get("officer"):
        patrols = patrols.filter(officer=data["officer"])
    if data.get("neighbourhood"):
        patrols = patrols.filter(neighbourhoods=data["neighbourhood"])
    if data.get("mode"):
        patrols = patrols.filter(mode=data["mode"])
    if data.get("first_day") or data.get("last_day"):
        start, end = agency.day_bounds(data.get("first_day") or date(1900, 1, 1),
                                      data.get("last_day") or date(2999, 12, 30))
        patrols = patrols.filter(started_at__gte=start, started_at__lt=end)
    return patrols


@log_patrols
@require_safe
def patrol_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patrol = get_object_or_404(scoped(Patrol, request.agency).select_related("officer", "logged_by"), pk=pk)
    if not _manages(request) and (patrol.officer.user_id is None or patrol.officer.user_id != request.user.pk):
        raise Http404
    return private(render(request, "patrols/patrol.html", {
        "patrol": patrol, "neighbourhoods": patrol.neighbourhoods.order_by("name"), "map": route_map(patrol)}))


# ---------------------------------------------------------------- weekly targets

@dataclass
class TargetRow:
    neighbourhood: Neighbourhood
    target: Decimal | None
    upcoming: list  # targets set for later weeks
    weeks: list[dict]  # {"hours", "target", "percent"} for each of the last weeks


def _percent(hours: float, target) -> int | None:
    return round(100 * hours / float(target)) if target else None


@log_patrols
@require_http_methods(["GET", "HEAD", "POST"])
def targets(request: HttpRequest) -> HttpResponse:
    agency = request.agency
    if not services.may_set_targets(request.user, agency):
        raise PermissionDenied
    form = TargetForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = services.set_target(request.user, agency, data["neighbourhood"], data["weekly_hours"],
                                         from_week=data["from_week"])
        except services.PatrolError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Target set: %(hours)s hours a week in %(place)s from the week of %(week)s.")
                             % {"hours": target.weekly_hours, "place": target.neighbourhood.name,
                                "week": date_format(target.effective_from, "DATE_FORMAT")})
            return redirect("patrols:targets")
    this_week = services.week_start(agency.today())
    weeks = [this_week - timedelta(weeks=n) for n in range(TARGET_WEEKS, 0, -1)]
    hours = visibility.weekly_patrol_hours(agency, weeks[0], weeks[-1], public=False)
    by_neighbourhood = visibility.targets_by_neighbourhood(agency)
    rows = []
    for neighbourhood in scoped(Neighbourhood, agency).order_by("name"):
        targets_here = by_neighbourhood.get(neighbourhood.id, [])
        week_figures = []
        for monday in weeks:
            spent = sum(hours.get((neighbourhood.id, monday), {}).values())
            in_force = services.target_for(targets_here, monday)
            week_figures.append({"hours": spent, "target": in_force, "percent": _percent(spent, in_force)})
        rows.append(TargetRow(neighbourhood, services.target_for(targets_here, this_week),
                              sorted((t for t in targets_here if t.effective_from > this_week),
                                     key=lambda t: t.effective_from), week_figures))
    return private(render(request, "patrols/targets.html", {"form": form, "rows": rows, "weeks": weeks}))


# ---------------------------------------------------------------- the public visibility page

BANDS = ["none", "low", "part", "met"]  # drawn with a pattern each (patrols/visibility.html), not colour alone


def _band_labels() -> dict[str, str]:
    return {"none": _("No target set"), "low": _("Under half the target"),
            "part": _("Half the target or more"), "met": _("Target reached")}


def _band(percent: int | None) -> str:
    if percent is None:
        return "none"
    return "met" if percent >= 100 else "part" if percent >= 50 else "low"


@dataclass
class WeekRow:
    neighbourhood: Neighbourhood
    foot: float
    bike: float
    target: Decimal | None
    event_hours: float

    @property
    def total(self) -> float:
        return self.foot + self.bike

    @property
    def percent(self) -> int | None:
        return _percent(self.total, self.target)

    @property
    def band(self) -> str:
        return _band(self.percent)


def week_rows(agency: Agency, first_week: date, last_week: date, *, now: datetime | None = None,
              public: bool = True) -> dict[date, list[WeekRow]]:
    """{Monday: one row per neighbourhood} from the week of `first_week` to that of `last_week`."""
    first_week, last_week = services.week_start(first_week), services.week_start(last_week)
    hours = visibility.weekly_patrol_hours(agency, first_week, last_week, now=now, public=public)
    targets_of = visibility.targets_by_neighbourhood(agency)
    event_hours = officer_event_hours(agency, *agency.day_bounds(first_week, last_week + timedelta(days=6)))
    neighbourhoods = list(scoped(Neighbourhood, agency).order_by("name"))
    weeks, monday = {}, first_week
    while monday <= last_week:
        weeks[monday] = []
        for n in neighbourhoods:
            modes = hours.get((n.id, monday), {})
            weeks[monday].append(WeekRow(n, modes.get(Mode.FOOT, 0.0), modes.get(Mode.BIKE, 0.0),
                                         services.target_for(targets_of.get(n.id, []), monday),
                                         event_hours.get((n.id, monday), 0.0)))
        monday += timedelta(weeks=1)
    return weeks


def _week_label(monday: date) -> str:
    return _("Week of %(day)s") % {"day": date_format(monday, "DATE_FORMAT")}


def _citywide_trend(weeks: dict[date, list[WeekRow]]) -> charts.Trend:
    """The city's patrol hours and the sum of the neighbourhoods' targets, week by week."""
    rows = []
    for monday, places in weeks.items():
        targets = [row.target for row in places if row.target is not None]
        hours = sum(row.total for row in places)
        target = float(sum(targets)) if targets else None
        rows.append(charts.TrendRow(monday.isoformat(), _week_label(monday),
                                    [charts.Interval(hours), charts.Interval(target)],
                                    short_label=date_format(monday, "M j")))
    return charts.Trend(key="citywide-hours", title=_("Foot and bike patrol hours across the city, by week"),
                        dimension_label=_("Week"), series=[charts.Series("hours", _("Patrol hours")),
                                                            charts.Series("target", _("Target (hours)"))],
                        rows=rows, missing_label=_("no target set"), decimals=1, scale="amount")


def _public_weeks(agency: Agency, now: datetime) -> tuple[date, date]:
    """The week shown by default (the last complete one) and the newest week the public may see."""
    latest = visibility.latest_public_week(agency, now)
    last_complete = services.week_start(timezone.localtime(now, agency.zone).date()) - timedelta(weeks=1)
    return min(last_complete, latest), latest


def _week_asked(value: str, default: date, latest: date) -> date:
    try:
        asked = services.week_start(date.fromisoformat(value))
    except (TypeError, ValueError):
        return default
    return min(max(asked, date(2000, 1, 3)), latest)


def visibility_map(neighbourhoods: list[Neighbourhood], rows: list[WeekRow], cells) -> dict:
    """The neighbourhoods shaded by band, and the route cells as squares, in one SVG coordinate system."""
    drawn = geo.svg_paths(neighbourhoods)
    bounds = _bounds([shape(n.boundary) for n in neighbourhoods])
    if bounds is None:
        return {"width": drawn["width"], "height": drawn["height"], "shapes": [], "cells": []}
    projection = Projection.fitting(bounds)
    by_id = {row.neighbourhood.id: row for row in rows}
    shapes = [{**item, "row": by_id.get(item["neighbourhood"].id)} for item in drawn["shapes"]]
    squares = []
    for cell in cells:
        x, y = projection.point(cell.west, cell.north)
        squares.append({"x": x, "y": y, "width": projection.length(cell.east - cell.west),
                        "height": projection.length(cell.north - cell.south), "cell": cell,
                        "latitude": round((cell.south + cell.north) / 2, 4),
                        "longitude": round((cell.west + cell.east) / 2, 4)})
    return {"width": drawn["width"], "height": drawn["height"], "shapes": shapes, "cells": squares}


@require_safe
def visibility_page(request: HttpRequest) -> HttpResponse:
    agency, now = request.agency, timezone.now()
    default, latest = _public_weeks(agency, now)
    monday = _week_asked(request.GET.get("week", ""), default, latest)
    sunday = monday + timedelta(days=6)
    weeks = week_rows(agency, monday - timedelta(weeks=TREND_WEEKS - 1), monday, now=now)
    rows = weeks[monday]
    neighbourhoods = [row.neighbourhood for row in rows]
    cells = visibility.route_cells(agency, monday, sunday, now=now)
    published_until = visibility.published_until(now)
    week_end = agency.day_bounds(monday, sunday)[1]
    today = agency.today()
    figures_from = default_first_day(today)
    labels = _band_labels()
    trend = _citywide_trend(weeks)
    return render(request, "patrols/visibility.html", {
        "monday": monday, "sunday": sunday,
        "previous_week": monday - timedelta(weeks=1),
        "next_week": monday + timedelta(weeks=1) if monday < latest else None, "latest": latest,
        "incomplete": week_end > published_until, "published_until": published_until,
        "rows": rows,
        "totals": {"foot": sum(r.foot for r in rows), "bike": sum(r.bike for r in rows),
                   "total": sum(r.total for r in rows), "event_hours": sum(r.event_hours for r in rows)},
        "map": visibility_map(neighbourhoods, rows, cells),
        "bands": [{"key": key, "label": labels[key]} for key in BANDS],
        "minimum_patrols": visibility.MIN_PATROLS_PER_CELL,
        "cell_metres": int(round(visibility.CELL_DEGREES * 111_000, -2)),
        "delay_hours": int(visibility.PUBLIC_DELAY.total_seconds() // 3600),
        "trend": trend,
        "figures_from": figures_from, "figures_to": today,
        "figures": engagement_figures.figures(agency, figures_from, today, engagement_figures.NEIGHBOURHOOD,
                                              public=True, now=now),
        "figures_total": engagement_figures.total(agency, figures_from, today, public=True, now=now),
        "tile_url": settings.COMMONBEAT_MAP_TILE_URL,
    })


@require_safe
def visibility_csv(request: HttpRequest) -> HttpResponse:
    """The weekly table for the last 52 complete weeks: published patrols only."""
    agency, now = request.agency, timezone.now()
    last, _latest = _public_weeks(agency, now)
    weeks = week_rows(agency, last - timedelta(weeks=CSV_WEEKS - 1), last, now=now)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.DictWriter(response, fieldnames=VISIBILITY_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for monday, rows in weeks.items():
        for row in rows:
            writer.writerow({"week": monday.isoformat(), "neighbourhood": row.neighbourhood.slug,
                             "foot_hours": f"{row.foot:.2f}", "bike_hours": f"{row.bike:.2f}",
                             "target_hours": "" if row.target is None else f"{row.target:.1f}",
                             "event_officer_hours": f"{row.event_hours:.2f}"})
    return as_download(response, f"{agency.slug}-patrol-hours-by-week.csv")


# ---------------------------------------------------------------- engagement figures for staff

def _figures_request(request: HttpRequest) -> tuple[FiguresForm, date, date, str]:
    form = FiguresForm(request.GET, agency=request.agency)
    first, last, group = form.period()
    return form, first, last, group


@staff_required(Action.VIEW_ENGAGEMENT_FIGURES)
@require_safe
def staff_figures(request: HttpRequest) -> HttpResponse:
    form, first, last, group = _figures_request(request)
    rows = engagement_figures.figures(request.agency, first, last, group)
    return private(render(request, "patrols/staff_figures.html", {
        "form": form, "first_day": first, "last_day": last, "group": group,
        "group_label": dict(form.fields["group"].choices)[group],
        "rows": rows, "total": engagement_figures.total(request.agency, first, last),
        "query": request.GET.urlencode(),
    }))


@staff_required(Action.VIEW_ENGAGEMENT_FIGURES)
@require_safe
def staff_figures_csv(request: HttpRequest) -> HttpResponse:
    _form, first, last, group = _figures_request(request)
    rows = [*engagement_figures.figures(request.agency, first, last, group),
            engagement_figures.total(request.agency, first, last)]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.DictWriter(response, fieldnames=FIGURES_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({"group": group, "key": row.key, "name": row.label, "first_day": first.isoformat(),
                         "last_day": last.isoformat(), "events": row.events, "attendance": row.attendance,
                         "officer_engagement_hours": f"{row.engagement_hours:.2f}",
                         "patrol_hours": f"{row.patrol_hours:.2f}", "problems_opened": row.problems_opened,
                         "problems_resolved": row.problems_resolved})
    response["Content-Disposition"] = (f'attachment; filename="{request.agency.slug}-engagement-by-{group}-'
                                       f'{first:%Y-%m-%d}-to-{last:%Y-%m-%d}.csv"')
    return private(response)


urlpatterns = [
    path("console/patrols/", patrol_list, name="patrols"),
    path("console/patrols/new/", log_patrol, name="log"),
    path("console/patrols/targets/", targets, name="targets"),
    path("console/patrols/<int:pk>/", patrol_detail, name="patrol"),
    path("console/engagement/figures/", staff_figures, name="staff_figures"),
    path("console/engagement/figures.csv", staff_figures_csv, name="staff_figures_csv"),
    path("visibility/", visibility_page, name="visibility"),
    path("visibility/weeks.csv", visibility_csv, name="visibility_csv"),
]
