"""Every change to a report or its case. Each runs in one transaction and writes its audit event.

The investigation is a state machine (see TRANSITIONS): a move not listed there is refused with a
reason a person can read.
"""

import hashlib
import mimetypes
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks_db import DatabaseBackend

from commonbeat.accounts.roles import Action, Role, can, roles_of
from commonbeat.core import audit, geo
from commonbeat.core.models import Agency, Officer, Unit
from commonbeat.core.ratelimit import Limit
from commonbeat.core.tenancy import scoped

from . import tasks, tracking
from .models import (
    Alert,
    AlertPolicy,
    Allegation,
    AllegationCategory,
    Attachment,
    CaseEntry,
    Classification,
    FeedbackSettings,
    FindingType,
    IdentityGrant,
    Kind,
    Message,
    Metric,
    Report,
    Status,
    StatusChange,
)


class FeedbackError(Exception):
    """A change that cannot be made, with a message a person can read."""


# ---------------------------------------------------------------- agency defaults

DEFAULT_CATEGORIES = [
    ("force", "Use of force", "Uso de la fuerza"),
    ("abuse-of-authority", "Abuse of authority", "Abuso de autoridad"),
    ("discourtesy", "Discourtesy", "Descortesía"),
    ("offensive-language", "Offensive language", "Lenguaje ofensivo"),
    ("bias", "Bias-based policing", "Actuación policial basada en prejuicios"),
    ("other", "Other misconduct", "Otra conducta indebida"),
]
DEFAULT_FINDINGS = [
    ("sustained", "Sustained", "Fundada", True,
     "The evidence shows the officer did it and it broke policy.",
     "Las pruebas muestran que el agente lo hizo y que violó las normas."),
    ("not-sustained", "Not sustained", "No fundada", False,
     "There is not enough evidence to say whether it happened.",
     "No hay pruebas suficientes para saber si ocurrió."),
    ("exonerated", "Exonerated", "Exonerado", False,
     "It happened, but it was lawful and within policy.",
     "Ocurrió, pero fue legal y conforme a las normas."),
    ("unfounded", "Unfounded", "Infundada", False,
     "The evidence shows it did not happen.", "Las pruebas muestran que no ocurrió."),
    ("policy-failure", "Policy failure", "Falla de las normas", False,
     "The officer followed policy, but the policy itself needs to change.",
     "El agente siguió las normas, pero las normas deben cambiar."),
]


def settings_for(agency: Agency) -> FeedbackSettings:
    """The agency's complaint settings, creating the defaults (categories, findings) the first time."""
    found = FeedbackSettings.objects.filter(agency=agency).first()
    if found:
        return found
    with transaction.atomic():
        found, created = FeedbackSettings.objects.get_or_create(agency=agency)
        if created:
            for position, (code, name, name_es) in enumerate(DEFAULT_CATEGORIES):
                AllegationCategory.objects.get_or_create(
                    agency=agency, code=code, defaults={"name": name, "name_es": name_es, "position": position})
            for position, (code, name, name_es, sustained, text, text_es) in enumerate(DEFAULT_FINDINGS):
                FindingType.objects.get_or_create(agency=agency, code=code, defaults={
                    "name": name, "name_es": name_es, "sustained": sustained, "position": position,
                    "explanation": text, "explanation_es": text_es})
    return found


# ---------------------------------------------------------------- intake

ALLOWED_ATTACHMENT_TYPES = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp", "image/heic": ".heic",
    "application/pdf": ".pdf", "text/plain": ".txt", "video/mp4": ".mp4", "audio/mpeg": ".mp3",
}
MAX_ATTACHMENTS = 5


@dataclass
class Submission:
    """What a resident sends, from any channel."""

    kind: str
    narrative: str
    occurred_on: date | None = None
    occurred_time: time | None = None
    location_text: str = ""
    latitude: float | None = None
    longitude: float | None = None
    officers_described: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    consent_to_contact: bool = False
    language: str = "en"
    files: list = field(default_factory=list)  # Django UploadedFile objects

    def fingerprint(self) -> str:
        parts = [self.kind, self.narrative.strip(), str(self.occurred_on), self.location_text.strip()]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass
class Filed:
    report: Report
    tracking_code: str
    created: bool


