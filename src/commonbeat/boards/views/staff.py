"""The staff console for advisory boards: boards and seats (MANAGE_BOARDS), applications and appointments
(MANAGE_BOARDS), meetings with notice, minutes and documents (RUN_BOARD_MEETINGS), recommendations
(RUN_BOARD_MEETINGS) and the department's responses and implementation milestones (RESPOND_TO_RECOMMENDATIONS).

Views are thin: parse a form, call one service, redirect with a message. A refusal is shown on the form that
asked for it, with what was typed kept. Applicants' names and e-mail addresses appear only on the application
pages, which are not cached.
"""


from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action, can
from commonbeat.core.caching import private
from commonbeat.core.submissions import create_once, run_form
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language

from .. import services
from ..forms import (
    AppointForm,
    BoardForm,
    DeclineForm,
    DocumentForm,
    EndTermForm,
    MeetingForm,
    MilestoneForm,
    MinutesForm,
    PublishForm,
    RecommendationForm,
    ResponseForm,
)
from ..models import (
    ApplicationStatus,
    Board,
    BoardApplication,
    BoardMember,
    ImplementationMilestone,
    Meeting,
    Recommendation,
)

BOARD_ACTIONS = (Action.MANAGE_BOARDS, Action.RUN_BOARD_MEETINGS, Action.RESPOND_TO_RECOMMENDATIONS)

manage_boards = staff_required(Action.MANAGE_BOARDS)
run_meetings = staff_required(Action.RUN_BOARD_MEETINGS)
respond_to = staff_required(Action.RESPOND_TO_RECOMMENDATIONS)


# Anyone with a part in boards: managing them, running their meetings, or answering recommendations.
board_staff = staff_required(*BOARD_ACTIONS)


def _may(request) -> dict:
    return {"may_manage": can(request.user, request.agency, Action.MANAGE_BOARDS),
            "may_run": can(request.user, request.agency, Action.RUN_BOARD_MEETINGS),
            "may_respond": can(request.user, request.agency, Action.RESPOND_TO_RECOMMENDATIONS)}


def _board(request, pk) -> Board:
    return get_object_or_404(scoped(Board, request.agency), pk=pk)


def _board_url(pk: int, anchor: str = "") -> str:
    return reverse("boards:staff_board", args=[pk]) + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------- boards

@board_staff
@require_safe
def boards(request):
    language = current_language()
    rows = [{"board": board, "name": board.name_in(language), "serving": services.active_members(board).count(),
             "pending": board.applications.filter(status=ApplicationStatus.PENDING).count()}
            for board in scoped(Board, request.agency)]
    pending = scoped(BoardApplication, request.agency).filter(status=ApplicationStatus.PENDING).count()
    return render(request, "boards/staff/boards.html", {"rows": rows, "pending": pending, **_may(request)})


def _board_details(form: BoardForm) -> services.BoardDetails:
    data = form.cleaned_data
    return services.BoardDetails(slug=data["slug"], name=form.texts("name"), purpose=form.texts("purpose"),
                                 seat_count=data["seat_count"], term_months=data["term_months"],
                                 is_accepting_applications=data["is_accepting_applications"])


@manage_boards
@require_http_methods(["GET", "HEAD", "POST"])
def board_new(request):
    form = BoardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            board = services.create_board(request.user, request.agency, _board_details(form))
        except services.BoardError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The board is created."))
            return redirect(_board_url(board.pk))
    return render(request, "boards/staff/board_form.html", {"form": form, "board": None})


@manage_boards
@require_http_methods(["GET", "HEAD", "POST"])
def board_edit(request, pk):
    board = _board(request, pk)
    form = BoardForm(request.POST or None, initial=BoardForm.initial_for(board))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_board(request.user, board, _board_details(form))
        except services.BoardError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The board is saved."))
            return redirect(_board_url(board.pk))
    return render(request, "boards/staff/board_form.html", {"form": form, "board": board,
                                                           "name": board.name_in(current_language())})


