"""Every change to the body-worn camera registry and to public footage requests, and the public figures.

Each service takes the acting user and the agency (or the object) explicitly, checks the role, runs in one
transaction and writes its audit event there. Opening a recording's page is audited too (chain of custody).
Audit events carry codes and ids only: never a requester's name or e-mail, a place, a reason or a message.

Retention: a recording is due for deletion once the days of its category's rule have passed since the day it
was recorded, unless it is held — by an open complaint case, by a footage request still being worked, or by a
manual legal hold. A recording marked deleted in the evidence system is never listed again.
"""

import hashlib
import json
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commonbeat.accounts.models import Membership
from commonbeat.accounts.roles import PERMISSIONS, Action, Role, can
from commonbeat.core import audit
from commonbeat.core.charts import Interval, Row, Series, Table, Trend, TrendRow
from commonbeat.core.disclosure import THRESHOLD, suppress_counts, suppress_table, suppress_total
from commonbeat.core.models import Agency
from commonbeat.core.periods import Period
from commonbeat.core.ratelimit import Limit
from commonbeat.core.tenancy import scoped
from commonbeat.feedback import tracking
from commonbeat.feedback.models import Kind
from commonbeat.feedback.models import Status as ReportStatus

from ..models import (
    DEFAULT_RETENTION_DAYS,
    BodyCamProgram,
    BodyCamRecording,
    DenialBasis,
    FootageRequest,
    FootageRequestMessage,
    FootageRequestStatus,
    RecordingCategory,
    RetentionRule,
)

STATUTORY_BUSINESS_DAYS = 10
EXTENSION_BUSINESS_DAYS = 10
DUE_SOON_BUSINESS_DAYS = 2
OPEN_STATUSES = (FootageRequestStatus.RECEIVED, FootageRequestStatus.SEARCHING, FootageRequestStatus.REVIEWING,
                 FootageRequestStatus.REDACTING)
CLOSED_STATUSES = (FootageRequestStatus.RELEASED, FootageRequestStatus.DENIED)
# The steps of the work, in order; a request that needs no redaction goes from review straight to release.
NEXT_STEPS = {
    FootageRequestStatus.RECEIVED: (FootageRequestStatus.SEARCHING,),
    FootageRequestStatus.SEARCHING: (FootageRequestStatus.REVIEWING,),
    FootageRequestStatus.REVIEWING: (FootageRequestStatus.REDACTING, FootageRequestStatus.RELEASED),
    FootageRequestStatus.REDACTING: (FootageRequestStatus.RELEASED,),
}
OPEN_CASE_STATUSES = [value for value in ReportStatus.values if value != ReportStatus.CLOSED]
# Status-page lookups per client.
TRACKING_LOOKUPS = Limit("footage-request-lookup", limit=10, window_seconds=15 * 60)


class BodycamError(Exception):
    """A change that cannot be made, with a message a person can read."""


def _require(actor, agency: Agency, action: Action) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _texts(texts: dict | None) -> dict:
    return {language: text.strip() for language, text in (texts or {}).items() if text and text.strip()}


# ---------------------------------------------------------------- business days

def add_business_days(start: date, days: int) -> date:
    """The day `days` business days (Monday to Friday) after `start`. Public holidays are not counted out."""
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            counted += 1
    return current


def is_due_soon(request: FootageRequest, today: date) -> bool:
    """Still open, not overdue, and due within the next two business days."""
    return (request.is_open and today <= request.due_on
            <= add_business_days(today, DUE_SOON_BUSINESS_DAYS))


# ---------------------------------------------------------------- program page and retention rules

def program_for(agency: Agency) -> BodyCamProgram:
    """The agency's program text and policy link (an empty one until staff write it)."""
    return scoped(BodyCamProgram, agency).first() or BodyCamProgram(agency=agency)


@transaction.atomic
def save_program(actor, agency: Agency, *, about: dict, policy_url: str) -> BodyCamProgram:
    _require(actor, agency, Action.MANAGE_RECORDINGS)
    program, _created = BodyCamProgram.objects.update_or_create(
        agency=agency, defaults={"about": _texts(about), "policy_url": policy_url.strip()})
    audit.record("transparency.bodycam_program_saved", actor=actor, agency=agency, target=program,
                 changes={"has_policy_url": bool(program.policy_url)})
    return program


