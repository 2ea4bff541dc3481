"""Every change to courses, requirements, sessions and rosters, training records, CSV imports, officers'
assignments and training reminders.

Each service takes the acting user and the agency explicitly, checks the role, runs in one transaction and
writes its audit event there; a refusal is a `TrainingError` with a message a person can read.
"""

import csv
import io
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from commonbeat.accounts.roles import Action, can
from commonbeat.core import audit
from commonbeat.core.models import Agency, Officer, Unit
from commonbeat.core.tenancy import scoped

from . import compliance
from .models import (
    AppliesTo,
    AssignmentChange,
    Category,
    Course,
    ImportBatch,
    ReminderSent,
    Requirement,
    SessionSeat,
    Source,
    TrainingRecord,
    TrainingSession,
)

MAX_HOURS = Decimal("999")
MAX_IMPORT_BYTES = 2 * 1024 * 1024
CSV_COLUMNS = ["badge_number", "course_code", "completed_on", "hours", "record_id"]
REMINDER_DAYS = compliance.DUE_SOON_DAYS

# The courses every agency starts with: (code, category, English, Spanish, hours, repeat every months).
STANDARD_COURSES = [
    ("CULT-4", Category.CULTURAL_COMPETENCY, "Cultural competency", "Competencia cultural", 4, 24),
    ("BIAS-4", Category.IMPLICIT_BIAS, "Implicit bias", "Sesgo implícito", 4, 24),
    ("DEESC-8", Category.DE_ESCALATION, "De-escalation", "Desescalada", 8, 12),
    ("CIT-40", Category.CRISIS_INTERVENTION, "Crisis intervention team (40-hour)",
     "Equipo de intervención en crisis (40 horas)", 40, None),
    ("PJ-4", Category.PROCEDURAL_JUSTICE, "Procedural justice", "Justicia procesal", 4, 36),
]


class TrainingError(Exception):
    """A change that cannot be made, with a message a person can read."""


def _require(actor, agency: Agency, action: Action) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _texts(texts: dict | None) -> dict:
    return {language: text.strip() for language, text in (texts or {}).items() if text and text.strip()}


def _check_hours(hours: Decimal) -> None:
    if hours is None or hours <= 0 or hours > MAX_HOURS:
        raise TrainingError(_("Hours must be more than 0 and at most %(most)s.") % {"most": MAX_HOURS})


def _mine(agency: Agency, *objects) -> None:
    for obj in objects:
        if obj is not None and obj.agency_id != agency.id:
            raise TrainingError(_("That belongs to another agency."))


# ---------------------------------------------------------------- courses

@dataclass
class CourseDetails:
    code: str
    title: dict
    category: str
    hours: Decimal
    recurrence_months: int | None = None
    is_active: bool = True


def _apply_course(course: Course, details: CourseDetails) -> None:
    title = _texts(details.title)
    if not title.get("en"):
        raise TrainingError(_("Give the course a title in English."))
    _check_hours(details.hours)
    course.code = details.code.strip().upper()
    if not course.code:
        raise TrainingError(_("Give the course a code."))
    course.title, course.category, course.hours = title, details.category, details.hours
    course.recurrence_months, course.is_active = details.recurrence_months, details.is_active


@transaction.atomic
def create_course(actor, agency: Agency, details: CourseDetails) -> Course:
    """A course of the agency's. Codes are unique in the agency (imports find courses by code)."""
    _require(actor, agency, Action.MANAGE_TRAINING)
    course = Course(agency=agency)
    _apply_course(course, details)
    if scoped(Course, agency).filter(code=course.code).exists():
        raise TrainingError(_("There is already a course with the code %(code)s.") % {"code": course.code})
    course.save()
    audit.record("training.course_created", actor=actor, agency=agency, target=course,
                 changes={"code": course.code, "title": course.title, "hours": course.hours})
    return course


@transaction.atomic
def update_course(actor, course: Course, details: CourseDetails) -> Course:
    agency = course.agency
    _require(actor, agency, Action.MANAGE_TRAINING)
    before = {"code": course.code, "hours": str(course.hours), "recurrence_months": course.recurrence_months}
    _apply_course(course, details)
    if scoped(Course, agency).filter(code=course.code).exclude(pk=course.pk).exists():
        raise TrainingError(_("There is already a course with the code %(code)s.") % {"code": course.code})
    course.save()
    audit.record("training.course_changed", actor=actor, agency=agency, target=course,
                 changes={"before": before, "after": {"code": course.code, "hours": str(course.hours),
                                                      "recurrence_months": course.recurrence_months}})
    return course