def check_attachment(agency: Agency, upload) -> str:
    """The content type of an acceptable upload; raises FeedbackError saying what is wrong."""
    limit_mb = settings_for(agency).max_attachment_mb
    content_type = (getattr(upload, "content_type", "") or mimetypes.guess_type(upload.name)[0] or "").lower()
    if content_type not in ALLOWED_ATTACHMENT_TYPES:
        raise FeedbackError(_("%(name)s is not a photo, PDF, text, video or audio file we can accept.")
                            % {"name": upload.name})
    if upload.size > limit_mb * 1024 * 1024:
        raise FeedbackError(_("%(name)s is larger than %(limit)s MB.") % {"name": upload.name, "limit": limit_mb})
    return content_type


def _next_reference(agency: Agency, kind: str, now: datetime) -> str:
    prefix = ("C" if kind == Kind.COMPLAINT else "K") + now.strftime("%Y")
    last = (scoped(Report, agency).filter(reference__startswith=prefix).order_by("-reference")
            .values_list("reference", flat=True).first())
    number = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}-{number:05d}"


def file_report(agency: Agency, submission: Submission, *, channel: str, idempotency_key: str | None = None) -> Filed:
    """File a complaint or commendation. Anonymous filing needs nothing but what happened.

    With an idempotency key, a retry of the same submission returns the first report and the same tracking
    code; the same key with a different submission is refused.
    """
    if submission.kind not in Kind.values:
        raise FeedbackError(_("Choose whether this is a complaint or a commendation."))
    if len(submission.narrative.strip()) < 10:
        raise FeedbackError(_("Tell us what happened, in a sentence or more."))
    if len(submission.files) > MAX_ATTACHMENTS:
        raise FeedbackError(_("Attach at most %(count)s files.") % {"count": MAX_ATTACHMENTS})
    content_types = [check_attachment(agency, upload) for upload in submission.files]
    fingerprint = submission.fingerprint()
    if idempotency_key:
        existing = scoped(Report, agency).filter(idempotency_key=idempotency_key).first()
        if existing:
            return _replay(agency, existing, fingerprint, idempotency_key)
    settings_for(agency)
    try:
        with transaction.atomic():
            return _create_report(agency, submission, content_types, channel, idempotency_key, fingerprint)
    except IntegrityError:
        existing = idempotency_key and scoped(Report, agency).filter(idempotency_key=idempotency_key).first()
        if not existing:
            raise
        return _replay(agency, existing, fingerprint, idempotency_key)


def _replay(agency: Agency, existing: Report, fingerprint: str, idempotency_key: str) -> Filed:
    if existing.submission_fingerprint != fingerprint:
        raise FeedbackError(_("This submission key was already used for a different report."))
    return Filed(existing, tracking.new_code(agency.id, idempotency_key), created=False)


def _create_report(agency, submission, content_types, channel, idempotency_key, fingerprint) -> Filed:
    # One case number at a time per agency: reports filed at the same moment wait here instead of taking the
    # same number. (SQLite's IMMEDIATE transactions already queue writers.)
    list(FeedbackSettings.objects.select_for_update().filter(agency=agency).values_list("pk", flat=True))
    now = timezone.now()
    code = tracking.new_code(agency.id, idempotency_key)
    neighbourhood = None
    if submission.latitude is not None and submission.longitude is not None:
        neighbourhood = geo.neighbourhood_at(agency, submission.longitude, submission.latitude)
    report = Report.objects.create(
        agency=agency, reference=_next_reference(agency, submission.kind, now), kind=submission.kind,
        channel=channel, language=submission.language if submission.language in ("en", "es") else "en",
        tracking_code_hash=tracking.code_hash(code), idempotency_key=idempotency_key or None,
        submission_fingerprint=fingerprint, narrative=submission.narrative.strip(),
        occurred_on=submission.occurred_on, occurred_time=submission.occurred_time,
        location_text=submission.location_text.strip(), latitude=submission.latitude,
        longitude=submission.longitude, neighbourhood=neighbourhood,
        officers_described=submission.officers_described.strip(), complainant_name=submission.name.strip(),
        complainant_email=submission.email.strip(), complainant_phone=submission.phone.strip(),
        consent_to_contact=submission.consent_to_contact and bool(submission.email or submission.phone),
        received_at=now, acknowledgement_due_at=now + timedelta(days=agency.acknowledgement_target_days),
    )
    for upload, content_type in zip(submission.files, content_types, strict=True):
        stored_name = f"{uuid.uuid4().hex}{ALLOWED_ATTACHMENT_TYPES[content_type]}"
        attachment = Attachment(report=report, stored_name=stored_name, original_name=upload.name[:200],
                                content_type=content_type, size=upload.size)
        attachment.file.save(stored_name, upload, save=False)
        attachment.save()
    StatusChange.objects.create(report=report, to_status=Status.RECEIVED, changed_at=now)
    audit.record("feedback.report_filed", agency=agency, target=report, changes={
        "kind": report.kind, "channel": channel, "anonymous": report.is_anonymous,
        "attachments": len(content_types)})
    if report.complainant_email:
        _enqueue_with_report(tasks.notify_resident, report.id, "received")
    transaction.on_commit(lambda: _suggest_triage(report.id), robust=True)
    return Filed(report, code, created=True)


