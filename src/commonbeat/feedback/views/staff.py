"""The staff console for complaints, commendations and early intervention.

Views are thin: parse a form, call one service, redirect with a message. A service's refusal is shown
on the form that asked for it, with what was typed kept (403 when the refusal is about who may act).
The complainant's identity is never on a page unless someone allowed asks for it (and that is audited).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action, can
from commonbeat.core.tenancy import scoped
from commonbeat.insights.models import TriageSuggestion

from .. import services
from ..early_intervention import OPEN_STATUSES
from ..models import Alert, AlertPolicy, Allegation, Classification, Report, Status
from ..staff_forms import (
    UNASSIGNED,
    AlertPolicyForm,
    AssignForm,
    CaseEntryForm,
    CloseForm,
    CompleteInterventionForm,
    ConfirmForm,
    DismissAlertForm,
    EndMediationForm,
    FindingForm,
    GrantIdentityForm,
    MediationForm,
    MessageForm,
    PlanInterventionForm,
    QueueFilterForm,
    ReturnForm,
    TriageForm,
    VerifyCommendationForm,
)

PAGE_SIZE = 50
WORK_STATUSES = (Status.ASSIGNED, Status.INVESTIGATING, Status.MEDIATION, Status.REVIEW)
FINDING_STATUSES = (Status.INVESTIGATING, Status.MEDIATION)


# ---------------------------------------------------------------- the intake queue

def overdue_cases(now) -> Q:
    """Open cases not acknowledged by their acknowledgement date, or still open past their due date."""
    late_acknowledgement = Q(acknowledged_at__isnull=True, acknowledgement_due_at__lt=now)
    late_investigation = Q(due_at__isnull=False, due_at__lt=now)
    return ~Q(status=Status.CLOSED) & (late_acknowledgement | late_investigation)


def overdue_label(report: Report, now) -> str:
    """What is overdue on this case, in words (the queue never says it by colour alone)."""
    if report.status == Status.CLOSED:
        return ""
    if report.acknowledged_at is None and report.acknowledgement_due_at < now:
        return _("Acknowledgement overdue")
    if report.due_at and report.due_at < now:
        return _("Investigation overdue")
    return ""


def _filtered(reports, filters: dict, now):
    if filters["status"]:
        reports = reports.filter(status=filters["status"])
    if filters["kind"]:
        reports = reports.filter(kind=filters["kind"])
    if filters["classification"]:
        reports = reports.filter(
            classification="" if filters["classification"] == UNASSIGNED else filters["classification"])
    if filters["neighbourhood"]:
        reports = reports.filter(neighbourhood=filters["neighbourhood"])
    if filters["investigator"] == UNASSIGNED:
        reports = reports.filter(assigned_to__isnull=True)
    elif filters["investigator"]:
        reports = reports.filter(assigned_to_id=int(filters["investigator"]))
    if filters["overdue"]:
        reports = reports.filter(overdue_cases(now))
    return reports


@staff_required(Action.READ_CASES)
def reports(request):
    form = QueueFilterForm(request.GET or None, agency=request.agency)
    now = timezone.now()
    queue = (scoped(Report, request.agency).select_related("neighbourhood", "assigned_to")
             .order_by("-received_at", "-id"))
    if form.is_bound and form.is_valid():
        queue = _filtered(queue, form.cleaned_data, now)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/staff/reports.html", {
        "form": form, "page": page,
        "rows": [(report, overdue_label(report, now)) for report in page.object_list],
    })


# ---------------------------------------------------------------- the case page

@dataclass
class Panel:
    """One action form on the case or alert page."""

    key: str
    title: str
    submit: str
    form: forms.Form
    url: str
    template: str = "feedback/staff/_action.html"
    secondary: bool = False


@dataclass(frozen=True)
class CaseAction:
    form_class: type[forms.Form]
    title: Promise
    submit: Promise
    done: Promise
    perform: Callable  # (user, report, cleaned form) -> result
    template: str = "feedback/staff/_action.html"
    secondary: bool = False


CASE_ACTIONS: dict[str, CaseAction] = {
    "triage": CaseAction(
        TriageForm, gettext_lazy("Triage"), gettext_lazy("Save triage"), gettext_lazy("The report is triaged."),
        lambda user, report, form: services.triage(user, report, form.cleaned_data["classification"],
                                                   form.allegations),
        template="feedback/staff/_triage.html"),
    "assign": CaseAction(
        AssignForm, gettext_lazy("Assign an investigator"), gettext_lazy("Assign"),
        gettext_lazy("The case is assigned."),
        lambda user, report, form: services.assign(user, report, form.cleaned_data["investigator"], form.due_at)),
    "start": CaseAction(
        ConfirmForm, gettext_lazy("Start the investigation"), gettext_lazy("Start the investigation"),
        gettext_lazy("The investigation has started."),
        lambda user, report, form: services.start_investigation(user, report)),
    "mediation": CaseAction(
        MediationForm, gettext_lazy("Refer to mediation"), gettext_lazy("Refer to mediation"),
        gettext_lazy("The case is in mediation."),
        lambda user, report, form: services.refer_to_mediation(user, report, form.cleaned_data["reason"]),
        secondary=True),
    "end-mediation": CaseAction(
        EndMediationForm, gettext_lazy("End mediation"), gettext_lazy("End mediation"),
        gettext_lazy("Mediation has ended; the case is under investigation."),
        lambda user, report, form: services.end_mediation(user, report, form.cleaned_data["reason"])),
    "submit": CaseAction(
        ConfirmForm, gettext_lazy("Submit findings for review"), gettext_lazy("Submit for review"),
        gettext_lazy("The findings are submitted for review."),
        lambda user, report, form: services.submit_for_review(user, report)),
    "return": CaseAction(
        ReturnForm, gettext_lazy("Return for more work"), gettext_lazy("Return to the investigator"),
        gettext_lazy("The case is back under investigation."),
        lambda user, report, form: services.return_for_investigation(user, report, form.cleaned_data["reason"]),
        secondary=True),
    "close": CaseAction(
        CloseForm, gettext_lazy("Close the case"), gettext_lazy("Close the case"), gettext_lazy("The case is closed."),
        lambda user, report, form: services.close(user, report, form.cleaned_data["outcome_summary"])),
    "verify": CaseAction(
        VerifyCommendationForm, gettext_lazy("Verify the commendation"), gettext_lazy("Verify and close"),
        gettext_lazy("The commendation is verified; the officers and their supervisors will be told."),
        lambda user, report, form: services.verify_commendation(
            user, report, list(form.cleaned_data["officers"]), note=form.cleaned_data["note"],
            put_forward_for_recognition=form.cleaned_data["put_forward_for_recognition"])),
    "entry": CaseAction(
        CaseEntryForm, gettext_lazy("Add to the file"), gettext_lazy("Add to the file"),
        gettext_lazy("The entry is in the file."),
        lambda user, report, form: services.add_case_entry(user, report, form.cleaned_data["kind"],
                                                           form.cleaned_data["text"])),
    "message": CaseAction(
        MessageForm, gettext_lazy("Write to the resident"), gettext_lazy("Send the message"),
        gettext_lazy("The message is sent."),
        lambda user, report, form: services.staff_message(user, report, form.cleaned_data["body"])),
    "grant-identity": CaseAction(
        GrantIdentityForm, gettext_lazy("Let an oversight reviewer see who filed this"),
        gettext_lazy("Grant access"), gettext_lazy("The reviewer can now see who filed this report."),
        lambda user, report, form: services.grant_identity(user, report, form.cleaned_data["reviewer"],
                                                           form.cleaned_data["reason"]),
        secondary=True),
}


def _moves(user, report: Report) -> list[str]:
    """The action forms for the status changes this user may make now (see services.allowed_moves)."""
    moves = services.allowed_moves(user, report)
    keys = []
    if Status.TRIAGED in moves:
        keys.append("triage")
    if Status.ASSIGNED in moves and report.classification == Classification.FORMAL_COMPLAINT:
        keys.append("assign")
    back_to_investigation = {Status.ASSIGNED: "start", Status.MEDIATION: "end-mediation", Status.REVIEW: "return"}
    if Status.INVESTIGATING in moves and report.status in back_to_investigation:
        keys.append(back_to_investigation[report.status])
    if Status.MEDIATION in moves:
        keys.append("mediation")
    if Status.REVIEW in moves:
        keys.append("submit")
    if Status.CLOSED in moves and report.classification == Classification.COMMENDATION:
        keys.append("verify")
    elif Status.CLOSED in moves and (report.status == Status.REVIEW
                                     or report.classification == Classification.INQUIRY):
        keys.append("close")
    return keys


def _report(request, report_id) -> Report:
    return get_object_or_404(scoped(Report, request.agency).select_related("neighbourhood", "assigned_to"),
                             pk=report_id)


def _case_panel(report: Report, key: str, form: forms.Form | None = None) -> Panel:
    action = CASE_ACTIONS[key]
    return Panel(key, str(action.title), str(action.submit), form or action.form_class(prefix=key, report=report),
                 reverse("feedback:staff_report_action", args=[report.id, key]), action.template, action.secondary)


def _finding_panel(report: Report, allegation: Allegation, number: int, form: forms.Form | None = None) -> Panel:
    key = f"finding-{allegation.id}"
    title = _("Finding on allegation %(number)s: %(allegation)s") % {"number": number, "allegation": allegation}
    return Panel(key, title, _("Record the finding"),
                 form or FindingForm(prefix=key, report=report, allegation=allegation),
                 reverse("feedback:staff_finding", args=[report.id, allegation.id]))


@dataclass
class SuggestionBox:
    """What the model suggests for a report, for those who triage: open suggestions with whether each can be
    accepted now, the reports already linked as the same incident, and why there are none when the model is
    unavailable."""

    categories: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    linked: list = field(default_factory=list)
    unavailable: str = ""


def _suggestion_box(report: Report) -> SuggestionBox:
    from commonbeat.insights.text import embeddings, triage

    rows = list(scoped(TriageSuggestion, report.agency).filter(report=report)
                .select_related("category", "similar_report", "report").order_by("-confidence"))
    box = SuggestionBox()
    for row in rows:
        row.may_accept = triage.may_accept(row)
        row.label = row.category.label(get_language()) if row.category else row.similar_report.reference
        row.percent = round(row.confidence * 100)
        if row.status == TriageSuggestion.Status.OPEN:
            (box.categories if row.kind == TriageSuggestion.Kind.CATEGORY else box.duplicates).append(row)
        elif row.status == TriageSuggestion.Status.ACCEPTED and row.kind == TriageSuggestion.Kind.DUPLICATE:
            box.linked.append(row)
    if not rows:
        box.unavailable = embeddings.failure_without_loading()
    return box


def _render_case(request, report: Report, *, bound: Panel | None = None, identity=None, status=200):
    user, agency = request.user, request.agency
    allegations = list(report.allegations.select_related("category", "officer", "finding"))
    move_panels = [_case_panel(report, key) for key in _moves(user, report)]
    finding_panels: dict[int, Panel] = {}
    if can(user, agency, Action.INVESTIGATE) and report.status in FINDING_STATUSES:
        finding_panels = {allegation.id: _finding_panel(report, allegation, number)
                          for number, allegation in enumerate(allegations, start=1)}
    other = {"entry": can(user, agency, Action.INVESTIGATE) and report.status in WORK_STATUSES,
             "message": can(user, agency, Action.INVESTIGATE),
             "grant-identity": can(user, agency, Action.GRANT_IDENTITY_ACCESS)}
    panels = {key: _case_panel(report, key) for key, shown in other.items() if shown}
    if bound is not None:
        # A refused or mistyped form replaces its blank twin; if it is not offered any more (the case moved
        # on meanwhile), it is shown with the next steps so its error is not lost.
        places = [move_panels, list(finding_panels.values()), list(panels.values())]
        if not any(panel.key == bound.key for place in places for panel in place):
            move_panels.append(bound)
        move_panels = [bound if panel.key == bound.key else panel for panel in move_panels]
        finding_panels = {pk: bound if panel.key == bound.key else panel for pk, panel in finding_panels.items()}
        panels = {key: bound if key == bound.key else panel for key, panel in panels.items()}
    response = render(request, "feedback/staff/report.html", {
        "report": report,
        "allegations": [(allegation, finding_panels.get(allegation.id)) for allegation in allegations],
        "timeline": report.status_changes.select_related("changed_by"),
        "entries": report.entries.select_related("written_by"),
        "conversation": report.messages.select_related("sent_by"),
        "attachments": report.attachments.all(),
        "commended_officers": report.commended_officers.all(),
        "moves": move_panels,
        "entry_panel": panels.get("entry"),
        "message_panel": panels.get("message"),
        "grant_panel": panels.get("grant-identity"),
        "grants": report.identity_grants.select_related("user", "granted_by") if "grant-identity" in panels else [],
        "may_see_identity": services.may_see_identity(user, report),
        "identity": identity,
        "overdue": overdue_label(report, timezone.now()),
        "suggestions": _suggestion_box(report) if can(user, agency, Action.TRIAGE_REPORTS) else None,
    }, status=status)
    if identity is not None:
        patch_cache_control(response, private=True, no_store=True)
    return response


def _perform(request, report: Report, panel: Panel, perform: Callable, done) -> object:
    """Run one service for a submitted form: redirect on success, or show the refusal on the form."""
    form = panel.form
    if form.is_valid():
        try:
            perform()
        except services.FeedbackError as error:
            form.add_error(None, str(error))
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("Your role does not allow this."))
            return _render_case(request, report, bound=panel, status=403)
        else:
            messages.success(request, str(done))
            return redirect("feedback:staff_report", report_id=report.id)
    return _render_case(request, report, bound=panel)


@staff_required(Action.READ_CASES)
def report_detail(request, report_id):
    return _render_case(request, _report(request, report_id))


@staff_required(Action.READ_CASES)
@require_POST
def report_action(request, report_id, action):
    report = _report(request, report_id)
    if action == "reveal":
        identity = services.reveal_identity(request.user, report)
        return _render_case(request, report, identity=identity)
    if action not in CASE_ACTIONS:
        raise Http404
    spec = CASE_ACTIONS[action]
    panel = _case_panel(report, action, spec.form_class(request.POST, prefix=action, report=report))
    return _perform(request, report, panel, lambda: spec.perform(request.user, report, panel.form), spec.done)


@staff_required(Action.READ_CASES)
@require_POST
def record_finding(request, report_id, allegation_id):
    report = _report(request, report_id)
    allegations = list(report.allegations.select_related("report"))
    allegation = next((a for a in allegations if a.id == allegation_id), None)
    if allegation is None:
        raise Http404
    key = f"finding-{allegation.id}"
    panel = _finding_panel(report, allegation, allegations.index(allegation) + 1,
                           FindingForm(request.POST, prefix=key, report=report, allegation=allegation))
    return _perform(request, report, panel,
                    lambda: services.record_finding(request.user, allegation, panel.form.cleaned_data["finding"],
                                                    panel.form.cleaned_data["reason"]),
                    gettext_lazy("The finding is recorded."))


@staff_required(Action.TRIAGE_REPORTS)
@require_POST
def suggestion_decision(request, report_id, suggestion_id, decision):
    """Accept or dismiss one of the model's suggestions for the case."""
    from commonbeat.insights.text import triage

    report = _report(request, report_id)
    suggestion = get_object_or_404(scoped(TriageSuggestion, request.agency), report=report, pk=suggestion_id)
    decide = {"accept": triage.accept_suggestion, "dismiss": triage.dismiss_suggestion}.get(decision)
    if decide is None:
        raise Http404
    try:
        decide(request.user, request.agency, suggestion)
    except triage.TriageError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The suggestion is accepted.") if decision == "accept"
                         else _("The suggestion is dismissed."))
    return redirect("feedback:staff_report", report_id=report.id)


