"""Two years of officer training for the demo city: the standard courses, four requirements, monthly and
quarterly sessions with their rosters, and the records they left, plus a share imported from a learning system.

Compliance is mostly current and uneven by unit: each unit has its own habit of keeping up, so some units have
more officers overdue than others, and about one in twelve officers falls due within the month. A few officers
moved into the Crisis Intervention unit during the two years (recorded as assignment changes), one of them
recently enough to be in the 40-hour course's grace period. The demo `officer` account's officer has one
requirement current, one due soon and one overdue. Sessions are booked for the next six weeks, with rosters.
"""

import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from commonbeat.core.models import Officer, Unit
from commonbeat.core.seeding import SeedContext
from commonbeat.core.tenancy import scoped

from . import services
from .compliance import add_months
from .models import AppliesTo, AssignmentChange, Requirement, SessionSeat, Source, TrainingRecord, TrainingSession

ORDER = 80

# course code -> (months between sessions, days a session lasts)
SESSION_PLAN = {"DEESC-8": (1, 1), "BIAS-4": (2, 1), "CULT-4": (3, 1), "CIT-40": (6, 5), "PJ-4": (4, 1)}
# (course code, hours, every months, applies to, unit code, grace days)
REQUIREMENTS = [
    ("DEESC-8", 8, 12, AppliesTo.ALL, None, 90),
    ("BIAS-4", 4, 24, AppliesTo.ALL, None, 180),
    ("CULT-4", 4, 24, AppliesTo.ALL, None, 180),
    ("CIT-40", 40, None, AppliesTo.UNIT, "CIT", 180),
]
PLACES = ["Training Academy, Room 2", "Training Academy, Room 4", "Public Safety Building, Classroom B"]
INSTRUCTORS = ["Sgt. R. Alvarez, Dr. K. Monroe", "Lt. D. Okafor", "Sgt. M. Chen, J. Ruiz (NAMI)", "Cpl. A. Baptiste"]
MONTHS_BACK = 24
# Sessions booked ahead: (course code, days from today), all within six weeks.
AHEAD = [("DEESC-8", 9), ("BIAS-4", 16), ("CULT-4", 23), ("DEESC-8", 30), ("CIT-40", 37)]
IMPORTED_SHARE = 0.2
MOVES_TO_CRISIS = 4


def _unit_habits(context: SeedContext, units: list[Unit]) -> dict[int, float]:
    """How likely an officer of each unit is to be up to date: most units keep up, a couple lag."""
    rng = context.rng
    habits = {unit.pk: rng.uniform(0.86, 0.97) for unit in units}
    for unit in rng.sample(units, min(2, len(units))):
        habits[unit.pk] = rng.uniform(0.6, 0.72)
    return habits


def _sessions(context: SeedContext, courses: dict, zone) -> dict[str, list[TrainingSession]]:
    """Sessions of each course over the last two years, on the second Tuesday of their month, and the ones
    booked over the next six weeks."""
    agency, rng, today = context.agency, context.rng, context.today

    def session(code: str, day: date) -> TrainingSession:
        days = SESSION_PLAN[code][1]
        return TrainingSession(
            agency=agency, course=courses[code], starts_at=datetime.combine(day, time(8, 0), tzinfo=zone),
            ends_at=datetime.combine(day + timedelta(days=days - 1), time(16, 30), tzinfo=zone),
            place=rng.choice(PLACES), instructors=rng.choice(INSTRUCTORS), capacity=40 if code != "CIT-40" else 24)

    planned = []
    for code, (every, _days) in SESSION_PLAN.items():
        month = add_months(today.replace(day=1), -MONTHS_BACK)
        while month <= today:
            day = month + timedelta(days=(1 - month.weekday()) % 7 + 7)
            if day < today:
                planned.append(session(code, day))
            month = add_months(month, every)
    planned += [session(code, today + timedelta(days=ahead)) for code, ahead in AHEAD]
    TrainingSession.objects.bulk_create(planned)
    by_course: dict[str, list[TrainingSession]] = {code: [] for code in SESSION_PLAN}
    for session in sorted(planned, key=lambda session: session.starts_at):
        by_course[session.course.code].append(session)
    return by_course


def _session_on_or_before(sessions: list[TrainingSession], day: date, zone) -> TrainingSession | None:
    held = [session for session in sessions if session.starts_at.astimezone(zone).date() <= day]
    return held[-1] if held else None


def _completion_days(context: SeedContext, every_months: int, keeps_up: bool, joined: date) -> list[date]:
    """The days an officer completed a recurring course: up to date, the last one within the period (a few
    close to expiring); lagging, the last one between one and eight months past it."""
    rng, today = context.rng, context.today
    period = (add_months(today, every_months) - today).days
    if keeps_up:
        last = today - timedelta(days=rng.randrange(7, period - 3))
    else:
        last = today - timedelta(days=period + rng.randrange(20, 240))
    days = [last]
    earlier = last - timedelta(days=period - rng.randrange(0, 40))
    while earlier >= add_months(today, -MONTHS_BACK) and len(days) < 3:
        days.append(earlier)
        earlier -= timedelta(days=period - rng.randrange(0, 40))
    return [day for day in days if day >= joined]