def standard_courses(agency: Agency) -> list[Course]:
    """The standard courses, created for an agency that has none (seeding and first use)."""
    if not scoped(Course, agency).exists():
        Course.objects.bulk_create(
            [Course(agency=agency, code=code, category=category, title={"en": en, "es": es}, hours=Decimal(hours),
                    recurrence_months=months) for code, category, en, es, hours, months in STANDARD_COURSES],
            ignore_conflicts=True)
    return list(scoped(Course, agency))


# ---------------------------------------------------------------- requirements

@dataclass
class RequirementDetails:
    course: Course
    hours_required: Decimal
    every_months: int | None
    applies_to: str = AppliesTo.ALL
    unit: Unit | None = None
    assignment: str = ""
    grace_days: int = 90
    is_active: bool = True


def _apply_requirement(agency: Agency, requirement: Requirement, details: RequirementDetails) -> None:
    _mine(agency, details.course, details.unit)
    _check_hours(details.hours_required)
    if details.applies_to == AppliesTo.UNIT and details.unit is None:
        raise TrainingError(_("Choose the unit the requirement applies to."))
    if details.applies_to == AppliesTo.ASSIGNMENT and not details.assignment.strip():
        raise TrainingError(_("Give the assignment the requirement applies to, e.g. patrol."))
    if details.every_months is not None and not 1 <= details.every_months <= 120:
        raise TrainingError(_("Repeat every 1 to 120 months, or leave it empty for a one-off requirement."))
    requirement.course, requirement.hours_required = details.course, details.hours_required
    requirement.every_months, requirement.applies_to = details.every_months, details.applies_to
    requirement.unit = details.unit if details.applies_to == AppliesTo.UNIT else None
    requirement.assignment = details.assignment.strip() if details.applies_to == AppliesTo.ASSIGNMENT else ""
    requirement.grace_days, requirement.is_active = details.grace_days, details.is_active


def _requirement_summary(requirement: Requirement) -> dict:
    return {"course": requirement.course.code, "hours_required": str(requirement.hours_required),
            "every_months": requirement.every_months, "applies_to": requirement.applies_to,
            "unit": requirement.unit_id, "assignment": requirement.assignment, "grace_days": requirement.grace_days,
            "is_active": requirement.is_active}


@transaction.atomic
def create_requirement(actor, agency: Agency, details: RequirementDetails) -> Requirement:
    """What officers must complete, and how often, by role."""
    _require(actor, agency, Action.MANAGE_TRAINING)
    requirement = Requirement(agency=agency)
    _apply_requirement(agency, requirement, details)
    requirement.save()
    audit.record("training.requirement_created", actor=actor, agency=agency, target=requirement,
                 changes=_requirement_summary(requirement))
    return requirement


@transaction.atomic
def update_requirement(actor, requirement: Requirement, details: RequirementDetails) -> Requirement:
    agency = requirement.agency
    _require(actor, agency, Action.MANAGE_TRAINING)
    before = _requirement_summary(requirement)
    _apply_requirement(agency, requirement, details)
    requirement.save()
    audit.record("training.requirement_changed", actor=actor, agency=agency, target=requirement,
                 changes={"before": before, "after": _requirement_summary(requirement)})
    return requirement


# ---------------------------------------------------------------- officers' roles

@transaction.atomic
def change_assignment(actor, agency: Agency, officer: Officer, *, unit: Unit | None, assignment: str,
                      effective_on: date) -> AssignmentChange:
    """Move an officer to another unit or assignment as of a day, keeping the history that tells compliance
    since when the officer is subject to requirements by role. A change cannot be dated before the officer
    joined, before the last recorded change, or in the future."""
    _require(actor, agency, Action.MANAGE_TRAINING)
    _mine(agency, officer, unit)
    assignment = assignment.strip()
    if unit == officer.unit and assignment == officer.assignment:
        raise TrainingError(_("That is the officer's unit and assignment already."))
    if effective_on < officer.active_from:
        raise TrainingError(_("The change cannot be dated before the officer joined."))
    if effective_on > timezone.localdate():
        raise TrainingError(_("Record a change once it has happened."))
    last = scoped(AssignmentChange, agency).filter(officer=officer).order_by("-effective_on", "-id").first()
    if last is not None and effective_on < last.effective_on:
        raise TrainingError(_("The change cannot be dated before the last recorded change (%(day)s).")
                            % {"day": last.effective_on.isoformat()})
    change = AssignmentChange.objects.create(
        agency=agency, officer=officer, effective_on=effective_on, from_unit=officer.unit,
        from_assignment=officer.assignment, to_unit=unit, to_assignment=assignment,
        recorded_by=actor if actor.is_authenticated else None, recorded_at=timezone.now())
    officer.unit, officer.assignment = unit, assignment
    officer.save(update_fields=["unit", "assignment"])
    audit.record("training.assignment_changed", actor=actor, agency=agency, target=officer,
                 changes={"effective_on": effective_on, "from_unit": change.from_unit_id,
                          "from_assignment": change.from_assignment, "to_unit": change.to_unit_id,
                          "to_assignment": change.to_assignment})
    return change