@staff_required(Action.READ_CASES)
def attachment(request, report_id, attachment_id):
    """Files residents sent are only ever served through here, to people who may read the case."""
    report = _report(request, report_id)
    stored = get_object_or_404(report.attachments, pk=attachment_id)
    response = FileResponse(services.open_attachment(request.user, stored), as_attachment=True,
                            filename=stored.original_name, content_type=stored.content_type)
    patch_cache_control(response, private=True, no_store=True)
    return response


# ---------------------------------------------------------------- early intervention

@dataclass
class AlertRow:
    alert: Alert
    commendations: list = field(default_factory=list)


def _commendations_by_alert(agency, alerts: list[Alert]) -> dict[int, list[Report]]:
    """Each alert's officer's verified commendations received in the alert's period, so a review sees more
    than complaints."""
    found: dict[int, list[Report]] = defaultdict(list)
    if not alerts:
        return found
    start, end = min(a.period_start for a in alerts), max(a.period_end for a in alerts)
    officer_ids = {a.officer_id for a in alerts}
    links = (Report.commended_officers.through.objects
             .filter(report__agency=agency, officer_id__in=officer_ids,
                     report__received_at__date__gte=start, report__received_at__date__lte=end)
             .select_related("report").order_by("report__received_at"))
    for link in links:
        received = timezone.localdate(link.report.received_at)
        for alert in alerts:
            if alert.officer_id == link.officer_id and alert.period_start <= received <= alert.period_end:
                found[alert.id].append(link.report)
    return found


