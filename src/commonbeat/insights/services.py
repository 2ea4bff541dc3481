"""Every change to the stored trust index. Recomputing is the only way the estimates change: the dashboard
reads what was stored and never recomputes on a page view."""

import time as clock
import zoneinfo
from datetime import date, datetime, time

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from commonbeat.accounts.roles import Action, can
from commonbeat.core import audit
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.tenancy import scoped
from commonbeat.surveys.models import Answer

from . import issue_terms, trust_index
from .models import IssueTerm, MonthlyReport, RecomputeRun, TrustEstimate, TrustSettings

TOP_ISSUE = "top_issue"


def settings_for(agency: Agency) -> TrustSettings:
    """The agency's trust index settings; the defaults (unsaved) until an admin changes them, so reading
    them never writes."""
    return TrustSettings.objects.filter(agency=agency).first() or TrustSettings(agency=agency)


def _bounds(period: trust_index.Period, tz: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    return (timezone.make_aware(datetime.combine(period.start, time.min), tz),
            timezone.make_aware(datetime.combine(period.end, time.min), tz))


def _estimate_row(agency: Agency, cell: trust_index.Cell, computed_at: datetime) -> TrustEstimate:
    estimate = cell.estimate
    row = TrustEstimate(
        agency=agency, measure=cell.measure, period_kind=cell.period.kind, period_start=cell.period.start,
        period_end=cell.period.last_day, neighbourhood_id=cell.neighbourhood_id,
        group_variable=cell.group_variable, group_value=cell.group_value, respondents=cell.respondents,
        excluded_respondents=cell.excluded, enough_responses=estimate is not None, computed_at=computed_at)
    if estimate is not None:
        row.mean, row.standard_error = estimate.mean, estimate.standard_error
        row.ci_low, row.ci_high = max(0.0, estimate.ci_low), min(100.0, estimate.ci_high)
        row.effective_sample_size = estimate.effective_sample_size
        row.unweighted_mean = cell.unweighted_mean
    return row


def _issue_terms(agency: Agency, period: trust_index.Period, tz: zoneinfo.ZoneInfo) -> list[IssueTerm]:
    """Terms from the number-one issue answers of the period, per neighbourhood and citywide, each used by
    at least 11 respondents. The answers are read once and never stored anywhere else."""
    start, end = _bounds(period, tz)
    answers = list(Answer.objects.filter(
        response__agency=agency, response__eligible=True, response__survey__counts_toward_trust_index=True,
        response__neighbourhood__isnull=False, response__submitted_at__gte=start, response__submitted_at__lt=end,
        question__code=TOP_ISSUE,
    ).exclude(text="").order_by().values_list("response__neighbourhood_id", "text"))
    by_neighbourhood = issue_terms.analyse(answers)
    citywide = [answer for analysed in by_neighbourhood.values() for answer in analysed]
    rows = []
    for neighbourhood_id, analysed in [*sorted(by_neighbourhood.items()), (None, citywide)]:
        rows += [IssueTerm(agency=agency, period_start=period.start, neighbourhood_id=neighbourhood_id, term=term,
                           mentions=mentions)
                 for term, mentions in issue_terms.publishable(analysed).items()]
    return rows


def recompute_trust_index(agency: Agency, *, today: date | None = None, actor=None) -> RecomputeRun:
    """Recompute every trust and safety estimate and the number-one issues of the agency, and replace the
    stored ones in one transaction (a page never sees half of the old and half of the new), recording the
    run. The responses are read with one query and grouped in memory."""
    tz = zoneinfo.ZoneInfo(agency.timezone)
    started_at, started = timezone.now(), clock.perf_counter()
    today = today or timezone.localdate(timezone=tz)
    periods = trust_index.Periods.ending_before(today)
    rules = trust_index.Rules.of(settings_for(agency))
    neighbourhoods = list(scoped(Neighbourhood, agency).order_by("id"))
    with np.errstate(all="ignore"):
        computed = trust_index.compute(trust_index.read_responses(agency, periods, tz), periods, neighbourhoods,
                                       rules)
    terms = _issue_terms(agency, periods.current, tz)
    computed_at = timezone.now()
    estimates = [_estimate_row(agency, cell, computed_at) for cell in computed.cells]
    with transaction.atomic():
        TrustEstimate.objects.filter(agency=agency).delete()
        IssueTerm.objects.filter(agency=agency).delete()
        TrustEstimate.objects.bulk_create(estimates, batch_size=500)
        IssueTerm.objects.bulk_create(terms, batch_size=500)
        run = RecomputeRun.objects.create(
            agency=agency, started_at=started_at, finished_at=timezone.now(), period_start=periods.start,
            period_end=periods.months[-1].last_day, responses_used=computed.responses_used,
            responses_excluded=computed.responses_excluded, estimates_written=len(estimates),
            terms_written=len(terms))
        audit.record("insights.trust_index_recomputed", actor=actor, agency=agency, target=run, changes={
            "responses_used": run.responses_used, "responses_excluded": run.responses_excluded,
            "estimates": run.estimates_written, "terms": run.terms_written,
            "seconds": round(clock.perf_counter() - started, 2)})
    return run


# ---------------------------------------------------------------- the monthly community report

PAGE_SIZES = ("A4", "Letter")


class MonthlyReportError(Exception):
    """A report that cannot be built, with a message a person can read."""


def page_size() -> str:
    """Letter unless the deployment asks for A4 (`COMMONBEAT_REPORT_PAGE_SIZE`)."""
    size = getattr(settings, "COMMONBEAT_REPORT_PAGE_SIZE", "Letter")
    return size if size in PAGE_SIZES else "Letter"


def _render_pdf(agency: Agency, body: str, month_label: str, language: str) -> tuple[bytes, int]:
    import weasyprint  # imported here: loading Pango is only worth it when a report is built

    html = render_to_string("insights/monthly/print.html", {
        "body": mark_safe(body), "agency_name": agency.display_name(language),  # noqa: S308 our own template
        "month_label": month_label, "language": language, "page_size": page_size()})
    document = weasyprint.HTML(string=html).render()
    return document.write_pdf(), len(document.pages)


def build_monthly_report(agency: Agency, month: date, language: str, *, actor=None) -> MonthlyReport:
    """Build the monthly community report of `month` (any day of it) in `language` and store it, replacing the
    one built before. Only whole months that have ended can be reported on. People need MANAGE_MONTHLY_REPORTS;
    the scheduled build (no actor) needs nothing."""
    from . import monthly

    if actor is not None and not can(actor, agency, Action.MANAGE_MONTHLY_REPORTS):
        raise PermissionDenied(_("Your role does not allow this."))
    month = month.replace(day=1)
    if language not in agency.language_codes:
        raise MonthlyReportError(_("This agency does not publish in that language."))
    if month > monthly.last_full_month(agency):
        raise MonthlyReportError(_("A report can only be built for a month that has ended."))
    started = clock.perf_counter()
    # times in the report are the agency's: templates show datetimes in the active time zone
    with translation.override(language), timezone.override(agency.zone):
        figures = monthly.month_figures(agency, month, language)
        built_at = timezone.now()
        body = render_to_string("insights/monthly/_report.html", {
            "figures": figures, "agency_name": agency.display_name(language), "built_at": built_at})
        pdf, pages = _render_pdf(agency, body, figures.month_label, language)
    with transaction.atomic():
        report = (MonthlyReport.objects.select_for_update().filter(agency=agency, month=month, language=language)
                  .first() or MonthlyReport(agency=agency, month=month, language=language))
        replaced = report.pdf.name if report.pk else ""
        report.html, report.pages, report.built_at, report.built_by = body, pages, built_at, actor
        report.pdf.save("report.pdf", ContentFile(pdf), save=False)
        report.save()
        audit.record("insights.monthly_report_built", actor=actor, agency=agency, target=report, changes={
            "month": month.strftime("%Y-%m"), "language": language, "pages": pages, "replaced": bool(replaced),
            "seconds": round(clock.perf_counter() - started, 2)})
        if replaced and replaced != report.pdf.name:
            storage = report.pdf.storage
            transaction.on_commit(lambda: storage.delete(replaced))
    return report


def build_monthly_reports(agency: Agency, month: date, *, actor=None) -> list[MonthlyReport]:
    """The report of `month` in every language the agency publishes in."""
    return [build_monthly_report(agency, month, language, actor=actor) for language in agency.language_codes]
