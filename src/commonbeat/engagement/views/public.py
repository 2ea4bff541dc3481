"""Pages for residents, without an account: finding events (a list, a month calendar and a map), one event
and its reply form, the resident's own reply page, calendar feeds, and the public problem-solving projects.

The reply page is reached only by the link in its address (the token the e-mails carry too): it is never
cached or indexed, its lookups are rate-limited like the tracking page of `feedback`, and nothing about the
resident is kept in a cookie. Times are shown in the agency's time zone; texts in the page's language.
"""

import re
from calendar import Calendar, monthrange
from collections import defaultdict
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from commonbeat.boards import queries as board_queries
from commonbeat.core import geo
from commonbeat.core.caching import public_page
from commonbeat.core.models import Neighbourhood
from commonbeat.core.ratelimit import Limit, allow
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language, text_in
from commonbeat.transparency.services import news as news_queries

from .. import calendar, queries, services
from ..forms import EventFilterForm, ProblemFilterForm, RsvpForm
from ..models import Event, Problem, ProblemStatus, RsvpStatus, Stage

PAGE_SIZE = 20
MAP_LIMIT = 200
FEED_MAX_AGE = 15 * 60
# A reply's token has 128 bits, so guessing is hopeless anyway; the limit keeps it that way at any scale
# while leaving room for a resident who opens their own page many times at the door.
RSVP_LOOKUPS = Limit("rsvp-lookup", limit=30, window_seconds=15 * 60)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _private(response: HttpResponse) -> HttpResponse:
    """Not kept by any cache: the page carries a one-time form token, or the resident's own reply."""
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- finding events

def _availability(event: Event, left: int | None, now: datetime) -> str:
    if event.is_cancelled:
        return "cancelled"
    if event.ends_at <= now:
        return "past"
    if event.starts_at <= now:
        return "started"
    if left is None:
        return "unlimited"
    return "full" if left == 0 else "open"


def _card(event: Event, language: str, now: datetime) -> dict:
    """What a list, calendar or map shows of one event."""
    left = services.places_left(event)
    return {
        "event": event,
        "title": event.title_in(language),
        "kind": event.kind.name_in(language),
        "neighbourhood": event.neighbourhood,
        "places_left": left,
        "availability": _availability(event, left, now),
    }


def _filter_form(request: HttpRequest, *, dates: bool = True) -> EventFilterForm:
    return EventFilterForm(request.GET or None, agency=request.agency, language=current_language(), dates=dates)


def _query(form: EventFilterForm, **extra) -> str:
    """The valid filters as a query string ("?neighbourhood=...&kind=..."), for links to the other views."""
    data = getattr(form, "cleaned_data", {})
    values = {name: data[name].isoformat() if isinstance(data[name], date) else data[name]
              for name in ("neighbourhood", "kind", "from_date", "to_date") if data.get(name)}
    values.update({name: value for name, value in extra.items() if value})
    return "?" + urlencode(values) if values else ""


def _upcoming(request: HttpRequest, form: EventFilterForm) -> tuple[dict, date]:
    filters = form.filters()
    today = request.agency.today()
    if filters["first_day"] is None:
        filters["first_day"] = today
    return filters, today


def _subscriptions(request: HttpRequest) -> dict:
    agency = request.agency
    url = agency.absolute_url(reverse("engagement:feed_all"))
    return {"https": url, "webcal": _webcal(url)}


def _webcal(url: str) -> str:
    return re.sub(r"^https?://", "webcal://", url)