@staff_required(Action.MANAGE_EARLY_INTERVENTION)
def alerts(request):
    waiting_first = Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField())
    queue = (scoped(Alert, request.agency).select_related("officer__unit", "policy")
             .annotate(waiting=waiting_first).order_by("waiting", "-raised_at", "-id"))
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    alerts_on_page = list(page.object_list)
    commendations = _commendations_by_alert(request.agency, alerts_on_page)
    return render(request, "feedback/staff/alerts.html", {
        "page": page,
        "rows": [AlertRow(alert, commendations.get(alert.id, [])) for alert in alerts_on_page],
    })


@dataclass(frozen=True)
class AlertAction:
    form_class: type[forms.Form]
    title: Promise
    submit: Promise
    done: Promise
    perform: Callable  # (user, alert, cleaned_data) -> result
    shown_when: tuple
    secondary: bool = False


ALERT_ACTIONS: dict[str, AlertAction] = {
    "plan": AlertAction(
        PlanInterventionForm, gettext_lazy("Plan an intervention"), gettext_lazy("Save the plan"),
        gettext_lazy("The intervention is planned."),
        lambda user, alert, data: services.plan_intervention(user, alert, data["plan"], data["due_on"]),
        (Alert.AlertStatus.OPEN, Alert.AlertStatus.PLANNED)),
    "complete": AlertAction(
        CompleteInterventionForm, gettext_lazy("Record the intervention as done"), gettext_lazy("Mark as done"),
        gettext_lazy("The intervention is recorded as done."),
        lambda user, alert, data: services.complete_intervention(user, alert, data["note"]),
        (Alert.AlertStatus.PLANNED,)),
    "dismiss": AlertAction(
        DismissAlertForm, gettext_lazy("Dismiss: reviewed, no action needed"), gettext_lazy("Dismiss the alert"),
        gettext_lazy("The alert is dismissed."),
        lambda user, alert, data: services.dismiss_alert(user, alert, data["note"]),
        (Alert.AlertStatus.OPEN,), secondary=True),
}


