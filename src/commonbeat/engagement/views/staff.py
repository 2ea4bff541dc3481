"""The staff console for community events and problem-solving projects: plan events, check people in (from the
RSVP list, by the QR code on a resident's confirmation, or as a count of walk-ins), log officers who took part,
write down the concerns raised, ask attendees for feedback, and run the SARA projects those concerns become.

Views are thin: parse a form, call one service, redirect with a message. A refusal is shown on the form that
asked for it, with what was typed kept; a button without input reports it as a message. Residents' names and
e-mail addresses are shown only on the event's own page (RUN_EVENTS), never in messages or logs.
"""

import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action, can
from commonbeat.core.caching import private
from commonbeat.core.submissions import create_once, run_form
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language, text_in
from commonbeat.surveys import services as surveys

from .. import services
from ..models import (
    Attendance,
    CheckInMethod,
    Concern,
    Event,
    Milestone,
    OfficerParticipation,
    Problem,
    ProblemStatus,
    Rsvp,
    RsvpStatus,
    Stage,
)
from ..staff_forms import (
    CancelEventForm,
    CheckInCodeForm,
    CloseProblemForm,
    ConcernForm,
    EventForm,
    EventKindForm,
    MilestoneForm,
    ParticipationForm,
    ProblemFilterForm,
    ProblemForm,
    ProblemUpdateForm,
    WalkInForm,
)

PAGE_SIZE = 50
UNLINKED_CONCERNS_SHOWN = 100
# How long a creating form's one-time token is remembered: long enough for any double-click or re-sent POST.

run_events = staff_required(Action.RUN_EVENTS)
manage_events = staff_required(Action.MANAGE_EVENTS)
manage_problems = staff_required(Action.MANAGE_PROBLEMS)


# ---------------------------------------------------------------- shared helpers

def _event(request, pk) -> Event:
    return get_object_or_404(scoped(Event, request.agency).select_related("kind", "neighbourhood",
                                                                         "organising_unit"), pk=pk)


def _problem(request, pk) -> Problem:
    return get_object_or_404(scoped(Problem, request.agency).select_related("neighbourhood", "owner"), pk=pk)


def _event_url(event_id: int, anchor: str = "") -> str:
    return reverse("engagement:staff_event", args=[event_id]) + (f"#{anchor}" if anchor else "")


def _problem_url(problem_id: int, anchor: str = "") -> str:
    return reverse("engagement:staff_problem", args=[problem_id]) + (f"#{anchor}" if anchor else "")




# ---------------------------------------------------------------- events: the list

@dataclass
class EventFigures:
    confirmed: int = 0
    waiting: int = 0
    attendance: int = 0
    officer_hours: Decimal = Decimal(0)


def _figures(agency, event_ids: list[int]) -> dict[int, EventFigures]:
    """Places confirmed, people waiting, people who came and officer-hours, per event, in four queries."""
    figures = {pk: EventFigures() for pk in event_ids}
    rsvps = (scoped(Rsvp, agency).filter(event_id__in=event_ids).values("event_id")
             .annotate(confirmed=Sum("party_size", filter=Q(status=RsvpStatus.CONFIRMED)),
                       waiting=Sum("party_size", filter=Q(status=RsvpStatus.WAITLISTED))).order_by())
    for row in rsvps:
        figures[row["event_id"]].confirmed = row["confirmed"] or 0
        figures[row["event_id"]].waiting = row["waiting"] or 0
    for row in (scoped(Attendance, agency).filter(event_id__in=event_ids).values("event_id")
                .annotate(people=Sum("people")).order_by()):
        figures[row["event_id"]].attendance = row["people"] or 0
    for row in (scoped(OfficerParticipation, agency).filter(event_id__in=event_ids).values("event_id")
                .annotate(hours=Sum("hours")).order_by()):
        figures[row["event_id"]].officer_hours = row["hours"] or Decimal(0)
    return figures


@run_events
@require_safe
def events(request):
    now = timezone.now()
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    listed = scoped(Event, request.agency).select_related("kind", "neighbourhood")
    if when == "past":
        listed = listed.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    else:
        listed = listed.filter(ends_at__gte=now).order_by("starts_at", "id")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    figures = _figures(request.agency, [event.pk for event in page.object_list])
    language = current_language()
    return render(request, "engagement/staff/events.html", {
        "when": when, "page": page,
        "rows": [(event, event.title_in(language), event.kind.name_in(language), figures[event.pk])
                 for event in page.object_list],
        "can_manage": can(request.user, request.agency, Action.MANAGE_EVENTS)})


