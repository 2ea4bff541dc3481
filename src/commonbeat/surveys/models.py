"""Surveys: questions in several languages, distribution by link, QR code, embed and invitation, and the
responses from which the trust index is computed.

Texts a resident reads are stored per language as {"en": "...", "es": "..."}; `text_in()` picks one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonbeat.core.models import AgencyOwned, Neighbourhood
from commonbeat.core.texts import text_in  # noqa: F401  (re-exported: surveys code reads it from here)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class QuestionKind(models.TextChoices):
    SCALE_0_10 = "scale_0_10", _("0–10 scale")
    AGREEMENT_5 = "agreement_5", _("5-point agreement")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    FREE_TEXT = "free_text", _("Free text")
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
    ZIP = "zip", _("ZIP code")


class Channel(models.TextChoices):
    LINK = "link", _("Public link")
    QR = "qr", _("QR code")
    EMBED = "embed", _("Embedded page")
    INVITATION = "invitation", _("Invitation")


class Survey(AgencyOwned):
    slug = models.SlugField(_("short name"))
    title = models.JSONField(_("title"), default=dict)
    introduction = models.JSONField(_("introduction"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    counts_toward_trust_index = models.BooleanField(
        _("counts toward the trust index"), default=False,
        help_text=_("Responses feed the trust index; the survey must ask the standard trust and safety questions."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["agency", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["agency", "slug"], name="survey_slug_per_agency")]

    def __str__(self) -> str:
        return text_in(self.title, "en")


class Question(models.Model):
    """One question. `code` names the standard items the trust index reads (safety, respect, listen,
    top_issue, age_band, gender, race_ethnicity, neighbourhood); agency questions get their own codes."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.JSONField(_("question"), default=dict)
    help_text = models.JSONField(_("hint"), default=dict, blank=True)
    # [{"value": "18-29", "label": {"en": "18 to 29", "es": "18 a 29"}}, ...]
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    module = models.CharField(_("module"), max_length=30, blank=True,
                              help_text=_("standard, procedural_justice, or empty for the agency's own."))

    class Meta:
        ordering = ["survey", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="question_code_per_survey")]

    def __str__(self) -> str:
        return f"{self.survey}: {self.code}"


class Invitation(AgencyOwned):
    """A single-use link for a panel member. Only the token's hash is stored."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    panel = models.CharField(_("panel"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.survey} invitation {self.pk}"


class Response(AgencyOwned):
    """One person's answers. Anonymous: no IP address, cookie or account is stored with it.

    The fields the trust index needs (neighbourhood, demographics, the standard items) are copied here
    when the response is stored, so recomputing the index reads one table."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    submitted_at = models.DateTimeField()
    language = models.CharField(max_length=8, default="en")
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.LINK)
    invitation = models.OneToOneField(Invitation, null=True, blank=True, on_delete=models.PROTECT)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    eligible = models.BooleanField(default=True)
    ineligible_reason = models.CharField(max_length=40, blank=True)
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.PROTECT)
    age_band = models.CharField(max_length=20, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    race_ethnicity = models.CharField(max_length=30, blank=True)
    safety = models.FloatField(null=True, blank=True, help_text=_("0–10"))
    respect = models.FloatField(null=True, blank=True, help_text=_("0–10"))
    listen = models.FloatField(null=True, blank=True, help_text=_("0–10"))

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [models.UniqueConstraint(fields=["survey", "idempotency_key"], name="response_idempotency")]
        indexes = [
            models.Index(fields=["agency", "survey", "submitted_at"]),
            models.Index(fields=["agency", "eligible", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.survey} response {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    number = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question.code}"