def _alert(request, alert_id) -> Alert:
    return get_object_or_404(scoped(Alert, request.agency).select_related("officer__unit", "policy", "reviewed_by"),
                             pk=alert_id)


def _alert_panel(alert: Alert, key: str, form: forms.Form | None = None) -> Panel:
    action = ALERT_ACTIONS[key]
    return Panel(key, str(action.title), str(action.submit), form or action.form_class(prefix=key, alert=alert),
                 reverse("feedback:alert_action", args=[alert.id, key]), secondary=action.secondary)


def _render_alert(request, alert: Alert, *, bound: Panel | None = None, status=200):
    panels = [_alert_panel(alert, key) for key, action in ALERT_ACTIONS.items() if alert.status in action.shown_when]
    if bound is not None:
        panels = [bound if panel.key == bound.key else panel for panel in panels]
        if bound not in panels:
            panels.append(bound)
    start, end = alert.period_start, alert.period_end
    complaints = (scoped(Report, request.agency)
                  .filter(allegations__officer=alert.officer, received_at__date__gte=start, received_at__date__lte=end)
                  .distinct().order_by("-received_at")
                  .prefetch_related(Prefetch("allegations", queryset=Allegation.objects.filter(officer=alert.officer)
                                             .select_related("category", "finding"), to_attr="officer_allegations")))
    return render(request, "feedback/staff/alert.html", {
        "alert": alert, "panels": panels, "complaints": complaints,
        "commendations": _commendations_by_alert(request.agency, [alert]).get(alert.id, []),
    }, status=status)