def retention_days(agency: Agency) -> dict[str, int]:
    """Days to keep each category: the agency's rules, else the defaults."""
    days = {category.value: value for category, value in DEFAULT_RETENTION_DAYS.items()}
    days.update(dict(scoped(RetentionRule, agency).values_list("category", "days")))
    return days


def create_default_rules(agency: Agency) -> None:
    """Write the default rules for any category the agency has none for (a set-up step, not a staff change)."""
    existing = set(scoped(RetentionRule, agency).values_list("category", flat=True))
    RetentionRule.objects.bulk_create([RetentionRule(agency=agency, category=category, days=days)
                                       for category, days in DEFAULT_RETENTION_DAYS.items()
                                       if category not in existing])


@transaction.atomic
def set_retention_rules(actor, agency: Agency, days: dict[str, int]) -> None:
    """Keep each category for the given days. A rule of less than a day would delete evidence on sight."""
    _require(actor, agency, Action.MANAGE_RECORDINGS)
    if any(category not in RecordingCategory.values for category in days):
        raise BodycamError(_("Choose a known category."))
    if any(value is None or value < 1 for value in days.values()):
        raise BodycamError(_("Keep every category for at least one day."))
    before = retention_days(agency)
    for category, value in days.items():
        RetentionRule.objects.update_or_create(agency=agency, category=category, defaults={"days": value})
    changed = {category: value for category, value in days.items() if before.get(category) != value}
    audit.record("transparency.retention_rules_saved", actor=actor, agency=agency, changes={"days": changed})


def retain_until(recording: BodyCamRecording, rules: dict[str, int]) -> date:
    """The last day the recording must be kept."""
    started_on = timezone.localtime(recording.started_at, recording.agency.zone).date()
    return started_on + timedelta(days=rules[recording.category])


# ---------------------------------------------------------------- the registry

@dataclass
class RecordingDetails:
    officer: object
    started_at: datetime
    duration_seconds: int
    category: str
    sha256: str
    evidence_location: str
    report: object = None
    case_number: str = ""


def _check_details(agency: Agency, details: RecordingDetails, recording: BodyCamRecording | None = None) -> None:
    if details.officer is None or details.officer.agency_id != agency.pk:
        raise BodycamError(_("Choose the officer who recorded it."))
    if details.category not in RecordingCategory.values:
        raise BodycamError(_("Choose a category."))
    sha = details.sha256.strip().lower()
    if len(sha) != 64 or any(ch not in "0123456789abcdef" for ch in sha):
        raise BodycamError(_("A SHA-256 is 64 characters, each 0–9 or a–f."))
    details.sha256 = sha
    if details.report is not None and (details.report.agency_id != agency.pk or details.report.kind != Kind.COMPLAINT):
        raise BodycamError(_("There is no complaint case with that number."))
    if details.started_at > timezone.now() + timedelta(minutes=5):
        raise BodycamError(_("A recording cannot start in the future."))
    if not details.evidence_location.strip():
        raise BodycamError(_("Say where the evidence system keeps the file."))
    same_file = scoped(BodyCamRecording, agency).filter(sha256=sha)
    if recording is not None:
        same_file = same_file.exclude(pk=recording.pk)
    if same_file.exists():
        raise BodycamError(_("A recording with this SHA-256 is already registered."))


def _changes(recording: BodyCamRecording) -> dict:
    """What the audit log keeps of a recording: codes and ids, the hash that identifies the file."""
    return {"officer": recording.officer_id, "started_at": recording.started_at.isoformat(),
            "duration_seconds": recording.duration_seconds, "category": recording.category,
            "sha256": recording.sha256, "report": recording.report_id, "case_number": recording.case_number}


@transaction.atomic
def register_recording(actor, agency: Agency, details: RecordingDetails) -> BodyCamRecording:
    """Register a recording kept in the evidence system. The file is identified by its SHA-256."""
    _require(actor, agency, Action.MANAGE_RECORDINGS)
    _check_details(agency, details)
    recording = BodyCamRecording.objects.create(
        agency=agency, officer=details.officer, started_at=details.started_at,
        duration_seconds=details.duration_seconds, category=details.category, sha256=details.sha256,
        evidence_location=details.evidence_location.strip(), report=details.report,
        case_number=details.case_number.strip())
    audit.record("transparency.recording_registered", actor=actor, agency=agency, target=recording,
                 changes=_changes(recording))
    return recording