# ---------------------------------------------------------------- sessions and rosters

@dataclass
class SessionDetails:
    course: Course
    starts_at: datetime
    ends_at: datetime
    place: str
    instructors: str = ""
    capacity: int | None = None


@transaction.atomic
def schedule_session(actor, agency: Agency, details: SessionDetails) -> TrainingSession:
    """A class of a course. It must end after it starts and be held at a named place."""
    _require(actor, agency, Action.MANAGE_TRAINING)
    _mine(agency, details.course)
    if details.ends_at <= details.starts_at:
        raise TrainingError(_("The session must end after it starts."))
    if not details.place.strip():
        raise TrainingError(_("Say where the session is held."))
    session = TrainingSession.objects.create(
        agency=agency, course=details.course, starts_at=details.starts_at, ends_at=details.ends_at,
        place=details.place.strip(), instructors=details.instructors.strip(), capacity=details.capacity,
        created_by=actor if actor.is_authenticated else None)
    audit.record("training.session_scheduled", actor=actor, agency=agency, target=session,
                 changes={"course": details.course.code, "starts_at": details.starts_at, "place": session.place})
    return session


@transaction.atomic
def add_to_roster(actor, agency: Agency, session: TrainingSession, officers: list[Officer]) -> int:
    """Put officers on a session's roster, within its places. Officers already on it are left as they are.
    Returns how many were added."""
    _require(actor, agency, Action.MANAGE_TRAINING)
    _mine(agency, session, *officers)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    on_roster = set(session.seats.values_list("officer_id", flat=True))
    new = [officer for officer in officers if officer.pk not in on_roster]
    if session.capacity is not None and len(on_roster) + len(new) > session.capacity:
        raise TrainingError(_("The session has %(free)s places left.")
                            % {"free": max(session.capacity - len(on_roster), 0)})
    SessionSeat.objects.bulk_create([SessionSeat(agency=agency, session=session, officer=officer) for officer in new])
    if new:
        audit.record("training.roster_added", actor=actor, agency=agency, target=session,
                     changes={"officers": [officer.pk for officer in new]})
    return len(new)


@transaction.atomic
def record_attendance(actor, agency: Agency, session: TrainingSession, attended_ids: set[int]) -> int:
    """Mark who on the roster attended a session that has started, and give each of them a training record of
    the course's hours on the session's day (once: marking again changes nothing for them). An officer marked
    absent after being marked present loses the record the session gave them. Returns the records created."""
    _require(actor, agency, Action.MANAGE_TRAINING)
    _mine(agency, session)
    if session.starts_at > timezone.now():
        raise TrainingError(_("Attendance can be recorded once the session has started."))
    seats = list(session.seats.select_related("officer"))
    unknown = set(attended_ids) - {seat.officer_id for seat in seats}
    if unknown:
        raise TrainingError(_("Only officers on the roster can be marked as attending."))
    day = session.starts_at.astimezone(zoneinfo.ZoneInfo(agency.timezone)).date()
    now = timezone.now()
    created = 0
    for seat in seats:
        present = seat.officer_id in attended_ids
        if seat.attended != present:
            seat.attended = present
            seat.save(update_fields=["attended"])
        existing = TrainingRecord.objects.filter(session=session, officer_id=seat.officer_id)
        if present and not existing.exists():
            TrainingRecord.objects.create(
                agency=agency, officer=seat.officer, course=session.course, completed_on=day,
                hours=session.course.hours, source=Source.SESSION, session=session,
                recorded_by=actor if actor.is_authenticated else None, recorded_at=now)
            created += 1
        elif not present:
            existing.delete()
    audit.record("training.attendance_recorded", actor=actor, agency=agency, target=session,
                 changes={"attended": sorted(attended_ids), "records_created": created})
    return created


# ---------------------------------------------------------------- records

