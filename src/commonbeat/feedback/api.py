"""Complaints and commendations in the JSON API (/api/v1/reports).

Residents and their apps file reports and follow them with the tracking code, without a token. Staff and
integrations read and work cases with a bearer token; every change goes through the feedback services.

The complainant's identity and contact details never appear in any response here, whatever the token's
role: the staff case page is the one place they are shown, and each showing is audited.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import field_validator

from commonbeat.accounts.models import User
from commonbeat.accounts.roles import Action, can
from commonbeat.api.auth import TokenAuth
from commonbeat.core import ratelimit
from commonbeat.core.models import Officer
from commonbeat.core.tenancy import scoped

from . import services
from .models import (
    Allegation,
    AllegationCategory,
    Channel,
    Classification,
    FindingType,
    Kind,
    Message,
    Report,
    StatusChange,
)
from .models import Status as CaseStatus

router = Router(tags=["reports"])


class Problem(Schema):
    detail: str


class FieldProblem(Schema):
    field: str
    message: str


class Invalid(Schema):
    detail: str
    errors: list[FieldProblem] = []


def _invalid(field: str, message: str) -> Status:
    return Status(422, {"detail": _("Some fields need fixing."), "errors": [{"field": field, "message": message}]})


# ---------------------------------------------------------------- intake

class ReportIn(Schema):
    kind: Kind
    narrative: str = Field(max_length=20_000, description="What happened, in the resident's words.")
    occurred_on: date | None = None
    occurred_time: time | None = None
    location_text: str = Field("", max_length=300)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    officers_described: str = Field("", max_length=2_000)
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    consent_to_contact: bool = False
    language: str | None = Field(None, pattern="^(en|es)$", description="en or es; default: Accept-Language.")

    @field_validator("email")
    @classmethod
    def email_is_an_address(cls, value: str) -> str:
        value = value.strip()
        if value:
            try:
                validate_email(value)
            except ValidationError as error:
                raise ValueError(_("Enter a valid e-mail address.")) from error
        return value

    @field_validator("occurred_time")
    @classmethod
    def time_is_local(cls, value: time | None) -> time | None:
        if value is not None and value.tzinfo is not None:
            raise ValueError(_("Give the time as the local time, without a time zone."))
        return value


class ReportFiled(Schema):
    reference: str
    tracking_code: str = Field(description="Shown once: only its hash is stored. Retrying with the same "
                                           "Idempotency-Key shows it again.")
    status: str
    received_at: datetime
    acknowledgement_due_at: datetime
    neighbourhood: str | None = Field(None, description="Slug of the neighbourhood the point falls in.")


def _idempotency_conflict(request, key: str | None, submission: services.Submission) -> bool:
    """Whether the key was already used for a different submission (rather than the submission being invalid)."""
    if not key:
        return False
    existing = scoped(Report, request.agency).filter(idempotency_key=key).first()
    return existing is not None and existing.submission_fingerprint != submission.fingerprint()


@router.post("/reports", response={200: ReportFiled, 201: ReportFiled, 409: Problem, 422: Invalid},
             summary="File a complaint or commendation")
def file_report(request, payload: ReportIn, response: HttpResponse,
                idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=100)):
    """Anonymous filing needs only the kind and what happened. Send an `Idempotency-Key` header so a retry
    returns the first report (200) with the same tracking code instead of filing it twice (201)."""
    if (payload.latitude is None) != (payload.longitude is None):
        missing = "longitude" if payload.longitude is None else "latitude"
        return _invalid(missing, _("Give both latitude and longitude, or neither."))
    if payload.occurred_on and payload.occurred_on > timezone.localdate(timezone=ZoneInfo(request.agency.timezone)):
        return _invalid("occurred_on", _("The date cannot be in the future."))
    language = payload.language or translation.get_language() or "en"
    submission = services.Submission(
        kind=Kind(payload.kind).value, narrative=payload.narrative, occurred_on=payload.occurred_on,
        occurred_time=payload.occurred_time, location_text=payload.location_text, latitude=payload.latitude,
        longitude=payload.longitude, officers_described=payload.officers_described, name=payload.name,
        email=payload.email, phone=payload.phone, consent_to_contact=payload.consent_to_contact,
        language=language if language in ("en", "es") else "en",
    )
    key = (idempotency_key or "").strip() or None
    try:
        filed = services.file_report(request.agency, submission, channel=Channel.API, idempotency_key=key)
    except services.FeedbackError as error:
        if _idempotency_conflict(request, key, submission):
            return Status(409, {"detail": str(error)})
        return Status(422, {"detail": str(error), "errors": []})
    report = filed.report
    response["Cache-Control"] = "no-store"  # it carries the tracking code
    return Status(201 if filed.created else 200, {
        "reference": report.reference, "tracking_code": filed.tracking_code, "status": report.status,
        "received_at": report.received_at, "acknowledgement_due_at": report.acknowledgement_due_at,
        "neighbourhood": report.neighbourhood.slug if report.neighbourhood_id else None,
    })


# ---------------------------------------------------------------- following a report with its tracking code

class TrackIn(Schema):
    tracking_code: str = Field(max_length=64)


class TimelineStep(Schema):
    status: str
    label: str
    at: datetime


class FindingShown(Schema):
    allegation: str
    finding: str
    explanation: str


class MessageShown(Schema):
    sender: str = Field(description="resident or agency; staff are never named.")
    body: str
    sent_at: datetime


class Tracked(Schema):
    reference: str
    kind: str
    status: str
    status_label: str
    received_at: datetime
    acknowledgement_due_at: datetime
    closed_at: datetime | None
    timeline: list[TimelineStep]
    outcome: str | None
    findings: list[FindingShown]
    messages: list[MessageShown]


def _label(choice_class, value: str) -> str:
    return str(choice_class(value).label) if value in choice_class.values else value


@router.post("/reports/track", response={200: Tracked, 404: Problem, 429: Problem},
             summary="Follow a report with its tracking code")
def track_report(request, payload: TrackIn, response: HttpResponse):
    """The report's status, timeline, outcome, findings and messages. Staff are shown as "agency"; the
    complainant's identity is never returned. Lookups are limited per client. Answers in the language of
    Accept-Language (English or Spanish)."""
    with translation.override(translation.get_language_from_request(request)):
        return _track(request, payload, response)


def _track(request, payload: TrackIn, response: HttpResponse):
    if not ratelimit.allow(request, services.TRACKING_LOOKUPS):  # one allowance shared with the tracking page
        response["Retry-After"] = str(services.TRACKING_LOOKUPS.window_seconds)
        return Status(429, {"detail": _("Too many lookups. Try again in %(minutes)s minutes.")
                            % {"minutes": services.TRACKING_LOOKUPS.window_seconds // 60}})
    response["Cache-Control"] = "no-store"
    report = services.find_by_tracking_code(request.agency, payload.tracking_code)
    if report is None:
        return Status(404, {"detail": _("No report matches that tracking code. Check it and try again.")})
    language = translation.get_language() or "en"
    closed = report.status == CaseStatus.CLOSED
    findings = []
    if closed:
        allegations = report.allegations.select_related("category", "finding").filter(finding__isnull=False)
        findings = [{"allegation": a.category.label(language), "finding": a.finding.label(language),
                     "explanation": (a.finding.explanation_es if language == "es" and a.finding.explanation_es
                                     else a.finding.explanation)} for a in allegations]
    timeline = []
    for step in report.status_changes.all():
        if not timeline or timeline[-1]["status"] != step.to_status:  # a reassignment is not news to the resident
            timeline.append({"status": step.to_status, "label": _label(CaseStatus, step.to_status),
                             "at": step.changed_at})
    return {
        "reference": report.reference, "kind": report.kind, "status": report.status,
        "status_label": _label(CaseStatus, report.status), "received_at": report.received_at,
        "acknowledgement_due_at": report.acknowledgement_due_at, "closed_at": report.closed_at,
        "timeline": timeline,
        "outcome": (report.outcome_summary or None) if closed else None,
        "findings": findings,
        "messages": [{"sender": "resident" if m.from_resident else "agency", "body": m.body, "sent_at": m.sent_at}
                     for m in report.messages.all()],
    }


# ---------------------------------------------------------------- staff: reading cases

class CaseSummary(Schema):
    reference: str
    kind: str
    classification: str
    status: str
    channel: str
    received_at: datetime
    acknowledgement_due_at: datetime
    acknowledged_at: datetime | None
    due_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime = Field(description="When the status, a finding or a message last changed.")
    neighbourhood: str | None = Field(description="The neighbourhood's slug.")
    assigned_to: str | None = Field(description="The investigator's username.")
    anonymous: bool = Field(description="Whether the resident left no name or contact details.")

    @staticmethod
    def resolve_neighbourhood(report: Report) -> str | None:
        return report.neighbourhood.slug if report.neighbourhood_id else None

    @staticmethod
    def resolve_assigned_to(report: Report) -> str | None:
        return report.assigned_to.get_username() if report.assigned_to_id else None

    @staticmethod
    def resolve_anonymous(report: Report) -> bool:
        return report.is_anonymous


class AllegationOut(Schema):
    id: int
    category: str
    category_label: str
    officer: str | None = Field(description="Badge number; empty for an unidentified officer.")
    description: str
    finding: str | None
    finding_reason: str
    finding_recorded_at: datetime | None


class StepOut(Schema):
    from_status: str
    to_status: str
    changed_at: datetime
    changed_by: str | None
    reason: str


class MessageOut(Schema):
    sender: str
    body: str
    sent_at: datetime
    sent_by: str | None


class Case(CaseSummary):
    narrative: str
    occurred_on: date | None
    occurred_time: time | None
    location_text: str
    latitude: float | None
    longitude: float | None
    officers_described: str
    outcome_summary: str
    commended_officers: list[str] = Field(description="Badge numbers.")
    allegations: list[AllegationOut]
    timeline: list[StepOut]
    messages: list[MessageOut]
    allowed_moves: list[str] = Field(description="Statuses this token's user may move the case to now.")

    @staticmethod
    def resolve_commended_officers(report: Report) -> list[str]:
        return [officer.badge_number for officer in report.commended_officers.all()]

    @staticmethod
    def resolve_allegations(report: Report) -> list[dict]:
        language = translation.get_language() or "en"
        return [{"id": a.id, "category": a.category.code, "category_label": a.category.label(language),
                 "officer": a.officer.badge_number if a.officer_id else None, "description": a.description,
                 "finding": a.finding.code if a.finding_id else None, "finding_reason": a.finding_reason,
                 "finding_recorded_at": a.finding_recorded_at}
                for a in report.allegations.select_related("category", "officer", "finding")]

    @staticmethod
    def resolve_timeline(report: Report) -> list[dict]:
        return [{"from_status": s.from_status, "to_status": s.to_status, "changed_at": s.changed_at,
                 "changed_by": s.changed_by.get_username() if s.changed_by_id else None, "reason": s.reason}
                for s in report.status_changes.select_related("changed_by")]

    @staticmethod
    def resolve_messages(report: Report) -> list[dict]:
        return [{"sender": "resident" if m.from_resident else "agency", "body": m.body, "sent_at": m.sent_at,
                 "sent_by": m.sent_by.get_username() if m.sent_by_id else None}
                for m in report.messages.select_related("sent_by")]

    @staticmethod
    def resolve_allowed_moves(report: Report, context) -> list[str]:
        return services.allowed_moves(context["request"].user, report)


def _cases(agency):
    """The agency's reports with the time anything last happened to them (status, finding or message)."""
    def latest(model, field):
        rows = model.objects.filter(report=OuterRef("pk")).order_by(f"-{field}").values(field)[:1]
        return Coalesce(Subquery(rows), "received_at")

    return (scoped(Report, agency).select_related("neighbourhood", "assigned_to")
            .annotate(updated_at=Greatest(latest(StatusChange, "changed_at"),
                                          latest(Allegation, "finding_recorded_at"),
                                          latest(Message, "sent_at"))))


