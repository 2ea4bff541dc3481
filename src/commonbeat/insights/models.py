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


# Text intelligence: what the CPU models found in residents' free text. See `insights/text/`.


class TextSource(models.TextChoices):
    REPORT = "report", _("Report narrative")
    SURVEY_ANSWER = "survey_answer", _("Survey answer: the number-one issue")
    POLICY_COMMENT = "policy_comment", _("Comment on a draft policy")
    CONCERN = "concern", _("Concern raised at an event")


class TextAnalysis(AgencyOwned):
    """One resident text as the models read it: its language, sentiment, where personal details are, the text
    with them redacted, and its sentence embedding. The original text stays where it was written; this row
    points at it by source and id. Re-analysed when `model_version` changes."""

    source = models.CharField(_("source"), max_length=20, choices=TextSource.choices)
    source_id = models.PositiveBigIntegerField()
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("neighbourhood"))
    written_on = models.DateField(_("written on"), help_text=_("In the agency's time zone."))
    language = models.CharField(_("language"), max_length=8, blank=True, help_text=_("As detected; blank if unsure."))
    sentiment = models.FloatField(_("sentiment"), null=True, blank=True,
                                  help_text=_("From −1 (negative) to 1 (positive); for trends, never for one person."))
    personal_details = models.JSONField(
        default=list, blank=True,
        help_text=_("Where personal details are in the original text: [{start, end, kind, score}]."))
    redacted_text = models.TextField(_("redacted text"), blank=True)
    embedding = models.BinaryField(null=True, blank=True, help_text=_("float32 sentence embedding."))
    model_version = models.CharField(max_length=500)
    analysed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("text analysis")
        verbose_name_plural = _("text analyses")
        indexes = [models.Index(fields=["agency", "source", "written_on"]),
                   models.Index(fields=["agency", "model_version"])]
        constraints = [models.UniqueConstraint(fields=["agency", "source", "source_id"],
                                               name="one_analysis_per_text")]

    def __str__(self) -> str:
        return f"{self.source} {self.source_id}"


class ThemeRun(AgencyOwned):
    """One grouping of a period's texts into themes. The newest finished run of a period is the one shown."""

    class Status(models.TextChoices):
        FINISHED = "finished", _("Finished")
        UNAVAILABLE = "unavailable", _("Model unavailable")

    period_start = models.DateField()
    period_end = models.DateField(help_text=_("The last day of the period."))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.FINISHED)
    message = models.CharField(max_length=300, blank=True)
    texts = models.PositiveIntegerField(default=0)
    model_version = models.CharField(max_length=500)
    coherence = models.FloatField(null=True, blank=True, help_text=_("Mean silhouette of the clustering."))
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["agency", "period_start", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.agency} themes {self.period_start}–{self.period_end}"


class Theme(AgencyOwned):
    """A theme: texts that say similar things, named by their most distinctive keywords."""

    run = models.ForeignKey(ThemeRun, on_delete=models.CASCADE, related_name="themes")
    position = models.PositiveSmallIntegerField(default=0)
    keywords = models.JSONField(default=list)
    label = models.CharField(_("theme"), max_length=200)
    texts = models.PositiveIntegerField(default=0)
    sentiment = models.FloatField(null=True, blank=True, help_text=_("Mean sentiment of its texts."))

    class Meta:
        ordering = ["run", "position"]

    def __str__(self) -> str:
        return self.label


class ThemeCount(AgencyOwned):
    """How many texts of a theme came from a neighbourhood (empty: the whole city) in a month. Counts from 1 to
    10 are never shown."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="counts")
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="+")
    month = models.DateField()
    texts = models.PositiveIntegerField()
    sentiment = models.FloatField(null=True, blank=True, help_text=_("Mean sentiment of these texts."))

    class Meta:
        indexes = [models.Index(fields=["agency", "theme", "neighbourhood", "month"])]


class ThemeQuote(AgencyOwned):
    """An example of a theme in a resident's words, redacted. Shown to the public only once staff have read
    the redaction and approved it (correcting it if needed)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved for publication")
        REJECTED = "rejected", _("Not to be published")

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="quotes")
    analysis = models.ForeignKey(TextAnalysis, on_delete=models.CASCADE, related_name="quotes")
    position = models.PositiveSmallIntegerField(default=0)
    proposed_text = models.TextField(_("redacted automatically"))
    published_text = models.TextField(_("text to publish"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["theme", "position"]
        indexes = [models.Index(fields=["agency", "status"])]


class TriageSuggestion(AgencyOwned):
    """A suggestion for a new report, shown to staff with its confidence and never applied by itself: a likely
    allegation category, or an earlier report that may describe the same incident."""

    class Kind(models.TextChoices):
        CATEGORY = "category", _("Likely allegation category")
        DUPLICATE = "duplicate", _("Possibly the same incident")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    report = models.ForeignKey("feedback.Report", on_delete=models.CASCADE, related_name="triage_suggestions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    category = models.ForeignKey("feedback.AllegationCategory", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    similar_report = models.ForeignKey("feedback.Report", null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="+")
    confidence = models.FloatField(help_text=_("From 0 to 1."))
    model_version = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report", "kind", "-confidence"]
        indexes = [models.Index(fields=["agency", "report", "kind"])]