# ---------------------------------------------------------------- events: plan, change, cancel

@manage_events
def event_new(request):
    form = EventForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        done = create_once(
            request, form, "engagement:event",
            lambda: services.create_event(request.user, request.agency, form.details()),
            _("The event is published. Residents can find it and reply now."),
            lambda pk: reverse("engagement:staff_event", args=[pk]), refused=services.EngagementError)
        if done is not None:
            return done
    return render(request, "engagement/staff/event_form.html", {"form": form, "event": None})


@manage_events
def event_edit(request, pk):
    event = _event(request, pk)
    if event.is_cancelled:
        messages.error(request, _("This event has been cancelled and can no longer be changed."))
        return redirect("engagement:staff_event", pk=event.pk)
    form = EventForm(request.POST or None, agency=request.agency, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(request.user, event, form.details())
        except services.EngagementError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The event is saved."))
            return redirect("engagement:staff_event", pk=event.pk)
    return render(request, "engagement/staff/event_form.html", {
        "form": form, "event": event, "title": event.title_in(current_language())})


@manage_events
def event_cancel(request, pk):
    event = _event(request, pk)
    form = CancelEventForm(request.POST or None)
    if event.is_cancelled:
        messages.info(request, _("This event is already cancelled."))
        return redirect("engagement:staff_event", pk=event.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_event(request.user, event, reason=form.cleaned_data["reason"])
        except services.EngagementError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The event is cancelled. Everyone who replied is told by e-mail."))
            return redirect("engagement:staff_event", pk=event.pk)
    replies = event.rsvps.exclude(status=RsvpStatus.CANCELLED).count()
    return render(request, "engagement/staff/event_cancel.html", {
        "form": form, "event": event, "title": event.title_in(current_language()), "replies": replies})


@manage_events
def kinds(request):
    form = EventKindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = services.add_event_kind(request.user, request.agency, slug=form.cleaned_data["slug"],
                                           name=form.texts("name"), is_workshop=form.cleaned_data["is_workshop"])
        except services.EngagementError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The kind “%(name)s” is added.") % {"name": kind.name_in(current_language())})
            return redirect("engagement:staff_kinds")
    language = current_language()
    listed = services.event_kinds(request.agency).annotate(events_count=Count("events"))
    return render(request, "engagement/staff/kinds.html", {
        "form": form, "rows": [(kind, kind.name_in(language)) for kind in listed]})


# ---------------------------------------------------------------- the event's page

def _feedback_survey_url(request, event: Event) -> str:
    """The console page of the event's feedback survey's responses, for those who read survey responses."""
    if not event.feedback_survey_slug or not can(request.user, request.agency, Action.MANAGE_SURVEYS):
        return ""
    survey = surveys.find_survey(request.agency, event.feedback_survey_slug)
    return reverse("surveys:staff_survey_responses", args=[survey.pk]) if survey else ""


def _render_event(request, event: Event, *, status: int = 200, **bound):
    agency, user, now = request.agency, request.user, timezone.now()
    replies = list(event.rsvps.select_related("attendance").order_by("created_at", "id"))
    waiting_number = 0
    rows = []
    for reply in replies:
        checked_in = hasattr(reply, "attendance")
        if reply.status == RsvpStatus.WAITLISTED:
            waiting_number += 1
        rows.append({"rsvp": reply, "checked_in": checked_in,
                     "attendance": reply.attendance if checked_in else None,
                     "position": waiting_number if reply.status == RsvpStatus.WAITLISTED else None,
                     "can_check_in": not checked_in and reply.status != RsvpStatus.CANCELLED
                     and not event.is_cancelled})
    attendance = list(event.attendance.all())
    participation = list(event.participation.select_related("officer").order_by("officer__last_name"))
    forms = {
        "walk_in_form": WalkInForm(),
        "code_form": CheckInCodeForm(),
        "participation_form": ParticipationForm(event=event),
        "concern_form": ConcernForm(agency=agency),
        **bound,
    }
    language = current_language()
    return private(render(request, "engagement/staff/event.html", {
        "event": event, "title": event.title_in(language), "kind_name": event.kind.name_in(language),
        "description": event.description_in(language), "rows": rows,
        "confirmed": services.places_taken(event), "places_left": services.places_left(event),
        "waiting": sum(reply.party_size for reply in replies if reply.status == RsvpStatus.WAITLISTED),
        "attendance_total": sum(entry.people for entry in attendance),
        "checked_in_people": sum(entry.people for entry in attendance if entry.method != CheckInMethod.WALK_IN),
        "walk_in_people": sum(entry.people for entry in attendance if entry.method == CheckInMethod.WALK_IN),
        "participation": participation,
        "officer_hours": sum((entry.hours for entry in participation), Decimal(0)),
        "concerns": list(event.concerns.select_related("neighbourhood", "problem").order_by("recorded_at", "id")),
        "has_ended": event.ends_at <= now, "is_running": event.starts_at <= now < event.ends_at,
        "can_manage": can(user, agency, Action.MANAGE_EVENTS),
        "can_manage_problems": can(user, agency, Action.MANAGE_PROBLEMS),
        "feedback_asked": sum(1 for reply in replies if reply.feedback_requested_at),
        "survey_url": _feedback_survey_url(request, event),
        **forms,
    }, status=status))


@run_events
@require_safe
def event_page(request, pk):
    return _render_event(request, _event(request, pk))


def _event_post(request, event: Event, name: str, form, perform, done: str, anchor: str):
    return run_form(request, form, perform, done, _event_url(event.pk, anchor),
                    lambda: _render_event(request, event, **{name: form}), refused=services.EngagementError)


@run_events
@require_POST
def walk_ins(request, pk):
    event = _event(request, pk)
    form = WalkInForm(request.POST)
    people = form.cleaned_data["people"] if form.is_valid() else 0
    return _event_post(request, event, "walk_in_form", form,
                       lambda data: services.record_walk_ins(request.user, event, data["people"]),
                       ngettext("%(count)s walk-in counted.", "%(count)s walk-ins counted.", people)
                       % {"count": people}, "attendance")


@run_events
@require_POST
def participation(request, pk):
    event = _event(request, pk)
    form = ParticipationForm(request.POST, event=event)
    return _event_post(request, event, "participation_form", form,
                       lambda data: services.log_participation(request.user, event, data["officer"],
                                                               role=data["role"], hours=data["hours"]),
                       _("The officer's participation is saved."), "officers")


@run_events
@require_POST
def participation_remove(request, pk):
    entry = get_object_or_404(scoped(OfficerParticipation, request.agency), pk=pk)
    event_id = entry.event_id
    services.remove_participation(request.user, entry)
    messages.success(request, _("The officer's participation is removed."))
    return redirect(_event_url(event_id, "officers"))


@run_events
@require_POST
def concern(request, pk):
    event = _event(request, pk)
    form = ConcernForm(request.POST, agency=request.agency)
    return _event_post(request, event, "concern_form", form,
                       lambda data: services.record_concern(request.user, event, data["text"],
                                                            neighbourhood=data["neighbourhood"]),
                       _("The concern is recorded."), "concerns")


@manage_events
@require_POST
def request_feedback(request, pk):
    event = _event(request, pk)
    try:
        asked = services.request_feedback(request.user, event)
    except services.EngagementError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, ngettext(
            "The feedback survey is open; %(count)s attendee was e-mailed its link.",
            "The feedback survey is open; %(count)s attendees were e-mailed its link.", asked) % {"count": asked})
    return redirect(_event_url(event.pk, "feedback"))


# ---------------------------------------------------------------- check-in

def _checked_in_message(people: int) -> str:
    return ngettext("Checked in: a party of %(count)s.", "Checked in: a party of %(count)s.", people) % {
        "count": people}


@run_events
@require_POST
def check_in(request, pk):
    """Check in a resident from the RSVP list."""
    reply = get_object_or_404(scoped(Rsvp, request.agency), pk=pk)
    try:
        attendance = services.check_in(request.user, reply, method=CheckInMethod.RSVP_LIST)
    except services.EngagementError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _checked_in_message(attendance.people))
    return redirect(_event_url(reply.event_id, f"rsvp-{reply.pk}"))


