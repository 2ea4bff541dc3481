"""The open data catalogue: one Dataset per published table, with its description in each site language and
the latest snapshot of its CSV and JSON files. What a dataset contains is defined in code
(`commonbeat.transparency.datasets`); the row here holds what staff edit and what the last build produced."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from commonbeat.core.models import AgencyOwned
from commonbeat.core.texts import text_in

__all__ = ["Dataset", "UpdateFrequency"]


class UpdateFrequency(models.TextChoices):
    """How often a dataset is rebuilt, as an ISO 8601 repeating duration (DCAT-US accrualPeriodicity)."""

    DAILY = "R/P1D", _("Daily")
    WEEKLY = "R/P1W", _("Weekly")
    MONTHLY = "R/P1M", _("Monthly")
    QUARTERLY = "R/P3M", _("Every three months")


def snapshot_path(dataset: "Dataset", filename: str) -> str:
    return f"open-data/{dataset.agency.slug}/{filename}"


class Dataset(AgencyOwned):
    """One table in the open data catalogue. `slug` names the builder that produces its rows."""

    slug = models.SlugField(_("short name"))
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict)
    keywords = models.JSONField(_("keywords"), default=dict, help_text=_("Per language, separated by commas."))
    frequency = models.CharField(_("updated"), max_length=10, choices=UpdateFrequency.choices,
                                 default=UpdateFrequency.DAILY)
    is_published = models.BooleanField(_("published"), default=True)
    contact_name = models.CharField(_("contact"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    csv_file = models.FileField(upload_to=snapshot_path, blank=True, max_length=300)
    json_file = models.FileField(upload_to=snapshot_path, blank=True, max_length=300)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    built_at = models.DateTimeField(_("last built"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["agency", "slug"]
        constraints = [models.UniqueConstraint(fields=["agency", "slug"], name="dataset_slug_per_agency")]
        indexes = [models.Index(fields=["agency", "is_published", "slug"])]

    def __str__(self) -> str:
        return self.title_in("en") or self.slug

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)

    def description_in(self, language: str) -> str:
        return text_in(self.description, language)

    def keywords_in(self, language: str) -> list[str]:
        return [word.strip() for word in text_in(self.keywords, language).split(",") if word.strip()]

    @property
    def has_snapshot(self) -> bool:
        return bool(self.csv_file and self.json_file)
