"""The policy library.

Public: the library with search and categories, each policy with its version in force and all its versions,
a comparison of any two versions, and drafts open for public comment with their comment form. A comment
appears only once a moderator approved it, and then only its redacted text.

Console: policies, drafts, comment periods and publication (MANAGE_POLICIES); the moderation queue, where the
original text is seen beside the redacted one (MODERATE_COMMENTS); an officer's policies to acknowledge
(ACKNOWLEDGE_POLICIES); a supervisor's people who have not acknowledged (officers with supervisees); and, per
version, who has acknowledged, by unit (VIEW_ACKNOWLEDGEMENTS).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
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

from ..forms.policies import (
    AnswerForm,
    CommentForm,
    CommentPeriodForm,
    CompareForm,
    DraftForm,
    ModerationForm,
    PolicyForm,
    PublishFinalForm,
    PublishForm,
    RejectForm,
    SearchForm,
)
from ..models import CommentStatus, Policy, PolicyComment, PolicyVersion, VersionStatus
from ..services import policies as services

PAGE_SIZE = 25

manage_policies = staff_required(Action.MANAGE_POLICIES)
moderate_comments = staff_required(Action.MODERATE_COMMENTS)
acknowledge_policies = staff_required(Action.ACKNOWLEDGE_POLICIES)
view_acknowledgements = staff_required(Action.VIEW_ACKNOWLEDGEMENTS)


# ---------------------------------------------------------------- public

def _public_policy(request, number: str) -> Policy:
    today = request.agency.today()
    return get_object_or_404(services.public_policies(request.agency, today), number=number.upper())


def _public_version(request, policy: Policy, number: int) -> PolicyVersion:
    version = get_object_or_404(policy.versions.all(), number=number)
    if not version.is_public(request.agency.today()):
        raise Http404
    return version


@require_safe
def library(request):
    today, language = request.agency.today(), current_language()
    form = SearchForm(request.GET or None)
    query, category = "", ""
    if form.is_valid():
        query, category = form.cleaned_data["q"], form.cleaned_data["category"]
    listed = services.search_policies(request.agency, today, query, category).prefetch_related("versions")
    items = []
    for policy in listed:
        versions = [v for v in policy.versions.all() if v.is_public(today)]
        current = next((v for v in versions if v.status == VersionStatus.IN_FORCE), None)
        open_draft = next((v for v in versions if v.is_open_for_comment(today)), None)
        items.append({"policy": policy, "title": policy.title_in(language), "current": current,
                      "summary": (current or versions[-1]).summary_in(language) if versions else "",
                      "open_draft": open_draft})
    drafts = [(v, v.policy.title_in(language)) for v in services.open_drafts(request.agency, today)]
    return render(request, "transparency/policies/library.html", {
        "form": form, "items": items, "drafts": drafts, "searching": bool(query or category)})


@require_safe
def policy_page(request, number):
    policy = _public_policy(request, number)
    today, language = request.agency.today(), current_language()
    versions = services.public_versions(policy, today)
    current = next((v for v in versions if v.status == VersionStatus.IN_FORCE), None)
    return render(request, "transparency/policies/policy.html", {
        **(_version_context(request, policy, current, language) if current else {}),
        "policy": policy, "title": policy.title_in(language), "current": current, "versions": versions,
        "open_drafts": [v for v in versions if v.is_open_for_comment(today)],
        "compare_form": CompareForm(versions=versions, initial={
            "old": versions[1].number if len(versions) > 1 else None,
            "new": versions[0].number if versions else None})})


def _version_context(request, policy: Policy, version: PolicyVersion, language: str) -> dict:
    """What a version's page shows: its texts, and for a final version the note on what changed and the
    answered comments on the draft it followed."""
    commented = version.comment_draft if version.comment_draft_id else version
    return {"version": version, "summary": version.summary_in(language), "body": version.body_in(language),
            "body_paragraphs": [p for p in version.body_in(language).splitlines() if p.strip()],
            "changes": version.changes_in(language), "commented": commented,
            "comments": services.published_comments(commented)}


@require_http_methods(["GET", "HEAD", "POST"])
def version_page(request, number, version):
    policy = _public_policy(request, number)
    version = _public_version(request, policy, version)
    today, language = request.agency.today(), current_language()
    is_open = version.is_open_for_comment(today)
    form = CommentForm(request.POST or None, agency=request.agency) if is_open or request.method == "POST" \
        else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_comment(request.agency, version, text=data["text"], first_name=data["first_name"],
                                    neighbourhood=data["neighbourhood"], language=language,
                                    idempotency_key=data["submission_token"])
        except services.PolicyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you: your comment is received. It is published here once a "
                                        "moderator has read it."))
            return redirect("transparency:policy_version", number=policy.number, version=version.number)
    final = PolicyVersion.objects.filter(comment_draft=version).first()
    response = render(request, "transparency/policies/version.html", {
        **_version_context(request, policy, version, language), "policy": policy,
        "title": policy.title_in(language), "is_open": is_open, "form": form, "final": final,
        "today": today}, status=400 if form is not None and form.errors else 200)
    if form is not None:
        response["Cache-Control"] = "no-store"
    return response


@require_safe
def compare(request, number):
    policy = _public_policy(request, number)
    today, language = request.agency.today(), current_language()
    versions = services.public_versions(policy, today)
    form = CompareForm(request.GET or None, versions=versions)
    lines, old, new = [], None, None
    if form.is_valid():
        by_number = {v.number: v for v in versions}
        old, new = by_number[form.cleaned_data["old"]], by_number[form.cleaned_data["new"]]
        lines = services.diff_versions(old, new, language)
    return render(request, "transparency/policies/compare.html", {
        "policy": policy, "title": policy.title_in(language), "form": form, "old": old, "new": new,
        "lines": lines, "changed": any(line.kind != "same" for line in lines)})


# ---------------------------------------------------------------- console: policies and versions

def _policy(request, pk) -> Policy:
    return get_object_or_404(scoped(Policy, request.agency), pk=pk)


def _version(request, pk) -> PolicyVersion:
    return get_object_or_404(scoped(PolicyVersion, request.agency).select_related("policy"), pk=pk)


def _comment(request, pk) -> PolicyComment:
    return get_object_or_404(scoped(PolicyComment, request.agency).select_related("version__policy",
                                                                                 "neighbourhood"), pk=pk)


@manage_policies
@require_safe
def staff_policies(request):
    language = current_language()
    listed = (scoped(Policy, request.agency)
              # Both counts join the same versions: `distinct` keeps each comment from counting as a draft.
              .annotate(draft_count=Count("versions", filter=Q(versions__status=VersionStatus.DRAFT),
                                          distinct=True),
                        pending=Count("versions__comments", distinct=True,
                                      filter=Q(versions__comments__status=CommentStatus.PENDING)))
              .order_by("number"))
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "transparency/policies/staff/policies.html", {
        "page": page, "rows": [(p, p.title_in(language)) for p in page.object_list]})


@manage_policies
@require_http_methods(["GET", "HEAD", "POST"])
def staff_policy_new(request):
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = create_once(
            request, form, "transparency:policy",
            lambda: services.create_policy(request.user, request.agency, number=form.cleaned_data["number"],
                                           title=form.texts("title"), category=form.cleaned_data["category"]),
            _("The policy is created. Add its first draft."),
            lambda pk: reverse("transparency:staff_policy", args=[pk]), refused=services.PolicyError)
        if done is not None:
            return done
    return render(request, "transparency/policies/staff/policy_form.html", {"form": form},
                  status=400 if form.errors else 200)


@manage_policies
@require_safe
def staff_policy(request, pk):
    policy = _policy(request, pk)
    language = current_language()
    versions = policy.versions.annotate(
        pending=Count("comments", filter=Q(comments__status=CommentStatus.PENDING)),
        published=Count("comments", filter=Q(comments__status=CommentStatus.APPROVED))).order_by("-number")
    return render(request, "transparency/policies/staff/policy.html", {
        "policy": policy, "title": policy.title_in(language), "versions": versions,
        "has_draft": any(v.status == VersionStatus.DRAFT for v in versions)})


@manage_policies
@require_http_methods(["GET", "HEAD", "POST"])
def staff_draft_new(request, pk):
    policy = _policy(request, pk)
    latest = policy.versions.order_by("-number").first()
    initial = {}
    if latest is not None:
        initial = {**DraftForm.initial_texts("summary", latest.summary), **DraftForm.initial_texts("body", latest.body)}
    form = DraftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = create_once(
            request, form, "transparency:draft",
            lambda: services.add_draft(request.user, policy, summary=form.texts("summary"), body=form.texts("body")),
            _("The draft is saved. Put it out for public comment or publish it."),
            lambda version_pk: reverse("transparency:staff_version", args=[version_pk]),
            refused=services.PolicyError)
        if done is not None:
            return done
    return render(request, "transparency/policies/staff/draft_form.html", {
        "form": form, "policy": policy, "title": policy.title_in(current_language())},
        status=400 if form.errors else 200)


def _render_version(request, version: PolicyVersion, status: int = 200, **bound):
    language, today = current_language(), request.agency.today()
    comments = list(version.comments.select_related("neighbourhood").order_by("submitted_at", "id"))
    answer_forms = bound.pop("answer_forms", {})
    if version.has_comment_period:
        publish_form = PublishFinalForm(prefix="publish", initial={
            "effective_on": today, **PublishFinalForm.initial_texts("summary", version.summary),
            **PublishFinalForm.initial_texts("body", version.body)})
    else:
        publish_form = PublishForm(prefix="publish", initial={"effective_on": today})
    forms = {"period_form": CommentPeriodForm(prefix="period", initial={
                 "opens_on": version.comment_opens_on or today, "closes_on": version.comment_closes_on}),
             "publish_form": publish_form, **bound}
    return render(request, "transparency/policies/staff/version.html", {
        "version": version, "policy": version.policy, "title": version.policy.title_in(language),
        "summary": version.summary_in(language), "body": version.body_in(language),
        "changes": version.changes_in(language), "today": today,
        "is_open": version.is_open_for_comment(today), "is_public": version.is_public(today),
        "pending": sum(1 for c in comments if c.status == CommentStatus.PENDING),
        "rejected": sum(1 for c in comments if c.status == CommentStatus.REJECTED),
        "answerable": [(c, answer_forms.get(c.pk) or AnswerForm(prefix=f"answer-{c.pk}",
                                                                 initial={"answer": c.answer}))
                       for c in comments if c.status == CommentStatus.APPROVED],
        "can_moderate": can(request.user, request.agency, Action.MODERATE_COMMENTS), **forms}, status=status)


@manage_policies
@require_safe
def staff_version(request, pk):
    return _render_version(request, _version(request, pk))


@manage_policies
@require_POST
def staff_comment_period(request, pk):
    version = _version(request, pk)
    form = CommentPeriodForm(request.POST, prefix="period")
    return run_form(
        request, form,
        lambda data: services.open_for_comment(request.user, version, opens_on=data["opens_on"],
                                               closes_on=data["closes_on"]),
        _("The comment period is set. Residents can comment on the draft's public page while it is open."),
        reverse("transparency:staff_version", args=[version.pk]) + "#comment-period",
        lambda: _render_version(request, version, status=400, period_form=form), refused=services.PolicyError)


@manage_policies
@require_POST
def staff_publish(request, pk):
    version = _version(request, pk)
    consulted = version.has_comment_period
    form = (PublishFinalForm if consulted else PublishForm)(request.POST, prefix="publish")
    if form.is_valid():
        extra = {"changes_from_comments": form.texts("changes"), "summary": form.texts("summary"),
                 "body": form.texts("body")} if consulted else {}
        try:
            published = services.publish(request.user, version, effective_on=form.cleaned_data["effective_on"],
                                         **extra)
        except services.PolicyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Version %(number)s is published and in force. Officers are asked to "
                                        "acknowledge it.") % {"number": published.number})
            return redirect("transparency:staff_version", pk=published.pk)
    return _render_version(request, version, status=400, publish_form=form)


@manage_policies
@require_POST
def staff_comment_answer(request, pk):
    comment = _comment(request, pk)
    form = AnswerForm(request.POST, prefix=f"answer-{comment.pk}")
    return run_form(
        request, form, lambda data: services.answer_comment(request.user, comment, answer=data["answer"]),
        _("The answer is published under the comment."),
        reverse("transparency:staff_version", args=[comment.version_id]) + f"#comment-{comment.pk}",
        lambda: _render_version(request, comment.version, status=400, answer_forms={comment.pk: form}),
        refused=services.PolicyError)


# ---------------------------------------------------------------- console: moderation

@moderate_comments
@require_safe
def staff_moderation(request):
    language = current_language()
    page = Paginator(services.moderation_queue(request.agency), PAGE_SIZE).get_page(request.GET.get("page"))
    return private(render(request, "transparency/policies/staff/moderation.html", {
        "page": page, "rows": [(c, c.version.policy.title_in(language)) for c in page.object_list]}))


def _render_comment(request, comment: PolicyComment, status: int = 200, **bound):
    forms = {"approve_form": ModerationForm(prefix="approve", initial={"published_text": comment.published_text}),
             "reject_form": RejectForm(prefix="reject"), **bound}
    return private(render(request, "transparency/policies/staff/comment.html", {
        "comment": comment, "policy": comment.version.policy,
        "title": comment.version.policy.title_in(current_language()), **forms}, status=status))


@moderate_comments
@require_safe
def staff_comment(request, pk):
    return _render_comment(request, _comment(request, pk))


@moderate_comments
@require_POST
def staff_comment_approve(request, pk):
    comment = _comment(request, pk)
    form = ModerationForm(request.POST, prefix="approve")
    return run_form(
        request, form,
        lambda data: services.approve_comment(request.user, comment, published_text=data["published_text"]),
        _("The comment is published on the draft's page."), reverse("transparency:staff_moderation"),
        lambda: _render_comment(request, comment, status=400, approve_form=form), refused=services.PolicyError)


@moderate_comments
@require_POST
def staff_comment_reject(request, pk):
    comment = _comment(request, pk)
    form = RejectForm(request.POST, prefix="reject")
    return run_form(
        request, form, lambda data: services.reject_comment(request.user, comment, reason=data["reason"]),
        _("The comment is not published. The reason is kept on record."),
        reverse("transparency:staff_moderation"),
        lambda: _render_comment(request, comment, status=400, reject_form=form), refused=services.PolicyError)


# ---------------------------------------------------------------- console: acknowledgements

@acknowledge_policies
@require_safe
def my_acknowledgements(request):
    language = current_language()
    officer = services.officer_of(request.user, request.agency)
    due = list(services.to_acknowledge(officer)) if officer else []
    return render(request, "transparency/policies/staff/to_acknowledge.html", {
        "officer": officer, "rows": [(v, v.policy.title_in(language), v.summary_in(language)) for v in due]})


@acknowledge_policies
@require_POST
def acknowledge(request, pk):
    version = get_object_or_404(scoped(PolicyVersion, request.agency).select_related("policy"), pk=pk)
    try:
        services.acknowledge(request.user, version)
    except services.PolicyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Acknowledged: %(number)s version %(version)s.") % {
            "number": version.policy.number, "version": version.number})
    return redirect("transparency:staff_my_acknowledgements")


@staff_required(Action.USE_CONSOLE)
@require_safe
def team_acknowledgements(request):
    """Only an officer who supervises others sees this page, and only for their own people. Anyone else who may
    see every officer's acknowledgements is sent to the overview."""
    supervisor = services.officer_of(request.user, request.agency)
    if supervisor is None or not supervisor.supervisees.exists():
        if can(request.user, request.agency, Action.VIEW_ACKNOWLEDGEMENTS):
            return redirect("transparency:staff_acknowledgement_overview")
        raise PermissionDenied
    language = current_language()
    rows = [(person, [(v, v.policy.title_in(language)) for v in missing])
            for person, missing in services.missing_for_supervisor(supervisor)]
    return render(request, "transparency/policies/staff/team.html", {
        "supervisor": supervisor, "rows": rows, "behind": sum(1 for _person, missing in rows if missing)})


