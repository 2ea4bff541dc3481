"""News, public meeting notices and safety alerts the agency publishes: one `Update` each, bilingual, a draft
until it is published. Published updates appear on /news/, in the Atom feeds, and (meeting notices) in the
agency's events calendar."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonbeat.core.models import AgencyOwned, Neighbourhood
from commonbeat.core.texts import text_in

__all__ = ["ALERT_ACTIVE_DAYS", "Update", "UpdateKind"]

# A safety alert stays highlighted this long after it is published, or until the end it was given.
ALERT_ACTIVE_DAYS = 7


class UpdateKind(models.TextChoices):
    NEWS = "news", _("News")
    MEETING = "public-meeting", _("Public meeting notice")
    SAFETY = "safety-alert", _("Safety alert")


class Update(AgencyOwned):
    """A piece of news, a public meeting notice (with its time and place) or a safety alert (optionally in
    effect until `ends_at`). `published_at` is empty while it is a draft; only published updates are public."""

    kind = models.CharField(_("kind"), max_length=20, choices=UpdateKind.choices, default=UpdateKind.NEWS)
    slug = models.SlugField(_("short name"), max_length=80)
    title = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict)
    body = models.JSONField(_("text"), default=dict)
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="updates", verbose_name=_("neighbourhood"))
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["agency", "slug"], name="update_slug_per_agency")]
        indexes = [
            models.Index(fields=["agency", "published_at"]),
            models.Index(fields=["agency", "kind", "published_at"]),
        ]

    def __str__(self) -> str:
        return text_in(self.title, "en")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_meeting(self) -> bool:
        return self.kind == UpdateKind.MEETING

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)

    def summary_in(self, language: str) -> str:
        return text_in(self.summary, language)

    def body_in(self, language: str) -> str:
        return text_in(self.body, language)

    def is_active_alert(self, now) -> bool:
        """A published safety alert whose end is still ahead; one given no end, for seven days after publishing."""
        if self.kind != UpdateKind.SAFETY or self.published_at is None:
            return False
        if self.ends_at is not None:
            return self.ends_at > now
        return self.published_at >= now - timedelta(days=ALERT_ACTIVE_DAYS)
