"""Recognition: positive stories about officers and residents, and award programs with nominations, a review
panel's scores and the awards announced.

A resident's story is published only after staff read it: the moderator sees the text as sent and with personal
details redacted. Submitters' and nominators' names and contact details are encrypted at rest and never reach a
public page, a feed or an export.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonbeat.core.crypto import EncryptedTextField
from commonbeat.core.models import AgencyOwned, Neighbourhood, Officer
from commonbeat.core.texts import text_in


class StoryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    PUBLISHED = "published", _("Published")
    DECLINED = "declined", _("Not published")


class StorySource(models.TextChoices):
    STAFF = "staff", _("Written by staff")
    RESIDENT = "resident", _("Shared by a resident")


def photo_path(story: "Story", filename: str) -> str:
    return f"recognition/stories/{story.agency_id}/{filename}"


class Story(AgencyOwned):
    """A positive story. Public only once published; the submitted text (which may name people) stays private."""

    slug = models.SlugField(_("short name"), max_length=80)
    status = models.CharField(_("status"), max_length=12, choices=StoryStatus.choices, default=StoryStatus.PENDING)
    source = models.CharField(_("source"), max_length=10, choices=StorySource.choices)
    title = models.JSONField(_("title"), default=dict, blank=True)
    body = models.JSONField(_("story"), default=dict, blank=True)
    submitted_title = EncryptedTextField(_("title as sent"), blank=True)
    submitted_text = EncryptedTextField(_("story as sent"), blank=True)
    submitted_language = models.CharField(_("language"), max_length=8, default="en")
    submitter_name = EncryptedTextField(_("submitter's name"), blank=True)
    submitter_email = EncryptedTextField(_("submitter's e-mail"), blank=True)
    submission_token = models.CharField(max_length=64, null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    photo_description = models.JSONField(_("photo description"), default=dict, blank=True)
    photo_consent = models.BooleanField(_("everyone in the photo agreed"), default=False)
    officer = models.ForeignKey(Officer, null=True, blank=True, on_delete=models.PROTECT, related_name="stories",
                                verbose_name=_("officer named"))
    community_member = models.CharField(_("community member named"), max_length=120, blank=True)
    community_member_agreed = models.BooleanField(_("the community member agreed to be named"), default=False)
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="stories", verbose_name=_("neighbourhood"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("received"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-published_at", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "slug"], name="story_slug_per_agency"),
            models.UniqueConstraint(fields=["agency", "submission_token"], name="story_submission_once"),
        ]
        indexes = [models.Index(fields=["agency", "status", "published_at"])]

    def __str__(self) -> str:
        return text_in(self.title, "en") or self.slug

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)

    def body_in(self, language: str) -> str:
        return text_in(self.body, language)

    def photo_description_in(self, language: str) -> str:
        return text_in(self.photo_description, language)

    @property
    def is_translated(self) -> bool:
        return all((self.title or {}).get(code) and (self.body or {}).get(code) for code, _n in settings.LANGUAGES)


class NomineeKind(models.TextChoices):
    OFFICER = "officer", _("Officers")
    COMMUNITY = "community", _("Community members")


class AwardProgram(AgencyOwned):
    """An award given each year, to officers or to community members, with a nomination window and a panel."""

    slug = models.SlugField(_("short name"), max_length=60)
    name = models.JSONField(_("name"), default=dict)
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    nominee_kind = models.CharField(_("who can be nominated"), max_length=10, choices=NomineeKind.choices)
    opens_on = models.DateField(_("nominations open"))
    closes_on = models.DateField(_("nominations close"))
    panel = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="award_panels",
                                   verbose_name=_("review panel"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("award program")
        verbose_name_plural = _("award programs")
        ordering = ["slug"]
        constraints = [models.UniqueConstraint(fields=["agency", "slug"], name="award_program_slug_per_agency")]
        indexes = [models.Index(fields=["agency", "closes_on"])]

    def __str__(self) -> str:
        return text_in(self.name, "en")

    def name_in(self, language: str) -> str:
        return text_in(self.name, language)

    def criteria_in(self, language: str) -> str:
        return text_in(self.criteria, language)

    def is_open(self, today) -> bool:
        return self.opens_on <= today <= self.closes_on

    @property
    def year(self) -> int:
        """The award year of the current window: the year nominations close."""
        return self.closes_on.year


class NominationSource(models.TextChoices):
    PUBLIC = "public", _("From the public")
    STAFF = "staff", _("From staff")
    COMMENDATION = "commendation", _("From a commendation")


class Nomination(AgencyOwned):
    """Someone put forward for an award in one year. The nominator's identity is for staff only."""

    program = models.ForeignKey(AwardProgram, on_delete=models.PROTECT, related_name="nominations",
                                verbose_name=_("award"))
    year = models.PositiveSmallIntegerField(_("year"))
    officer = models.ForeignKey(Officer, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="nominations", verbose_name=_("officer"))
    nominee_name = models.CharField(_("community member"), max_length=120, blank=True)
    reason = models.TextField(_("why they deserve it"))
    source = models.CharField(_("source"), max_length=12, choices=NominationSource.choices)
    nominator_name = EncryptedTextField(_("nominator's name"), blank=True)
    nominator_contact = EncryptedTextField(_("nominator's contact"), blank=True)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    commendation = models.ForeignKey("feedback.Report", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("commendation"))
    submission_token = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(_("received"))

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "submission_token"], name="nomination_submission_once"),
            models.UniqueConstraint(fields=["program", "year", "commendation", "officer"],
                                    name="commendation_nominated_once"),
        ]
        indexes = [models.Index(fields=["agency", "program", "year"])]

    def __str__(self) -> str:
        return self.nominee

    @property
    def nominee(self) -> str:
        if self.officer_id:
            return f"{self.officer.rank} {self.officer.first_name} {self.officer.last_name}"
        return self.nominee_name


class PanelScore(AgencyOwned):
    """One panel member's score (1–5) for one nomination, changeable until the year's awards are announced."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("panel score")
        verbose_name_plural = _("panel scores")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "member"], name="one_score_per_member"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="score_one_to_five"),
        ]
        indexes = [models.Index(fields=["agency", "nomination"])]


class Award(AgencyOwned):
    """A winner announced for a program and year, with the public citation in each language."""

    program = models.ForeignKey(AwardProgram, on_delete=models.PROTECT, related_name="awards")
    year = models.PositiveSmallIntegerField(_("year"))
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="award")
    citation = models.JSONField(_("citation"), default=dict)
    announced_at = models.DateTimeField(_("announced"))
    announced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-year", "program", "id"]
        indexes = [models.Index(fields=["agency", "year"])]

    def citation_in(self, language: str) -> str:
        return text_in(self.citation, language)