def _enqueue_with_report(task, *args) -> None:
    """Queue a task for a report being filed. With the database task queue the task is written in the report's own
    transaction, so a connection lost between the two cannot leave a stored report with no acknowledgement;
    other backends (which run or send at once) are called after the commit."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


def _suggest_triage(report_id: int) -> None:
    """Ask for triage suggestions in the background; robust on_commit means a failure here never fails filing."""
    from commonbeat.insights.text.triage import suggest_triage

    suggest_triage.enqueue(report_id)


# Tracking-code lookups per client (web and API share one allowance).
TRACKING_LOOKUPS = Limit("tracking-lookup", limit=10, window_seconds=15 * 60)


def find_by_tracking_code(agency: Agency, code: str) -> Report | None:
    """The report with this tracking code in this agency; None for anything else (reveals nothing)."""
    canonical = tracking.normalise(code or "")
    if canonical is None:
        return None
    return scoped(Report, agency).filter(tracking_code_hash=tracking.code_hash(canonical)).first()


@transaction.atomic
def resident_message(report: Report, body: str, idempotency_key: str = "") -> Message:
    """A resident writes to the agency through the tracking page. A retried post is stored once."""
    body = body.strip()
    if not body:
        raise FeedbackError(_("Write a message before sending."))
    if report.status == Status.CLOSED:
        raise FeedbackError(_("This case is closed. To raise something new, file a new report."))
    if idempotency_key:
        existing = report.messages.filter(idempotency_key=idempotency_key).first()
        if existing:
            return existing
    message = Message.objects.create(report=report, from_resident=True, body=body, sent_at=timezone.now(),
                                     idempotency_key=idempotency_key)
    audit.record("feedback.resident_message", agency=report.agency, target=report)
    return message


# ---------------------------------------------------------------- staff: the state machine

@dataclass(frozen=True)
class Transition:
    action: Action
    label: str


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (Status.RECEIVED, Status.TRIAGED): Transition(Action.TRIAGE_REPORTS, gettext_lazy("triage")),
    (Status.TRIAGED, Status.ASSIGNED): Transition(Action.TRIAGE_REPORTS, gettext_lazy("assign")),
    (Status.TRIAGED, Status.CLOSED): Transition(Action.TRIAGE_REPORTS, gettext_lazy("close without investigation")),
    (Status.ASSIGNED, Status.ASSIGNED): Transition(Action.TRIAGE_REPORTS, gettext_lazy("reassign")),
    (Status.ASSIGNED, Status.INVESTIGATING): Transition(Action.INVESTIGATE, gettext_lazy("start the investigation")),
    (Status.INVESTIGATING, Status.MEDIATION): Transition(Action.INVESTIGATE, gettext_lazy("refer to mediation")),
    (Status.MEDIATION, Status.INVESTIGATING): Transition(Action.INVESTIGATE, gettext_lazy("end mediation")),
    (Status.INVESTIGATING, Status.REVIEW): Transition(Action.INVESTIGATE, gettext_lazy("submit findings")),
    (Status.MEDIATION, Status.REVIEW): Transition(Action.INVESTIGATE, gettext_lazy("submit findings")),
    (Status.REVIEW, Status.INVESTIGATING): Transition(Action.REVIEW_FINDINGS, gettext_lazy("return for more work")),
    (Status.REVIEW, Status.CLOSED): Transition(Action.REVIEW_FINDINGS, gettext_lazy("approve and close")),
}


def _move(actor, report: Report, to_status: str, *, reason: str = "", changes: dict | None = None) -> None:
    """Move the case along the state machine, or refuse with the reason."""
    transition = TRANSITIONS.get((report.status, to_status))
    if transition is None:
        raise FeedbackError(_("A case that is “%(current)s” cannot go to “%(target)s”.") % {
            "current": Status(report.status).label, "target": Status(to_status).label})
    _require(actor, report.agency, transition.action)
    now = timezone.now()
    StatusChange.objects.create(report=report, from_status=report.status, to_status=to_status, changed_at=now,
                                changed_by=actor, reason=reason)
    audit.record("feedback.status_changed", actor=actor, agency=report.agency, target=report,
                 changes={"from": report.status, "to": to_status, "reason": reason, **(changes or {})})
    report.status = to_status
    if to_status == Status.CLOSED:
        report.closed_at = now
    report.save()


def _require(actor, agency: Agency, action: Action) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


def allowed_moves(actor, report: Report) -> list[str]:
    """The statuses this user may move the case to now (for showing only the buttons that work)."""
    return [to for (start, to), transition in TRANSITIONS.items()
            if start == report.status and can(actor, report.agency, transition.action)]


@dataclass
class AllegationInput:
    category: AllegationCategory
    officer: Officer | None = None
    description: str = ""


@transaction.atomic
def triage(actor, report: Report, classification: str, allegations: list[AllegationInput]) -> Report:
    """Classify a new report. A formal complaint names at least one allegation; a commendation names none."""
    _require(actor, report.agency, Action.TRIAGE_REPORTS)
    report = _locked(report)
    if classification not in Classification.values:
        raise FeedbackError(_("Choose a classification."))
    if classification == Classification.FORMAL_COMPLAINT and not allegations:
        raise FeedbackError(_("A formal complaint needs at least one allegation."))
    if classification == Classification.COMMENDATION and allegations:
        raise FeedbackError(_("A commendation has no allegations."))
    for item in allegations:
        if item.category.agency_id != report.agency_id or (item.officer and item.officer.agency_id != report.agency_id):
            raise PermissionDenied
    _move(actor, report, Status.TRIAGED, changes={"classification": classification})
    report.classification = classification
    if report.acknowledged_at is None:
        report.acknowledged_at = timezone.now()
        if report.complainant_email:
            transaction.on_commit(lambda: tasks.notify_resident.enqueue(report.id, "acknowledged"))
    report.save()
    for item in allegations:
        Allegation.objects.create(report=report, category=item.category, officer=item.officer,
                                  description=item.description)
    return report


@transaction.atomic
def assign(actor, report: Report, investigator, due_at: datetime | None = None) -> Report:
    """Give a triaged formal complaint to an investigator, due by the agency's target unless set."""
    _require(actor, report.agency, Action.TRIAGE_REPORTS)
    report = _locked(report)
    if report.classification != Classification.FORMAL_COMPLAINT:
        raise FeedbackError(_("Only formal complaints are investigated."))
    if Role.INVESTIGATOR not in roles_of(investigator, report.agency):
        raise FeedbackError(_("%(name)s is not an investigator in this agency.") % {"name": investigator})
    due_at = due_at or timezone.now() + timedelta(days=settings_for(report.agency).investigation_target_days)
    _move(actor, report, Status.ASSIGNED, changes={"investigator": investigator.get_username(),
                                                   "due_at": due_at.isoformat()})
    report.assigned_to, report.due_at = investigator, due_at
    report.save()
    return report


