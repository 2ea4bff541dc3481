"""The staff console for recognition: writing and moderating stories (MANAGE_STORIES); running award programs,
their panels and announcements (MANAGE_AWARDS); nominating someone or putting a commendation forward
(NOMINATE_FOR_AWARDS); and scoring nominations as a panel member (SCORE_NOMINATIONS and panel membership).

A story's text as the resident sent it and the submitter's identity appear only on the story's moderation page.
A nominator's identity appears only to award managers.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action, can
from commonbeat.core.caching import private
from commonbeat.core.models import Officer
from commonbeat.core.submissions import create_once, run_form
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language
from commonbeat.insights.text.redaction import kinds as found

from .. import services
from ..forms import (
    AnnounceForm,
    CommendationNominationForm,
    NewStoryForm,
    PanelForm,
    ProgramForm,
    ScoreForm,
    StaffNominationForm,
    StoryForm,
)
from ..models import Award, AwardProgram, Nomination, NomineeKind, PanelScore, Story, StoryStatus
from ..services import RecognitionError

PAGE_SIZE = 50

manage_stories = staff_required(Action.MANAGE_STORIES)
manage_awards = staff_required(Action.MANAGE_AWARDS)
nominate_for_awards = staff_required(Action.NOMINATE_FOR_AWARDS)
score_nominations = staff_required(Action.SCORE_NOMINATIONS)


def _story(request, pk) -> Story:
    return get_object_or_404(scoped(Story, request.agency).select_related("officer", "neighbourhood"), pk=pk)


def _program(request, pk) -> AwardProgram:
    return get_object_or_404(scoped(AwardProgram, request.agency), pk=pk)


def _nomination(request, pk) -> Nomination:
    return get_object_or_404(scoped(Nomination, request.agency).select_related("program", "officer"), pk=pk)


# ---------------------------------------------------------------- stories

@manage_stories
@require_safe
def stories(request):
    status = request.GET.get("status", StoryStatus.PENDING)
    if status not in StoryStatus.values:
        status = StoryStatus.PENDING
    listed = scoped(Story, request.agency).filter(status=status).order_by("-created_at", "-id")
    counts = dict(scoped(Story, request.agency).values_list("status").annotate(n=Count("id")).order_by())
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    language = current_language()
    return render(request, "recognition/staff/stories.html", {
        "page": page, "status": status, "language": language,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in StoryStatus.choices],
        "rows": [(story, story.title_in(language) or _("(not yet titled)")) for story in page]})


@manage_stories
def story_new(request):
    form = NewStoryForm(request.POST or None, request.FILES or None, agency=request.agency,
                        initial={"publish": True})
    if request.method == "POST" and form.is_valid():
        done = create_once(
            request, form, "recognition:story",
            lambda: services.write_story(request.user, request.agency, publish=form.cleaned_data["publish"],
                                         photo=form.cleaned_data.get("photo"),
                                         photo_consent=form.cleaned_data["photo_consent"], **form.details()),
            _("The story is saved."), lambda pk: reverse("recognition:staff_story", args=[pk]),
            refused=RecognitionError)
        if done is not None:
            return done
    return render(request, "recognition/staff/story_new.html", {"form": form},
                  status=400 if form.is_bound and form.errors else 200)


@manage_stories
def story_page(request, pk):
    """Moderate and edit: the text as sent and redacted beside the public text in both languages."""
    story = _story(request, pk)
    redacted_title, redacted_text = services.redacted_submission(story)
    form = StoryForm(request.POST or None, agency=request.agency,
                     initial=StoryForm.initial_for(story, title=redacted_title, body=redacted_text))
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_story(request.user, story, **form.details())
            if request.POST.get("then") == "publish":
                services.publish_story(request.user, story)
        except RecognitionError as error:
            form.add_error(None, str(error))
        else:
            published = request.POST.get("then") == "publish"
            messages.success(request, _("The story is published.") if published else _("The story is saved."))
            return redirect("recognition:staff_story", pk=story.pk)
    return private(render(request, "recognition/staff/story.html", {
        "story": story, "form": form, "redacted_title": redacted_title, "redacted_text": redacted_text,
        "found": found(story.submitted_title + "\n" + story.submitted_text),
        "public_title": story.title_in(current_language())}, status=400 if form.is_bound and form.errors else 200))


@manage_stories
@require_POST
def story_publish(request, pk):
    story = _story(request, pk)
    try:
        services.publish_story(request.user, story)
    except RecognitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The story is published."))
    return redirect("recognition:staff_story", pk=story.pk)


@manage_stories
@require_POST
def story_decline(request, pk):
    story = _story(request, pk)
    try:
        services.decline_story(request.user, story)
    except RecognitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The story is kept off the public site."))
    return redirect("recognition:staff_story", pk=story.pk)


@manage_stories
@require_POST
def story_photo_remove(request, pk):
    story = _story(request, pk)
    try:
        services.remove_photo(request.user, story)
    except RecognitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The photo is removed."))
    return redirect("recognition:staff_story", pk=story.pk)


@manage_stories
@require_safe
def story_photo(request, pk):
    story = _story(request, pk)
    if not story.photo:
        raise Http404
    return private(FileResponse(story.photo.open("rb"), content_type="image/jpeg"))


# ---------------------------------------------------------------- award programs

@manage_awards
@require_safe
def programs(request):
    language = current_language()
    listed = scoped(AwardProgram, request.agency).annotate(nomination_count=Count("nominations")).order_by("slug")
    return render(request, "recognition/staff/programs.html", {
        "rows": [(program, program.name_in(language)) for program in listed], "today": request.agency.today()})


@manage_awards
def program_new(request):
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            program = services.create_program(request.user, request.agency, slug=data["slug"],
                                              name=form.texts("name"), criteria=form.texts("criteria"),
                                              nominee_kind=data["nominee_kind"], opens_on=data["opens_on"],
                                              closes_on=data["closes_on"])
        except RecognitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The award is created."))
            return redirect("recognition:staff_program", pk=program.pk)
    return render(request, "recognition/staff/program_form.html", {"form": form, "program": None},
                  status=400 if form.is_bound and form.errors else 200)


@manage_awards
def program_edit(request, pk):
    program = _program(request, pk)
    form = ProgramForm(request.POST or None, editing=True, initial=ProgramForm.initial_for(program))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_program(request.user, program, name=form.texts("name"), criteria=form.texts("criteria"),
                                    opens_on=data["opens_on"], closes_on=data["closes_on"])
        except RecognitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The award is saved."))
            return redirect("recognition:staff_program", pk=program.pk)
    return render(request, "recognition/staff/program_form.html", {
        "form": form, "program": program, "name": program.name_in(current_language())},
        status=400 if form.is_bound and form.errors else 200)


def _years(program: AwardProgram) -> list[int]:
    years = set(scoped(Nomination, program.agency).filter(program=program).values_list("year", flat=True))
    return sorted(years | {program.year}, reverse=True)


def _render_program(request, program: AwardProgram, status: int = 200, **bound):
    language = current_language()
    years = _years(program)
    try:
        year = int(request.GET.get("year", program.year))
    except ValueError:
        year = program.year
    if year not in years:
        year = program.year
    ranked = services.ranking(program, year)
    winners = set(scoped(Nomination, request.agency).filter(program=program, year=year, award__isnull=False)
                  .values_list("pk", flat=True))
    return render(request, "recognition/staff/program.html", {
        "program": program, "name": program.name_in(language), "criteria": program.criteria_in(language),
        "years": years, "year": year, "ranked": ranked, "winners": winners,
        "decided": services.is_decided(program, year), "panel": program.panel.order_by("username"),
        "panel_form": bound.get("panel_form") or PanelForm(agency=request.agency,
                                                           initial={"members": list(program.panel.all())}),
        "today": request.agency.today()}, status=status)


@manage_awards
@require_safe
def program_page(request, pk):
    return _render_program(request, _program(request, pk))


@manage_awards
@require_POST
def panel_set(request, pk):
    program = _program(request, pk)
    form = PanelForm(request.POST, agency=request.agency)
    return run_form(
        request, form, lambda data: services.set_panel(request.user, program, data["members"]),
        _("The panel is saved."), reverse("recognition:staff_program", args=[program.pk]) + "#panel",
        lambda: _render_program(request, program, status=400, panel_form=form), refused=RecognitionError)


# ---------------------------------------------------------------- nominations and scores

def _may_review(user, nomination: Nomination) -> bool:
    return can(user, nomination.agency, Action.MANAGE_AWARDS) or services.is_panel_member(user, nomination.program)


def _render_nomination(request, nomination: Nomination, status: int = 200, **bound):
    language = current_language()
    program = nomination.program
    is_member = services.is_panel_member(request.user, program)
    manages = can(request.user, request.agency, Action.MANAGE_AWARDS)
    mine = PanelScore.objects.filter(nomination=nomination, member=request.user).first()
    decided = services.is_decided(program, nomination.year)
    award = scoped(Award, request.agency).filter(nomination=nomination).first()
    return private(render(request, "recognition/staff/nomination.html", {
        "nomination": nomination, "program": program, "name": program.name_in(language),
        "criteria": program.criteria_in(language), "is_member": is_member, "manages": manages,
        "mine": mine, "decided": decided, "award": award,
        "score_form": bound.get("score_form") or ScoreForm(initial={"score": mine.score if mine else None}),
        "announce_form": bound.get("announce_form") or AnnounceForm(
            community=program.nominee_kind == NomineeKind.COMMUNITY),
        "scores": nomination.scores.select_related("member").order_by("member__username") if manages else None,
    }, status=status))


@score_nominations
@require_safe
def nomination_page(request, pk):
    nomination = _nomination(request, pk)
    if not _may_review(request.user, nomination):
        raise PermissionDenied
    return _render_nomination(request, nomination)


@score_nominations
@require_POST
def nomination_score(request, pk):
    nomination = _nomination(request, pk)
    if not services.is_panel_member(request.user, nomination.program):
        raise PermissionDenied
    form = ScoreForm(request.POST)
    return run_form(
        request, form, lambda data: services.score(request.user, nomination, data["score"]),
        _("Your score is saved."), reverse("recognition:staff_panel"),
        lambda: _render_nomination(request, nomination, status=400, score_form=form), refused=RecognitionError)


@manage_awards
@require_POST
def nomination_announce(request, pk):
    nomination = _nomination(request, pk)
    form = AnnounceForm(request.POST, community=nomination.program.nominee_kind == NomineeKind.COMMUNITY)
    return run_form(
        request, form,
        lambda data: services.announce(request.user, nomination, citation=form.texts("citation"),
                                       nominee_agreed=data.get("nominee_agreed", False)),
        _("The award is announced on the public awards page."),
        reverse("recognition:staff_program", args=[nomination.program_id]) + f"?year={nomination.year}",
        lambda: _render_nomination(request, nomination, status=400, announce_form=form), refused=RecognitionError)


@score_nominations
@require_safe
def panel(request):
    """The nominations of every award whose panel the user sits on, for the current year, with their own score."""
    language = current_language()
    sections = []
    for program in scoped(AwardProgram, request.agency).filter(panel=request.user).order_by("slug"):
        mine = dict(PanelScore.objects.filter(member=request.user, nomination__program=program,
                                              nomination__year=program.year).values_list("nomination", "score"))
        nominations = (scoped(Nomination, request.agency).filter(program=program, year=program.year)
                       .select_related("officer").order_by("created_at", "id"))
        sections.append({"program": program, "name": program.name_in(language),
                         "decided": services.is_decided(program, program.year),
                         "rows": [(n, mine.get(n.pk)) for n in nominations]})
    return render(request, "recognition/staff/panel.html", {"sections": sections})


def _open_officer_programs(request):
    return services.open_programs(request.agency).filter(nominee_kind=NomineeKind.OFFICER)


def _render_nominate(request, status: int = 200, form=None, program=None):
    language = current_language()
    open_programs = list(services.open_programs(request.agency))
    officer_programs = list(_open_officer_programs(request))
    commendations = []
    for report in services.commendations_to_put_forward(request.agency)[:50]:
        officers = list(report.commended_officers.all())
        if officers:
            offer = CommendationNominationForm(prefix=f"c{report.pk}", programs=AwardProgram.objects.none(),
                                               officers=Officer.objects.none())
            offer.show_choices(officer_programs, officers)
            commendations.append((report, offer))
    nominated = set(scoped(Nomination, request.agency).exclude(commendation=None)
                    .values_list("commendation", flat=True))
    return render(request, "recognition/staff/nominate.html", {
        "programs": [(p, p.name_in(language)) for p in open_programs], "form": form, "chosen": program,
        "chosen_name": program.name_in(language) if program else "",
        "commendations": commendations, "nominated": nominated,
        "has_officer_programs": bool(officer_programs)}, status=status)


@nominate_for_awards
def nominate(request):
    program = None
    form = None
    chosen = request.POST.get("program") or request.GET.get("program")
    if chosen:
        program = services.open_programs(request.agency).filter(pk=chosen if chosen.isdigit() else 0).first()
        if program is None:
            raise Http404
        form = StaffNominationForm(request.POST if request.method == "POST" else None, program=program)
    if request.method == "POST" and form is not None and form.is_valid():
        done = create_once(
            request, form, "recognition:nomination",
            lambda: services.nominate_as_staff(request.user, program, reason=form.cleaned_data["reason"],
                                               **form.nominee()),
            _("The nomination is sent to the award's panel."), lambda _pk: reverse("recognition:staff_nominate"),
            refused=RecognitionError)
        if done is not None:
            return done
    return _render_nominate(request, status=400 if form is not None and form.errors else 200, form=form,
                            program=program)


@nominate_for_awards
@require_POST
def commendation_nominate(request, pk):
    report = get_object_or_404(services.commendations_to_put_forward(request.agency), pk=pk)
    form = CommendationNominationForm(request.POST, prefix=f"c{report.pk}", programs=_open_officer_programs(request),
                                      officers=report.commended_officers.all())
    if form.is_valid():
        try:
            services.nominate_from_commendation(request.user, form.cleaned_data["program"], report,
                                                form.cleaned_data["officer"])
        except RecognitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The commendation is put forward as a nomination."))
    else:
        messages.error(request, _("Choose an open award and the officer."))
    return redirect(reverse("recognition:staff_nominate") + "#commendations")


urlpatterns = [
    path("console/stories/", stories, name="staff_stories"),
    path("console/stories/new/", story_new, name="staff_story_new"),
    path("console/stories/<int:pk>/", story_page, name="staff_story"),
    path("console/stories/<int:pk>/publish/", story_publish, name="staff_story_publish"),
    path("console/stories/<int:pk>/decline/", story_decline, name="staff_story_decline"),
    path("console/stories/<int:pk>/photo.jpg", story_photo, name="staff_story_photo"),
    path("console/stories/<int:pk>/photo/remove/", story_photo_remove, name="staff_story_photo_remove"),
    path("console/awards/", programs, name="staff_programs"),
    path("console/awards/new/", program_new, name="staff_program_new"),
    path("console/awards/panel/", panel, name="staff_panel"),
    path("console/awards/nominate/", nominate, name="staff_nominate"),
    path("console/awards/commendations/<int:pk>/nominate/", commendation_nominate,
         name="staff_commendation_nominate"),
    path("console/awards/<int:pk>/", program_page, name="staff_program"),
    path("console/awards/<int:pk>/edit/", program_edit, name="staff_program_edit"),
    path("console/awards/<int:pk>/panel/", panel_set, name="staff_panel_set"),
    path("console/awards/nominations/<int:pk>/", nomination_page, name="staff_nomination"),
    path("console/awards/nominations/<int:pk>/score/", nomination_score, name="staff_nomination_score"),
    path("console/awards/nominations/<int:pk>/announce/", nomination_announce, name="staff_nomination_announce"),
]
