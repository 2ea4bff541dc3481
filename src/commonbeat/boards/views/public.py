"""Pages for residents: the advisory boards, who serves on them and how to apply, their meetings (with agenda,
minutes and documents, and as iCalendar), and the public tracker of the boards' recommendations with the
department's responses. Times are shown in the agency's time zone; texts in the page's language."""

import re
from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from commonbeat.core import ical
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language

from .. import queries, services
from ..forms import ApplicationForm, TrackerFilterForm
from ..models import (
    Board,
    ImplementationMilestone,
    MeetingDocument,
    MeetingStatus,
    Recommendation,
    RecommendationResponse,
)

PAGE_SIZE = 25
FEED_MAX_AGE = 15 * 60


def _board(request: HttpRequest, slug: str) -> Board:
    return get_object_or_404(scoped(Board, request.agency), slug=slug)


@require_safe
def board_list(request: HttpRequest) -> HttpResponse:
    language = current_language()
    boards = []
    for board in scoped(Board, request.agency):
        boards.append({"board": board, "name": board.name_in(language), "purpose": board.purpose_in(language),
                       "vacancies": len(services.vacant_seats(board))})
    return render(request, "boards/public/boards.html", {"boards": boards})


@require_safe
def board_page(request: HttpRequest, slug: str) -> HttpResponse:
    board, language, now = _board(request, slug), current_language(), timezone.now()
    meetings = queries.public_meetings(request.agency).filter(board=board)
    recommendations = services.with_overdue_flags(board.recommendations.all(), request.agency.today())
    return render(request, "boards/public/board.html", {
        "board": board, "name": board.name_in(language), "purpose": board.purpose_in(language),
        "members": services.active_members(board), "vacancies": len(services.vacant_seats(board)),
        "upcoming": meetings.filter(ends_at__gte=now).order_by("starts_at")[:5],
        "past": meetings.filter(ends_at__lt=now).order_by("-starts_at")[:10],
        "recommendations": [(item, item.title_in(language)) for item in recommendations[:10]],
        "make_up": queries.make_up(board, language), "min_declared": queries.MIN_DECLARED,
        "feed": _feed_links(request, reverse("boards:board_feed", args=[board.slug])),
    })


def _feed_links(request: HttpRequest, url_path: str) -> dict:
    url = request.agency.absolute_url(url_path)
    return {"https": url, "webcal": re.sub(r"^https?://", "webcal://", url)}


@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    board, language = _board(request, slug), current_language()
    form = ApplicationForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid() and board.is_accepting_applications:
        data = form.cleaned_data
        details = services.ApplicationDetails(
            name=data["name"], email=data["email"], statement=data["statement"], neighbourhood=data["neighbourhood"],
            age_band=data["age_band"], gender=data["gender"], race_ethnicity=data["race_ethnicity"],
            language=language)
        try:
            services.apply(request.agency, board, details, idempotency_key=data["submission_token"])
        except services.BoardError as error:
            form.add_error(None, str(error))
        else:
            return redirect("boards:applied", slug=board.slug)
    response = render(request, "boards/public/apply.html", {"board": board, "name": board.name_in(language),
                                                            "form": form})
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def applied(request: HttpRequest, slug: str) -> HttpResponse:
    board = _board(request, slug)
    return render(request, "boards/public/applied.html", {"board": board, "name": board.name_in(current_language())})


@require_safe
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(queries.public_meetings(request.agency), pk=pk)
    language = current_language()
    return render(request, "boards/public/meeting.html", {
        "meeting": meeting, "board_name": meeting.board.name_in(language), "agenda": meeting.agenda_in(language),
        "minutes": meeting.minutes_in(language), "documents": meeting.documents.all(),
        "recommendations": [(item, item.title_in(language)) for item in meeting.recommendations.all()],
        "is_cancelled": meeting.status == MeetingStatus.CANCELLED,
    })


@require_safe
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(queries.public_meetings(request.agency), pk=pk)
    language = current_language()
    body = ical.calendar_file(request.agency, [queries.meeting_entry(meeting, language)],
                              name=meeting.board.name_in(language))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="board-meeting-{meeting.pk}.ics"'
    return response