@board_staff
@require_safe
def board_page(request, pk):
    board, language = _board(request, pk), current_language()
    today = request.agency.today()
    recommendations = services.with_overdue_flags(board.recommendations.all(), today)
    return render(request, "boards/staff/board.html", {
        "board": board, "name": board.name_in(language), "members": services.active_members(board),
        "former": board.members.exclude(status="active").order_by("-ended_on")[:20],
        "vacant": services.vacant_seats(board), "end_form": EndTermForm(initial={"ended_on": today}),
        "applications": board.applications.filter(status=ApplicationStatus.PENDING),
        "meetings": board.meetings.order_by("-starts_at")[:30],
        "recommendations": [(item, item.title_in(language)) for item in recommendations],
        **_may(request),
    })


@manage_boards
@require_POST
def end_term(request, pk):
    member = get_object_or_404(scoped(BoardMember, request.agency), pk=pk)
    form = EndTermForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the day the member left, for example 2026-05-01."))
    else:
        try:
            services.end_term(request.user, member, ended_on=form.cleaned_data["ended_on"])
        except services.BoardError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(name)s has left the board; seat %(seat)s is vacant.")
                             % {"name": member.name, "seat": member.seat})
    return redirect(_board_url(member.board_id, "members"))


# ---------------------------------------------------------------- applications

@manage_boards
@require_safe
def applications(request):
    status = request.GET.get("status", ApplicationStatus.PENDING)
    if status not in ApplicationStatus.values:
        status = ApplicationStatus.PENDING
    found = scoped(BoardApplication, request.agency).filter(status=status).select_related("board", "neighbourhood")
    language = current_language()
    return private(render(request, "boards/staff/applications.html", {
        "rows": [(item, item.board.name_in(language)) for item in found.order_by("-submitted_at")[:200]],
        "status": status, "statuses": ApplicationStatus.choices}))


@manage_boards
@require_http_methods(["GET", "HEAD", "POST"])
def application_page(request, pk):
    item = get_object_or_404(scoped(BoardApplication, request.agency).select_related("board", "neighbourhood"),
                             pk=pk)
    board = item.board
    today = request.agency.today()
    appoint_form = AppointForm(request.POST if "appoint" in request.POST else None, vacant=services.vacant_seats(board),
                               initial={"term_start": today})
    decline_form = DeclineForm(request.POST if "decline" in request.POST else None)
    if request.method == "POST":
        try:
            if "appoint" in request.POST and appoint_form.is_valid():
                member = services.appoint(request.user, item, seat=appoint_form.cleaned_data["seat"],
                                          term_start=appoint_form.cleaned_data["term_start"])
                messages.success(request, _("%(name)s is appointed to seat %(seat)s.")
                                 % {"name": member.name, "seat": member.seat})
                return redirect(_board_url(board.pk, "members"))
            if "decline" in request.POST and decline_form.is_valid():
                services.decline(request.user, item, decline_form.cleaned_data["note"])
                messages.success(request, _("The application is declined."))
                return redirect("boards:staff_applications")
        except services.BoardError as error:
            (appoint_form if "appoint" in request.POST else decline_form).add_error(None, str(error))
    language = current_language()
    declared = {
        "age_band": item.age_band, "gender": item.gender, "race_ethnicity": item.race_ethnicity}
    return private(render(request, "boards/staff/application.html", {
        "item": item, "board_name": board.name_in(language), "appoint_form": appoint_form,
        "decline_form": decline_form, "vacant": services.vacant_seats(board),
        "declared_count": sum(1 for value in declared.values() if value)}))


# ---------------------------------------------------------------- meetings

def _meeting(request, pk) -> Meeting:
    return get_object_or_404(scoped(Meeting, request.agency).select_related("board"), pk=pk)


def _meeting_url(pk: int) -> str:
    return reverse("boards:staff_meeting", args=[pk])


def _meeting_details(form: MeetingForm) -> services.MeetingDetails:
    data = form.cleaned_data
    return services.MeetingDetails(starts_at=data["starts_at"], ends_at=data["ends_at"], place=data["place"],
                                   agenda=form.texts("agenda"))


@run_meetings
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_new(request, pk):
    board = _board(request, pk)
    form = MeetingForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        done = create_once(request, form, "boards:meeting",
                           lambda: services.schedule_meeting(request.user, board, _meeting_details(form)),
                           _("The meeting is scheduled. Publish its notice when the agenda is ready."),
                           _meeting_url, refused=services.BoardError)
        if done is not None:
            return done
    return render(request, "boards/staff/meeting_form.html", {"form": form, "board": board,
                                                             "board_name": board.name_in(current_language())})