@transaction.atomic
def update_recording(actor, recording: BodyCamRecording, details: RecordingDetails) -> BodyCamRecording:
    _require(actor, recording.agency, Action.MANAGE_RECORDINGS)
    if recording.deleted_on:
        raise BodycamError(_("This recording was deleted from the evidence system; its entry can no longer "
                             "change."))
    _check_details(recording.agency, details, recording)
    before = _changes(recording)
    recording.officer, recording.started_at = details.officer, details.started_at
    recording.duration_seconds, recording.category = details.duration_seconds, details.category
    recording.sha256, recording.evidence_location = details.sha256, details.evidence_location.strip()
    recording.report, recording.case_number = details.report, details.case_number.strip()
    recording.save()
    after = _changes(recording)
    audit.record("transparency.recording_updated", actor=actor, agency=recording.agency, target=recording,
                 changes={key: {"from": before[key], "to": value} for key, value in after.items()
                          if before[key] != value})
    return recording


@transaction.atomic
def view_recording(actor, recording: BodyCamRecording) -> BodyCamRecording:
    """Open a recording's entry. Every view is an audit event, part of the chain of custody."""
    _require(actor, recording.agency, Action.VIEW_RECORDINGS)
    audit.record("transparency.recording_viewed", actor=actor, agency=recording.agency, target=recording)
    return recording


@transaction.atomic
def place_legal_hold(actor, recording: BodyCamRecording, reason: str) -> BodyCamRecording:
    """Keep a recording past its retention date, e.g. for a lawsuit or a preservation letter."""
    _require(actor, recording.agency, Action.MANAGE_RECORDINGS)
    if recording.deleted_on:
        raise BodycamError(_("This recording was already deleted from the evidence system."))
    if not reason.strip():
        raise BodycamError(_("Say why the recording is held."))
    recording.legal_hold, recording.legal_hold_reason = True, reason.strip()
    recording.save(update_fields=["legal_hold", "legal_hold_reason"])
    audit.record("transparency.legal_hold_placed", actor=actor, agency=recording.agency, target=recording)
    return recording


@transaction.atomic
def release_legal_hold(actor, recording: BodyCamRecording) -> BodyCamRecording:
    _require(actor, recording.agency, Action.MANAGE_RECORDINGS)
    if not recording.legal_hold:
        raise BodycamError(_("This recording is not under a legal hold."))
    recording.legal_hold, recording.legal_hold_reason = False, ""
    recording.save(update_fields=["legal_hold", "legal_hold_reason"])
    audit.record("transparency.legal_hold_released", actor=actor, agency=recording.agency, target=recording)
    return recording


# ---------------------------------------------------------------- retention

def held_by_open_case(recordings: QuerySet) -> QuerySet:
    return recordings.filter(report__status__in=OPEN_CASE_STATUSES)


def held_by_pending_request(recordings: QuerySet) -> QuerySet:
    return recordings.filter(footage_requests__status__in=OPEN_STATUSES)


def due_for_deletion(agency: Agency, today: date | None = None) -> QuerySet:
    """Recordings past their retention date and held by nothing: not by an open complaint case, not by a footage
    request still being worked, not by a legal hold, and not already deleted."""
    today = today or agency.today()
    past = Q(pk__in=[])
    for category, days in retention_days(agency).items():
        # Past retention: the day of the recording plus `days` is before today.
        cutoff, _end = agency.day_bounds(today - timedelta(days=days), today)
        past |= Q(category=category, started_at__lt=cutoff)
    candidates = scoped(BodyCamRecording, agency).filter(past, deleted_on=None, legal_hold=False)
    return (candidates.exclude(pk__in=held_by_open_case(candidates).values("pk"))
            .exclude(pk__in=held_by_pending_request(candidates).values("pk"))
            .select_related("officer", "agency").order_by("started_at", "id"))


def hold_reasons(recording: BodyCamRecording) -> list[str]:
    """Why a recording is kept past retention, in words (empty when nothing holds it)."""
    reasons = []
    if recording.legal_hold:
        reasons.append(_("Legal hold"))
    if recording.report_id and recording.report.status != ReportStatus.CLOSED:
        reasons.append(_("Complaint case %(reference)s is open") % {"reference": recording.report.reference})
    pending = recording.footage_requests.filter(status__in=OPEN_STATUSES).values_list("reference", flat=True)
    reasons += [_("Footage request %(reference)s is pending") % {"reference": ref} for ref in pending]
    return reasons