@transaction.atomic
def record_completion(actor, agency: Agency, *, officer: Officer, course: Course, completed_on: date,
                      hours: Decimal, note: str = "") -> TrainingRecord:
    """A completion entered by hand (e.g. a course taken elsewhere). It cannot be dated in the future."""
    _require(actor, agency, Action.MANAGE_TRAINING)
    _mine(agency, officer, course)
    _check_hours(hours)
    if completed_on > timezone.localdate():
        raise TrainingError(_("A completion cannot be dated in the future."))
    record = TrainingRecord.objects.create(
        agency=agency, officer=officer, course=course, completed_on=completed_on, hours=hours,
        source=Source.ENTERED, note=note.strip(), recorded_by=actor if actor.is_authenticated else None,
        recorded_at=timezone.now())
    audit.record("training.completion_recorded", actor=actor, agency=agency, target=record,
                 changes={"officer": officer.pk, "course": course.code, "completed_on": completed_on,
                          "hours": hours})
    return record


# ---------------------------------------------------------------- CSV import

@dataclass
class RowError:
    row: int  # the line number in the file, the header being line 1
    reason: str


@dataclass
class ParsedRow:
    row: int
    officer: Officer
    course: Course
    completed_on: date
    hours: Decimal
    record_id: str


@dataclass
class ImportCheck:
    """The dry run: every bad row with its reason, and the good rows (new ones, and ones already imported)."""

    errors: list[RowError] = field(default_factory=list)
    new: list[ParsedRow] = field(default_factory=list)
    already_imported: list[ParsedRow] = field(default_factory=list)
    rows: int = 0

    @property
    def is_clean(self) -> bool:
        return not self.errors


def check_csv(agency: Agency, content: str, source_system: str, today: date | None = None) -> ImportCheck:
    """Check an export row by row without storing anything: unknown badge numbers and course codes, dates that
    are not YYYY-MM-DD or are in the future, hours that are not a positive number, missing record ids and
    record ids given twice in the file. Rows whose record id was imported before are set aside (importing is
    idempotent), not errors."""
    today = today or timezone.localdate()
    check = ImportCheck()
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in CSV_COLUMNS if name not in header]
    if missing:
        check.errors.append(RowError(1, _("The first line must name the columns; missing: %(columns)s.")
                                     % {"columns": ", ".join(missing)}))
        return check
    reader.fieldnames = header
    officers = {officer.badge_number.strip().lower(): officer for officer in scoped(Officer, agency)}
    courses = {course.code.strip().upper(): course for course in scoped(Course, agency)}
    known = set(scoped(TrainingRecord, agency).filter(source_system=source_system)
                .exclude(external_id="").values_list("external_id", flat=True))
    seen: dict[str, int] = {}
    for line_number, raw in enumerate(reader, start=2):
        values = {name: (raw.get(name) or "").strip() for name in CSV_COLUMNS}
        if not any(values.values()):
            continue
        check.rows += 1
        reasons = []
        officer = officers.get(values["badge_number"].lower())
        if officer is None:
            reasons.append(_("unknown badge number “%(value)s”") % {"value": values["badge_number"]})
        course = courses.get(values["course_code"].upper())
        if course is None:
            reasons.append(_("unknown course code “%(value)s”") % {"value": values["course_code"]})
        try:
            completed_on = date.fromisoformat(values["completed_on"])
            if len(values["completed_on"]) != 10:
                raise ValueError
        except ValueError:
            completed_on = None
            reasons.append(_("the date “%(value)s” is not a date written YYYY-MM-DD")
                           % {"value": values["completed_on"]})
        else:
            if completed_on > today:
                reasons.append(_("the date %(value)s is in the future") % {"value": values["completed_on"]})
        try:
            hours = Decimal(values["hours"])
            if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS or hours != round(hours, 2):
                raise InvalidOperation
        except InvalidOperation:
            hours = None
            reasons.append(_("the hours “%(value)s” are not a number from 0.01 to %(most)s")
                           % {"value": values["hours"], "most": MAX_HOURS})
        record_id = values["record_id"]
        if not record_id:
            reasons.append(_("the record id is missing"))
        elif len(record_id) > 80:
            reasons.append(_("the record id is longer than 80 characters"))
        elif record_id in seen:
            reasons.append(_("duplicate: record id “%(value)s” is also on line %(line)s")
                           % {"value": record_id, "line": seen[record_id]})
        else:
            seen[record_id] = line_number
        if reasons:
            check.errors.append(RowError(line_number, "; ".join(reasons)))
            continue
        parsed = ParsedRow(line_number, officer, course, completed_on, hours, record_id)
        (check.already_imported if record_id in known else check.new).append(parsed)
    if not check.rows and not check.errors:
        check.errors.append(RowError(1, _("The file has no rows under its header.")))
    return check


def _source_system(value: str) -> str:
    value = value.strip()
    if not value:
        raise TrainingError(_("Name the learning system the export comes from."))
    return value[:40]


