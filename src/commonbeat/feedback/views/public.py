"""Pages for residents, without an account: filing a complaint or commendation and following it.

The tracking code is the only way back into a report, so it never travels in a URL, a cookie or a log
line: it is shown once, in the response to the POST that filed the report, and read back only from a
POST body. Pages that show it, or what the resident typed, are sent with `Cache-Control: no-store`.
Nothing here stores the resident's IP address; lookups are rate-limited through a daily-salted hash.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from commonbeat.core import ratelimit
from commonbeat.core.texts import current_language

from .. import services, tracking
from ..forms import NOT_FOUND, ReportForm, ResidentMessageForm, TrackForm, accepted_file_types
from ..models import Channel, Kind, Report, Status

STATUS_EXPLANATIONS = {
    Status.RECEIVED: _("We have your report. Someone will read it and acknowledge it soon."),
    Status.TRIAGED: _("Your report has been read and classified."),
    Status.ASSIGNED: _("An investigator has been assigned to your report."),
    Status.INVESTIGATING: _("An investigator is gathering information, such as statements, video and records."),
    Status.MEDIATION: _("The case is in mediation: a trained mediator helps the people involved resolve it."),
    Status.REVIEW: _("The investigator's findings are being reviewed by someone else before the case is closed."),
    Status.CLOSED: _("The case is closed."),
}


def _private(response: HttpResponse) -> HttpResponse:
    """Shared caches and the browser's history must not keep a page with a tracking code or typed details."""
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- filing

@require_safe
def choose_kind(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/report_choose.html", {
        "acknowledgement_days": request.agency.acknowledgement_target_days,
    })


@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in Kind.values:
        raise Http404
    if request.method != "POST":
        # Not stored by any cache: the empty form carries a submission token meant for one resident only.
        return _private(_report_form_page(request, ReportForm(agency=request.agency, kind=kind)))
    form = ReportForm(request.POST, request.FILES, agency=request.agency, kind=kind)
    if not form.is_valid():
        return _private(_report_form_page(request, form, files_dropped=bool(request.FILES)))
    try:
        filed = services.file_report(request.agency, form.submission(current_language()), channel=Channel.WEB,
                                     idempotency_key=form.cleaned_data["submission_token"])
    except services.FeedbackError as error:
        # Most likely the page was sent before with different answers: a fresh token files it as a new report.
        form.add_error(None, str(error))
        form.renew_token()
        return _private(_report_form_page(request, form, files_dropped=bool(request.FILES)))
    return _private(render(request, "feedback/report_filed.html", {
        "report": filed.report,
        "tracking_code": filed.tracking_code,
        "already_filed": not filed.created,
        "has_email": bool(filed.report.complainant_email),
        "acknowledgement_days": request.agency.acknowledgement_target_days,
    }))


def _report_form_page(request: HttpRequest, form: ReportForm, *, files_dropped: bool = False) -> HttpResponse:
    return render(request, "feedback/report_form.html", {
        "form": form,
        "kind": form.kind,
        "is_complaint": form.kind == Kind.COMPLAINT,
        "files_dropped": files_dropped,
        "accept": accepted_file_types(),
        "tile_url": settings.COMMONBEAT_MAP_TILE_URL,
        "tile_attribution": settings.COMMONBEAT_MAP_TILE_ATTRIBUTION,
    })


# ---------------------------------------------------------------- following a report

@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "feedback/track.html", {"form": TrackForm()})
    if not ratelimit.allow(request, services.TRACKING_LOOKUPS):
        return _too_many_lookups(request)
    form = TrackForm(request.POST)
    report = services.find_by_tracking_code(request.agency, form.cleaned_data["code"]) if form.is_valid() else None
    if report is None:
        return _not_found(request, form)
    message_form = ResidentMessageForm(initial={"code": tracking.normalise(form.cleaned_data["code"])})
    return _status_page(request, report, message_form)