def _require_investigator(actor, report: Report) -> None:
    if report.assigned_to_id != actor.id and Role.AGENCY_ADMIN not in roles_of(actor, report.agency):
        raise PermissionDenied(_("Only the assigned investigator can work on this case."))


def _only_from(report: Report, status: str, refusal: str) -> None:
    """Several verbs lead to "under investigation"; each starts only from its own status, so that, say,
    starting an investigation cannot pull a case back from review without a reviewer's reason."""
    if report.status != status:
        raise FeedbackError(refusal)


@transaction.atomic
def start_investigation(actor, report: Report) -> Report:
    report = _locked(report)
    _only_from(report, Status.ASSIGNED, _("An investigation is started once the case is assigned."))
    _require_investigator(actor, report)
    _move(actor, report, Status.INVESTIGATING)
    return report


@transaction.atomic
def refer_to_mediation(actor, report: Report, reason: str) -> Report:
    report = _locked(report)
    _require_investigator(actor, report)
    _move(actor, report, Status.MEDIATION, reason=reason)
    return report


@transaction.atomic
def end_mediation(actor, report: Report, reason: str) -> Report:
    report = _locked(report)
    _only_from(report, Status.MEDIATION, _("Only a case in mediation can come out of it."))
    _require_investigator(actor, report)
    _move(actor, report, Status.INVESTIGATING, reason=reason)
    return report


