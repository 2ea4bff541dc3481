"""Stored results of the trust index: the dashboard reads these and never recomputes on a page view."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from commonbeat.core.models import AgencyOwned, Neighbourhood


class Measure(models.TextChoices):
    TRUST = "trust", _("Trust")
    SAFETY = "safety", _("Feeling safe")


class TrustEstimate(AgencyOwned):
    """One weighted estimate: a measure, for a neighbourhood (or the whole city when empty), a period, and
    optionally a demographic group. When there are too few responses, `mean` is empty and
    `enough_responses` is False: the page says "not enough responses" instead of a number."""

    measure = models.CharField(max_length=10, choices=Measure.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.CASCADE)
    group_variable = models.CharField(max_length=20, blank=True)
    group_value = models.CharField(max_length=30, blank=True)
    respondents = models.PositiveIntegerField()
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
            fields=["agency", "measure", "period_start", "period_end", "neighbourhood", "group_variable",
                    "group_value"], name="one_estimate_per_cell", nulls_distinct=False)]

    def __str__(self) -> str:
        return f"{self.measure} {self.period_start} {self.neighbourhood or 'city'} {self.mean}"


class IssueTerm(AgencyOwned):
    """How often a word or phrase came up in answers to "the number-one issue", per period and
    neighbourhood. Only terms named by at least 11 people are stored, so no single answer shows through."""

    period_start = models.DateField()
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.CASCADE)
    term = models.CharField(max_length=60)
    mentions = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["agency", "period_start", "neighbourhood"])]

    def __str__(self) -> str:
        return f"{self.term} ({self.mentions})"


class RecomputeRun(AgencyOwned):
    """When the index was last recomputed, and how long it took (shown on the methods page)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    responses_used = models.PositiveIntegerField(default=0)
    estimates_written = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.agency} {self.started_at:%Y-%m-%d %H:%M}"
