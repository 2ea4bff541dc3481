"""Who must complete what, and whether they have: the rules of compliance, as pure functions, and the queries
that feed them for a whole agency.

The rules:

- A record of a course counts towards a recurring requirement until it *expires*, `every_months` months after
  the day it was completed. The officer is current while the records still counting add up to the hours
  required. The requirement falls due when the oldest of the newest records needed to reach the hours expires:
  that is the next due date, and the officer is "due soon" when it is 30 days away or less.
- A requirement taken once (no `every_months`) is met by records adding up to the hours, ever.
- An officer becomes subject to a requirement on `applies_since`: the day they joined for a requirement on
  every officer, else the first day of the latest unbroken stretch in which their unit or assignment matched
  it (read from the assignment history; with no history, the day they joined). An officer who has not met a
  requirement is due `grace_days` after becoming subject, or when their last completion lapsed if that is
  later; until then they are "due soon", after it "overdue".
- The due date is the first day the requirement is no longer met: from that day on the officer is overdue.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import models as django_models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commonbeat.core.models import Agency, Officer
from commonbeat.core.tenancy import scoped

from .models import AppliesTo, AssignmentChange, Requirement, TrainingRecord

DUE_SOON_DAYS = 30


class Status(django_models.TextChoices):
    CURRENT = "current", _("Current")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), on the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Result:
    status: Status
    hours: Decimal  # hours counting now (in the window, or ever for a one-off requirement)
    due_on: date | None  # when it must next be completed; None for a one-off requirement that is met
    met: bool = False  # the hours counting now reach the hours required


def evaluate(*, hours_required: Decimal, every_months: int | None, grace_days: int, applies_since: date,
             records: list[tuple[date, Decimal]], today: date) -> Result:
    """The status of one officer against one requirement, from the (completed_on, hours) of their records of
    its course. Records dated after today are ignored."""
    done = sorted(((day, Decimal(hours)) for day, hours in records if day <= today), reverse=True)
    grace_due = applies_since + timedelta(days=grace_days)
    if every_months is None:
        total = sum((hours for _day, hours in done), Decimal(0))
        if total >= hours_required:
            return Result(Status.CURRENT, total, None, met=True)
        return Result(Status.DUE_SOON if today < grace_due else Status.OVERDUE, total, grace_due)

    counting = [(day, hours) for day, hours in done if add_months(day, every_months) > today]
    window_hours = sum((hours for _day, hours in counting), Decimal(0))
    lapse = _expiry(done, hours_required, every_months)  # newest-first over all records
    if window_hours >= hours_required:
        due_on = lapse
        status = Status.DUE_SOON if (due_on - today).days <= DUE_SOON_DAYS else Status.CURRENT
        return Result(status, window_hours, due_on, met=True)
    due_on = max(grace_due, lapse) if lapse else grace_due
    return Result(Status.DUE_SOON if today < due_on else Status.OVERDUE, window_hours, due_on)


def _expiry(newest_first: list[tuple[date, Decimal]], hours_required: Decimal, every_months: int) -> date | None:
    """When the newest records that reach the hours stop reaching them: the expiry of the oldest one needed."""
    total = Decimal(0)
    for day, hours in newest_first:
        total += hours
        if total >= hours_required:
            return add_months(day, every_months)
    return None


# ---------------------------------------------------------------- who is subject, and since when

def matches(requirement: Requirement, unit_id: int | None, assignment: str) -> bool:
    if requirement.applies_to == AppliesTo.ALL:
        return True
    if requirement.applies_to == AppliesTo.UNIT:
        return unit_id is not None and unit_id == requirement.unit_id
    return bool(assignment) and assignment.strip().lower() == requirement.assignment.strip().lower()


def applies_since(requirement: Requirement, officer: Officer, changes: list[AssignmentChange]) -> date | None:
    """The day the officer became subject to the requirement, for the stretch that lasts until now; None when
    they are not subject to it. `changes` is the officer's assignment history, oldest first."""
    if not matches(requirement, officer.unit_id, officer.assignment):
        return None
    if requirement.applies_to == AppliesTo.ALL or not changes:
        return officer.active_from
    since = officer.active_from if matches(requirement, changes[0].from_unit_id, changes[0].from_assignment) \
        else None
    for change in changes:
        now_matches = matches(requirement, change.to_unit_id, change.to_assignment)
        if not now_matches:
            since = None
        elif since is None:
            since = max(change.effective_on, officer.active_from)
    return since or officer.active_from