@transaction.atomic
def add_case_entry(actor, report: Report, kind: str, text: str) -> CaseEntry:
    """Notes, evidence and interviews are added while the case is being investigated."""
    report = _locked(report)
    _require_investigator(actor, report)
    _require(actor, report.agency, Action.INVESTIGATE)
    if report.status not in (Status.ASSIGNED, Status.INVESTIGATING, Status.MEDIATION, Status.REVIEW):
        raise FeedbackError(_("Entries can be added only while the case is open for investigation."))
    if kind not in CaseEntry.EntryKind.values or not text.strip():
        raise FeedbackError(_("Choose a kind of entry and write it."))
    entry = CaseEntry.objects.create(report=report, kind=kind, text=text.strip(), written_at=timezone.now(),
                                     written_by=actor)
    audit.record("feedback.case_entry_added", actor=actor, agency=report.agency, target=report,
                 changes={"kind": kind, "entry": entry.id})
    return entry


@transaction.atomic
def record_finding(actor, allegation: Allegation, finding: FindingType, reason: str) -> Allegation:
    """A finding can only be recorded while the case is under investigation or in mediation."""
    report = _locked(allegation.report)
    _require_investigator(actor, report)
    _require(actor, report.agency, Action.INVESTIGATE)
    if report.status not in (Status.INVESTIGATING, Status.MEDIATION):
        raise FeedbackError(_("Findings are recorded while the case is under investigation."))
    if finding.agency_id != report.agency_id:
        raise PermissionDenied
    if not reason.strip():
        raise FeedbackError(_("Give the reason for the finding."))
    before = allegation.finding.code if allegation.finding else None
    allegation.finding, allegation.finding_reason = finding, reason.strip()
    allegation.finding_recorded_at = timezone.now()
    allegation.save()
    audit.record("feedback.finding_recorded", actor=actor, agency=report.agency, target=allegation,
                 changes={"report": report.reference, "before": before, "after": finding.code})
    return allegation


@transaction.atomic
def submit_for_review(actor, report: Report) -> Report:
    """Findings go to review only when every allegation has one."""
    report = _locked(report)
    _require_investigator(actor, report)
    missing = report.allegations.filter(finding__isnull=True).count()
    if missing:
        raise FeedbackError(_("Record a finding for every allegation first (%(count)s missing).") % {"count": missing})
    _move(actor, report, Status.REVIEW)
    return report


def _require_other_reviewer(actor, report: Report) -> None:
    if report.assigned_to_id == actor.id:
        raise PermissionDenied(_("Findings are reviewed by someone other than the case's investigator."))


@transaction.atomic
def return_for_investigation(actor, report: Report, reason: str) -> Report:
    report = _locked(report)
    _only_from(report, Status.REVIEW, _("Only findings under review can be returned for more work."))
    _require_other_reviewer(actor, report)
    if not reason.strip():
        raise FeedbackError(_("Say what more is needed."))
    _move(actor, report, Status.INVESTIGATING, reason=reason.strip())
    return report


