"""Public pages: published stories (with an Atom feed), sharing a story, the awards and nominating someone.

Nothing here shows a submitter's or nominator's identity, a story's text as it was sent, or a story that staff
have not published.
"""

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language

from .. import services
from ..forms import PublicNominationForm, ShareStoryForm
from ..models import AwardProgram
from ..services import RecognitionError, StorySubmission

FEED_SIZE = 30


def _story(request, slug):
    return get_object_or_404(services.published_stories(request.agency), slug=slug)


def _summary(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(200)


@require_safe
def stories(request):
    language = current_language()
    listed = services.published_stories(request.agency)[:200]
    return render(request, "recognition/public/stories.html", {
        "items": [{"story": story, "title": story.title_in(language), "summary": _summary(story.body_in(language))}
                  for story in listed]})


@require_safe
def story_page(request, slug):
    story = _story(request, slug)
    language = current_language()
    body = story.body_in(language)
    return render(request, "recognition/public/story.html", {
        "story": story, "title": story.title_in(language), "paragraphs": [p for p in body.split("\n") if p.strip()],
        "summary": _summary(body), "photo_description": story.photo_description_in(language),
        "page_url": request.build_absolute_uri(),
        "photo_url": request.build_absolute_uri(reverse("recognition:story_photo", args=[story.slug]))
        if story.photo else ""})


@require_safe
def story_photo(request, slug):
    story = _story(request, slug)
    if not story.photo:
        raise Http404
    return FileResponse(story.photo.open("rb"), content_type="image/jpeg")


def share_story(request):
    form = ShareStoryForm(request.POST or None, request.FILES or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.share_story(AnonymousUser(), request.agency, StorySubmission(
                title=data["title"], text=data["text"], language=current_language(), name=data["name"],
                email=data["email"], neighbourhood=data["neighbourhood"], photo=data["photo"],
                photo_consent=data["photo_consent"]), token=data["submission_token"])
        except RecognitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you for your story. Staff read every story before it is "
                                        "published; yours may appear in a few days."))
            return redirect("recognition:stories")
    return render(request, "recognition/public/share.html", {"form": form},
                  status=400 if form.is_bound and form.errors else 200)


class StoryFeed(Feed):
    """The newest published stories as Atom, in the language of the address (/es/ for Spanish)."""

    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return request.agency

    def title(self, agency):
        return _("Stories from %(agency)s") % {"agency": agency.display_name(current_language())}

    def subtitle(self, agency):
        return _("Positive stories about officers and residents working together.")

    def link(self, agency):
        return reverse("recognition:stories")

    def feed_url(self, agency):
        return reverse("recognition:story_feed")

    def items(self, agency):
        return services.published_stories(agency)[:FEED_SIZE]

    def item_title(self, story):
        return story.title_in(current_language())

    def item_description(self, story):
        return story.body_in(current_language())

    def item_link(self, story):
        return reverse("recognition:story", args=[story.slug])

    def item_guid(self, story):
        return f"tag:{self.request.get_host().split(':')[0]},2026:story:{story.agency_id}:{story.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, story):
        return story.published_at

    def item_updateddate(self, story):
        return story.published_at


@require_safe
def awards(request):
    language = current_language()
    today = request.agency.today()
    programs = scoped(AwardProgram, request.agency).order_by("slug")
    winners = services.announced_awards(request.agency)
    years: dict[int, list] = {}
    for award in winners:
        years.setdefault(award.year, []).append({
            "program": award.program.name_in(language), "winner": award.nomination.nominee,
            "citation": award.citation_in(language)})
    return render(request, "recognition/public/awards.html", {
        "programs": [{"program": p, "name": p.name_in(language), "criteria": p.criteria_in(language),
                      "is_open": p.is_open(today)} for p in programs],
        "years": sorted(years.items(), reverse=True)})


def nominate(request, slug):
    program = get_object_or_404(scoped(AwardProgram, request.agency), slug=slug)
    language = current_language()
    if not program.is_open(request.agency.today()):
        return render(request, "recognition/public/nominations_closed.html", {
            "program": program, "name": program.name_in(language)})
    form = PublicNominationForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.nominate(AnonymousUser(), program, reason=data["reason"], nominator_name=data["nominator_name"],
                              nominator_contact=data["nominator_contact"], token=data["submission_token"],
                              **form.nominee())
        except RecognitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you: your nomination is received. The award's panel reviews every "
                                        "nomination after the window closes."))
            return redirect("recognition:awards")
    return render(request, "recognition/public/nominate.html", {
        "form": form, "program": program, "name": program.name_in(language),
        "criteria": program.criteria_in(language)}, status=400 if form.is_bound and form.errors else 200)


urlpatterns = [
    path("stories/", stories, name="stories"),
    path("stories/share/", share_story, name="share_story"),
    path("stories/feed.atom", StoryFeed(), name="story_feed"),
    path("stories/<slug:slug>/", story_page, name="story"),
    path("stories/<slug:slug>/photo.jpg", story_photo, name="story_photo"),
    path("awards/", awards, name="awards"),
    path("awards/<slug:slug>/nominate/", nominate, name="nominate"),
]