@run_events
@require_http_methods(["GET", "HEAD", "POST"])
def check_in_code(request, token):
    """Where the QR code on a resident's confirmation points. Opening it changes nothing; the button checks in."""
    reply = services.find_rsvp(request.agency, token)
    if reply is None:
        raise Http404
    if request.method == "POST":
        try:
            attendance = services.check_in(request.user, reply, method=CheckInMethod.QR_CODE)
        except services.EngagementError as error:
            messages.error(request, str(error))
            return redirect("engagement:check_in_code", token=token)
        messages.success(request, _checked_in_message(attendance.people))
        return redirect(_event_url(reply.event_id, f"rsvp-{reply.pk}"))
    attendance = Attendance.objects.filter(rsvp=reply).first()
    event = reply.event
    return private(render(request, "engagement/staff/check_in.html", {
        "rsvp": reply, "event": event, "title": event.title_in(current_language()), "attendance": attendance,
        "can_check_in": attendance is None and reply.status != RsvpStatus.CANCELLED and not event.is_cancelled,
        "position": services.waiting_position(reply)}))


@run_events
@require_safe
def check_in_find(request, pk):
    """The "check in by code" form on the event's page: staff type or paste the code, and go to its page."""
    event = _event(request, pk)
    form = CheckInCodeForm(request.GET)
    if form.is_valid():
        return redirect("engagement:check_in_code", token=form.cleaned_data["code"])
    return _render_event(request, event, code_form=form)