def _require_case_reader(request) -> None:
    if not can(request.user, request.agency, Action.READ_CASES):
        raise PermissionDenied


def _report(request, reference: str) -> Report:
    """The agency's report with this case number: 403 for a role that may not read cases, 404 if there is none."""
    _require_case_reader(request)
    return get_object_or_404(_cases(request.agency), reference=reference)


class CasePages(LimitOffsetPagination):
    """Pages of at most 500 cases; an offset past any real list is refused instead of reaching the database."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10_000_000)


@router.get("/reports", auth=TokenAuth(), response=list[CaseSummary], summary="List cases")
@paginate(CasePages)
def list_reports(request, status: CaseStatus | None = None, kind: Kind | None = None,
                 neighbourhood: str | None = None, updated_since: datetime | None = None):
    """The agency's reports, newest first (roles that read cases). No complainant identity is included."""
    _require_case_reader(request)
    reports = _cases(request.agency)
    if status:
        reports = reports.filter(status=status)
    if kind:
        reports = reports.filter(kind=kind)
    if neighbourhood:
        reports = reports.filter(neighbourhood__slug=neighbourhood)
    if updated_since:
        reports = reports.filter(updated_at__gte=updated_since)
    return reports.order_by("-received_at", "-id")


@router.get("/reports/{reference}", auth=TokenAuth(), response={200: Case, 403: Problem, 404: Problem},
            summary="Read a case")