@transaction.atomic
def close(actor, report: Report, outcome_summary: str) -> Report:
    """Close a reviewed complaint, or a triaged inquiry, with an outcome the resident will read."""
    report = _locked(report)
    if not outcome_summary.strip():
        raise FeedbackError(_("Write the outcome the resident will read."))
    if report.status == Status.REVIEW:
        _require_other_reviewer(actor, report)
    elif report.classification == Classification.FORMAL_COMPLAINT:
        raise FeedbackError(_("A formal complaint is closed after its findings are reviewed."))
    elif report.classification == Classification.COMMENDATION:
        raise FeedbackError(_("A commendation is closed by verifying it."))
    _move(actor, report, Status.CLOSED, reason=outcome_summary.strip())
    report.outcome_summary = outcome_summary.strip()
    report.save()
    if report.complainant_email:
        transaction.on_commit(lambda: tasks.notify_resident.enqueue(report.id, "closed"))
    return report


@transaction.atomic
def verify_commendation(actor, report: Report, officers: list[Officer], *, note: str,
                        put_forward_for_recognition: bool = False) -> Report:
    """A triaged commendation is verified, routed to the officers and their supervisors, and closed."""
    report = _locked(report)
    if report.classification != Classification.COMMENDATION:
        raise FeedbackError(_("Only commendations are verified."))
    if not officers:
        raise FeedbackError(_("Name the officer or officers commended."))
    if any(officer.agency_id != report.agency_id for officer in officers):
        raise PermissionDenied
    _move(actor, report, Status.CLOSED, reason=note, changes={"officers": [o.badge_number for o in officers]})
    report.commended_officers.set(officers)
    report.outcome_summary = note.strip() or _("Thank you. The officers and their supervisors have been told.")
    if put_forward_for_recognition:
        report.put_forward_for_recognition_at = timezone.now()
    report.save()
    transaction.on_commit(lambda: tasks.route_commendation.enqueue(report.id))
    if report.complainant_email:
        transaction.on_commit(lambda: tasks.notify_resident.enqueue(report.id, "closed"))
    return report


@transaction.atomic
def staff_message(actor, report: Report, body: str) -> Message:
    """The agency writes to the resident; they read it on the tracking page (and by e-mail if they left one)."""
    _require(actor, report.agency, Action.INVESTIGATE)
    if not body.strip():
        raise FeedbackError(_("Write a message before sending."))
    message = Message.objects.create(report=report, from_resident=False, body=body.strip(),
                                     sent_at=timezone.now(), sent_by=actor)
    audit.record("feedback.staff_message", actor=actor, agency=report.agency, target=report)
    if report.complainant_email and report.consent_to_contact:
        transaction.on_commit(lambda: tasks.notify_resident.enqueue(report.id, "message"))
    return message


# ---------------------------------------------------------------- complainant identity

def open_attachment(actor, attachment: Attachment):
    """A file a resident sent, opened for someone who may read the case; every opening is audited
    (photos and documents can identify the resident)."""
    report = attachment.report
    _require(actor, report.agency, Action.READ_CASES)
    audit.record("feedback.attachment_opened", actor=actor, agency=report.agency, target=report,
                 changes={"attachment": attachment.id})
    return attachment.file.open("rb")


def may_see_identity(actor, report: Report) -> bool:
    if can(actor, report.agency, Action.VIEW_COMPLAINANT_IDENTITY, obj=report):
        return True
    return (can(actor, report.agency, Action.READ_CASES, obj=report)
            and report.identity_grants.filter(user=actor).exists())


@dataclass(frozen=True)
class Identity:
    name: str
    email: str
    phone: str
    consent_to_contact: bool


@transaction.atomic
def reveal_identity(actor, report: Report) -> Identity:
    """The complainant's identity, for those allowed; every reveal is an audit event."""
    if not may_see_identity(actor, report):
        raise PermissionDenied(_("Your role does not allow seeing who filed this report."))
    audit.record("feedback.identity_viewed", actor=actor, agency=report.agency, target=report)
    return Identity(report.complainant_name, report.complainant_email, report.complainant_phone,
                    report.consent_to_contact)


@transaction.atomic
def grant_identity(actor, report: Report, reviewer, reason: str) -> IdentityGrant:
    _require(actor, report.agency, Action.GRANT_IDENTITY_ACCESS)
    if Role.OVERSIGHT_REVIEWER not in roles_of(reviewer, report.agency):
        raise FeedbackError(_("Identity can be granted only to an oversight reviewer of this agency."))
    if not reason.strip():
        raise FeedbackError(_("Give the reason for granting access."))
    grant, _created = IdentityGrant.objects.get_or_create(
        agency=report.agency, report=report, user=reviewer,
        defaults={"granted_by": actor, "granted_at": timezone.now(), "reason": reason.strip()})
    audit.record("feedback.identity_granted", actor=actor, agency=report.agency, target=report,
                 changes={"reviewer": reviewer.get_username(), "reason": reason.strip()})
    return grant