@transaction.atomic
def mark_deleted(actor, recording: BodyCamRecording, today: date | None = None) -> BodyCamRecording:
    """Record that the file was deleted from the evidence system. Only a recording due for deletion can be."""
    agency = recording.agency
    _require(actor, agency, Action.MANAGE_RECORDINGS)
    locked = BodyCamRecording.objects.select_for_update().get(pk=recording.pk)
    if locked.deleted_on:
        raise BodycamError(_("This recording is already recorded as deleted."))
    if not due_for_deletion(agency, today).filter(pk=recording.pk).exists():
        raise BodycamError(_("This recording is not due for deletion: it is within its retention period or "
                             "something holds it."))
    locked.deleted_on, locked.deleted_by = today or agency.today(), actor
    locked.save(update_fields=["deleted_on", "deleted_by"])
    audit.record("transparency.recording_deleted", actor=actor, agency=agency, target=locked,
                 changes={"sha256": locked.sha256, "deleted_on": locked.deleted_on.isoformat()})
    recording.deleted_on, recording.deleted_by = locked.deleted_on, locked.deleted_by
    return recording


def _retention_recipients(agency: Agency) -> list[str]:
    roles = set(PERMISSIONS[Action.MANAGE_RECORDINGS]) | {Role.AGENCY_ADMIN}
    emails = (Membership.objects.filter(agency=agency, role__in=roles, user__is_active=True)
              .exclude(user__email="").values_list("user__email", flat=True))
    return sorted(set(emails))


def send_deletion_notice(agency: Agency, today: date | None = None) -> int:
    """E-mail the registry's managers how many recordings are due for deletion (none: no e-mail)."""
    count = due_for_deletion(agency, today).count()
    recipients = _retention_recipients(agency)
    if count and recipients:
        subject = _("%(count)s body-worn camera recordings are due for deletion") % {"count": count}
        body = _("%(count)s recordings have passed their retention date and nothing holds them. Delete them in "
                 "the evidence system, then mark each one deleted in the registry:") % {"count": count}
        link = agency.absolute_url(reverse("transparency:staff_recordings_due"))
        send_mail(subject, f"{body}\n{link}\n", settings.DEFAULT_FROM_EMAIL, recipients)
    return count


# ---------------------------------------------------------------- footage requests: the public side

@dataclass
class RequestSubmission:
    name: str
    email: str
    incident_date: date
    place: str
    reason: str
    language: str
    neighbourhood: object = None

    def fingerprint(self) -> str:
        content = json.dumps([self.name.strip(), self.email.strip().lower(), self.incident_date.isoformat(),
                              self.place.strip(), self.reason.strip(), self.language,
                              getattr(self.neighbourhood, "pk", None)])
        return hashlib.sha256(content.encode()).hexdigest()


@dataclass
class Submitted:
    request: FootageRequest
    tracking_code: str
    created: bool


def _next_reference(agency: Agency, today: date) -> str:
    prefix = f"FR-{today.year}"
    last = (scoped(FootageRequest, agency).filter(reference__startswith=prefix + "-").order_by("-reference")
            .values_list("reference", flat=True).first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}-{number:04d}"


def submit_footage_request(agency: Agency, submission: RequestSubmission, *,
                           idempotency_key: str | None = None) -> Submitted:
    """A resident asks for footage. It is due 10 business days after the day it is received. With an idempotency
    key, a retry returns the first request and the same tracking code; the same key with other answers is
    refused."""
    today = agency.today()
    if not submission.name.strip() or not submission.email.strip():
        raise BodycamError(_("Give your name and an e-mail address, so we can send you the answer."))
    if len(submission.reason.strip()) < 10:
        raise BodycamError(_("Tell us what the footage is for, in a sentence or more."))
    if submission.incident_date > today:
        raise BodycamError(_("The incident cannot be in the future."))
    if submission.neighbourhood is not None and submission.neighbourhood.agency_id != agency.pk:
        raise BodycamError(_("Choose a neighbourhood from the list."))
    fingerprint = submission.fingerprint()
    if idempotency_key:
        existing = scoped(FootageRequest, agency).filter(idempotency_key=idempotency_key).first()
        if existing:
            return _replay(agency, existing, fingerprint, idempotency_key)
    try:
        with transaction.atomic():
            return _create_request(agency, submission, today, fingerprint, idempotency_key)
    except IntegrityError:
        existing = idempotency_key and scoped(FootageRequest, agency).filter(idempotency_key=idempotency_key).first()
        if not existing:
            raise
        return _replay(agency, existing, fingerprint, idempotency_key)