def read_report(request, reference: str):
    """One case: what was reported, allegations and findings, timeline and messages. No complainant identity;
    the staff case page is the only place it is shown, and each showing is audited."""
    return _report(request, reference)


# ---------------------------------------------------------------- staff: working cases

CHANGED = {200: Case, 403: Problem, 404: Problem, 409: Problem, 422: Invalid}


def _perform(request, reference: str, change) -> Status:
    """Run one service call on the case; refusals come back as 409 with the reason, role problems as 403."""
    report = _report(request, reference)
    try:
        result = change(report)
    except services.FeedbackError as error:
        return Status(409, {"detail": str(error)})
    except PermissionDenied as error:
        return Status(403, {"detail": str(error) or _("Your role does not allow this.")})
    if isinstance(result, Status):
        return result
    return Status(200, _cases(request.agency).get(pk=report.pk))


class AllegationIn(Schema):
    category: str = Field(description="Allegation category code, e.g. force.")
    officer: str | None = Field(None, description="Badge number; leave out for an unidentified officer.")
    description: str = Field("", max_length=5_000)


class TriageIn(Schema):
    classification: Classification
    allegations: list[AllegationIn] = []


@router.post("/reports/{reference}/triage", auth=TokenAuth(), response=CHANGED, summary="Triage a report")
def triage_report(request, reference: str, payload: TriageIn):
    """Classify a new report; a formal complaint names at least one allegation."""
    def change(report):
        services.settings_for(request.agency)
        allegations = []
        for position, item in enumerate(payload.allegations):
            category = scoped(AllegationCategory, request.agency).filter(code=item.category, active=True).first()
            if category is None:
                return _invalid(f"allegations.{position}.category", _("No such allegation category."))
            officer = None
            if item.officer:
                officer = scoped(Officer, request.agency).filter(badge_number=item.officer).first()
                if officer is None:
                    return _invalid(f"allegations.{position}.officer", _("No officer with that badge number."))
            allegations.append(services.AllegationInput(category, officer, item.description))
        return services.triage(request.user, report, Classification(payload.classification).value, allegations)

    return _perform(request, reference, change)