@view_acknowledgements
@require_safe
def acknowledgement_overview(request):
    language = current_language()
    rows = [(item, item.version.policy.title_in(language)) for item in services.acknowledgement_overview(
        request.agency)]
    return render(request, "transparency/policies/staff/overview.html", {"rows": rows})


@view_acknowledgements
@require_safe
def acknowledgement_version(request, pk):
    version = get_object_or_404(scoped(PolicyVersion, request.agency).select_related("policy"), pk=pk,
                                status=VersionStatus.IN_FORCE)
    groups = services.missing_by_unit(version)
    required = services.officers_required(request.agency).count()
    missing = sum(len(people) for _unit, people in groups)
    return render(request, "transparency/policies/staff/overview_version.html", {
        "version": version, "title": version.policy.title_in(current_language()), "groups": groups,
        "required": required, "acknowledged": required - missing, "missing": missing})


urlpatterns = [
    path("policies/", library, name="policies"),
    path("policies/<slug:number>/", policy_page, name="policy"),
    path("policies/<slug:number>/compare/", compare, name="policy_compare"),
    path("policies/<slug:number>/versions/<int:version>/", version_page, name="policy_version"),
    path("console/policies/", staff_policies, name="staff_policies"),
    path("console/policies/new/", staff_policy_new, name="staff_policy_new"),
    path("console/policies/comments/", staff_moderation, name="staff_moderation"),
    path("console/policies/comments/<int:pk>/", staff_comment, name="staff_comment"),
    path("console/policies/comments/<int:pk>/approve/", staff_comment_approve, name="staff_comment_approve"),
    path("console/policies/comments/<int:pk>/reject/", staff_comment_reject, name="staff_comment_reject"),
    path("console/policies/comments/<int:pk>/answer/", staff_comment_answer, name="staff_comment_answer"),
    path("console/policies/versions/<int:pk>/", staff_version, name="staff_version"),
    path("console/policies/versions/<int:pk>/comment-period/", staff_comment_period, name="staff_comment_period"),
    path("console/policies/versions/<int:pk>/publish/", staff_publish, name="staff_publish"),
    path("console/policies/<int:pk>/", staff_policy, name="staff_policy"),
    path("console/policies/<int:pk>/drafts/new/", staff_draft_new, name="staff_draft_new"),
    path("console/acknowledgements/", my_acknowledgements, name="staff_my_acknowledgements"),
    path("console/acknowledgements/team/", team_acknowledgements, name="staff_team_acknowledgements"),
    path("console/acknowledgements/overview/", acknowledgement_overview, name="staff_acknowledgement_overview"),
    path("console/acknowledgements/overview/<int:pk>/", acknowledgement_version,
         name="staff_acknowledgement_version"),
    path("console/acknowledgements/<int:pk>/", acknowledge, name="staff_acknowledge"),
]