def _replay(agency: Agency, existing: FootageRequest, fingerprint: str, idempotency_key: str) -> Submitted:
    if existing.submission_fingerprint != fingerprint:
        raise BodycamError(_("This form was already sent with different answers. Check them and send it again."))
    return Submitted(existing, tracking.new_code(agency.id, idempotency_key), created=False)


def _create_request(agency, submission, today, fingerprint, idempotency_key) -> Submitted:
    from .. import tasks

    code = tracking.new_code(agency.id, idempotency_key)
    request = FootageRequest.objects.create(
        agency=agency, reference=_next_reference(agency, today), received_on=today,
        due_on=add_business_days(today, STATUTORY_BUSINESS_DAYS), neighbourhood=submission.neighbourhood,
        requester_name=submission.name.strip(), requester_email=submission.email.strip(),
        incident_date=submission.incident_date, place=submission.place.strip(), reason=submission.reason.strip(),
        language=submission.language if submission.language in ("en", "es") else "en",
        tracking_code_hash=tracking.code_hash(code), idempotency_key=idempotency_key or None,
        submission_fingerprint=fingerprint)
    audit.record("transparency.footage_request_received", agency=agency, target=request,
                 changes={"reference": request.reference, "due_on": request.due_on.isoformat()})
    transaction.on_commit(lambda: tasks.email_requester.enqueue(request.pk, "received"))
    return Submitted(request, code, created=True)


def find_by_tracking_code(agency: Agency, code: str) -> FootageRequest | None:
    """The request with this tracking code in this agency; None for anything else (reveals nothing)."""
    canonical = tracking.normalise(code or "")
    if canonical is None:
        return None
    return scoped(FootageRequest, agency).filter(tracking_code_hash=tracking.code_hash(canonical)).first()


# ---------------------------------------------------------------- footage requests: the staff workflow

def _locked_open(request: FootageRequest) -> FootageRequest:
    locked = FootageRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.is_open:
        raise BodycamError(_("This request is closed."))
    return locked


def _notify(request: FootageRequest, event: str, message: FootageRequestMessage | None = None) -> None:
    from .. import tasks

    # The message and the status go with the task: by the time a worker sends the e-mail, a later message or
    # step may exist, and each e-mail must tell its own.
    message_id = message.pk if message else None
    status = request.status if event == "status" else None
    transaction.on_commit(lambda: tasks.email_requester.enqueue(request.pk, event, message_id, status))


@transaction.atomic
def view_footage_request(actor, request: FootageRequest) -> FootageRequest:
    """Open a request's page, with the requester's identity: an audit event, like any read of identity."""
    _require(actor, request.agency, Action.HANDLE_FOOTAGE_REQUESTS)
    audit.record("transparency.footage_request_viewed", actor=actor, agency=request.agency, target=request)
    return request


@transaction.atomic
def advance_request(actor, request: FootageRequest, to_status: str) -> FootageRequest:
    """Move a request to its next step. Footage is released only once the recordings are linked to it."""
    _require(actor, request.agency, Action.HANDLE_FOOTAGE_REQUESTS)
    locked = _locked_open(request)
    if to_status not in NEXT_STEPS.get(locked.status, ()):
        raise BodycamError(_("A request cannot go from “%(from)s” to that step.") % {
            "from": locked.get_status_display()})
    if to_status == FootageRequestStatus.RELEASED and not locked.recordings.exists():
        raise BodycamError(_("Link the released recordings to the request first."))
    before = locked.status
    locked.status = to_status
    if to_status in CLOSED_STATUSES:
        locked.closed_on = locked.agency.today()
    locked.save(update_fields=["status", "closed_on"])
    audit.record("transparency.footage_request_status_changed", actor=actor, agency=locked.agency, target=locked,
                 changes={"from": before, "to": to_status})
    _notify(locked, "status")
    return locked