def seed(context: SeedContext) -> None:
    agency, rng, today = context.agency, context.rng, context.today
    zone = zoneinfo.ZoneInfo(agency.timezone)
    courses = {course.code: course for course in services.standard_courses(agency)}
    units = list(scoped(Unit, agency))
    unit_by_code = {unit.code: unit for unit in units}
    Requirement.objects.bulk_create([
        Requirement(agency=agency, course=courses[code], hours_required=Decimal(hours), every_months=months,
                    applies_to=applies_to, unit=unit_by_code.get(unit_code) if unit_code else None,
                    grace_days=grace)
        for code, hours, months, applies_to, unit_code, grace in REQUIREMENTS])
    sessions = _sessions(context, courses, zone)
    now = timezone.now()
    officers = list(scoped(Officer, agency).filter(active_until__isnull=True).select_related("unit").order_by("id"))

    # A few officers moved into the Crisis Intervention unit; the latest move is recent (in the grace period).
    crisis = unit_by_code.get("CIT")
    moved: dict[int, date] = {}
    if crisis is not None:
        candidates = [officer for officer in officers[1:] if officer.unit_id != crisis.pk]
        changes = []
        for index, officer in enumerate(rng.sample(candidates, min(MOVES_TO_CRISIS, len(candidates)))):
            effective_on = today - timedelta(days=40 if index == 0 else rng.randrange(200, 650))
            effective_on = max(effective_on, officer.active_from)
            changes.append(AssignmentChange(agency=agency, officer=officer, effective_on=effective_on,
                                            from_unit=officer.unit, from_assignment=officer.assignment,
                                            to_unit=crisis, to_assignment="crisis", recorded_at=now))
            officer.unit, officer.assignment = crisis, "crisis"
            moved[officer.pk] = effective_on
        AssignmentChange.objects.bulk_create(changes)
        Officer.objects.bulk_update([officer for officer in officers if officer.pk in moved], ["unit", "assignment"])

    habits = _unit_habits(context, units)
    demo_officer = officers[0] if officers else None
    seats: list[SessionSeat] = []
    records: list[TrainingRecord] = []
    taken: set[tuple[int, int]] = set()

    def complete(officer: Officer, code: str, day: date) -> None:
        session = _session_on_or_before(sessions[code], day, zone)
        course = courses[code]
        if rng.random() < IMPORTED_SHARE or session is None or (session.pk, officer.pk) in taken:
            records.append(TrainingRecord(
                agency=agency, officer=officer, course=course, completed_on=day, hours=course.hours,
                source=Source.IMPORTED, source_system="lms",
                external_id=f"LMS-{officer.badge_number}-{code}-{day:%Y%m%d}",
                recorded_at=now))
            return
        taken.add((session.pk, officer.pk))
        seats.append(SessionSeat(agency=agency, session=session, officer=officer, attended=True))
        records.append(TrainingRecord(
            agency=agency, officer=officer, course=course, completed_on=session.starts_at.astimezone(zone).date(),
            hours=course.hours, source=Source.SESSION, session=session, recorded_at=now))

    for officer in officers:
        if officer is demo_officer:
            # One requirement current, one due soon, one overdue.
            complete(officer, "DEESC-8", today - timedelta(days=345))
            complete(officer, "BIAS-4", today - timedelta(days=300))
            complete(officer, "CULT-4", today - timedelta(days=800))
            continue
        keeps_up_rate = habits.get(officer.unit_id, 0.9)
        for code, _hours, months, _applies_to, _unit, _grace in REQUIREMENTS:
            if months is None:
                continue
            for day in _completion_days(context, months, rng.random() < keeps_up_rate, officer.active_from):
                complete(officer, code, day)
        in_crisis = crisis is not None and officer.unit_id == crisis.pk
        if in_crisis and not (officer.pk in moved and (today - moved[officer.pk]).days < 60):
            complete(officer, "CIT-40", (moved.get(officer.pk) or today - timedelta(days=700)) + timedelta(
                days=rng.randrange(20, 150)))
        elif not in_crisis and rng.random() < 0.05:
            complete(officer, "CIT-40", today - timedelta(days=rng.randrange(100, 700)))

    # Upcoming sessions: officers who are due, booked on the next session of the course.
    upcoming = {code: [session for session in listed if session.starts_at.astimezone(zone).date() > today]
                for code, listed in sessions.items()}
    for code in ("DEESC-8", "BIAS-4", "CULT-4"):
        for session in upcoming[code][:2]:
            for officer in rng.sample(officers, min(len(officers), rng.randrange(8, 20))):
                if (session.pk, officer.pk) not in taken:
                    taken.add((session.pk, officer.pk))
                    seats.append(SessionSeat(agency=agency, session=session, officer=officer))
    if demo_officer is not None and upcoming["CULT-4"]:
        session = upcoming["CULT-4"][0]
        if (session.pk, demo_officer.pk) not in taken:
            seats.append(SessionSeat(agency=agency, session=session, officer=demo_officer))
    records = [record for record in records if record.completed_on <= today]
    SessionSeat.objects.bulk_create(seats)
    TrainingRecord.objects.bulk_create(records, ignore_conflicts=True)
    context.log.append(f"{agency.name}: {len(courses)} courses, {len(REQUIREMENTS)} requirements, "
                       f"{sum(len(listed) for listed in sessions.values())} training sessions, "
                       f"{len(records)} training records.")
