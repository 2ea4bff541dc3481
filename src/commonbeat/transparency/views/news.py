"""News pages: the public list of updates (active safety alerts at the top) and a page per update with the Open
Graph and Twitter card tags social media read; Atom feeds of every update and of each kind; a public meeting
notice's .ics file; and the staff console where PUBLISH_UPDATES writes, publishes and unpublishes updates.

Only published updates reach the public pages, feeds and calendars; a draft's address answers 404 there."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action
from commonbeat.core import ical
from commonbeat.core.models import Agency
from commonbeat.core.submissions import create_once
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language

from ..forms.news import NewsFilterForm, UpdateForm
from ..models import Update, UpdateKind
from ..services import news as services

PAGE_SIZE = 20
STAFF_PAGE_SIZE = 50
FEED_SIZE = 50
FEED_MAX_AGE = 15 * 60  # feed readers may keep a copy this many seconds
OG_LOCALES = {"en": "en_US", "es": "es_ES"}

publish_updates = staff_required(Action.PUBLISH_UPDATES)


# What each kind's feed is called.
FEED_NAMES = {UpdateKind.NEWS: gettext_lazy("News"), UpdateKind.MEETING: gettext_lazy("Public meeting notices"),
              UpdateKind.SAFETY: gettext_lazy("Safety alerts")}


def _feed_links(agency: Agency, kinds=()) -> list[dict]:
    """Atom feeds to offer: every update, then one feed per kind in `kinds`."""
    links = [{"title": _("All news and notices"), "url": reverse("transparency:news_feed")}]
    links += [{"title": FEED_NAMES[UpdateKind(kind)], "url": reverse("transparency:news_kind_feed", args=[kind])}
              for kind in kinds]
    return [{**link, "absolute": agency.absolute_url(link["url"])} for link in links]


# ---------------------------------------------------------------- public pages

@require_safe
def news_list(request: HttpRequest) -> HttpResponse:
    agency, language = request.agency, current_language()
    form = NewsFilterForm(request.GET or None, agency=agency)
    filters = form.filters()
    listed = services.published_updates(agency)
    if filters.get("kind"):
        listed = listed.filter(kind=filters["kind"])
    if filters.get("neighbourhood"):
        listed = listed.filter(neighbourhood__slug=filters["neighbourhood"])
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "transparency/news/list.html", {
        "form": form, "page": page, "filtered": bool(filters), "agency": agency,
        "items": [{"update": update, "title": update.title_in(language), "summary": update.summary_in(language)}
                  for update in page.object_list],
        "alerts": [{"update": alert, "title": alert.title_in(language), "summary": alert.summary_in(language)}
                   for alert in services.active_safety_alerts(agency)],
        "feeds": _feed_links(agency, [filters["kind"]] if filters.get("kind") else []),
        "all_feeds": _feed_links(agency, UpdateKind.values),
    })


def _published(request: HttpRequest, slug: str) -> Update:
    return get_object_or_404(services.published_updates(request.agency), slug=slug)


@require_safe
def update_page(request: HttpRequest, slug: str) -> HttpResponse:
    update, agency, language = _published(request, slug), request.agency, current_language()
    title, summary = update.title_in(language), update.summary_in(language)
    return render(request, "transparency/news/update.html", {
        "update": update, "agency": agency, "title": title, "summary": summary, "body": update.body_in(language),
        "is_active_alert": update.is_active_alert(timezone.now()),
        "feeds": _feed_links(agency, [update.kind]),
        "share": {"title": title, "description": summary, "url": services.page_url(update, language),
                  "site_name": agency.display_name(language), "locale": OG_LOCALES.get(language, "en_US"),
                  "alternate_locales": [locale for code, locale in OG_LOCALES.items() if code != language],
                  "published": update.published_at.isoformat(), "modified": update.updated_at.isoformat()},
    })


@require_safe
def meeting_ics(request: HttpRequest, slug: str) -> HttpResponse:
    update = _published(request, slug)
    if not update.is_meeting or update.starts_at is None:
        raise Http404
    language = current_language()
    body = ical.calendar_file(request.agency, [services.meeting_entry(update, language)],
                              name=update.title_in(language))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{update.slug}.ics"'
    return response


# ---------------------------------------------------------------- Atom feeds

@dataclass(frozen=True)
class FeedSource:
    agency: Agency
    kind: str
    language: str


def _tag(agency: Agency, name: str) -> str:
    """A tag URI (RFC 4151): stable whatever the page addresses become."""
    host = agency.host_names[0] if agency.host_names else "localhost"
    return f"tag:{host},{agency.created_at:%Y-%m-%d}:{name}"


class UpdatesFeed(Feed):
    """The agency's published updates (of one kind, when the address names it) in the request's language."""

    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
        return response

    def get_object(self, request, kind: str = "") -> FeedSource:
        if kind and kind not in UpdateKind.values:
            raise Http404
        return FeedSource(agency=request.agency, kind=kind, language=current_language())

    def title(self, obj: FeedSource) -> str:
        name = obj.agency.display_name(obj.language)
        if obj.kind:
            return _("%(agency)s: %(kind)s") % {"agency": name, "kind": FEED_NAMES[UpdateKind(obj.kind)]}
        return _("%(agency)s: news and notices") % {"agency": name}

    def subtitle(self, obj: FeedSource) -> str:
        return _("News, public meeting notices and safety alerts from %(agency)s.") % {
            "agency": obj.agency.display_name(obj.language)}

    def link(self, obj: FeedSource) -> str:
        query = "?" + urlencode({"kind": obj.kind}) if obj.kind else ""
        return obj.agency.absolute_url(reverse("transparency:news") + query)

    def feed_url(self, obj: FeedSource) -> str:
        if obj.kind:
            return obj.agency.absolute_url(reverse("transparency:news_kind_feed", args=[obj.kind]))
        return obj.agency.absolute_url(reverse("transparency:news_feed"))

    def feed_guid(self, obj: FeedSource) -> str:
        return _tag(obj.agency, f"news/{obj.kind or 'all'}/{obj.language}")

    def author_name(self, obj: FeedSource) -> str:
        return obj.agency.display_name(obj.language)

    def items(self, obj: FeedSource):
        listed = services.published_updates(obj.agency)
        if obj.kind:
            listed = listed.filter(kind=obj.kind)
        return listed[:FEED_SIZE]

    def item_title(self, item: Update) -> str:
        return item.title_in(current_language())

    def item_description(self, item: Update) -> str:
        # Atom1Feed marks the summary as HTML: escape it so it reads exactly as typed.
        return escape(item.summary_in(current_language()))

    def item_link(self, item: Update) -> str:
        return services.page_url(item, current_language())

    def item_guid(self, item: Update) -> str:
        return _tag(item.agency, f"update-{item.pk}")

    def item_pubdate(self, item: Update):
        return item.published_at

    def item_updateddate(self, item: Update):
        return max(item.updated_at, item.published_at)

    def item_categories(self, item: Update):
        return [str(item.get_kind_display())]


updates_feed = require_safe(UpdatesFeed())


# ---------------------------------------------------------------- staff console

def _update(request: HttpRequest, pk: int) -> Update:
    return get_object_or_404(scoped(Update, request.agency).select_related("neighbourhood"), pk=pk)


@publish_updates
@require_safe
def staff_updates(request: HttpRequest) -> HttpResponse:
    language, status = current_language(), request.GET.get("status", "")
    # Drafts first (they need attention), then the most recently published.
    listed = scoped(Update, request.agency).select_related("neighbourhood").order_by(
        F("published_at").desc(nulls_first=True), "-created_at", "-id")
    if status == "draft":
        listed = listed.filter(published_at__isnull=True)
    elif status == "published":
        listed = listed.filter(published_at__isnull=False).order_by("-published_at", "-id")
    else:
        status = ""
    page = Paginator(listed, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "transparency/news/staff/updates.html", {
        "page": page, "status": status, "rows": [(update, update.title_in(language)) for update in page.object_list]})


@publish_updates
def staff_update_new(request: HttpRequest) -> HttpResponse:
    form = UpdateForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        done = create_once(
            request, form, "transparency:update",
            lambda: services.create_update(request.user, request.agency, form.details(),
                                           slug=form.cleaned_data.get("slug") or ""),
            _("The draft is saved. Check it, then publish it."),
            lambda pk: reverse("transparency:staff_update", args=[pk]), refused=services.UpdateError)
        if done is not None:
            return done
    return render(request, "transparency/news/staff/update_form.html", {"form": form, "update": None},
                  status=400 if form.errors else 200)


@publish_updates
def staff_update_edit(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update(request, pk)
    form = UpdateForm(request.POST or None, agency=request.agency, update=update)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_update(request.user, update, form.details())
        except services.UpdateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The update is saved."))
            return redirect("transparency:staff_update", pk=update.pk)
    return render(request, "transparency/news/staff/update_form.html", {
        "form": form, "update": update, "title": update.title_in(current_language())},
        status=400 if form.errors else 200)


@publish_updates
@require_safe
def staff_update(request: HttpRequest, pk: int) -> HttpResponse:
    update, language = _update(request, pk), current_language()
    texts = [(name, update.title_in(code), update.summary_in(code), update.body_in(code), bool(update.title.get(code)))
             for code, name in settings.LANGUAGES]
    return render(request, "transparency/news/staff/update.html", {
        "update": update, "agency": request.agency, "title": update.title_in(language), "texts": texts,
        "public_url": services.page_url(update, language) if update.is_published else ""})


@publish_updates
@require_POST
def staff_update_publish(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update(request, pk)
    try:
        services.publish_update(request.user, update)
    except services.UpdateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The update is published: it is on the news page and in the feeds."))
    return redirect("transparency:staff_update", pk=update.pk)


@publish_updates
@require_POST
def staff_update_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update(request, pk)
    try:
        services.unpublish_update(request.user, update)
    except services.UpdateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The update is taken off the public site and feeds. It is a draft again."))
    return redirect("transparency:staff_update", pk=update.pk)


urlpatterns = [
    path("news/", news_list, name="news"),
    path("news/feed.atom", updates_feed, name="news_feed"),
    path("news/<slug:kind>/feed.atom", updates_feed, name="news_kind_feed"),
    path("news/<slug:slug>/", update_page, name="update"),
    path("news/<slug:slug>/meeting.ics", meeting_ics, name="update_ics"),
    path("console/news/", staff_updates, name="staff_updates"),
    path("console/news/new/", staff_update_new, name="staff_update_new"),
    path("console/news/<int:pk>/", staff_update, name="staff_update"),
    path("console/news/<int:pk>/edit/", staff_update_edit, name="staff_update_edit"),
    path("console/news/<int:pk>/publish/", staff_update_publish, name="staff_update_publish"),
    path("console/news/<int:pk>/unpublish/", staff_update_unpublish, name="staff_update_unpublish"),
]