# ---------------------------------------------------------------- the agency's compliance

@dataclass
class Row:
    officer: Officer
    requirement: Requirement
    applies_since: date
    result: Result

    @property
    def status(self) -> Status:
        return self.result.status


def active_officers(agency: Agency, today: date):
    return (scoped(Officer, agency).filter(active_from__lte=today)
            .filter(Q(active_until__isnull=True) | Q(active_until__gte=today)))


def compliance_rows(agency: Agency, today: date, *, officers=None, requirements=None) -> list[Row]:
    """Every (active officer, requirement in force) pair the officer is subject to, with its status; in three
    queries whatever the size of the force."""
    if requirements is None:
        requirements = scoped(Requirement, agency).filter(is_active=True)
    requirements = list(requirements.select_related("course", "unit"))
    if officers is None:
        officers = active_officers(agency, today)
    officers = list(officers.select_related("unit"))
    officer_ids = [officer.pk for officer in officers]
    history: dict[int, list[AssignmentChange]] = defaultdict(list)
    for change in scoped(AssignmentChange, agency).filter(officer_id__in=officer_ids).order_by("effective_on", "id"):
        history[change.officer_id].append(change)
    records: dict[tuple[int, int], list[tuple[date, Decimal]]] = defaultdict(list)
    course_ids = {requirement.course_id for requirement in requirements}
    for officer_id, course_id, day, hours in (
            scoped(TrainingRecord, agency).filter(officer_id__in=officer_ids, course_id__in=course_ids)
            .values_list("officer_id", "course_id", "completed_on", "hours")):
        records[(officer_id, course_id)].append((day, hours))
    rows = []
    for officer in officers:
        for requirement in requirements:
            since = applies_since(requirement, officer, history[officer.pk])
            if since is None:
                continue
            result = evaluate(hours_required=requirement.hours_required, every_months=requirement.every_months,
                              grace_days=requirement.grace_days, applies_since=since,
                              records=records[(officer.pk, requirement.course_id)], today=today)
            rows.append(Row(officer, requirement, since, result))
    return rows


@dataclass
class RollUp:
    """One requirement in one unit (or agency-wide when `unit` is None)."""

    requirement: Requirement
    unit: object
    subject: int = 0
    met: int = 0  # completed and still counting (current, or due soon but done)
    current: int = 0
    due_soon: int = 0
    overdue: int = 0

    @property
    def share_current(self) -> int | None:
        """Whole per cent of the officers subject whose completed training still counts (an officer in their grace
        period who has not completed it yet is not counted as current)."""
        if not self.subject:
            return None
        return round(100 * self.met / self.subject)

    def add(self, result: Result) -> None:
        status = result.status
        self.subject += 1
        self.met += result.met
        if status == Status.CURRENT:
            self.current += 1
        elif status == Status.DUE_SOON:
            self.due_soon += 1
        else:
            self.overdue += 1


def roll_up(rows: list[Row], *, by_unit: bool = True) -> list[RollUp]:
    """Counts per requirement (and unit), in requirement then unit order."""
    groups: dict[tuple, RollUp] = {}
    for row in rows:
        unit = row.officer.unit if by_unit else None
        key = (row.requirement.pk, unit.pk if unit else None)
        if key not in groups:
            groups[key] = RollUp(row.requirement, unit)
        groups[key].add(row.result)
    return sorted(groups.values(), key=lambda group: (group.requirement.course.code, group.requirement.pk,
                                                      group.unit.name if group.unit else ""))