def _feed(request: HttpRequest, board: Board | None, name: str, filename: str) -> HttpResponse:
    since = timezone.now() - timedelta(days=365)
    entries = queries.meeting_entries(request.agency, since, current_language(), board=board)
    body = ical.calendar_file(request.agency, entries, name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def feed_all(request: HttpRequest) -> HttpResponse:
    name = _("%(agency)s advisory board meetings") % {"agency": request.agency.display_name(current_language())}
    return _feed(request, None, name, "board-meetings.ics")


@require_safe
def board_feed(request: HttpRequest, slug: str) -> HttpResponse:
    board = _board(request, slug)
    return _feed(request, board, board.name_in(current_language()), f"{board.slug}-meetings.ics")


@require_safe
def document(request: HttpRequest, pk: int) -> FileResponse:
    found = get_object_or_404(scoped(MeetingDocument, request.agency).filter(
        meeting__notice_published_at__isnull=False), pk=pk)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    extension = services.ALLOWED_DOCUMENT_TYPES.get(found.content_type, "")
    return FileResponse(handle, content_type=found.content_type, as_attachment=True,
                        filename=f"meeting-{found.meeting_id}-document-{found.pk}{extension}")


@require_safe
def tracker(request: HttpRequest) -> HttpResponse:
    language, agency = current_language(), request.agency
    form = TrackerFilterForm(request.GET or None, agency=agency)
    found = services.with_overdue_flags(scoped(Recommendation, agency).select_related("board"),
                                        agency.today())
    if form.is_valid():
        data = form.cleaned_data
        if data["board"]:
            found = found.filter(board__slug=data["board"])
        if data["status"]:
            found = found.filter(status=data["status"])
        if data["overdue"]:
            found = found.filter(Q(response_overdue=True) | Q(implementation_overdue=True))
    found = found.prefetch_related(Prefetch("responses", queryset=RecommendationResponse.objects.order_by(
        "-responded_on", "-id")))
    page = Paginator(found.order_by("-made_on", "-number"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"item": item, "title": item.title_in(language), "board": item.board.name_in(language),
             "latest": next(iter(item.responses.all()), None)} for item in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "boards/public/tracker.html", {"form": form, "page": page, "rows": rows,
                                                         "query": query.urlencode(),
                                                         "response_days": services.RESPONSE_DAYS})


@require_safe
def recommendation_page(request: HttpRequest, pk: int) -> HttpResponse:
    agency, language = request.agency, current_language()
    item = get_object_or_404(services.with_overdue_flags(scoped(Recommendation, agency).select_related(
        "board", "meeting"), agency.today()), pk=pk)
    responses = [(response, response.rationale_in(language)) for response in item.responses.order_by("-responded_on",
                                                                                                      "-id")]
    today = agency.today()
    milestones = [{"milestone": milestone, "title": milestone.title_in(language),
                   "late": milestone.done_on is None and milestone.due_on < today}
                  for milestone in ImplementationMilestone.objects.filter(recommendation=item)]
    return render(request, "boards/public/recommendation.html", {
        "item": item, "title": item.title_in(language), "text": item.text_in(language),
        "board_name": item.board.name_in(language), "responses": responses, "milestones": milestones,
    })


urlpatterns = [
    path("boards/", board_list, name="boards"),
    path("boards/meetings.ics", feed_all, name="feed_all"),
    path("boards/meetings/<int:pk>/", meeting_page, name="meeting"),
    path("boards/meetings/<int:pk>.ics", meeting_ics, name="meeting_ics"),
    path("boards/documents/<int:pk>/", document, name="document"),
    path("boards/recommendations/", tracker, name="tracker"),
    path("boards/recommendations/<int:pk>/", recommendation_page, name="recommendation"),
    path("boards/<slug:slug>/", board_page, name="board"),
    path("boards/<slug:slug>/apply/", apply, name="apply"),
    path("boards/<slug:slug>/apply/thanks/", applied, name="applied"),
    path("boards/<slug:slug>/meetings.ics", board_feed, name="board_feed"),
]