@staff_required(Action.MANAGE_EARLY_INTERVENTION)
def alert_detail(request, alert_id):
    return _render_alert(request, _alert(request, alert_id))


@staff_required(Action.MANAGE_EARLY_INTERVENTION)
@require_POST
def alert_action(request, alert_id, action):
    alert = _alert(request, alert_id)
    if action not in ALERT_ACTIONS:
        raise Http404
    spec = ALERT_ACTIONS[action]
    panel = _alert_panel(alert, action, spec.form_class(request.POST, prefix=action, alert=alert))
    if panel.form.is_valid():
        try:
            spec.perform(request.user, alert, panel.form.cleaned_data)
        except services.FeedbackError as error:
            panel.form.add_error(None, str(error))
        else:
            messages.success(request, str(spec.done))
            return redirect("feedback:alerts")
    return _render_alert(request, alert, bound=panel)


@staff_required(Action.MANAGE_EARLY_INTERVENTION)
def alert_policies(request):
    policies = scoped(AlertPolicy, request.agency).select_related("unit").order_by("-active", "name")
    return render(request, "feedback/staff/alert_policies.html", {"policies": policies})


def _policy_form(request, policy: AlertPolicy | None):
    initial = None
    if policy is not None:
        initial = {"name": policy.name, "metric": policy.metric, "unit": policy.unit_id,
                   "period_days": policy.period_days, "warning_threshold": policy.warning_threshold,
                   "critical_threshold": policy.critical_threshold, "active": policy.active}
    form = AlertPolicyForm(request.POST or None, initial=initial, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_alert_policy(request.user, request.agency, policy=policy, **form.cleaned_data)
        except services.FeedbackError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The policy “%(name)s” is saved.") % {"name": saved.name})
            return redirect("feedback:alert_policies")
    return render(request, "feedback/staff/alert_policy_form.html", {"form": form, "policy": policy})


@staff_required(Action.MANAGE_EARLY_INTERVENTION)
def alert_policy_new(request):
    return _policy_form(request, None)


@staff_required(Action.MANAGE_EARLY_INTERVENTION)
def alert_policy_edit(request, policy_id):
    return _policy_form(request, get_object_or_404(scoped(AlertPolicy, request.agency), pk=policy_id))


urlpatterns = [
    path("console/reports/", reports, name="staff_reports"),
    path("console/reports/<int:report_id>/", report_detail, name="staff_report"),
    path("console/reports/<int:report_id>/<slug:action>/", report_action, name="staff_report_action"),
    path("console/reports/<int:report_id>/allegations/<int:allegation_id>/finding/", record_finding,
         name="staff_finding"),
    path("console/reports/<int:report_id>/attachments/<int:attachment_id>/", attachment, name="staff_attachment"),
    path("console/reports/<int:report_id>/suggestions/<int:suggestion_id>/<slug:decision>/", suggestion_decision,
         name="staff_suggestion"),
    path("console/early-intervention/", alerts, name="alerts"),
    path("console/early-intervention/policies/", alert_policies, name="alert_policies"),
    path("console/early-intervention/policies/new/", alert_policy_new, name="alert_policy_new"),
    path("console/early-intervention/policies/<int:policy_id>/", alert_policy_edit, name="alert_policy"),
    path("console/early-intervention/<int:alert_id>/", alert_detail, name="alert"),
    path("console/early-intervention/<int:alert_id>/<slug:action>/", alert_action, name="alert_action"),
]