@transaction.atomic
def deny_request(actor, request: FootageRequest, basis: str, explanation: str) -> FootageRequest:
    """Deny a request, on a legal basis and with an explanation the requester reads."""
    _require(actor, request.agency, Action.HANDLE_FOOTAGE_REQUESTS)
    locked = _locked_open(request)
    if basis not in DenialBasis.values:
        raise BodycamError(_("Choose the legal basis for the denial."))
    if not explanation.strip():
        raise BodycamError(_("Explain the denial to the requester."))
    before = locked.status
    locked.status, locked.denial_basis, locked.denial_explanation = FootageRequestStatus.DENIED, basis, \
        explanation.strip()
    locked.closed_on = locked.agency.today()
    locked.save(update_fields=["status", "denial_basis", "denial_explanation", "closed_on"])
    audit.record("transparency.footage_request_denied", actor=actor, agency=locked.agency, target=locked,
                 changes={"from": before, "basis": basis})
    _notify(locked, "status")
    return locked


@transaction.atomic
def extend_deadline(actor, request: FootageRequest, reason: str) -> FootageRequest:
    """Extend the deadline once, by 10 more business days, with a reason the requester reads."""
    _require(actor, request.agency, Action.HANDLE_FOOTAGE_REQUESTS)
    locked = _locked_open(request)
    if locked.extended_on:
        raise BodycamError(_("The deadline was already extended once; the law allows no second extension."))
    if not reason.strip():
        raise BodycamError(_("Say why more time is needed."))
    before = locked.due_on
    locked.due_on = add_business_days(locked.due_on, EXTENSION_BUSINESS_DAYS)
    locked.extended_on, locked.extension_reason = locked.agency.today(), reason.strip()
    locked.save(update_fields=["due_on", "extended_on", "extension_reason"])
    audit.record("transparency.footage_request_extended", actor=actor, agency=locked.agency, target=locked,
                 changes={"from": before.isoformat(), "to": locked.due_on.isoformat()})
    _notify(locked, "extended")
    return locked


@transaction.atomic
def link_recordings(actor, request: FootageRequest, recordings) -> FootageRequest:
    """Set the recordings that answer the request (while it is open). Linked recordings are held from deletion."""
    _require(actor, request.agency, Action.HANDLE_FOOTAGE_REQUESTS)
    locked = _locked_open(request)
    chosen = list(recordings)
    if any(recording.agency_id != locked.agency_id for recording in chosen):
        raise BodycamError(_("Choose recordings from the list."))
    if any(recording.deleted_on for recording in chosen):
        raise BodycamError(_("A deleted recording cannot be linked."))
    before = set(locked.recordings.values_list("pk", flat=True))
    locked.recordings.set(chosen)
    after = {recording.pk for recording in chosen}
    audit.record("transparency.footage_request_recordings_linked", actor=actor, agency=locked.agency,
                 target=locked, changes={"added": sorted(after - before), "removed": sorted(before - after)})
    return locked


@transaction.atomic
def send_message(actor, request: FootageRequest, body: str) -> FootageRequestMessage:
    """Write to the requester: shown on the status page and e-mailed in the requester's language."""
    _require(actor, request.agency, Action.HANDLE_FOOTAGE_REQUESTS)
    if not body.strip():
        raise BodycamError(_("Write a message before sending."))
    message = FootageRequestMessage.objects.create(agency=request.agency, request=request, body=body.strip(),
                                                   sent_by=actor)
    audit.record("transparency.footage_request_message", actor=actor, agency=request.agency, target=request,
                 changes={"message": message.pk})
    _notify(request, "message", message)
    return message


def overdue_requests(agency: Agency, today: date) -> QuerySet:
    return scoped(FootageRequest, agency).filter(status__in=OPEN_STATUSES, due_on__lt=today)


# ---------------------------------------------------------------- public figures

PERIOD_CHOICES = (12, 24)
DEFAULT_MONTHS = 12
CSV_COLUMNS = ["table", "month", "category", "outcome", "basis", "measure", "count", "value", "suppressed"]


@dataclass
class Figures:
    agency: Agency
    period: Period
    recordings: Table
    requests: Table
    denials: Table
    timeliness: Trend
    on_time: Trend
    totals: dict = field(default_factory=dict)


def _months(period: Period) -> list[date]:
    return period.month_starts


