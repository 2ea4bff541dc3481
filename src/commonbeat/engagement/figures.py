"""Engagement figures over a period, per neighbourhood, unit or officer: events held and who came, officers'
hours at events, foot and bike patrol hours, and problem-solving projects opened and resolved.

The same function serves staff and the public. With `public`, only patrols that ended at least 24 hours
ago (`patrols.visibility.PUBLIC_DELAY`) and only projects shown to the public are counted.

How each level counts:

- neighbourhood: the events held in it and their attendance, officers' hours at those events, patrol hours
  shared equally among the neighbourhoods a patrol covered (as on the visibility map), projects in it;
- unit: the events at least one of the unit's officers took part in and their attendance, the hours the
  unit's officers spent at events and on patrol, projects owned by the unit's officers;
- officer: the same for one officer.

An event counts once for every unit (or officer) that took part in it, so unit and officer rows do not add
up to the agency's total; `total()` gives that.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from commonbeat.core.models import Agency, Neighbourhood, Officer, Unit
from commonbeat.core.tenancy import scoped
from commonbeat.patrols import visibility

from .models import Attendance, OfficerParticipation, Problem, ProblemStatus
from .queries import event_figures, held_events

NEIGHBOURHOOD, UNIT, OFFICER = "neighbourhood", "unit", "officer"
GROUPS = (NEIGHBOURHOOD, UNIT, OFFICER)
NONE_KEY = "none"  # the row of events, projects or officers with no neighbourhood or unit


@dataclass
class FigureRow:
    key: str  # neighbourhood slug, unit code, badge number, "none" or "all"
    label: str
    events: int = 0
    attendance: int = 0
    engagement_hours: float = 0.0  # officers' hours at the events
    patrol_hours: float = 0.0
    problems_opened: int = 0
    problems_resolved: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.events or self.attendance or self.engagement_hours or self.patrol_hours
                    or self.problems_opened or self.problems_resolved)


@dataclass
class _Period:
    agency: Agency
    start: datetime
    end: datetime
    events_until: datetime  # events are counted once they have started: "held", not planned
    public: bool
    now: datetime
    first_day: date
    last_day: date

    def events(self):
        return held_events(self.agency, self.start, max(self.start, self.events_until))

    def patrols(self):
        return visibility.patrols_started_between(self.agency, self.first_day, self.last_day, public=self.public,
                                                  now=self.now)

    def problems(self):
        problems = scoped(Problem, self.agency)
        return problems.filter(is_public=True) if self.public else problems


def _period(agency: Agency, start: date, end: date, public: bool, now: datetime | None) -> _Period:
    now = now or timezone.now()
    first, last = agency.day_bounds(start, end)
    return _Period(agency, first, last, min(last, now), public, now, start, end)


def _problem_counts(period: _Period, field: str) -> dict:
    """{field value: (opened, resolved)} for projects opened, and resolved, in the period."""
    rows = period.problems().values(field).annotate(
        opened=Count("id", filter=Q(opened_at__gte=period.start, opened_at__lt=period.end)),
        resolved=Count("id", filter=Q(status=ProblemStatus.RESOLVED, closed_at__gte=period.start,
                                      closed_at__lt=period.end)),
    ).order_by()
    return {row[field]: (row["opened"], row["resolved"]) for row in rows}


def _attendance_by_event(events) -> dict[int, int]:
    rows = (Attendance.objects.filter(event__in=events).values("event_id").annotate(people=Sum("people"))
            .order_by())
    return {row["event_id"]: row["people"] or 0 for row in rows}


def figures(agency: Agency, start: date, end: date, group: str, *, public: bool = False,
            now: datetime | None = None) -> list[FigureRow]:
    """The figures from the day `start` to the day `end` (both included, agency time), one row per
    neighbourhood, unit or officer (`group`). Every neighbourhood and unit has a row; officers only when they
    have something to show. A last row gathers what has no neighbourhood (or no unit), when there is any."""
    if group not in GROUPS:
        raise ValueError(f"group must be one of {GROUPS}")
    period = _period(agency, start, end, public, now)
    if group == NEIGHBOURHOOD:
        return _by_neighbourhood(period)
    return _by_officer(period) if group == OFFICER else _by_unit(period)


def _by_neighbourhood(period: _Period) -> list[FigureRow]:
    events = period.events()
    held = event_figures(events, "neighbourhood")
    hours: dict = defaultdict(float)
    participation = scoped(OfficerParticipation, period.agency).filter(event__in=events)
    for neighbourhood_id, spent in participation.values_list("event__neighbourhood_id", "hours"):
        hours[neighbourhood_id] += float(spent)
    patrol_hours: dict = defaultdict(float)
    for (neighbourhood_id, _monday), modes in visibility.patrol_hours(period.patrols(), period.agency).items():
        patrol_hours[neighbourhood_id] += sum(modes.values())
    problems = _problem_counts(period, "neighbourhood_id")

    def row(key: str, label: str, neighbourhood_id: int | None) -> FigureRow:
        found = held.get(neighbourhood_id, {})
        opened, resolved = problems.get(neighbourhood_id, (0, 0))
        return FigureRow(key, label, found.get("events", 0), found.get("attendance", 0),
                         hours.get(neighbourhood_id, 0.0), patrol_hours.get(neighbourhood_id, 0.0), opened, resolved)

    rows = [row(n.slug, n.name, n.id) for n in scoped(Neighbourhood, period.agency).order_by("name")]
    elsewhere = row(NONE_KEY, _("No neighbourhood"), None)
    return rows + ([] if elsewhere.is_empty else [elsewhere])


def _officer_activity(period: _Period) -> tuple[dict, dict]:
    """Per officer: the events they took part in, their hours at events, their patrol hours, and their
    projects (opened, resolved); and the attendance of each event."""
    events = period.events()
    attended = _attendance_by_event(events)
    events_of: dict[int, set] = defaultdict(set)
    hours: dict[int, float] = defaultdict(float)
    participation = scoped(OfficerParticipation, period.agency).filter(event__in=events)
    for event_id, officer_id, spent in participation.values_list("event_id", "officer_id", "hours"):
        events_of[officer_id].add(event_id)
        hours[officer_id] += float(spent)
    patrols = visibility.hours_by_officer(period.patrols())
    problems = _problem_counts(period, "owner_id")
    return {"events": events_of, "hours": hours, "patrols": patrols, "problems": problems}, attended


def _row_for(key: str, label: str, officer_ids, activity: dict, attended: dict) -> FigureRow:
    events = set().union(*(activity["events"].get(officer_id, set()) for officer_id in officer_ids))
    opened = sum(activity["problems"].get(officer_id, (0, 0))[0] for officer_id in officer_ids)
    resolved = sum(activity["problems"].get(officer_id, (0, 0))[1] for officer_id in officer_ids)
    return FigureRow(key, label, len(events), sum(attended.get(event_id, 0) for event_id in events),
                     sum(activity["hours"].get(officer_id, 0.0) for officer_id in officer_ids),
                     sum(activity["patrols"].get(officer_id, 0.0) for officer_id in officer_ids), opened, resolved)


def _by_unit(period: _Period) -> list[FigureRow]:
    activity, attended = _officer_activity(period)
    officers_of: dict = defaultdict(list)
    for officer_id, unit_id in scoped(Officer, period.agency).values_list("id", "unit_id"):
        officers_of[unit_id].append(officer_id)
    rows = [_row_for(unit.code, unit.name, officers_of.get(unit.id, []), activity, attended)
            for unit in scoped(Unit, period.agency).order_by("name")]
    elsewhere = _row_for(NONE_KEY, _("No unit"), officers_of.get(None, []), activity, attended)
    return rows + ([] if elsewhere.is_empty else [elsewhere])


def _by_officer(period: _Period) -> list[FigureRow]:
    activity, attended = _officer_activity(period)
    rows = [_row_for(officer.badge_number, str(officer), [officer.id], activity, attended)
            for officer in scoped(Officer, period.agency).order_by("last_name", "first_name", "badge_number")]
    return [row for row in rows if not row.is_empty]


def total(agency: Agency, start: date, end: date, *, public: bool = False, now: datetime | None = None) -> FigureRow:
    """The agency's figures for the period, each event and patrol counted once."""
    period = _period(agency, start, end, public, now)
    events = period.events()
    opened = resolved = 0
    for row_opened, row_resolved in _problem_counts(period, "agency_id").values():
        opened, resolved = opened + row_opened, resolved + row_resolved
    spent = scoped(OfficerParticipation, agency).filter(event__in=events).aggregate(total=Sum("hours"))["total"]
    return FigureRow("all", _("All"), events.count(), sum(_attendance_by_event(events).values()),
                     float(spent or 0), sum(visibility.hours_by_officer(period.patrols()).values()), opened, resolved)