@require_POST
def track_message(request: HttpRequest) -> HttpResponse:
    """A resident writes to the agency from the status page. Sending is a lookup too, so it is rate-limited."""
    if not ratelimit.allow(request, services.TRACKING_LOOKUPS):
        return _too_many_lookups(request)
    code = request.POST.get("code", "")
    report = services.find_by_tracking_code(request.agency, code)
    if report is None:
        return _not_found(request, TrackForm({"code": code}))
    form = ResidentMessageForm(request.POST)
    if form.is_valid():
        try:
            services.resident_message(report, form.cleaned_data["body"],
                                      idempotency_key=form.cleaned_data["message_token"])
        except services.FeedbackError as error:
            form.add_error("body", str(error))
        else:
            return _status_page(request, report, ResidentMessageForm(initial={"code": tracking.normalise(code)}),
                                message_sent=True)
    return _status_page(request, report, form)


def _not_found(request: HttpRequest, form: TrackForm) -> HttpResponse:
    """The same answer for a malformed code, an unknown one and another agency's: it reveals nothing."""
    if form.is_bound and form.is_valid():
        form.add_error("code", NOT_FOUND)
    elif form.is_bound and "code" in form.errors and form.data.get("code", "").strip():
        form.errors["code"] = form.error_class([NOT_FOUND])
    return _private(render(request, "feedback/track.html", {"form": form}))


def _status_page(request: HttpRequest, report: Report, message_form: ResidentMessageForm, *,
                 message_sent: bool = False) -> HttpResponse:
    """What the resident may see of their case: no staff names, no internal reasons, no officer names."""
    language = current_language()
    timeline = []
    for change in report.status_changes.all():
        if timeline and timeline[-1]["status"] == change.to_status:
            continue  # a reassignment is not news to the resident
        timeline.append({"status": change.to_status, "label": Status(change.to_status).label,
                         "date": change.changed_at})
    closed = report.status == Status.CLOSED
    findings = []
    if closed:
        for allegation in report.allegations.select_related("category", "finding"):
            finding = allegation.finding
            findings.append({
                "category": allegation.category.label(language),
                "finding": finding.label(language) if finding else "",
                "explanation": (finding.explanation_es if language == "es" and finding.explanation_es
                                else finding.explanation) if finding else "",
            })
    messages = [{"from_resident": message.from_resident, "body": message.body, "sent_at": message.sent_at}
                for message in report.messages.all()]
    return _private(render(request, "feedback/status.html", {
        "report": report,
        "kind_label": Kind(report.kind).label,
        "status_label": Status(report.status).label,
        "status_explanation": STATUS_EXPLANATIONS[Status(report.status)],
        "awaiting_acknowledgement": report.status == Status.RECEIVED,
        "acknowledgement_days": request.agency.acknowledgement_target_days,
        "timeline": timeline,
        "closed": closed,
        "outcome_summary": report.outcome_summary if closed else "",
        "findings": findings,
        "conversation": messages,
        "message_form": message_form,
        "message_sent": message_sent,
    }))


def _too_many_lookups(request: HttpRequest) -> HttpResponse:
    other_language = "en" if current_language() == "es" else "es"
    response = render(request, "feedback/too_many_lookups.html", {
        "minutes": services.TRACKING_LOOKUPS.window_seconds // 60,
        "other_language": other_language,
    }, status=429)
    response["Retry-After"] = str(services.TRACKING_LOOKUPS.window_seconds)
    return _private(response)


urlpatterns = [
    path("report/", choose_kind, name="report"),
    # One view; the kind comes from the address. Two plain routes rather than a converter, so the name
    # reverses with kind="complaint" or kind="commendation" and nothing else can be asked for.
    path("report/complaint/", report_form, {"kind": Kind.COMPLAINT.value}, name="report_form"),
    path("report/commendation/", report_form, {"kind": Kind.COMMENDATION.value}, name="report_form"),
    path("track/", track, name="track"),
    path("track/message/", track_message, name="track_message"),
]
