"""Every change to the policy library: policies and their versions, public comment periods, residents'
comments and their moderation, the department's answers, publication, and officers' acknowledgements.

Each service takes the acting user (a resident is `AnonymousUser()`) and the agency or the object explicitly,
checks the role, runs in one transaction and writes its audit event there. The audit log holds codes and ids,
never a comment's text or a resident's name.

Reading: `public_versions`, `current_version`, `diff_versions` for the public pages; `officers_required`,
`to_acknowledge`, `missing_for_supervisor` and `acknowledgement_overview` for acknowledgements.
"""

import difflib
import re
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from commonbeat.accounts.roles import Action, can
from commonbeat.core import audit
from commonbeat.core.models import Agency, Neighbourhood, Officer
from commonbeat.core.tenancy import officer_of, scoped
from commonbeat.insights.text.redaction import redact

from ..models import (
    Acknowledgement,
    CommentStatus,
    Policy,
    PolicyCategory,
    PolicyComment,
    PolicyVersion,
    VersionStatus,
)

RESIDENT = AnonymousUser()
NUMBER_PATTERN = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
COMMENT_MAX_LENGTH = 4000


class PolicyError(Exception):
    """A change that cannot be made, with a message a person can read."""


def _require(actor, agency: Agency, action: Action) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _texts(texts: dict | None) -> dict:
    return {language: text.strip() for language, text in (texts or {}).items() if text and text.strip()}


# ---------------------------------------------------------------- policies and versions

@transaction.atomic
def create_policy(actor, agency: Agency, *, number: str, title: dict, category: str) -> Policy:
    """A new policy, known by a number unique in the agency (letters, digits and hyphens, e.g. GO-300)."""
    _require(actor, agency, Action.MANAGE_POLICIES)
    number = number.strip().upper()
    if not NUMBER_PATTERN.match(number):
        raise PolicyError(_("Give the policy number as letters, digits and hyphens, e.g. GO-300."))
    if not _texts(title).get("en"):
        raise PolicyError(_("Give the policy a title in English."))
    if category not in PolicyCategory.values:
        raise PolicyError(_("Choose the policy's category."))
    if scoped(Policy, agency).filter(number=number).exists():
        raise PolicyError(_("Another policy already has this number."))
    policy = Policy.objects.create(agency=agency, number=number, title=_texts(title), category=category)
    audit.record("transparency.policy_created", actor=actor, agency=agency, target=policy,
                 changes={"number": number, "category": category})
    return policy