# ---------------------------------------------------------------- problem-solving projects: the list

@manage_problems
@require_safe
def problems(request):
    form = ProblemFilterForm(request.GET or None, agency=request.agency)
    listed = (scoped(Problem, request.agency).select_related("neighbourhood", "owner")
              .annotate(milestone_count=Count("milestones", distinct=True),
                        milestones_done=Count("milestones", filter=Q(milestones__done_on__isnull=False),
                                              distinct=True),
                        concern_count=Count("concerns", distinct=True))
              .order_by("-opened_at", "-id"))
    if form.is_bound and form.is_valid():
        filters = form.cleaned_data
        if filters["status"]:
            listed = listed.filter(status=filters["status"])
        if filters["stage"]:
            listed = listed.filter(stage=filters["stage"])
        if filters["neighbourhood"]:
            listed = listed.filter(neighbourhood=filters["neighbourhood"])
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    language = current_language()
    rows = [(problem, problem.title_in(language),
             round(100 * problem.milestones_done / problem.milestone_count) if problem.milestone_count else None)
            for problem in page.object_list]
    unlinked = (scoped(Concern, request.agency).filter(problem__isnull=True)
                .select_related("event", "neighbourhood").order_by("-recorded_at", "-id"))
    return render(request, "engagement/staff/problems.html", {
        "form": form, "page": page, "rows": rows, "unlinked_count": unlinked.count(),
        "concerns": [(concern, concern.event.title_in(language) if concern.event else "")
                     for concern in unlinked[:UNLINKED_CONCERNS_SHOWN]]})


@manage_problems
def problem_new(request):
    preselected = [value for value in request.GET.getlist("concern") if value.isdigit()]
    form = ProblemForm(request.POST or None, agency=request.agency, with_concerns=True,
                       initial={"concerns": preselected, "is_public": True})
    if request.method == "POST" and form.is_valid():
        done = create_once(
            request, form, "engagement:problem",
            lambda: services.open_problem(request.user, request.agency, form.details(),
                                          concerns=list(form.cleaned_data.get("concerns", []))),
            _("The project is open, in scanning."), lambda pk: reverse("engagement:staff_problem", args=[pk]),
            refused=services.EngagementError)
        if done is not None:
            return done
    return render(request, "engagement/staff/problem_form.html", {"form": form, "problem": None})


@manage_problems
def problem_edit(request, pk):
    problem = _problem(request, pk)
    form = ProblemForm(request.POST or None, agency=request.agency, initial=ProblemForm.initial_for(problem))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_problem(request.user, problem, form.details())
        except services.EngagementError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The project is saved."))
            return redirect("engagement:staff_problem", pk=problem.pk)
    return render(request, "engagement/staff/problem_form.html", {
        "form": form, "problem": problem, "title": problem.title_in(current_language())})


# ---------------------------------------------------------------- a project's page

def _public_problem_url(problem: Problem) -> str:
    return reverse("engagement:problem", args=[problem.pk])


def _stages(problem: Problem) -> list[dict]:
    """The SARA stages, each marked done, current or to come (a closed project has done them all)."""
    values = Stage.values
    current = values.index(problem.stage)
    is_open = problem.status == ProblemStatus.OPEN
    return [{"label": label,
             "state": ("current" if index == current and is_open
                       else "complete" if index < current or not is_open else "")}
            for index, (_value, label) in enumerate(Stage.choices)]