# ---------------------------------------------------------------- early intervention reviews

@transaction.atomic
def plan_intervention(actor, alert: Alert, plan: str, due_on: date) -> Alert:
    _require(actor, alert.agency, Action.MANAGE_EARLY_INTERVENTION)
    if alert.status not in (Alert.AlertStatus.OPEN, Alert.AlertStatus.PLANNED):
        raise FeedbackError(_("This alert has already been dealt with."))
    if not plan.strip():
        raise FeedbackError(_("Describe the intervention."))
    alert.status, alert.intervention_plan, alert.plan_due_on = Alert.AlertStatus.PLANNED, plan.strip(), due_on
    alert.reviewed_by = actor
    alert.save()
    audit.record("feedback.intervention_planned", actor=actor, agency=alert.agency, target=alert,
                 changes={"due_on": due_on.isoformat()})
    return alert


@transaction.atomic
def complete_intervention(actor, alert: Alert, note: str) -> Alert:
    _require(actor, alert.agency, Action.MANAGE_EARLY_INTERVENTION)
    if alert.status != Alert.AlertStatus.PLANNED:
        raise FeedbackError(_("Plan an intervention before completing it."))
    alert.status, alert.completed_at, alert.review_note = Alert.AlertStatus.COMPLETED, timezone.now(), note.strip()
    alert.save()
    audit.record("feedback.intervention_completed", actor=actor, agency=alert.agency, target=alert)
    return alert


@transaction.atomic
def dismiss_alert(actor, alert: Alert, note: str) -> Alert:
    _require(actor, alert.agency, Action.MANAGE_EARLY_INTERVENTION)
    if alert.status != Alert.AlertStatus.OPEN:
        raise FeedbackError(_("Only an alert waiting for review can be dismissed."))
    if not note.strip():
        raise FeedbackError(_("Say why no action is needed."))
    alert.status, alert.review_note, alert.reviewed_by = Alert.AlertStatus.DISMISSED, note.strip(), actor
    alert.save()
    audit.record("feedback.alert_dismissed", actor=actor, agency=alert.agency, target=alert)
    return alert


@transaction.atomic
def save_alert_policy(actor, agency: Agency, *, policy: AlertPolicy | None = None, name: str, metric: str,
                      unit: Unit | None, period_days: int, warning_threshold: int, critical_threshold: int,
                      active: bool = True) -> AlertPolicy:
    """Add or change an early-intervention policy. A critical threshold is never below the warning one."""
    _require(actor, agency, Action.MANAGE_EARLY_INTERVENTION)
    if (policy is not None and policy.agency_id != agency.id) or (unit is not None and unit.agency_id != agency.id):
        raise PermissionDenied
    if not name.strip():
        raise FeedbackError(_("Give the policy a name."))
    if metric not in Metric.values:
        raise FeedbackError(_("Choose what is counted."))
    if period_days < 1 or warning_threshold < 1:
        raise FeedbackError(_("The period and the warning threshold must be at least 1."))
    if critical_threshold < warning_threshold:
        raise FeedbackError(_("The critical threshold must be at least the warning threshold."))
    policy = policy or AlertPolicy(agency=agency)
    before = {"metric": policy.metric, "unit": policy.unit_id, "period_days": policy.period_days,
              "warning": policy.warning_threshold, "critical": policy.critical_threshold,
              "active": policy.active} if policy.pk else None
    policy.name, policy.metric, policy.unit, policy.period_days = name.strip(), metric, unit, period_days
    policy.warning_threshold, policy.critical_threshold, policy.active = warning_threshold, critical_threshold, active
    policy.save()
    audit.record("feedback.alert_policy_saved", actor=actor, agency=agency, target=policy, changes={
        "before": before, "after": {"metric": metric, "unit": policy.unit_id, "period_days": period_days,
                                    "warning": warning_threshold, "critical": critical_threshold,
                                    "active": active}})
    return policy