@run_meetings
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_edit(request, pk):
    meeting = _meeting(request, pk)
    form = MeetingForm(request.POST or None, agency=request.agency, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(request.user, meeting, _meeting_details(form))
        except services.BoardError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect(_meeting_url(meeting.pk))
    return render(request, "boards/staff/meeting_form.html", {"form": form, "board": meeting.board,
                                                             "meeting": meeting,
                                                             "board_name": meeting.board.name_in(current_language())})


def _meeting_page(request, meeting, **forms):
    context = {
        "meeting": meeting, "board_name": meeting.board.name_in(current_language()),
        "agenda": meeting.agenda_in(current_language()), "minutes": meeting.minutes_in(current_language()),
        "documents": meeting.documents.all(), "short_notice": services.is_short_notice(meeting),
        "publish_form": PublishForm(), "minutes_form": MinutesForm(initial=MinutesForm.initial_texts(
            "minutes", meeting.minutes)), "document_form": DocumentForm(), **_may(request)}
    context.update(forms)
    return render(request, "boards/staff/meeting.html", context)


@board_staff
@require_safe
def meeting_page(request, pk):
    return _meeting_page(request, _meeting(request, pk))


def _meeting_post(request, meeting, name, form, act, done):
    return run_form(request, form, lambda _data: act(), done, _meeting_url(meeting.pk),
                    lambda: _meeting_page(request, meeting, **{name: form}), refused=services.BoardError)


@run_meetings
@require_POST
def meeting_publish(request, pk):
    meeting = _meeting(request, pk)
    form = PublishForm(request.POST)
    return _meeting_post(request, meeting, "publish_form", form,
                         lambda: services.publish_notice(request.user, meeting, reason=form.cleaned_data["reason"]),
                         _("The notice is published: the meeting is on the public site and in the calendar feeds."))


@run_meetings
@require_POST
def meeting_minutes(request, pk):
    meeting = _meeting(request, pk)
    form = MinutesForm(request.POST)
    return _meeting_post(request, meeting, "minutes_form", form,
                         lambda: services.record_minutes(request.user, meeting, form.texts("minutes")),
                         _("The minutes are saved."))


@run_meetings
@require_POST
def meeting_document(request, pk):
    meeting = _meeting(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    return _meeting_post(request, meeting, "document_form", form,
                         lambda: services.add_document(request.user, meeting, title=form.cleaned_data["title"],
                                                       upload=form.cleaned_data["file"]),
                         _("The document is added."))


@run_meetings
@require_POST
def meeting_cancel(request, pk):
    meeting = _meeting(request, pk)
    try:
        services.cancel_meeting(request.user, meeting)
    except services.BoardError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The meeting is cancelled."))
    return redirect(_meeting_url(meeting.pk))


# ---------------------------------------------------------------- recommendations

def _recommendation_url(pk: int) -> str:
    return reverse("boards:staff_recommendation", args=[pk])


@board_staff
@require_safe
def recommendations(request):
    language, today = current_language(), request.agency.today()
    found = services.with_overdue_flags(scoped(Recommendation, request.agency).select_related("board"), today)
    return render(request, "boards/staff/recommendations.html", {
        "rows": [(item, item.title_in(language), item.board.name_in(language)) for item in found[:500]]})


@run_meetings
@require_http_methods(["GET", "HEAD", "POST"])
def recommendation_new(request, pk):
    board = _board(request, pk)
    form = RecommendationForm(request.POST or None, board=board,
                              initial={"made_on": request.agency.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = create_once(request, form, "boards:recommendation",
                           lambda: services.record_recommendation(
                               request.user, board, title=form.texts("title"), text=form.texts("text"),
                               made_on=data["made_on"], meeting=data["meeting"]),
                           _("The recommendation is recorded. The department's response is due within "
                             "%(days)s days.") % {"days": services.RESPONSE_DAYS}, _recommendation_url,
                           refused=services.BoardError)
        if done is not None:
            return done
    return render(request, "boards/staff/recommendation_form.html", {"form": form, "board": board,
                                                                    "board_name": board.name_in(current_language())})


def _recommendation(request, pk) -> Recommendation:
    return get_object_or_404(services.with_overdue_flags(
        scoped(Recommendation, request.agency).select_related("board", "meeting"),
        request.agency.today()), pk=pk)


def _recommendation_page(request, item, **forms):
    language, today = current_language(), request.agency.today()
    context = {
        "item": item, "title": item.title_in(language), "text": item.text_in(language),
        "board_name": item.board.name_in(language),
        "responses": [(response, response.rationale_in(language))
                      for response in item.responses.select_related("responded_by").order_by("-responded_on", "-id")],
        "milestones": [(milestone, milestone.title_in(language), milestone.done_on is None and milestone.due_on < today)
                       for milestone in item.milestones.all()],
        "response_form": ResponseForm(initial={"responded_on": today}), "milestone_form": MilestoneForm(),
        "implementing": item.status in services.IMPLEMENTING_STATUSES, **_may(request)}
    context.update(forms)
    return render(request, "boards/staff/recommendation.html", context)


@board_staff
@require_safe
def recommendation_page(request, pk):
    return _recommendation_page(request, _recommendation(request, pk))


def _recommendation_post(request, item, name, form, act, done):
    return run_form(request, form, lambda _data: act(), done, _recommendation_url(item.pk),
                    lambda: _recommendation_page(request, item, **{name: form}), refused=services.BoardError)


@respond_to
@require_POST
def respond(request, pk):
    item = _recommendation(request, pk)
    form = ResponseForm(request.POST)
    return _recommendation_post(
        request, item, "response_form", form,
        lambda: services.respond(request.user, item, status=form.cleaned_data["status"],
                                 rationale=form.texts("rationale"), responded_on=form.cleaned_data["responded_on"],
                                 due_on=form.cleaned_data["due_on"]),
        _("The department's response is published on the tracker."))


@respond_to
@require_POST
def milestone_add(request, pk):
    item = _recommendation(request, pk)
    form = MilestoneForm(request.POST)
    return _recommendation_post(
        request, item, "milestone_form", form,
        lambda: services.add_milestone(request.user, item, title=form.texts("title"),
                                       due_on=form.cleaned_data["due_on"]),
        _("The milestone is added."))


@respond_to
@require_POST
def milestone_done(request, pk):
    milestone = get_object_or_404(scoped(ImplementationMilestone, request.agency), pk=pk)
    try:
        services.complete_milestone(request.user, milestone, done_on=request.agency.today())
    except services.BoardError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The milestone is done."))
    return redirect(_recommendation_url(milestone.recommendation_id))


urlpatterns = [
    path("console/boards/", boards, name="staff_boards"),
    path("console/boards/new/", board_new, name="staff_board_new"),
    path("console/boards/<int:pk>/", board_page, name="staff_board"),
    path("console/boards/<int:pk>/edit/", board_edit, name="staff_board_edit"),
    path("console/boards/<int:pk>/meetings/new/", meeting_new, name="staff_meeting_new"),
    path("console/boards/<int:pk>/recommendations/new/", recommendation_new, name="staff_recommendation_new"),
    path("console/boards/members/<int:pk>/end/", end_term, name="staff_end_term"),
    path("console/boards/applications/", applications, name="staff_applications"),
    path("console/boards/applications/<int:pk>/", application_page, name="staff_application"),
    path("console/boards/meetings/<int:pk>/", meeting_page, name="staff_meeting"),
    path("console/boards/meetings/<int:pk>/edit/", meeting_edit, name="staff_meeting_edit"),
    path("console/boards/meetings/<int:pk>/publish/", meeting_publish, name="staff_meeting_publish"),
    path("console/boards/meetings/<int:pk>/minutes/", meeting_minutes, name="staff_meeting_minutes"),
    path("console/boards/meetings/<int:pk>/documents/", meeting_document, name="staff_meeting_document"),
    path("console/boards/meetings/<int:pk>/cancel/", meeting_cancel, name="staff_meeting_cancel"),
    path("console/boards/recommendations/", recommendations, name="staff_recommendations"),
    path("console/boards/recommendations/<int:pk>/", recommendation_page, name="staff_recommendation"),
    path("console/boards/recommendations/<int:pk>/respond/", respond, name="staff_respond"),
    path("console/boards/recommendations/<int:pk>/milestones/", milestone_add, name="staff_milestone_add"),
    path("console/boards/milestones/<int:pk>/done/", milestone_done, name="staff_milestone_done"),
]