def _render_problem(request, problem: Problem, **bound):
    language = current_language()
    milestones = list(problem.milestones.all())
    is_open = problem.status == ProblemStatus.OPEN
    forms = {"update_form": ProblemUpdateForm(problem=problem), "milestone_form": MilestoneForm(),
             "close_form": CloseProblemForm(), **bound}
    return render(request, "engagement/staff/problem.html", {
        "problem": problem, "title": problem.title_in(language),
        "summary": text_in(problem.summary, language), "outcome": text_in(problem.outcome, language),
        "stages": _stages(problem), "is_open": is_open,
        "milestones": [(milestone, text_in(milestone.title, language)) for milestone in milestones],
        "progress": services.progress(problem),
        "updates": [(update, text_in(update.text, language))
                    for update in problem.updates.select_related("written_by")],
        "concerns": [(concern, concern.event.title_in(language) if concern.event else "")
                     for concern in problem.concerns.select_related("event").order_by("recorded_at", "id")],
        "public_url": _public_problem_url(problem) if problem.is_public else "",
        "can_close": is_open and problem.stage == Stage.ASSESSMENT,
        **forms})


@manage_problems
@require_safe
def problem_page(request, pk):
    return _render_problem(request, _problem(request, pk))


def _problem_post(request, problem: Problem, name: str, form, perform, done: str, anchor: str):
    return run_form(request, form, perform, done, _problem_url(problem.pk, anchor),
                    lambda: _render_problem(request, problem, **{name: form}), refused=services.EngagementError)


@manage_problems
@require_POST
def problem_update(request, pk):
    problem = _problem(request, pk)
    form = ProblemUpdateForm(request.POST, problem=problem)
    return _problem_post(request, problem, "update_form", form,
                         lambda data: services.post_update(request.user, problem, form.texts("text"),
                                                           stage=data["stage"] or None,
                                                           is_public=data["is_public"]),
                         _("The update is posted."), "updates")


@manage_problems
@require_POST
def milestone_add(request, pk):
    problem = _problem(request, pk)
    form = MilestoneForm(request.POST)
    return _problem_post(request, problem, "milestone_form", form,
                         lambda data: services.add_milestone(request.user, problem, form.texts("title"),
                                                             due_on=data["due_on"]),
                         _("The milestone is added."), "milestones")


@manage_problems
@require_POST
def milestone_done(request, pk):
    milestone = get_object_or_404(Milestone.objects.filter(problem__in=scoped(Problem, request.agency))
                                  .select_related("problem", "problem__agency"), pk=pk)
    try:
        services.complete_milestone(request.user, milestone, done_on=timezone.localdate(
            timezone=zoneinfo.ZoneInfo(milestone.problem.agency.timezone)))
    except services.EngagementError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The milestone is done."))
    return redirect(_problem_url(milestone.problem_id, "milestones"))


@manage_problems
@require_POST
def problem_close(request, pk):
    problem = _problem(request, pk)
    form = CloseProblemForm(request.POST)
    return _problem_post(request, problem, "close_form", form,
                         lambda data: services.close_problem(request.user, problem, resolved=data["resolved"],
                                                             outcome=form.texts("outcome")),
                         _("The project is closed."), "")


urlpatterns = [
    path("console/events/", events, name="staff_events"),
    path("console/events/new/", event_new, name="staff_event_new"),
    path("console/events/kinds/", kinds, name="staff_kinds"),
    path("console/events/<int:pk>/", event_page, name="staff_event"),
    path("console/events/<int:pk>/edit/", event_edit, name="staff_event_edit"),
    path("console/events/<int:pk>/cancel/", event_cancel, name="staff_event_cancel"),
    path("console/events/<int:pk>/walk-ins/", walk_ins, name="staff_walk_ins"),
    path("console/events/<int:pk>/participation/", participation, name="staff_participation"),
    path("console/events/<int:pk>/concerns/", concern, name="staff_concern"),
    path("console/events/<int:pk>/feedback/", request_feedback, name="staff_request_feedback"),
    path("console/events/<int:pk>/check-in-code/", check_in_find, name="staff_check_in_find"),
    path("console/events/participation/<int:pk>/remove/", participation_remove, name="staff_participation_remove"),
    path("console/events/rsvps/<int:pk>/check-in/", check_in, name="staff_check_in"),
    path("console/events/check-in/<str:token>/", check_in_code, name="check_in_code"),
    path("console/problems/", problems, name="staff_problems"),
    path("console/problems/new/", problem_new, name="staff_problem_new"),
    path("console/problems/<int:pk>/", problem_page, name="staff_problem"),
    path("console/problems/<int:pk>/edit/", problem_edit, name="staff_problem_edit"),
    path("console/problems/<int:pk>/updates/", problem_update, name="staff_problem_update"),
    path("console/problems/<int:pk>/milestones/", milestone_add, name="staff_milestone_add"),
    path("console/problems/milestones/<int:pk>/done/", milestone_done, name="staff_milestone_done"),
    path("console/problems/<int:pk>/close/", problem_close, name="staff_problem_close"),
]