def _month_rows(months: list[date]) -> list[Row]:
    return [Row(m.strftime("%Y-%m"), date_format(m, "YEAR_MONTH_FORMAT"), [], short_label=date_format(m, "M Y"))
            for m in months]


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _fill(table: Table, counts: list[list[int]]) -> Table:
    shown = suppress_table(counts) if counts else counts
    for row, values in zip(table.rows, shown, strict=True):
        row.values = list(values)
    table.totals = [suppress_total(sum(row[index] for row in counts)) for index in range(len(table.series))]
    return table


def _recordings_table(agency: Agency, period: Period) -> Table:
    start, end = period.bounds(agency.zone)
    found = {(_as_date(row["month"]), row["category"]): row["n"] for row in
             scoped(BodyCamRecording, agency).filter(started_at__gte=start, started_at__lt=end)
             .annotate(month=TruncMonth("started_at", tzinfo=agency.zone)).values("month", "category")
             .annotate(n=Count("id")).order_by()}
    series = [Series(category.value, str(category.label)) for category in RecordingCategory]
    months = _months(period)
    table = Table(key="recordings", title=_("Recordings by month and category"), dimension="month",
                  dimension_label=_("Month"), series_dimension="category", series=series, rows=_month_rows(months),
                  description=_("Recordings made each month, by what was recorded."), orientation="vertical")
    return _fill(table, [[found.get((m, s.key), 0) for s in series] for m in months])


def _request_outcome(status: str) -> str:
    return status if status in CLOSED_STATUSES else "open"


def _requests_table(requests: QuerySet, months: list[date]) -> Table:
    found: dict = {}
    for row in requests.annotate(month=TruncMonth("received_on")).values("month", "status").annotate(
            n=Count("id")).order_by():
        key = (_as_date(row["month"]), _request_outcome(row["status"]))
        found[key] = found.get(key, 0) + row["n"]
    outcomes = [Series(FootageRequestStatus.RELEASED.value, _("Released")),
                Series(FootageRequestStatus.DENIED.value, _("Denied")), Series("open", _("Still open"))]
    counts = [[found.get((m, s.key), 0) for s in outcomes] for m in months]
    totals = [sum(raw[index] for raw in counts) for index in range(len(outcomes))]
    # The month's "received" is the sum of its outcomes and the totals row the sum of the months, so the
    # margins are published cells too: protect the table with its margins as one, or a hidden outcome (or
    # total) could be worked out by subtraction (received 51, released 29, denied 16: still open 6).
    with_margins = [[*raw, sum(raw)] for raw in counts] + [[*totals, sum(totals)]]
    shown = suppress_table(with_margins)
    rows = _month_rows(months)
    for row, values in zip(rows, shown[:-1], strict=True):
        row.values = [values[-1], *values[:-1]]
    series = [Series("received", _("Received")), *outcomes]
    return Table(key="requests", title=_("Footage requests by month received, and what came of them"),
                 dimension="month", dimension_label=_("Month received"), series_dimension="outcome",
                 series=series, rows=rows, totals=[shown[-1][-1], *shown[-1][:-1]],
                 description=_("Requests received each month: how many were released, denied, or are still "
                               "being worked."), orientation="vertical")


def _denials_table(requests: QuerySet, total_shown: bool) -> Table:
    """`total_shown`: whether the requests table shows how many were denied; when it hides that total, this
    table hides it too, with at least one count, so the total cannot be added up here instead."""
    found = dict(requests.filter(status=FootageRequestStatus.DENIED).values_list("denial_basis")
                 .annotate(n=Count("id")).order_by())
    raw = {basis.value: found.get(basis.value, 0) for basis in DenialBasis}
    counts = suppress_counts(raw)
    total = suppress_total(sum(raw.values())) if total_shown else None
    if total is None and all(counts[key] is not None for key in raw if raw[key]) and any(raw.values()):
        counts[min((key for key in raw if raw[key]), key=lambda key: (raw[key], key))] = None
    series = [Series("denied", _("Denied"))]
    rows = [Row(basis.value, str(basis.label), [counts[basis.value]]) for basis in DenialBasis]
    return Table(key="denials", title=_("Denied requests by legal basis"), dimension="basis",
                 dimension_label=_("Legal basis"), series_dimension="", series=series, rows=rows,
                 totals=[total],
                 description=_("Requests received in the period and denied, by the law the denial rests on."))


