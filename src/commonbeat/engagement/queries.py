"""Reading events and projects: what residents can find, and the figures other apps (patrols, the trust
dashboard) read from here rather than from the models."""

import zoneinfo
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, Sum

from commonbeat.core.models import Agency
from commonbeat.core.tenancy import scoped

from .models import Event, EventStatus, OfficerParticipation, Problem, ProblemStatus


def find_events(agency: Agency, *, neighbourhood=None, kind=None, first_day: date | None = None,
                last_day: date | None = None):
    """Events residents can see (cancelled ones too, marked), soonest first, filtered as asked."""
    events = scoped(Event, agency).select_related("kind", "neighbourhood")
    if neighbourhood is not None:
        events = events.filter(neighbourhood=neighbourhood)
    if kind is not None:
        events = events.filter(kind=kind)
    if first_day is not None or last_day is not None:
        start, end = agency.day_bounds(first_day or date.min.replace(year=1900),
                                      last_day or date.max.replace(year=2999))
        events = events.filter(ends_at__gt=start, starts_at__lt=end)
    return events.order_by("starts_at", "id")


FEED_HISTORY = timedelta(days=90)


def feed_events(agency: Agency, now: datetime):
    """What calendar feeds carry: the last 90 days and everything ahead."""
    return (scoped(Event, agency).select_related("kind", "agency").filter(ends_at__gte=now - FEED_HISTORY)
            .order_by("starts_at", "id"))


def officer_event_hours(agency: Agency, start: datetime, end: datetime) -> dict[tuple[int, date], float]:
    """{(neighbourhood id, Monday): officer-hours at events}, for events that started in [start, end)."""
    zone = zoneinfo.ZoneInfo(agency.timezone)
    hours: dict[tuple[int, date], float] = defaultdict(float)
    rows = (scoped(OfficerParticipation, agency)
            .filter(event__starts_at__gte=start, event__starts_at__lt=end, event__neighbourhood__isnull=False,
                    event__status=EventStatus.SCHEDULED)
            .values_list("event__neighbourhood_id", "event__starts_at", "hours"))
    for neighbourhood_id, starts_at, spent in rows:
        local = starts_at.astimezone(zone).date()
        hours[(neighbourhood_id, local - timedelta(days=local.weekday()))] += float(spent)
    return dict(hours)


def held_events(agency: Agency, start: datetime, end: datetime):
    """Events that took place (not cancelled) between start and end."""
    return scoped(Event, agency).filter(status=EventStatus.SCHEDULED, starts_at__gte=start, starts_at__lt=end)


def event_figures(events, group: str) -> dict:
    """{group value: {"events": n, "attendance": people}} for events grouped by `group` (a field path)."""
    rows = (events.values(group).annotate(events=Count("id", distinct=True))
            .order_by())
    attendance = (events.values(group).annotate(attendance=Sum("attendance__people")).order_by())
    result = {row[group]: {"events": row["events"], "attendance": 0} for row in rows}
    for row in attendance:
        result[row[group]]["attendance"] = row["attendance"] or 0
    return result


def problem_figures(agency: Agency, start: datetime, end: datetime, group: str) -> dict:
    """{group value: {"opened": n, "resolved": n}} for projects opened, and resolved, between start and end."""
    problems = scoped(Problem, agency)
    rows = problems.values(group).annotate(
        opened=Count("id", filter=Q(opened_at__gte=start, opened_at__lt=end)),
        resolved=Count("id", filter=Q(status=ProblemStatus.RESOLVED, closed_at__gte=start, closed_at__lt=end)),
    ).order_by()
    return {row[group]: {"opened": row["opened"], "resolved": row["resolved"]} for row in rows}


def workshops_held(agency: Agency, start: datetime, end: datetime) -> list[dict]:
    """Public workshops (events of a workshop kind, not cancelled) that started in [start, end), oldest first:
    [{"id", "title" ({language: text}), "starts_at", "attendance" (people who came)}]. For the training page."""
    rows = (scoped(Event, agency).filter(kind__is_workshop=True, status=EventStatus.SCHEDULED,
                                         starts_at__gte=start, starts_at__lt=end)
            .annotate(people=Sum("attendance__people")).order_by("starts_at", "id")
            .values("id", "title", "starts_at", "people"))
    return [{"id": row["id"], "title": row["title"], "starts_at": row["starts_at"],
             "attendance": row["people"] or 0} for row in rows]
