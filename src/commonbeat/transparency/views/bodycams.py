"""Body-worn cameras: the public program page with its figures (and CSV), the public footage request form and the
requester's private status page; in the console, the recording registry (VIEW_RECORDINGS to read,
MANAGE_RECORDINGS to change), retention and the work on footage requests (HANDLE_FOOTAGE_REQUESTS).

The tracking code of a footage request never travels in a URL: it is shown once, in the answer to the POST that
sent the request, and read back only from a POST body, as for complaints. Pages that show it, or the requester's
details, are sent with `Cache-Control: no-store`. Opening a recording's page is audited (chain of custody).
"""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action, can
from commonbeat.core import ratelimit
from commonbeat.core.caching import private
from commonbeat.core.disclosure import THRESHOLD
from commonbeat.core.downloads import as_download
from commonbeat.core.periods import Period
from commonbeat.core.submissions import create_once, run_form
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language

from ..forms.bodycams import (
    NOT_FOUND,
    AdvanceForm,
    DenyForm,
    ExtendForm,
    FootageRequestForm,
    LegalHoldForm,
    LinkRecordingsForm,
    MessageForm,
    ProgramForm,
    RecordingForm,
    RegistryFilterForm,
    RequestFilterForm,
    RetentionForm,
    StatusLookupForm,
)
from ..models import BodyCamRecording, FootageRequest, FootageRequestStatus
from ..services import bodycams as services

PAGE_SIZE = 50

view_recordings = staff_required(Action.VIEW_RECORDINGS)
manage_recordings = staff_required(Action.MANAGE_RECORDINGS)
handle_requests = staff_required(Action.HANDLE_FOOTAGE_REQUESTS)

STATUS_EXPLANATIONS = {
    FootageRequestStatus.RECEIVED: _("We have your request and will start looking for recordings soon."),
    FootageRequestStatus.SEARCHING: _("We are searching the evidence system for recordings of the incident."),
    FootageRequestStatus.REVIEWING: _("We are watching the recordings to decide what the law lets us release."),
    FootageRequestStatus.REDACTING: _("We are blurring faces, voices and details the law protects before release."),
    FootageRequestStatus.RELEASED: _("The footage is released. The messages below say how to get it."),
    FootageRequestStatus.DENIED: _("The footage cannot be released. The legal basis and our explanation are below."),
}


# ---------------------------------------------------------------- public: the program and its figures

def _figures(request):
    months = request.GET.get("months", "")
    months = int(months) if months.isdigit() and int(months) in services.PERIOD_CHOICES else services.DEFAULT_MONTHS
    today = request.agency.today()
    return services.bodycam_figures(request.agency, Period.last_full_months(today, months), today=today)


@require_safe
def program_page(request):
    figures = _figures(request)
    program = services.program_for(request.agency)
    query = "" if figures.period.months == services.DEFAULT_MONTHS else f"?months={figures.period.months}"
    return render(request, "transparency/bodycams/program.html", {
        "figures": figures, "about": program.about_in(current_language()), "policy_url": program.policy_url,
        "period_choices": services.PERIOD_CHOICES, "download_query": query, "threshold": THRESHOLD,
        "statutory_days": services.STATUTORY_BUSINESS_DAYS})


