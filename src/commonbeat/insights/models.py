"""Stored results of the trust index: the dashboard reads these and never recomputes on a page view."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from commonbeat.core.disclosure import THRESHOLD
from commonbeat.core.models import Agency, AgencyOwned, Neighbourhood


class Measure(models.TextChoices):
    TRUST = "trust", _("Trust")
    SAFETY = "safety", _("Feeling safe")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Three months")
    CURRENT = "current", _("Latest three months")
    PREVIOUS = "previous", _("The three months before")


class TrustSettings(models.Model):
    """Per-agency rules for the trust index."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="trust_settings",
                                  verbose_name=_("agency"))
    minimum_responses = models.PositiveSmallIntegerField(
        _("fewest responses for a figure"), default=30, validators=[MinValueValidator(THRESHOLD)],
        help_text=_("A neighbourhood, month or group with fewer responses shows “not enough responses” instead "
                    "of a number. At least 11."))
    trim_lower = models.FloatField(
        _("smallest weight (times the average)"), default=0.3,
        validators=[MinValueValidator(0.01), MaxValueValidator(1.0)])
    trim_upper = models.FloatField(
        _("largest weight (times the average)"), default=3.0,
        validators=[MinValueValidator(1.0), MaxValueValidator(20.0)],
        help_text=_("Weights are kept between these multiples of the average weight, so no single answer "
                    "counts for too much."))

    class Meta:
        verbose_name = _("trust index settings")
        verbose_name_plural = _("trust index settings")

    def __str__(self) -> str:
        return str(self.agency)


class TrustEstimate(AgencyOwned):
    """One weighted estimate: a measure, for a neighbourhood (or the whole city when empty), a period, and
    optionally a demographic group. When there are too few responses, `mean` is empty and
    `enough_responses` is False: the page says "not enough responses" instead of a number."""

    measure = models.CharField(max_length=10, choices=Measure.choices)
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH)
    period_start = models.DateField()
    period_end = models.DateField(help_text=_("The last day of the period."))
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.CASCADE)
    group_variable = models.CharField(max_length=20, blank=True)
    group_value = models.CharField(max_length=30, blank=True)
    respondents = models.PositiveIntegerField(help_text=_("Responses used: eligible, with the measure and every "
                                                          "weighting question answered."))
    excluded_respondents = models.PositiveIntegerField(
        default=0, help_text=_("Eligible responses left out because a weighting question was not answered."))
    enough_responses = models.BooleanField()
    mean = models.FloatField(null=True, blank=True)
    standard_error = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    effective_sample_size = models.FloatField(null=True, blank=True)
    unweighted_mean = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["agency", "measure", "period_start", "neighbourhood"])]
        constraints = [models.UniqueConstraint(
            F("agency"), F("measure"), F("period_kind"), F("period_start"), F("period_end"),
            Coalesce(F("neighbourhood"), Value(0)),
            F("group_variable"), F("group_value"), name="one_estimate_per_cell")]

    def __str__(self) -> str:
        return f"{self.measure} {self.period_start} {self.neighbourhood or 'city'} {self.mean}"


class IssueTerm(AgencyOwned):
    """How often a word or phrase came up in answers to "the number-one issue", per period and
    neighbourhood. Only terms named by at least 11 people are stored, so no single answer shows through."""

    period_start = models.DateField()
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.CASCADE)
    term = models.CharField(max_length=60)
    mentions = models.PositiveIntegerField(help_text=_("How many different respondents used the term."))

    class Meta:
        indexes = [models.Index(fields=["agency", "period_start", "neighbourhood"])]

    def __str__(self) -> str:
        return f"{self.term} ({self.mentions})"


class RecomputeRun(AgencyOwned):
    """When the index was last recomputed, and how long it took (shown on the methods page)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    responses_used = models.PositiveIntegerField(default=0)
    responses_excluded = models.PositiveIntegerField(
        default=0, help_text=_("Eligible responses left out of weighting because a weighting question was blank."))
    estimates_written = models.PositiveIntegerField(default=0)
    terms_written = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["agency", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.agency} {self.started_at:%Y-%m-%d %H:%M}"


def monthly_report_path(report: "MonthlyReport", filename: str) -> str:
    return f"reports/monthly/{report.agency.slug}/{report.month:%Y-%m}-{report.language}.pdf"


class MonthlyReport(AgencyOwned):
    """The monthly community report of one calendar month in one language, as built: the PDF, and the same
    report as HTML for the web page. Pages read what was stored; only a rebuild changes it."""

    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    language = models.CharField(_("language"), max_length=8)
    pdf = models.FileField(_("PDF"), upload_to=monthly_report_path)
    html = models.TextField(help_text=_("The report as built, shown on the web page."))
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)
    built_at = models.DateTimeField(_("built at"))
    built_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("built by"))

    class Meta:
        verbose_name = _("monthly community report")
        verbose_name_plural = _("monthly community reports")
        indexes = [models.Index(fields=["agency", "language", "month"])]
        constraints = [models.UniqueConstraint(fields=["agency", "month", "language"],
                                               name="one_monthly_report_per_language")]

    def __str__(self) -> str:
        return f"{self.agency} {self.month:%Y-%m} ({self.language})"
