"""The policy library: each policy in numbered versions, drafts put out for public comment, residents' comments
(held until a moderator approves their redacted text), the department's answers, and officers'
acknowledgements of each version in force.

A comment keeps what the resident typed (`original_text`, encrypted at rest) for the moderator only; the public
pages read `published_text`, which is the redacted text the moderator approved, and nothing else of the comment
but the optional first name and neighbourhood.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonbeat.core.crypto import EncryptedTextField
from commonbeat.core.models import AgencyOwned, Neighbourhood, Officer
from commonbeat.core.texts import text_in

__all__ = [
    "Acknowledgement",
    "CommentStatus",
    "Policy",
    "PolicyCategory",
    "PolicyComment",
    "PolicyVersion",
    "VersionStatus",
]


class PolicyCategory(models.TextChoices):
    USE_OF_FORCE = "use_of_force", _("Use of force")
    FIELD_OPERATIONS = "field_operations", _("Field operations")
    EQUIPMENT = "equipment", _("Equipment and technology")
    CONDUCT = "conduct", _("Conduct and accountability")
    COMMUNITY = "community", _("Community relations")


class Policy(AgencyOwned):
    """A standing policy of the department, known by its number (e.g. GO-300)."""

    number = models.CharField(_("policy number"), max_length=20)
    title = models.JSONField(_("title"), default=dict)
    category = models.CharField(_("category"), max_length=20, choices=PolicyCategory.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="policy_number_per_agency")]
        indexes = [models.Index(fields=["agency", "category", "number"])]

    def __str__(self) -> str:
        return f"{self.number} {text_in(self.title, 'en')}"

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded")
    COMMENT_DRAFT = "comment_draft", _("Draft put out for public comment")


class PolicyVersion(AgencyOwned):
    """One version of a policy. A draft may be put out for public comment between two dates (in agency time);
    once its comments are moderated and the period has closed, the final version is published as a new version
    that says what changed in response to the comments, and the draft stays on record."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions", verbose_name=_("policy"))
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=16, choices=VersionStatus.choices,
                              default=VersionStatus.DRAFT)
    summary = models.JSONField(_("summary"), default=dict)
    body = models.JSONField(_("full text"), default=dict)
    effective_on = models.DateField(_("in force from"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    comment_opens_on = models.DateField(_("comments open on"), null=True, blank=True)
    comment_closes_on = models.DateField(_("comments close on"), null=True, blank=True)
    comment_draft = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="final_version", verbose_name=_("draft commented on"))
    changes_from_comments = models.JSONField(_("what changed in response to comments"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["policy", "number"]
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="policy_version_number")]
        indexes = [models.Index(fields=["agency", "status"]),
                   models.Index(fields=["agency", "comment_closes_on"])]

    def __str__(self) -> str:
        return f"{self.policy.number} v{self.number}"

    def summary_in(self, language: str) -> str:
        return text_in(self.summary, language)

    def body_in(self, language: str) -> str:
        return text_in(self.body, language)

    def changes_in(self, language: str) -> str:
        return text_in(self.changes_from_comments, language)

    @property
    def has_comment_period(self) -> bool:
        return self.comment_opens_on is not None and self.comment_closes_on is not None

    def is_open_for_comment(self, today) -> bool:
        return (self.status == VersionStatus.DRAFT and self.has_comment_period
                and self.comment_opens_on <= today <= self.comment_closes_on)

    def is_public(self, today) -> bool:
        if self.status == VersionStatus.DRAFT:
            return self.has_comment_period and self.comment_opens_on <= today
        return True


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Not published")


class PolicyComment(AgencyOwned):
    """A resident's comment on a draft. Shown publicly only once approved, and then only its redacted text."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="comments",
                                verbose_name=_("draft"))
    original_text = EncryptedTextField(_("comment as sent"))
    published_text = models.TextField(_("comment as published"))
    first_name = EncryptedTextField(_("first name"), blank=True)
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("neighbourhood"))
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(_("status"), max_length=10, choices=CommentStatus.choices,
                              default=CommentStatus.PENDING)
    rejection_reason = models.CharField(_("why it was not published"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("sent at"))
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    answer = models.TextField(_("the department's answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = _("public comment")
        verbose_name_plural = _("public comments")
        ordering = ["submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "idempotency_key"], name="policy_comment_once")]
        indexes = [models.Index(fields=["agency", "status", "submitted_at"])]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.version_id}"


class Acknowledgement(AgencyOwned):
    """An officer has read a version of a policy. One per officer and version."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="acknowledgements",
                                verbose_name=_("policy version"))
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="policy_acknowledgements",
                                verbose_name=_("officer"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ["acknowledged_at", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "officer"], name="one_acknowledgement")]
        indexes = [models.Index(fields=["agency", "version"]), models.Index(fields=["agency", "officer"])]

    def __str__(self) -> str:
        return f"{self.officer_id} read {self.version_id}"
