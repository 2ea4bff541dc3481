"""Partner organisations the agency works with, their agreements (memoranda of understanding), joint
initiatives with measures and milestones, and referrals of a person to a partner's service.

A referral carries only what the partner needs to reach the person: a first name and one way of contact, both
encrypted at rest, shown only to the referrer, the partner's own staff and agency admins (see
`services.can_see_person`). It never reaches a public page, an export or the API.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonbeat.core.crypto import EncryptedTextField
from commonbeat.core.models import AgencyOwned, Neighbourhood
from commonbeat.core.texts import text_in

REFERRAL_RESPONSE_DAYS = 7
OUTCOME_EXPECTED_DAYS = 30


class PartnerKind(models.TextChoices):
    NONPROFIT = "nonprofit", _("Nonprofit")
    SCHOOL = "school", _("School")
    BUSINESS = "business", _("Business")
    FAITH = "faith", _("Faith group")
    MENTAL_HEALTH = "mental_health", _("Mental-health provider")
    SOCIAL_SERVICE = "social_service", _("Social-service provider")


class Partner(AgencyOwned):
    """An organisation the agency works with. Only partners marked public appear in the public directory."""

    slug = models.SlugField(_("short name"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    description = models.JSONField(_("description"), default=dict, blank=True)
    languages = models.CharField(_("languages"), max_length=300, blank=True,
                                 help_text=_("The languages the organisation works in, separated by commas."))
    neighbourhoods = models.ManyToManyField(Neighbourhood, blank=True, related_name="partners",
                                            verbose_name=_("neighbourhoods served"))
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    email = models.EmailField(_("public e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_public = models.BooleanField(_("listed in the public directory"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "slug"], name="partner_slug_per_agency")]
        indexes = [models.Index(fields=["agency", "is_public", "name"])]

    def __str__(self) -> str:
        return self.name

    def description_in(self, language: str) -> str:
        return text_in(self.description, language)

    @property
    def language_list(self) -> list[str]:
        return [part.strip() for part in self.languages.split(",") if part.strip()]


class PartnerService(AgencyOwned):
    """A service a partner offers, to which people can be referred."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="services",
                                verbose_name=_("partner"))
    name = models.JSONField(_("name"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    accepts_referrals = models.BooleanField(_("accepts referrals"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["partner", "id"]
        indexes = [models.Index(fields=["agency", "partner"])]

    def __str__(self) -> str:
        return text_in(self.name, "en")

    def name_in(self, language: str) -> str:
        return text_in(self.name, language)

    def description_in(self, language: str) -> str:
        return text_in(self.description, language)


class PartnerUser(AgencyOwned):
    """Links a user with the PARTNER role to the one organisation whose referrals they handle."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="users", verbose_name=_("partner"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_links",
                             verbose_name=_("user"))

    class Meta:
        verbose_name = _("partner user")
        verbose_name_plural = _("partner users")
        constraints = [models.UniqueConstraint(fields=["agency", "user"], name="one_partner_per_user")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.partner}"


class Agreement(AgencyOwned):
    """A memorandum of understanding with a partner. Reminders go 60 and 14 days before it expires."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="agreements",
                                verbose_name=_("partner"))
    title = models.CharField(_("title"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    expires_on = models.DateField(_("expires on"))
    document = models.FileField(_("document"), upload_to="partners/agreements/", blank=True)
    reminded_60_at = models.DateTimeField(null=True, blank=True)
    reminded_14_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["expires_on"]
        indexes = [models.Index(fields=["agency", "expires_on"])]

    def __str__(self) -> str:
        return self.title

    def days_left(self, today) -> int:
        return (self.expires_on - today).days


class InitiativeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")


class Initiative(AgencyOwned):
    """A joint initiative with partners: a goal, measures with targets, milestones, and a public page."""

    slug = models.SlugField(_("short name"))
    title = models.JSONField(_("title"), default=dict)
    goal = models.JSONField(_("goal"), default=dict, blank=True)
    partners = models.ManyToManyField(Partner, blank=True, related_name="initiatives", verbose_name=_("partners"))
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="initiatives", verbose_name=_("neighbourhood"))
    status = models.CharField(_("status"), max_length=12, choices=InitiativeStatus.choices,
                              default=InitiativeStatus.ACTIVE)
    is_public = models.BooleanField(_("show on the public site"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["agency", "slug"], name="initiative_slug_per_agency")]
        indexes = [models.Index(fields=["agency", "is_public", "status"])]

    def __str__(self) -> str:
        return text_in(self.title, "en")

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)

    def goal_in(self, language: str) -> str:
        return text_in(self.goal, language)


class InitiativeMeasure(AgencyOwned):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="measures")
    name = models.JSONField(_("name"), default=dict)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    current = models.DecimalField(_("current value"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["initiative", "id"]

    def name_in(self, language: str) -> str:
        return text_in(self.name, language)

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return min(100, int(self.current * 100 / self.target))


class InitiativeMilestone(AgencyOwned):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    title = models.JSONField(_("title"), default=dict)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["initiative", "due_on", "id"]

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Said yes out loud")
    WRITTEN = "written", _("Signed a consent form")
    GUARDIAN = "guardian", _("A parent or guardian agreed")


class ReasonCategory(models.TextChoices):
    HOUSING = "housing", _("Housing")
    FOOD = "food", _("Food")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    YOUTH = "youth", _("Youth support")
    FAMILY = "family", _("Family support")
    VICTIM_SUPPORT = "victim_support", _("Victim support")
    EMPLOYMENT = "employment", _("Employment")
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent, waiting for the partner")
    ACCEPTED = "accepted", _("Accepted by the partner")
    DECLINED = "declined", _("Declined by the partner")
    COMPLETED = "completed", _("Outcome reported")


class ReferralOutcome(models.TextChoices):
    SERVICE_PROVIDED = "service_provided", _("Service provided")
    ONGOING = "ongoing", _("Receiving support, ongoing")
    REFERRED_ON = "referred_on", _("Referred on to another service")
    NOT_REACHED = "not_reached", _("Could not reach the person")
    PERSON_DECLINED = "person_declined", _("The person decided not to go ahead")


class Referral(AgencyOwned):
    """A person referred to a partner's service, with their consent. `source` links it, opaquely, to what it
    came from in another app (e.g. "crisis-response:12")."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals",
                                verbose_name=_("partner"))
    service = models.ForeignKey(PartnerService, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="referrals", verbose_name=_("service"))
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("referred by"))
    person_first_name = EncryptedTextField(_("person's first name"))
    person_contact = EncryptedTextField(_("how to reach them"))
    consent_recorded = models.BooleanField(_("consent recorded"), default=False)
    consent_method = models.CharField(_("how consent was given"), max_length=12, choices=ConsentMethod.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=ReasonCategory.choices)
    note = models.CharField(_("short note"), max_length=280, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReferralOutcome.choices, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=280, blank=True)
    decline_reason = models.CharField(_("why declined"), max_length=280, blank=True)
    due_on = models.DateField(_("answer due"))
    source = models.CharField(_("source"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "partner", "status", "created_at"]),
            models.Index(fields=["agency", "referred_by", "created_at"]),
            models.Index(fields=["agency", "source"]),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} to {self.partner}"

    def is_overdue(self, today=None) -> bool:
        """Still waiting for the partner after the due date, or accepted 30 days ago with no outcome yet."""
        today = today or timezone.localdate()
        if self.status == ReferralStatus.SENT:
            return today > self.due_on
        if self.status == ReferralStatus.ACCEPTED and self.responded_at:
            return today > (self.responded_at + timedelta(days=OUTCOME_EXPECTED_DAYS)).date()
        return False