@transaction.atomic
def upload_import(actor, agency: Agency, *, source_system: str, filename: str, content: bytes) -> ImportBatch:
    """Keep an uploaded export and check it (the dry run). Nothing is imported from it yet."""
    _require(actor, agency, Action.MANAGE_TRAINING)
    if len(content) > MAX_IMPORT_BYTES:
        raise TrainingError(_("The file is larger than 2 MB; split the export into smaller files."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TrainingError(_("The file is not a CSV file in UTF-8.")) from error
    source_system = _source_system(source_system)
    check = check_csv(agency, text, source_system)
    batch = ImportBatch.objects.create(
        agency=agency, source_system=source_system, filename=filename[:200], content=text, row_count=check.rows,
        error_count=len(check.errors), uploaded_by=actor if actor.is_authenticated else None,
        uploaded_at=timezone.now())
    audit.record("training.import_checked", actor=actor, agency=agency, target=batch,
                 changes={"filename": batch.filename, "rows": check.rows, "errors": len(check.errors)})
    return batch


@transaction.atomic
def run_import(actor, agency: Agency, batch: ImportBatch) -> int:
    """Import a checked export: it is checked again, and imported only if every row is good. Rows whose record
    id was already imported from the same system are skipped, so running it twice imports each record once.
    Returns the records created."""
    _require(actor, agency, Action.MANAGE_TRAINING)
    _mine(agency, batch)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.imported_at is not None:
        raise TrainingError(_("This file has been imported already."))
    check = check_csv(agency, batch.content, batch.source_system)
    if not check.is_clean:
        raise TrainingError(_("The file has rows that cannot be imported; nothing was imported. Correct them and "
                              "upload the file again."))
    now = timezone.now()
    recorded_by = actor if actor.is_authenticated else None
    try:
        with transaction.atomic():
            TrainingRecord.objects.bulk_create([
                TrainingRecord(agency=agency, officer=row.officer, course=row.course, completed_on=row.completed_on,
                               hours=row.hours, source=Source.IMPORTED, source_system=batch.source_system,
                               external_id=row.record_id, recorded_by=recorded_by, recorded_at=now)
                for row in check.new])
    except IntegrityError as error:
        raise TrainingError(_("Another import of the same records ran at the same time; check the file again."
                              )) from error
    batch.imported_at, batch.imported_count = now, len(check.new)
    batch.save(update_fields=["imported_at", "imported_count"])
    audit.record("training.records_imported", actor=actor, agency=agency, target=batch,
                 changes={"imported": len(check.new), "skipped": len(check.already_imported)})
    return len(check.new)


# ---------------------------------------------------------------- reminders

def send_reminders(today: date | None = None) -> int:
    """E-mail each officer, and their supervisor, about each requirement that falls due within 30 days or is
    overdue: once per officer, requirement and due date, however often this runs. Returns reminders sent."""
    sent = 0
    for agency in Agency.objects.all():
        day = today or timezone.localtime(timezone=zoneinfo.ZoneInfo(agency.timezone)).date()
        rows = [row for row in compliance.compliance_rows(agency, day)
                if row.result.due_on is not None and (row.result.due_on - day).days <= REMINDER_DAYS]
        if not rows:
            continue
        done = set(scoped(ReminderSent, agency).values_list("officer_id", "requirement_id", "due_on"))
        officers = {officer.pk: officer for officer in scoped(Officer, agency).select_related("user",
                                                                                           "supervisor__user")}
        for row in rows:
            key = (row.officer.pk, row.requirement.pk, row.result.due_on)
            if key in done:
                continue
            officer = officers[row.officer.pk]
            recipients = [person.user.email for person in (officer, officer.supervisor)
                          if person is not None and person.user is not None and person.user.email]
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(agency=agency, officer=officer, requirement=row.requirement,
                                                    due_on=row.result.due_on, sent_at=timezone.now())
                except IntegrityError:
                    continue  # another run took it
                if recipients:
                    _send_reminder(agency, officer, row, recipients)
                    sent += 1
    return sent


def _send_reminder(agency: Agency, officer: Officer, row: compliance.Row, recipients: list[str]) -> None:
    with translation.override("en"):
        context = {"agency": agency, "officer": officer, "course": row.requirement.course.title_in("en"),
                   "requirement": row.requirement, "result": row.result,
                   "overdue": row.status == compliance.Status.OVERDUE,
                   "link": agency.absolute_url(reverse("training:mine"))}
        subject = render_to_string("training/email/reminder_subject.txt", context).strip()
        body = render_to_string("training/email/reminder.txt", context)
    send_mail(subject, body, None, recipients)