@require_safe
def program_csv(request):
    figures = _figures(request)
    file_name = (f"{request.agency.slug}-body-worn-cameras-{figures.period.first_month:%Y-%m}-to-"
                 f"{figures.period.last_day:%Y-%m}.csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.DictWriter(response, fieldnames=services.CSV_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in services.long_rows(figures):
        writer.writerow(row | {"count": "" if row["count"] is None else row["count"],
                               "value": "" if row["value"] in (None, "") else row["value"],
                               "suppressed": "true" if row["suppressed"] else "false"})
    return as_download(response, file_name)


# ---------------------------------------------------------------- public: asking for footage

@require_http_methods(["GET", "HEAD", "POST"])
def request_form(request):
    if request.method != "POST":
        return private(_request_form_page(request, FootageRequestForm(agency=request.agency)))
    form = FootageRequestForm(request.POST, agency=request.agency)
    if not form.is_valid():
        return private(_request_form_page(request, form))
    try:
        submitted = services.submit_footage_request(request.agency, form.submission(),
                                                    idempotency_key=form.cleaned_data["submission_token"])
    except services.BodycamError as error:
        form.add_error(None, str(error))
        form.renew_token()
        return private(_request_form_page(request, form))
    return private(render(request, "transparency/bodycams/request_sent.html", {
        "footage_request": submitted.request, "tracking_code": submitted.tracking_code,
        "already_sent": not submitted.created}))


def _request_form_page(request, form):
    return render(request, "transparency/bodycams/request_form.html", {
        "form": form, "statutory_days": services.STATUTORY_BUSINESS_DAYS})


@require_http_methods(["GET", "HEAD", "POST"])
def request_status(request):
    if request.method != "POST":
        return render(request, "transparency/bodycams/request_lookup.html", {"form": StatusLookupForm()})
    if not ratelimit.allow(request, services.TRACKING_LOOKUPS):
        response = render(request, "transparency/bodycams/too_many_lookups.html", {
            "minutes": services.TRACKING_LOOKUPS.window_seconds // 60}, status=429)
        response["Retry-After"] = str(services.TRACKING_LOOKUPS.window_seconds)
        return private(response)
    form = StatusLookupForm(request.POST)
    found = services.find_by_tracking_code(request.agency, form.cleaned_data["code"]) if form.is_valid() else None
    if found is None:
        # The same answer for a malformed code, an unknown one and another agency's: it reveals nothing.
        if form.is_valid():
            form.add_error("code", NOT_FOUND)
        return private(render(request, "transparency/bodycams/request_lookup.html", {"form": form}))
    return private(render(request, "transparency/bodycams/request_status.html", {
        "footage_request": found, "explanation": STATUS_EXPLANATIONS[found.status],
        "messages_to_requester": found.messages.all()}))


# ---------------------------------------------------------------- staff: the registry

def _recording(request, pk) -> BodyCamRecording:
    return get_object_or_404(scoped(BodyCamRecording, request.agency).select_related("officer", "report"), pk=pk)


@view_recordings
@require_safe
def recordings(request):
    form = RegistryFilterForm(request.GET or None, agency=request.agency)
    listed = scoped(BodyCamRecording, request.agency).select_related("officer")
    if form.is_valid():
        data = form.cleaned_data
        if data["category"]:
            listed = listed.filter(category=data["category"])
        if data["officer"]:
            listed = listed.filter(officer=data["officer"])
        if data["held"] == "legal_hold":
            listed = listed.filter(legal_hold=True)
        elif data["held"] == "deleted":
            listed = listed.exclude(deleted_on=None)
        elif data["held"] == "kept":
            listed = listed.filter(deleted_on=None)
    page = Paginator(listed.order_by("-started_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "transparency/bodycams/staff/recordings.html", {
        "form": form, "page": page,
        "due_count": services.due_for_deletion(request.agency).count(),
        "can_manage": can(request.user, request.agency, Action.MANAGE_RECORDINGS)})


@manage_recordings
def recording_new(request):
    form = RecordingForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        response = create_once(
            request, form, "bodycam-recording",
            lambda: services.register_recording(request.user, request.agency, form.details()),
            _("The recording is registered."), lambda pk: reverse("transparency:staff_recording", args=[pk]),
            refused=services.BodycamError)
        if response:
            return response
    return render(request, "transparency/bodycams/staff/recording_form.html", {"form": form, "recording": None})


@manage_recordings
def recording_edit(request, pk):
    recording = _recording(request, pk)
    form = RecordingForm(request.POST or None, agency=request.agency, initial=RecordingForm.initial_for(recording))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_recording(request.user, recording, form.details())
        except services.BodycamError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The recording is saved."))
            return redirect("transparency:staff_recording", pk=recording.pk)
    return render(request, "transparency/bodycams/staff/recording_form.html", {"form": form,
                                                                                "recording": recording})


def _render_recording(request, recording: BodyCamRecording, status: int = 200, **bound):
    services.view_recording(request.user, recording)
    rules = services.retention_days(request.agency)
    return private(render(request, "transparency/bodycams/staff/recording.html", {
        "recording": recording, "retain_until": services.retain_until(recording, rules),
        "hold_reasons": services.hold_reasons(recording),
        "is_due": services.due_for_deletion(request.agency).filter(pk=recording.pk).exists(),
        "footage_requests": recording.footage_requests.order_by("-received_on"),
        "can_manage": can(request.user, request.agency, Action.MANAGE_RECORDINGS),
        "hold_form": bound.get("hold_form") or LegalHoldForm()}, status=status))


@view_recordings
@require_safe
def recording_page(request, pk):
    return _render_recording(request, _recording(request, pk))


@manage_recordings
@require_POST
def recording_hold(request, pk):
    recording = _recording(request, pk)
    target = reverse("transparency:staff_recording", args=[recording.pk])
    if request.POST.get("release"):
        try:
            services.release_legal_hold(request.user, recording)
        except services.BodycamError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The legal hold is released."))
        return redirect(target)
    form = LegalHoldForm(request.POST)
    return run_form(request, form, lambda data: services.place_legal_hold(request.user, recording, data["reason"]),
                    _("The recording is under legal hold."), target,
                    lambda: _render_recording(request, recording, status=400, hold_form=form),
                    refused=services.BodycamError)


@manage_recordings
@require_POST
def recording_deleted(request, pk):
    recording = _recording(request, pk)
    try:
        services.mark_deleted(request.user, recording)
    except services.BodycamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Recording #%(number)s is recorded as deleted.") % {"number": recording.pk})
    if request.POST.get("next") == "due":
        return redirect("transparency:staff_recordings_due")
    return redirect("transparency:staff_recording", pk=recording.pk)


@view_recordings
@require_safe
def recordings_due(request):
    rules = services.retention_days(request.agency)
    page = Paginator(services.due_for_deletion(request.agency), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "transparency/bodycams/staff/recordings_due.html", {
        "page": page, "rows": [(recording, services.retain_until(recording, rules)) for recording in page],
        "can_manage": can(request.user, request.agency, Action.MANAGE_RECORDINGS)})


@manage_recordings
def program_settings(request):
    program = services.program_for(request.agency)
    program_form = ProgramForm(request.POST or None, initial={
        "policy_url": program.policy_url, **ProgramForm.initial_texts("about", program.about)})
    retention_form = RetentionForm(initial=services.retention_days(request.agency))

    def show():
        return render(request, "transparency/bodycams/staff/settings.html", {
            "program_form": program_form, "retention_form": retention_form}, status=400)

    if request.method == "POST":
        return run_form(request, program_form, lambda data: services.save_program(
            request.user, request.agency, about=program_form.texts("about"), policy_url=data["policy_url"]),
            _("The program page is saved."), reverse("transparency:staff_bodycam_settings"), show,
            refused=services.BodycamError)
    return render(request, "transparency/bodycams/staff/settings.html", {
        "program_form": program_form, "retention_form": retention_form})


@manage_recordings
@require_POST
def retention_settings(request):
    program = services.program_for(request.agency)
    retention_form = RetentionForm(request.POST)
    program_form = ProgramForm(initial={"policy_url": program.policy_url,
                                        **ProgramForm.initial_texts("about", program.about)})
    return run_form(request, retention_form, lambda data: services.set_retention_rules(
        request.user, request.agency, retention_form.days()), _("The retention rules are saved."),
        reverse("transparency:staff_bodycam_settings"),
        lambda: render(request, "transparency/bodycams/staff/settings.html", {
            "program_form": program_form, "retention_form": retention_form}, status=400),
        refused=services.BodycamError)


# ---------------------------------------------------------------- staff: footage requests

def _footage_request(request, pk) -> FootageRequest:
    return get_object_or_404(scoped(FootageRequest, request.agency).select_related("neighbourhood"), pk=pk)


@handle_requests
@require_safe
def footage_requests(request):
    today = request.agency.today()
    form = RequestFilterForm(request.GET or None)
    show = form.cleaned_data["show"] if form.is_valid() and form.cleaned_data["show"] else "open"
    listed = scoped(FootageRequest, request.agency).annotate(linked=Count("recordings"))
    if show == "open":
        listed = listed.filter(status__in=services.OPEN_STATUSES).order_by("due_on", "id")
    elif show == "overdue":
        listed = listed.filter(status__in=services.OPEN_STATUSES, due_on__lt=today).order_by("due_on", "id")
    elif show == "closed":
        listed = listed.filter(status__in=services.CLOSED_STATUSES).order_by("-closed_on", "-id")
    else:
        listed = listed.order_by("-received_on", "-id")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return private(render(request, "transparency/bodycams/staff/requests.html", {
        "form": form, "show": show, "page": page,
        "rows": [(item, item.is_overdue(today), services.is_due_soon(item, today)) for item in page],
        "overdue": services.overdue_requests(request.agency, today).count(),
        "open_count": scoped(FootageRequest, request.agency).filter(
            Q(status__in=services.OPEN_STATUSES)).count()}))


def _render_request(request, item: FootageRequest, status: int = 200, **bound):
    services.view_footage_request(request.user, item)
    today = request.agency.today()
    forms = {"advance_form": AdvanceForm(request=item), "deny_form": DenyForm(), "extend_form": ExtendForm(),
             "link_form": LinkRecordingsForm(request=item), "message_form": MessageForm(), **bound}
    return private(render(request, "transparency/bodycams/staff/request.html", {
        "item": item, "overdue": item.is_overdue(today), "due_soon": services.is_due_soon(item, today),
        "linked": item.recordings.select_related("officer").order_by("started_at"),
        "messages_to_requester": item.messages.select_related("sent_by"), **forms}, status=status))


@handle_requests
@require_safe
def footage_request_page(request, pk):
    return _render_request(request, _footage_request(request, pk))


def _request_action(request, pk, form_name, form, perform, done):
    item = _footage_request(request, pk)
    bound = form(item)
    return run_form(request, bound, lambda data: perform(item, data), done,
                    reverse("transparency:staff_footage_request", args=[item.pk]),
                    lambda: _render_request(request, item, status=400, **{form_name: bound}),
                    refused=services.BodycamError)


@handle_requests
@require_POST
def footage_request_advance(request, pk):
    return _request_action(request, pk, "advance_form", lambda item: AdvanceForm(request.POST, request=item),
                           lambda item, data: services.advance_request(request.user, item, data["status"]),
                           _("The request moved to its next step; the requester is told by e-mail."))


@handle_requests
@require_POST
def footage_request_deny(request, pk):
    return _request_action(request, pk, "deny_form", lambda item: DenyForm(request.POST),
                           lambda item, data: services.deny_request(request.user, item, data["basis"],
                                                                    data["explanation"]),
                           _("The request is denied; the requester is told by e-mail."))


@handle_requests
@require_POST
def footage_request_extend(request, pk):
    return _request_action(request, pk, "extend_form", lambda item: ExtendForm(request.POST),
                           lambda item, data: services.extend_deadline(request.user, item, data["reason"]),
                           _("The deadline is extended; the requester is told by e-mail."))


@handle_requests
@require_POST
def footage_request_recordings(request, pk):
    return _request_action(request, pk, "link_form", lambda item: LinkRecordingsForm(request.POST, request=item),
                           lambda item, data: services.link_recordings(request.user, item, data["recordings"]),
                           _("The linked recordings are saved."))


@handle_requests
@require_POST
def footage_request_message(request, pk):
    item = _footage_request(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        # A message is e-mailed: a double click or a re-sent page must not send it twice.
        response = create_once(
            request, form, "footage-request-message",
            lambda: services.send_message(request.user, item, form.cleaned_data["body"]),
            _("The message is sent to the requester."),
            lambda _message: reverse("transparency:staff_footage_request", args=[item.pk]),
            refused=services.BodycamError)
        if response:
            return response
    return _render_request(request, item, status=400, message_form=form)


urlpatterns = [
    path("body-worn-cameras/", program_page, name="bodycams"),
    path("body-worn-cameras/figures.csv", program_csv, name="bodycams_csv"),
    path("body-worn-cameras/request/", request_form, name="footage_request"),
    path("body-worn-cameras/request/status/", request_status, name="footage_request_status"),
    path("console/body-worn-cameras/recordings/", recordings, name="staff_recordings"),
    path("console/body-worn-cameras/recordings/new/", recording_new, name="staff_recording_new"),
    path("console/body-worn-cameras/recordings/due/", recordings_due, name="staff_recordings_due"),
    path("console/body-worn-cameras/recordings/<int:pk>/", recording_page, name="staff_recording"),
    path("console/body-worn-cameras/recordings/<int:pk>/edit/", recording_edit, name="staff_recording_edit"),
    path("console/body-worn-cameras/recordings/<int:pk>/hold/", recording_hold, name="staff_recording_hold"),
    path("console/body-worn-cameras/recordings/<int:pk>/deleted/", recording_deleted,
         name="staff_recording_deleted"),
    path("console/body-worn-cameras/settings/", program_settings, name="staff_bodycam_settings"),
    path("console/body-worn-cameras/settings/retention/", retention_settings, name="staff_retention_settings"),
    path("console/body-worn-cameras/requests/", footage_requests, name="staff_footage_requests"),
    path("console/body-worn-cameras/requests/<int:pk>/", footage_request_page, name="staff_footage_request"),
    path("console/body-worn-cameras/requests/<int:pk>/status/", footage_request_advance,
         name="staff_footage_request_advance"),
    path("console/body-worn-cameras/requests/<int:pk>/deny/", footage_request_deny,
         name="staff_footage_request_deny"),
    path("console/body-worn-cameras/requests/<int:pk>/extend/", footage_request_extend,
         name="staff_footage_request_extend"),
    path("console/body-worn-cameras/requests/<int:pk>/recordings/", footage_request_recordings,
         name="staff_footage_request_recordings"),
    path("console/body-worn-cameras/requests/<int:pk>/messages/", footage_request_message,
         name="staff_footage_request_message"),
]