class AssignIn(Schema):
    investigator: str = Field(description="The investigator's username.")
    due_at: datetime | None = None


@router.post("/reports/{reference}/assign", auth=TokenAuth(), response=CHANGED, summary="Assign an investigator")
def assign_report(request, reference: str, payload: AssignIn):
    """Give a triaged formal complaint to an investigator of this agency."""
    def change(report):
        investigator = User.objects.filter(username=payload.investigator, is_active=True,
                                           memberships__agency=request.agency).distinct().first()
        if investigator is None:
            return _invalid("investigator", _("No one with that username works in this agency."))
        return services.assign(request.user, report, investigator, payload.due_at)

    return _perform(request, reference, change)


@router.post("/reports/{reference}/start", auth=TokenAuth(), response=CHANGED, summary="Start the investigation")
def start_investigation(request, reference: str):
    """The assigned investigator starts work on the case."""
    return _perform(request, reference, lambda report: services.start_investigation(request.user, report))


class FindingIn(Schema):
    allegation: int = Field(description="The allegation's id, as listed in the case.")
    finding: str = Field(description="Finding code, e.g. sustained.")
    reason: str = Field(max_length=10_000)


class FindingsIn(Schema):
    findings: list[FindingIn] = []
    submit_for_review: bool = Field(False, description="Then send the findings for review.")


@router.post("/reports/{reference}/findings", auth=TokenAuth(), response=CHANGED, summary="Record findings")
def record_findings(request, reference: str, payload: FindingsIn):
    """Record a finding on each listed allegation (all or none), and optionally submit them for review."""
    def change(report):
        if not can(request.user, request.agency, Action.INVESTIGATE):
            raise PermissionDenied
        with transaction.atomic():
            for position, item in enumerate(payload.findings):
                allegation = report.allegations.filter(pk=item.allegation).first()
                if allegation is None:
                    transaction.set_rollback(True)
                    return _invalid(f"findings.{position}.allegation", _("This case has no such allegation."))
                finding = scoped(FindingType, request.agency).filter(code=item.finding).first()
                if finding is None:
                    transaction.set_rollback(True)
                    return _invalid(f"findings.{position}.finding", _("No such finding."))
                services.record_finding(request.user, allegation, finding, item.reason)
            if payload.submit_for_review:
                services.submit_for_review(request.user, report)
        return None

    return _perform(request, reference, change)


class CloseIn(Schema):
    outcome_summary: str = Field(max_length=10_000, description="The outcome the resident will read.")


@router.post("/reports/{reference}/close", auth=TokenAuth(), response=CHANGED, summary="Close a case")
def close_report(request, reference: str, payload: CloseIn):
    """Close a reviewed complaint, or a triaged inquiry, with the outcome the resident will read."""
    return _perform(request, reference, lambda report: services.close(request.user, report, payload.outcome_summary))


class MessageIn(Schema):
    body: str = Field(max_length=10_000)


@router.post("/reports/{reference}/messages", auth=TokenAuth(), response=CHANGED, summary="Write to the resident")
def send_message(request, reference: str, payload: MessageIn):
    """The agency writes to the resident, who reads it with the tracking code (and by e-mail if they left one)."""
    return _perform(request, reference, lambda report: services.staff_message(request.user, report, payload.body))