def _timeliness(requests: QuerySet, months: list[date]) -> tuple[Trend, Trend, dict]:
    closed = list(requests.filter(status__in=CLOSED_STATUSES, closed_on__isnull=False)
                  .values_list("received_on", "closed_on", "due_on"))
    by_month: dict = {}
    for received_on, closed_on, due_on in closed:
        by_month.setdefault(closed_on.replace(day=1), []).append((received_on, closed_on, due_on))

    def median_days(group) -> float | None:
        return float(statistics.median((c - r).days for r, c, _d in group)) if len(group) >= THRESHOLD else None

    def on_time(group) -> float | None:
        """Withheld under 11 requests, and when the on-time or the late count is from 1 to 10, because the share
        times the requests closed would give that count back."""
        punctual = sum(c <= d for _r, c, d in group)
        if len(group) < THRESHOLD or any(0 < n < THRESHOLD for n in (punctual, len(group) - punctual)):
            return None
        return round(100 * punctual / len(group), 1)

    missing = _("fewer than %(threshold)s requests closed") % {"threshold": THRESHOLD}
    rows_days, rows_share = [], []
    for m in months:
        group = by_month.get(m, [])
        count = len(group) if len(group) >= THRESHOLD else None
        label, key, short = date_format(m, "YEAR_MONTH_FORMAT"), m.strftime("%Y-%m"), date_format(m, "M Y")
        rows_days.append(TrendRow(key, label, [Interval(median_days(group))], short_label=short, count=count))
        rows_share.append(TrendRow(key, label, [Interval(on_time(group))], short_label=short, count=count))
    days = Trend(key="days_to_close", title=_("Median days from receipt to answer, by month closed"),
                 dimension_label=_("Month closed"), series=[Series("median_days", _("Median days"))],
                 rows=rows_days, missing_label=missing, count_label=_("Requests closed"), decimals=1,
                 scale="amount", description=_("Calendar days from the day a request was received to the day it "
                                               "was released or denied."))
    share = Trend(key="on_time", title=_("Share answered within the legal deadline, by month closed"),
                  dimension_label=_("Month closed"), series=[Series("share_on_time", _("Percent on time"))],
                  rows=rows_share, missing_label=missing, count_label=_("Requests closed"), decimals=1,
                  description=_("Requests released or denied by their deadline: 10 business days, or 20 when "
                                "the deadline was extended once."))
    overall = {"closed": suppress_total(len(closed)), "median_days": median_days(closed),
               "on_time": on_time(closed)}
    return days, share, overall


def bodycam_figures(agency: Agency, period: Period | None = None, today: date | None = None) -> Figures:
    """The public figures for `period` (default: the last 12 full months): counts below 11 suppressed, with
    complementary suppression; medians and shares only where they rest on at least 11 requests."""
    today = today or agency.today()
    period = period or Period.last_full_months(today, DEFAULT_MONTHS)
    months = _months(period)
    requests = scoped(FootageRequest, agency).filter(received_on__gte=period.first_month, received_on__lt=period.end)
    requests_table = _requests_table(requests, months)
    closed_in_period = scoped(FootageRequest, agency).filter(closed_on__gte=period.first_month,
                                                             closed_on__lt=period.end)
    days, share, overall = _timeliness(closed_in_period, months)
    totals = dict(zip([s.key for s in requests_table.series], requests_table.totals or [], strict=True))
    return Figures(agency=agency, period=period, recordings=_recordings_table(agency, period),
                   requests=requests_table, denials=_denials_table(requests, totals["denied"] is not None),
                   timeliness=days, on_time=share,
                   totals={**totals, **overall})


def long_rows(figures: Figures) -> list[dict]:
    """Every published figure, one row each, with every CSV column."""
    rows = []
    for table in (figures.recordings, figures.requests, figures.denials):
        for row in table.long_rows():
            rows.append(dict.fromkeys(CSV_COLUMNS, "") | row)
    for trend in (figures.timeliness, figures.on_time):
        for row in trend.rows:
            value = row.points[0].value
            rows.append(dict.fromkeys(CSV_COLUMNS, "") | {
                "table": trend.key, "month": row.key, "measure": trend.series[0].key, "count": row.count,
                "value": value, "suppressed": value is None})
    return rows