@transaction.atomic
def add_draft(actor, policy: Policy, *, summary: dict, body: dict) -> PolicyVersion:
    """A new draft version, numbered after the last one. A policy has at most one draft at a time."""
    _require(actor, policy.agency, Action.MANAGE_POLICIES)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    if policy.versions.filter(status=VersionStatus.DRAFT).exists():
        raise PolicyError(_("This policy already has a draft. Publish it before starting another."))
    if not _texts(summary).get("en") or not _texts(body).get("en"):
        raise PolicyError(_("Give the draft a summary and its full text in English."))
    number = (policy.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = PolicyVersion.objects.create(agency=policy.agency, policy=policy, number=number,
                                           summary=_texts(summary), body=_texts(body),
                                           created_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit.record("transparency.policy_draft_added", actor=actor, agency=policy.agency, target=version,
                 changes={"policy": policy.pk, "version": number})
    return version


@transaction.atomic
def open_for_comment(actor, version: PolicyVersion, *, opens_on: date, closes_on: date) -> PolicyVersion:
    """Put a draft out for public comment from one day to another (both included, in agency time). The period
    can be changed until it has closed; it must end today or later and last at least a day. Once it has opened,
    the day it opened stays: moving it later would take a public draft, and its comments, off the site."""
    _require(actor, version.agency, Action.MANAGE_POLICIES)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    today = version.agency.today()
    if version.status != VersionStatus.DRAFT:
        raise PolicyError(_("Only a draft can be put out for comment."))
    if version.has_comment_period and version.comment_closes_on < today:
        raise PolicyError(_("The comment period for this draft has already closed."))
    if version.has_comment_period and version.comment_opens_on <= today \
            and opens_on != version.comment_opens_on:
        raise PolicyError(_("Comments on this draft opened on %(day)s; that day cannot be changed now.")
                          % {"day": version.comment_opens_on.isoformat()})
    if closes_on < opens_on:
        raise PolicyError(_("The comment period must close on or after the day it opens."))
    if closes_on < today:
        raise PolicyError(_("The comment period must close today or later."))
    version.comment_opens_on, version.comment_closes_on = opens_on, closes_on
    version.save(update_fields=["comment_opens_on", "comment_closes_on"])
    audit.record("transparency.policy_comment_period_set", actor=actor, agency=version.agency, target=version,
                 changes={"opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat()})
    return version


def _supersede_current(version: PolicyVersion) -> None:
    for current in (PolicyVersion.objects.select_for_update()
                    .filter(policy=version.policy, status=VersionStatus.IN_FORCE).exclude(pk=version.pk)):
        current.status = VersionStatus.SUPERSEDED
        current.save(update_fields=["status"])


@transaction.atomic
def publish(actor, draft: PolicyVersion, *, effective_on: date, changes_from_comments: dict | None = None,
            summary: dict | None = None, body: dict | None = None) -> PolicyVersion:
    """Publish a draft; the version in force until now is superseded, and every active officer is asked to
    acknowledge the new one.

    A draft that was put out for comment is kept on record as it was commented on: the final text (`summary`,
    `body`, the draft's own when not given) becomes a new version that says, in English and Spanish, what
    changed in response to the comments. That can only happen once the comment period has closed and every
    comment has been moderated, so no resident's comment is cut off or left unread."""
    _require(actor, draft.agency, Action.MANAGE_POLICIES)
    draft = PolicyVersion.objects.select_for_update().select_related("policy").get(pk=draft.pk)
    agency, today, now = draft.agency, draft.agency.today(), timezone.now()
    if draft.status != VersionStatus.DRAFT:
        raise PolicyError(_("Only a draft can be published."))
    if effective_on is None:
        raise PolicyError(_("Give the day the policy comes into force."))
    if not draft.has_comment_period:
        published = draft
    else:
        if today <= draft.comment_closes_on:
            raise PolicyError(_("The comment period is still open until %(day)s. Publish after it closes.")
                              % {"day": draft.comment_closes_on.isoformat()})
        if draft.comments.filter(status=CommentStatus.PENDING).exists():
            raise PolicyError(_("Some comments are still waiting for moderation. Approve or reject them first."))
        changes = _texts(changes_from_comments)
        if not changes.get("en") or not changes.get("es"):
            raise PolicyError(_("Say what changed in response to the comments, in English and in Spanish."))
        final_summary, final_body = _texts(summary) or draft.summary, _texts(body) or draft.body
        if not final_summary.get("en") or not final_body.get("en"):
            raise PolicyError(_("Give the final version a summary and its full text in English."))
        draft.status = VersionStatus.COMMENT_DRAFT
        draft.save(update_fields=["status"])
        published = PolicyVersion.objects.create(
            agency=agency, policy=draft.policy, number=draft.number + 1, summary=final_summary, body=final_body,
            comment_draft=draft, changes_from_comments=changes,
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
    _supersede_current(published)
    published.status, published.effective_on, published.published_at = VersionStatus.IN_FORCE, effective_on, now
    published.save(update_fields=["status", "effective_on", "published_at"])
    audit.record("transparency.policy_published", actor=actor, agency=agency, target=published,
                 changes={"policy": draft.policy_id, "version": published.number,
                          "effective_on": effective_on.isoformat(),
                          "comment_draft": published.comment_draft_id})
    return published


# ---------------------------------------------------------------- reading the library

def public_versions(policy: Policy, today: date) -> list[PolicyVersion]:
    """The versions a resident may read: everything published, and drafts once their comment period opened."""
    return [v for v in policy.versions.order_by("-number") if v.is_public(today)]


def public_versions_filter(today: date) -> Q:
    """The same rule as `public_versions`, for querysets of versions."""
    return (Q(status__in=[VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED, VersionStatus.COMMENT_DRAFT])
            | Q(status=VersionStatus.DRAFT, comment_opens_on__lte=today, comment_closes_on__isnull=False))


def public_policies(agency: Agency, today: date) -> QuerySet[Policy]:
    """Policies with at least one version a resident may read."""
    visible = scoped(PolicyVersion, agency).filter(public_versions_filter(today)).values("policy_id")
    return scoped(Policy, agency).filter(pk__in=visible)


def search_policies(agency: Agency, today: date, query: str = "", category: str = "") -> QuerySet[Policy]:
    """Public policies whose number, title, or a readable version's summary or text contains `query`."""
    policies = public_policies(agency, today)
    if category in PolicyCategory.values:
        policies = policies.filter(category=category)
    query = query.strip()
    if query:
        readable = scoped(PolicyVersion, agency).filter(public_versions_filter(today))
        in_versions = readable.filter(Q(summary__en__icontains=query) | Q(summary__es__icontains=query)
                                      | Q(body__en__icontains=query) | Q(body__es__icontains=query))
        policies = policies.filter(Q(number__icontains=query) | Q(title__en__icontains=query)
                                   | Q(title__es__icontains=query) | Q(pk__in=in_versions.values("policy_id")))
    return policies.order_by("number")


def current_version(policy: Policy) -> PolicyVersion | None:
    return policy.versions.filter(status=VersionStatus.IN_FORCE).first()


def open_drafts(agency: Agency, today: date) -> QuerySet[PolicyVersion]:
    """Drafts open for public comment today, closing soonest first."""
    return (scoped(PolicyVersion, agency)
            .filter(status=VersionStatus.DRAFT, comment_opens_on__lte=today, comment_closes_on__gte=today)
            .select_related("policy").order_by("comment_closes_on", "id"))


@dataclass
class DiffLine:
    """One paragraph of a comparison: kind is "same", "added" or "removed"; `parts` are (kind, text) pieces:
    "plain", or, in a paragraph that was rewritten, "added" and "removed" for the words that changed."""

    kind: str
    parts: list[tuple[str, str]] = field(default_factory=list)


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _word_parts(old: str, new: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    old_words, new_words = old.split(), new.split()
    removed, added = [], []
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if tag == "equal":
            removed.append(("plain", " ".join(old_words[a1:a2])))
            added.append(("plain", " ".join(new_words[b1:b2])))
            continue
        if a2 > a1:
            removed.append(("removed", " ".join(old_words[a1:a2])))
        if b2 > b1:
            added.append(("added", " ".join(new_words[b1:b2])))
    return removed, added


def diff_texts(old: str, new: str) -> list[DiffLine]:
    """Paragraph by paragraph, what was removed from `old` and added in `new`; within a paragraph that was
    rewritten, the words that changed."""
    old_lines, new_lines = _paragraphs(old), _paragraphs(new)
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", [("plain", text)]) for text in old_lines[a1:a2]]
        elif tag == "delete":
            lines += [DiffLine("removed", [("plain", text)]) for text in old_lines[a1:a2]]
        elif tag == "insert":
            lines += [DiffLine("added", [("plain", text)]) for text in new_lines[b1:b2]]
        else:
            olds, news = old_lines[a1:a2], new_lines[b1:b2]
            for index in range(max(len(olds), len(news))):
                if index < len(olds) and index < len(news):
                    removed, added = _word_parts(olds[index], news[index])
                    lines += [DiffLine("removed", removed), DiffLine("added", added)]
                elif index < len(olds):
                    lines.append(DiffLine("removed", [("plain", olds[index])]))
                else:
                    lines.append(DiffLine("added", [("plain", news[index])]))
    return lines


def diff_versions(old: PolicyVersion, new: PolicyVersion, language: str) -> list[DiffLine]:
    return diff_texts(old.body_in(language), new.body_in(language))


# ---------------------------------------------------------------- public comments

@dataclass
class Commented:
    comment: PolicyComment
    created: bool


def submit_comment(agency: Agency, version: PolicyVersion, *, text: str, first_name: str = "",
                   neighbourhood: Neighbourhood | None = None, language: str = "en",
                   idempotency_key: str | None = None) -> Commented:
    """A resident comments on a draft open for comment. The text is redacted at once; nothing is shown until a
    moderator approves it. The form's one-time token makes a repeat return the first comment."""
    if version.agency_id != agency.pk:
        raise PolicyError(_("This draft is not one of this agency's."))
    if idempotency_key:
        earlier = version.comments.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return Commented(earlier, False)
    today = agency.today()
    if not version.is_open_for_comment(today):
        if version.has_comment_period and version.status == VersionStatus.DRAFT \
                and today < version.comment_opens_on:
            raise PolicyError(_("Comments on this draft open on %(day)s.")
                              % {"day": version.comment_opens_on.isoformat()})
        if version.has_comment_period:
            raise PolicyError(_("The comment period for this draft closed on %(day)s. Comments are no longer "
                                "accepted.") % {"day": version.comment_closes_on.isoformat()})
        raise PolicyError(_("This version is not open for comment."))
    text = (text or "").strip()
    if not text:
        raise PolicyError(_("Write your comment."))
    if len(text) > COMMENT_MAX_LENGTH:
        raise PolicyError(_("Keep your comment under %(count)s characters.") % {"count": COMMENT_MAX_LENGTH})
    if neighbourhood is not None and neighbourhood.agency_id != agency.pk:
        raise PolicyError(_("Choose one of the neighbourhoods listed."))
    try:
        with transaction.atomic():
            comment = PolicyComment.objects.create(
                agency=agency, version=version, original_text=text, published_text=redact(text, agency=agency),
                first_name=(first_name or "").strip()[:40], neighbourhood=neighbourhood, language=language[:8],
                submitted_at=timezone.now(), idempotency_key=idempotency_key or None)
            audit.record("transparency.policy_comment_received", actor=RESIDENT, agency=agency, target=comment,
                         changes={"version": version.pk})
    except IntegrityError:
        return Commented(version.comments.get(idempotency_key=idempotency_key), False)
    return Commented(comment, True)


def _pending(comment: PolicyComment) -> PolicyComment:
    locked = PolicyComment.objects.select_for_update().get(pk=comment.pk)
    if locked.status != CommentStatus.PENDING:
        raise PolicyError(_("This comment has already been moderated."))
    return locked


@transaction.atomic
def approve_comment(actor, comment: PolicyComment, *, published_text: str) -> PolicyComment:
    """Publish a comment. Only the redacted text is published: the moderator's edit is redacted again, so a
    detail the moderator left in by mistake is still hidden."""
    _require(actor, comment.agency, Action.MODERATE_COMMENTS)
    comment = _pending(comment)
    text = redact((published_text or "").strip(), agency=comment.agency)
    if not text:
        raise PolicyError(_("The published text cannot be empty. Reject the comment instead."))
    comment.status, comment.published_text = CommentStatus.APPROVED, text
    comment.moderated_at, comment.moderated_by = timezone.now(), actor
    comment.save(update_fields=["status", "published_text", "moderated_at", "moderated_by"])
    audit.record("transparency.policy_comment_approved", actor=actor, agency=comment.agency, target=comment,
                 changes={"edited": text != redact(comment.original_text, agency=comment.agency)})
    return comment


@transaction.atomic
def reject_comment(actor, comment: PolicyComment, *, reason: str) -> PolicyComment:
    """Keep a comment off the public page, saying why (for the record; the resident is not identified)."""
    _require(actor, comment.agency, Action.MODERATE_COMMENTS)
    comment = _pending(comment)
    reason = (reason or "").strip()
    if not reason:
        raise PolicyError(_("Say why the comment is not published."))
    comment.status, comment.rejection_reason = CommentStatus.REJECTED, reason[:300]
    comment.moderated_at, comment.moderated_by = timezone.now(), actor
    comment.save(update_fields=["status", "rejection_reason", "moderated_at", "moderated_by"])
    audit.record("transparency.policy_comment_rejected", actor=actor, agency=comment.agency, target=comment)
    return comment


@transaction.atomic
def answer_comment(actor, comment: PolicyComment, *, answer: str) -> PolicyComment:
    """The department answers a published comment; the answer is published under it and can be revised."""
    _require(actor, comment.agency, Action.MANAGE_POLICIES)
    comment = PolicyComment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != CommentStatus.APPROVED:
        raise PolicyError(_("Only a published comment can be answered."))
    answer = (answer or "").strip()
    if not answer:
        raise PolicyError(_("Write the department's answer."))
    comment.answer, comment.answered_at, comment.answered_by = answer, timezone.now(), actor
    comment.save(update_fields=["answer", "answered_at", "answered_by"])
    audit.record("transparency.policy_comment_answered", actor=actor, agency=comment.agency, target=comment)
    return comment


def published_comments(version: PolicyVersion) -> QuerySet[PolicyComment]:
    return version.comments.filter(status=CommentStatus.APPROVED).select_related("neighbourhood")


def moderation_queue(agency: Agency) -> QuerySet[PolicyComment]:
    return (scoped(PolicyComment, agency).filter(status=CommentStatus.PENDING)
            .select_related("version__policy").order_by("submitted_at", "id"))


# ---------------------------------------------------------------- acknowledgements

def officers_required(agency: Agency, today: date | None = None) -> QuerySet[Officer]:
    """Officers who must acknowledge each version in force: active today, with an active user account."""
    today = today or agency.today()
    return (scoped(Officer, agency).filter(user__isnull=False, user__is_active=True, active_from__lte=today)
            .filter(Q(active_until__isnull=True) | Q(active_until__gte=today)))


def versions_in_force(agency: Agency) -> QuerySet[PolicyVersion]:
    return (scoped(PolicyVersion, agency).filter(status=VersionStatus.IN_FORCE).select_related("policy")
            .order_by("-published_at", "-id"))


def to_acknowledge(officer: Officer) -> QuerySet[PolicyVersion]:
    """The versions in force this officer has not acknowledged yet, newest first."""
    done = Acknowledgement.objects.filter(officer=officer).values("version_id")
    return versions_in_force(officer.agency).exclude(pk__in=done)


@transaction.atomic
def acknowledge(actor, version: PolicyVersion) -> Acknowledgement:
    """The signed-in officer acknowledges having read a version in force. Doing it again changes nothing."""
    agency = version.agency
    _require(actor, agency, Action.ACKNOWLEDGE_POLICIES)
    officer = officer_of(actor, agency)
    if officer is None:
        raise PolicyError(_("Your account is not linked to an officer record, so there is nothing to "
                            "acknowledge."))
    if not PolicyVersion.objects.filter(pk=version.pk, status=VersionStatus.IN_FORCE).exists():
        raise PolicyError(_("Only the version in force can be acknowledged."))
    acknowledgement, created = Acknowledgement.objects.get_or_create(
        agency=agency, version=version, officer=officer, defaults={"acknowledged_at": timezone.now()})
    if created:
        audit.record("transparency.policy_acknowledged", actor=actor, agency=agency, target=acknowledgement,
                     changes={"version": version.pk, "officer": officer.pk})
    return acknowledgement


def missing_for_supervisor(supervisor: Officer) -> list[tuple[Officer, list[PolicyVersion]]]:
    """Each of the supervisor's people who must acknowledge, with the versions in force they have not."""
    agency = supervisor.agency
    people = list(officers_required(agency).filter(supervisor=supervisor).select_related("unit")
                  .order_by("last_name", "first_name"))
    versions = list(versions_in_force(agency))
    done = set(Acknowledgement.objects.filter(officer__in=people, version__in=versions)
               .values_list("officer_id", "version_id"))
    return [(person, [v for v in versions if (person.pk, v.pk) not in done]) for person in people]


@dataclass
class VersionAcknowledgements:
    version: PolicyVersion
    required: int
    acknowledged: int

    @property
    def missing(self) -> int:
        return self.required - self.acknowledged

    @property
    def percent(self) -> int:
        return round(100 * self.acknowledged / self.required) if self.required else 100


def acknowledgement_overview(agency: Agency) -> list[VersionAcknowledgements]:
    """Per version in force: how many of the officers who must acknowledge it have done so."""
    required = officers_required(agency)
    total = required.count()
    by_version = dict(Acknowledgement.objects.filter(agency=agency, officer__in=required,
                                                     version__status=VersionStatus.IN_FORCE)
                      .values("version_id").annotate(n=Count("id")).values_list("version_id", "n"))
    return [VersionAcknowledgements(v, total, by_version.get(v.pk, 0)) for v in versions_in_force(agency)]


def missing_by_unit(version: PolicyVersion) -> list[tuple[str, list[Officer]]]:
    """The officers who have not acknowledged a version, grouped by unit (name order)."""
    missing = (officers_required(version.agency).exclude(policy_acknowledgements__version=version)
               .select_related("unit").order_by("unit__name", "last_name", "first_name"))
    groups: dict[str, list[Officer]] = {}
    for officer in missing:
        groups.setdefault(officer.unit.name if officer.unit else _("No unit"), []).append(officer)
    return list(groups.items())