@require_safe
@public_page
def event_list(request: HttpRequest) -> HttpResponse:
    language, now = current_language(), timezone.now()
    form = _filter_form(request)
    filters, today = _upcoming(request, form)
    page = Paginator(queries.find_events(request.agency, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "engagement/public/events.html", {
        "form": form,
        "page": page,
        "items": [_card(event, language, now) for event in page],
        "first_day": filters["first_day"],
        "last_day": filters["last_day"],
        "list_query": _query(form),
        "map_query": _query(form),
        "calendar_query": _calendar_query(form, _month_shown(filters, today)),
        "feed": _subscriptions(request),
    })


def _month_shown(filters: dict, today: date) -> str:
    """The month the calendar link opens on: the one the list starts in, unless that is simply this month."""
    first = filters["first_day"]
    return first.strftime("%Y-%m") if first.replace(day=1) != today.replace(day=1) else ""


def _calendar_query(form: EventFilterForm, month: str) -> str:
    data = getattr(form, "cleaned_data", {})
    values = {name: data[name] for name in ("neighbourhood", "kind") if data.get(name)}
    if month:
        values["month"] = month
    return "?" + urlencode(values) if values else ""


def _month(asked: str, today: date) -> tuple[date, str]:
    """The first day of the month asked for as YYYY-MM, or of this month with an error to show."""
    if not asked:
        return today.replace(day=1), ""
    found = MONTH.match(asked.strip())
    if found and 1900 <= int(found[1]) <= 2999 and 1 <= int(found[2]) <= 12:
        return date(int(found[1]), int(found[2]), 1), ""
    return today.replace(day=1), _("Enter the month as year-month, for example 2026-03. Showing this month.")


@require_safe
@public_page
def calendar_month(request: HttpRequest) -> HttpResponse:
    language, now = current_language(), timezone.now()
    agency, zone = request.agency, request.agency.zone
    form = _filter_form(request, dates=False)
    filters = form.filters()
    today = agency.today()
    first, month_error = _month(request.GET.get("month", ""), today)
    last = first.replace(day=monthrange(first.year, first.month)[1])
    found = queries.find_events(agency, neighbourhood=filters["neighbourhood"], kind=filters["kind"],
                                first_day=first, last_day=last)
    by_day = defaultdict(list)
    cards = []
    for event in found:
        card = _card(event, language, now)
        cards.append(card)
        # An event that began the evening before the month is shown on the month's first day.
        by_day[max(event.starts_at.astimezone(zone).date(), first)].append(card)
    week_starts_on = (int(get_format("FIRST_DAY_OF_WEEK")) - 1) % 7  # Django counts from Sunday, Python Monday
    weeks = [[{"day": day, "in_month": day.month == first.month, "is_today": day == today,
               "events": by_day.get(day, []) if day.month == first.month else []}
              for day in week]
             for week in Calendar(week_starts_on).monthdatescalendar(first.year, first.month)]
    weekdays = [{"name": WEEKDAYS[(week_starts_on + i) % 7], "short": WEEKDAYS_ABBR[(week_starts_on + i) % 7]}
                for i in range(7)]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return render(request, "engagement/public/calendar.html", {
        "form": form,
        "month": first,
        "month_value": first.strftime("%Y-%m"),
        "month_error": month_error,
        "typed_month": request.GET.get("month", "") if month_error else "",
        "weeks": weeks,
        "weekdays": weekdays,
        "items": cards,
        "calendar_query": _calendar_query(form, first.strftime("%Y-%m")),
        "previous_query": _calendar_query(form, previous.strftime("%Y-%m")),
        "next_query": _calendar_query(form, following.strftime("%Y-%m")),
        "list_query": _query(form, from_date=first.isoformat(), to_date=last.isoformat()),
        "map_query": _query(form, from_date=first.isoformat(), to_date=last.isoformat()),
    })


@require_safe
def event_map(request: HttpRequest) -> HttpResponse:
    language, now = current_language(), timezone.now()
    form = _filter_form(request)
    filters, today = _upcoming(request, form)
    found = list(queries.find_events(request.agency, **filters)[:MAP_LIMIT + 1])
    more = len(found) > MAP_LIMIT
    found = found[:MAP_LIMIT]
    neighbourhoods = list(scoped(Neighbourhood, request.agency).order_by("name"))
    points = geo.svg_points(neighbourhoods, [(event.longitude, event.latitude) for event in found])
    mapped, unmapped = [], []
    groups: dict[int | None, list] = defaultdict(list)
    for event, point in zip(found, points, strict=True):
        card = _card(event, language, now) | {"point": point}
        if point is None:
            unmapped.append(card)
        else:
            mapped.append(card)
            groups[event.neighbourhood_id].append(card)
    by_neighbourhood = [{"neighbourhood": n, "items": groups[n.id]} for n in neighbourhoods if groups.get(n.id)]
    if groups.get(None):
        by_neighbourhood.append({"neighbourhood": None, "items": groups[None]})
    return render(request, "engagement/public/map.html", {
        "form": form,
        "map": geo.svg_paths(neighbourhoods),
        "mapped": mapped,
        "unmapped": unmapped,
        "by_neighbourhood": by_neighbourhood,
        "more": more,
        "limit": MAP_LIMIT,
        "first_day": filters["first_day"],
        "last_day": filters["last_day"],
        "list_query": _query(form),
        "map_query": _query(form),
        "calendar_query": _calendar_query(form, _month_shown(filters, today)),
    })


# ---------------------------------------------------------------- one event

def _public_event(request: HttpRequest, pk: int) -> Event:
    return get_object_or_404(scoped(Event, request.agency).select_related(
        "kind", "neighbourhood", "organising_unit", "agency"), pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
def event_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = _public_event(request, pk)
    if request.method != "POST":
        return _event_page(request, found, RsvpForm() if services.accepts_rsvps(found) else None)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        return _event_page(request, found, form if services.accepts_rsvps(found) else None)
    try:
        result = services.rsvp(request.agency, found, name=form.cleaned_data["name"],
                               email=form.cleaned_data["email"], party_size=form.cleaned_data["party_size"],
                               language=current_language(), idempotency_key=form.cleaned_data["submission_token"])
    except services.EngagementError as error:
        if not services.accepts_rsvps(found):
            return _event_page(request, found, None)
        form.add_error(None, str(error))
        form.renew_token()
        return _event_page(request, found, form)
    if not result.created:
        messages.info(request, _("We already had this reply. Here it is."))
    elif result.rsvp.status == RsvpStatus.CONFIRMED:
        messages.success(request, _("Thank you for your reply: your place is confirmed."))
    else:
        messages.success(request, _("Thank you for your reply. The event is full, so you are on the waiting list."))
    return redirect("engagement:rsvp", token=result.token)


def _event_page(request: HttpRequest, found: Event, form: RsvpForm | None) -> HttpResponse:
    language, now = current_language(), timezone.now()
    problems = (scoped(Problem, request.agency).filter(is_public=True, concerns__event=found)
                .select_related("neighbourhood").distinct().order_by("-opened_at"))
    survey_url = ""
    if found.feedback_survey_slug and found.ends_at <= now and not found.is_cancelled:
        survey_url = reverse("surveys:answer", args=[found.feedback_survey_slug])
    starts_local = found.starts_at.astimezone(request.agency.zone)
    response = render(request, "engagement/public/event.html", {
        "event": found,
        "card": _card(found, language, now),
        "description": found.description_in(language),
        "accessibility": text_in(found.accessibility_notes, language),
        "languages": text_in(found.language_notes, language),
        "zone_name": request.agency.timezone,
        "zone_abbreviation": starts_local.tzname(),
        "form": form,
        "started": found.starts_at <= now,
        "ended": found.ends_at <= now,
        "survey_url": survey_url,
        "problems": [{"problem": problem, "title": problem.title_in(language)} for problem in problems],
    })
    return _private(response) if form is not None else response


@require_safe
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    found = _public_event(request, pk)
    language = current_language()
    body = calendar.calendar_file(request.agency, [found], name=found.title_in(language), language=language)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{found.pk}.ics"'
    return response


# ---------------------------------------------------------------- calendar feeds

def _feed(request: HttpRequest, events_, name: str, filename: str, extra=()) -> HttpResponse:
    body = calendar.calendar_file(request.agency, events_, name=name, language=current_language(), extra=extra)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _agency_name(request: HttpRequest) -> str:
    return request.agency.display_name(current_language())


@require_safe
def feed_all(request: HttpRequest) -> HttpResponse:
    """Every event, the advisory boards' public meetings and the public meeting notices, in one calendar."""
    now = timezone.now()
    name = _("%(agency)s events") % {"agency": _agency_name(request)}
    meetings = board_queries.meeting_entries(request.agency, now - queries.FEED_HISTORY, current_language())
    meetings += news_queries.meeting_notice_entries(request.agency, now - queries.FEED_HISTORY, current_language())
    return _feed(request, queries.feed_events(request.agency, now), name, "events.ics", extra=meetings)


@require_safe
def feed_neighbourhood(request: HttpRequest, slug: str) -> HttpResponse:
    neighbourhood = get_object_or_404(scoped(Neighbourhood, request.agency), slug=slug)
    name = _("%(agency)s — %(name)s events") % {"agency": _agency_name(request), "name": neighbourhood.name}
    found = queries.feed_events(request.agency, timezone.now()).filter(neighbourhood=neighbourhood)
    return _feed(request, found, name, f"{neighbourhood.slug}.ics")


@require_safe
def feed_kind(request: HttpRequest, slug: str) -> HttpResponse:
    kind = services.event_kinds(request.agency).filter(slug=slug).first()
    if kind is None:
        raise Http404
    name = _("%(agency)s — %(name)s events") % {"agency": _agency_name(request),
                                                 "name": kind.name_in(current_language())}
    found = queries.feed_events(request.agency, timezone.now()).filter(kind=kind)
    return _feed(request, found, name, f"{kind.slug}.ics")


@require_safe
def feeds(request: HttpRequest) -> HttpResponse:
    agency, language = request.agency, current_language()

    def links(url_path: str) -> dict:
        url = agency.absolute_url(url_path)
        return {"https": url, "webcal": _webcal(url)}

    return render(request, "engagement/public/feeds.html", {
        "everything": links(reverse("engagement:feed_all")),
        "neighbourhoods": [{"name": n.name, **links(reverse("engagement:feed_neighbourhood", args=[n.slug]))}
                           for n in scoped(Neighbourhood, agency).order_by("name")],
        "kinds": [{"name": kind.name_in(language), **links(reverse("engagement:feed_kind", args=[kind.slug]))}
                  for kind in services.event_kinds(agency)],
    })


# ---------------------------------------------------------------- the resident's own reply

def _check_in_url(request: HttpRequest, token: str) -> str:
    """What the QR code holds: the staff check-in page for this reply, on the agency's own site."""
    with translation.override(settings.LANGUAGE_CODE):  # the console is read in the staff's language
        return request.agency.absolute_url(reverse("engagement:check_in_code", args=[token]))


def _unlisted(response: HttpResponse) -> HttpResponse:
    """The resident's own page: never cached, indexed, or sent on as a referrer (its address is the key)."""
    _private(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def reply_page(request: HttpRequest, token: str) -> HttpResponse:
    if not allow(request, RSVP_LOOKUPS):
        response = render(request, "engagement/public/too_many_lookups.html", {
            "minutes": RSVP_LOOKUPS.window_seconds // 60}, status=429)
        response["Retry-After"] = str(RSVP_LOOKUPS.window_seconds)
        return _unlisted(response)
    reply = services.find_rsvp(request.agency, token)
    if reply is None:
        return _unlisted(render(request, "engagement/public/rsvp_not_found.html", status=404))
    if request.method == "POST":
        try:
            services.cancel_rsvp(request.agency, token)
        except services.EngagementError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your reply is cancelled. Thank you for letting us know: your place can "
                                        "now go to someone on the waiting list."))
        return redirect("engagement:rsvp", token=token)
    language, now = current_language(), timezone.now()
    found = reply.event
    active = reply.status != RsvpStatus.CANCELLED and not found.is_cancelled
    qr_svg = ""
    if active and found.ends_at > now:
        qr_svg = segno.make(_check_in_url(request, token), error="m").svg_inline(
            scale=5, dark="#1b1b1b", light="#ffffff", omitsize=False,
            title=_("QR code to show at the door"))
    return _unlisted(render(request, "engagement/public/rsvp.html", {
        "reply": reply,
        "event": found,
        "card": _card(found, language, now),
        "status_label": RsvpStatus(reply.status).label,
        "position": services.waiting_position(reply),
        "qr_svg": qr_svg,
        "can_cancel": active and found.ends_at > now and not hasattr(reply, "attendance"),
        "token": token,
    }))


# ---------------------------------------------------------------- problem-solving projects

STAGES = list(Stage)


def _stages(problem: Problem) -> dict:
    """The SARA stages as a step indicator: each done, current or to come, in words as well as in colour."""
    current = STAGES.index(Stage(problem.stage))
    closed = problem.status != ProblemStatus.OPEN
    steps = []
    for number, stage in enumerate(STAGES):
        if number < current or (closed and number == current):
            state = "complete"
        elif number == current:
            state = "current"
        else:
            state = "to_come"
        steps.append({"label": stage.label, "state": state})
    return {"steps": steps, "number": current + 1, "total": len(STAGES), "label": STAGES[current].label}


def _public_problems(request: HttpRequest):
    return scoped(Problem, request.agency).filter(is_public=True)


@require_safe
def problem_list(request: HttpRequest) -> HttpResponse:
    language = current_language()
    form = ProblemFilterForm(request.GET or None, agency=request.agency)
    filters = form.filters()
    listed = (_public_problems(request).select_related("neighbourhood").prefetch_related("milestones")
              .annotate(last_update=Max("updates__written_at", filter=Q(updates__is_public=True))))
    if filters["neighbourhood"] is not None:
        listed = listed.filter(neighbourhood=filters["neighbourhood"])
    if filters["status"]:
        listed = listed.filter(status=filters["status"])
    page = Paginator(listed.order_by("-opened_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "engagement/public/problems.html", {
        "form": form,
        "page": page,
        "items": [{"problem": problem, "title": problem.title_in(language), "stages": _stages(problem),
                   "progress": services.progress(problem), "status_label": ProblemStatus(problem.status).label,
                   "summary": text_in(problem.summary, language)}
                  for problem in page],
    })


@require_safe
def problem_page(request: HttpRequest, pk: int) -> HttpResponse:
    language = current_language()
    found = get_object_or_404(_public_problems(request).select_related("neighbourhood", "owner__unit"), pk=pk)
    milestones = list(found.milestones.all())
    updates = found.updates.filter(is_public=True).order_by("-written_at", "-id")
    return render(request, "engagement/public/problem.html", {
        "problem": found,
        "title": found.title_in(language),
        "summary": text_in(found.summary, language),
        "stages": _stages(found),
        "status_label": ProblemStatus(found.status).label,
        "closed": found.status != ProblemStatus.OPEN,
        "outcome": text_in(found.outcome, language),
        "unit": found.owner.unit if found.owner_id and found.owner.unit_id else None,
        "progress": services.progress(found),
        "milestones": [{"title": text_in(milestone.title, language), "due_on": milestone.due_on,
                        "done_on": milestone.done_on} for milestone in milestones],
        "updates": [{"text": text_in(update.text, language), "stage": Stage(update.stage).label,
                     "written_at": update.written_at} for update in updates],
    })


urlpatterns = [
    path("events/", event_list, name="events"),
    path("events/calendar/", calendar_month, name="calendar"),
    path("events/map/", event_map, name="map"),
    path("events/feeds/", feeds, name="feeds"),
    path("events/feed.ics", feed_all, name="feed_all"),
    path("events/feed/neighbourhood/<slug:slug>.ics", feed_neighbourhood, name="feed_neighbourhood"),
    path("events/feed/kind/<slug:slug>.ics", feed_kind, name="feed_kind"),
    path("events/rsvp/<str:token>/", reply_page, name="rsvp"),
    path("events/<int:pk>/", event_page, name="event"),
    path("events/<int:pk>.ics", event_ics, name="event_ics"),
    path("problem-solving/", problem_list, name="problems"),
    path("problem-solving/<int:pk>/", problem_page, name="problem"),
]
