"""The published figures on complaints and commendations: what /statistics/complaints/ shows, and what
its CSV and JSON downloads carry.

- Counts are aggregated in the database; no report is loaded one by one, except the two dates of each
  closed formal complaint, which a median needs.
- Every count goes through `core.disclosure` before it leaves this module: 1 to 10 becomes None
  ("fewer than 11"), with complementary suppression, and a small total is hidden too.
- Each series (complaints, commendations) is published with its own total and with no total across
  series per month or neighbourhood. So the few commendations of a quiet month never force that month's
  complaints to be hidden, and a hidden count could only be worked out within its own series — which
  complementary suppression prevents.
- A median or a share is published only when it rests on at least 11 cases. A share is also withheld
  when either side of it (on time or late) is from 1 to 10, because share × cases would give that count
  back.
- Only dates, codes and keys are read. A complainant's identity, a narrative or any other free text
  never reaches this module.
"""

import statistics
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from commonbeat.core.charts import TOTAL, Row, Series, Table
from commonbeat.core.disclosure import THRESHOLD, suppress_counts, suppress_total
from commonbeat.core.models import Agency, Neighbourhood, Officer
from commonbeat.core.periods import DEFAULT_MONTHS, Period  # noqa: F401 (the default period, also for the views)
from commonbeat.core.tenancy import scoped

from .models import Allegation, AllegationCategory, Classification, FindingType, Kind, Report, Status
from .services import settings_for

PERIOD_CHOICES = (12, 24, 36, 60)
NOT_KNOWN = "not-known"
NOT_IDENTIFIED = "not-identified"
# Columns of the CSV download: the table, every dimension any table uses, then the count.
DIMENSIONS = ["month", "neighbourhood", "category", "officer", "finding", "time_to_close", "kind"]
CSV_COLUMNS = ["table", *DIMENSIONS, "count", "suppressed"]


@dataclass
class Timeliness:
    """How long formal complaints take. None: hidden (a count of 1–10) or not enough cases."""

    target_days: int
    table: Table  # formal complaints closed in the period, within and after the target
    closed: int | None
    closed_within_target: int | None
    closed_after_target: int | None
    median_days: float | None
    share_within_target: float | None
    open: int | None
    open_within_target: int | None
    open_past_target: int | None
    minimum_cases: int = THRESHOLD

    @property
    def percent_within_target(self) -> float | None:
        return None if self.share_within_target is None else round(100 * self.share_within_target, 1)


@dataclass
class Figures:
    agency: Agency
    period: Period
    as_of: date
    language: str
    reports_by_month: Table
    allegations_by_category: Table
    reports_by_neighbourhood: Table
    allegations_by_finding: Table
    timeliness: Timeliness
    officers: Table | None
    finding_definitions: list[tuple[str, str]]

    @property
    def tables(self) -> list[Table]:
        tables = [self.reports_by_month, self.allegations_by_category, self.reports_by_neighbourhood,
                  self.allegations_by_finding, self.timeliness.table]
        return tables + ([self.officers] if self.officers else [])


# ---------------------------------------------------------------- the figures

def complaint_figures(agency: Agency, period: Period | None = None, *, today: date | None = None) -> Figures:
    """Everything published about complaints and commendations for `period` (default: the last 24 full
    months), with labels in the active language."""
    tz = zoneinfo.ZoneInfo(agency.timezone)
    today = today or timezone.localdate(timezone=tz)
    period = period or Period.last_full_months(today)
    start, end = period.bounds(tz)
    language = get_language() or "en"
    reports = scoped(Report, agency).filter(received_at__gte=start, received_at__lt=end)
    allegations = Allegation.objects.filter(report__agency=agency, report__received_at__gte=start,
                                            report__received_at__lt=end)
    feedback_settings = settings_for(agency)
    return Figures(
        agency=agency, period=period, as_of=today, language=language,
        reports_by_month=_reports_by_month(reports, period, tz),
        allegations_by_category=_allegations_by_category(agency, allegations, language),
        reports_by_neighbourhood=_reports_by_neighbourhood(agency, reports),
        allegations_by_finding=_allegations_by_finding(agency, start, end, language),
        timeliness=_timeliness(agency, start, end, tz, feedback_settings.investigation_target_days),
        officers=_officers(agency, allegations) if feedback_settings.publish_officer_names else None,
        finding_definitions=[(f.label(language), f.explanation_es if language == "es" and f.explanation_es
                              else f.explanation) for f in scoped(FindingType, agency).order_by("position")],
    )


def _kinds() -> list[Series]:
    return [Series(Kind.COMPLAINT.value, _("Complaints")), Series(Kind.COMMENDATION.value, _("Commendations"))]


def _publish(table: Table, counts: list[list[int]]) -> Table:
    """Fill the table from raw counts (rows × series): each series goes through disclosure on its own,
    published with its total."""
    columns, totals = [], []
    for index in range(len(table.series)):
        column = {row.key: counts[row_index][index] for row_index, row in enumerate(table.rows)}
        columns.append(suppress_counts(column))
        totals.append(suppress_total(sum(column.values())))
    for row in table.rows:
        row.values = [column[row.key] for column in columns]
    table.totals = totals
    return table


def _reports_by_month(reports, period: Period, tz) -> Table:
    found = {(row["month"].date(), row["kind"]): row["n"] for row in
             reports.annotate(month=TruncMonth("received_at", tzinfo=tz)).values("month", "kind")
             .annotate(n=Count("id")).order_by()}
    kinds = _kinds()
    months = period.month_starts
    table = Table(
        key="reports_by_month", title=_("Complaints and commendations received, by month"),
        dimension="month", dimension_label=_("Month"), series_dimension="kind", series=kinds,
        rows=[Row(month.strftime("%Y-%m"), date_format(month, "YEAR_MONTH_FORMAT"), [],
                  short_label=date_format(month, "M Y")) for month in months],
        description=_("Every complaint and commendation received in the month, whatever its status now."),
        orientation="vertical")
    return _publish(table, [[found.get((month, kind.key), 0) for kind in kinds] for month in months])


def _allegations_by_category(agency: Agency, allegations, language: str) -> Table:
    found = dict(allegations.values_list("category_id").annotate(n=Count("id")).order_by())
    categories = [c for c in scoped(AllegationCategory, agency).order_by("position", "name")
                  if c.active or c.id in found]
    table = Table(
        key="allegations_by_category", title=_("Allegations in complaints received, by category"),
        dimension="category", dimension_label=_("Category"), series_dimension="",
        series=[Series("allegations", _("Allegations"))],
        rows=[Row(c.code, c.label(language), []) for c in categories],
        description=_("A complaint can contain several allegations, so there are more allegations than "
                      "formal complaints."))
    return _publish(table, [[found.get(c.id, 0)] for c in categories])


def _reports_by_neighbourhood(agency: Agency, reports) -> Table:
    found = {(row["neighbourhood_id"], row["kind"]): row["n"] for row in
             reports.values("neighbourhood_id", "kind").annotate(n=Count("id")).order_by()}
    places = [(n.id, n.slug, n.name) for n in scoped(Neighbourhood, agency).order_by("name")]
    places.append((None, NOT_KNOWN, _("Place not given, or outside the city")))
    kinds = _kinds()
    table = Table(
        key="reports_by_neighbourhood", title=_("Complaints and commendations received, by neighbourhood"),
        dimension="neighbourhood", dimension_label=_("Neighbourhood"), series_dimension="kind", series=kinds,
        rows=[Row(slug, name, []) for _id, slug, name in places],
        description=_("Where it happened, when the resident gave a place on the map."))
    return _publish(table, [[found.get((place_id, kind.key), 0) for kind in kinds]
                            for place_id, _slug, _name in places])


def _closed_formal_complaints(agency: Agency, start: datetime, end: datetime):
    return scoped(Report, agency).filter(classification=Classification.FORMAL_COMPLAINT, status=Status.CLOSED,
                                         closed_at__gte=start, closed_at__lt=end)


def _allegations_by_finding(agency: Agency, start: datetime, end: datetime, language: str) -> Table:
    closed = _closed_formal_complaints(agency, start, end)
    found = dict(Allegation.objects.filter(report__in=closed, finding__isnull=False)
                 .values_list("finding_id").annotate(n=Count("id")).order_by())
    findings = list(scoped(FindingType, agency).order_by("position", "name"))
    table = Table(
        key="allegations_by_finding", title=_("Findings on allegations in complaints closed, by finding"),
        dimension="finding", dimension_label=_("Finding"), series_dimension="",
        series=[Series("allegations", _("Allegations"))],
        rows=[Row(f.code, f.label(language), []) for f in findings],
        description=_("Formal complaints closed in the period, whenever they were received."))
    return _publish(table, [[found.get(f.id, 0)] for f in findings])


def _timeliness(agency: Agency, start: datetime, end: datetime, tz, target_days: int) -> Timeliness:
    days = [(timezone.localtime(closed_at, tz).date() - timezone.localtime(received_at, tz).date()).days
            for received_at, closed_at in _closed_formal_complaints(agency, start, end)
            .values_list("received_at", "closed_at")]
    within = sum(1 for d in days if d <= target_days)
    table = _publish(Table(
        key="closed_by_target", title=_("Formal complaints closed, within and after the %(days)s-day target")
        % {"days": target_days},
        dimension="time_to_close", dimension_label=_("Time to close"), series_dimension="",
        series=[Series("formal_complaints", _("Formal complaints closed"))],
        rows=[Row("within-target", _("Within %(days)s days") % {"days": target_days}, []),
              Row("after-target", _("After more than %(days)s days") % {"days": target_days}, [])],
        description=_("Days from receiving the complaint to closing it, for formal complaints closed in the "
                      "period.")), [[within], [len(days) - within]])
    closed_within, closed_after = (row.values[0] for row in table.rows)
    enough = len(days) >= THRESHOLD
    share_safe = enough and closed_within is not None and closed_after is not None
    overdue_since = timezone.now() - timedelta(days=target_days)
    still_open = (scoped(Report, agency).filter(classification=Classification.FORMAL_COMPLAINT)
                  .exclude(status=Status.CLOSED)
                  .aggregate(total=Count("id"), past=Count("id", filter=Q(received_at__lt=overdue_since))))
    opened = suppress_counts({"within": still_open["total"] - still_open["past"], "past": still_open["past"]})
    return Timeliness(
        target_days=target_days, table=table, closed=table.totals[0], closed_within_target=closed_within,
        closed_after_target=closed_after,
        median_days=float(statistics.median(days)) if enough else None,
        share_within_target=round(within / len(days), 3) if share_safe else None,
        open=suppress_total(still_open["total"]), open_within_target=opened["within"],
        open_past_target=opened["past"])


def _officers(agency: Agency, allegations) -> Table:
    """Allegations against each named officer, and how many were sustained in cases now closed."""
    found = {row["officer_id"]: (row["total"], row["sustained"]) for row in
             allegations.values("officer_id").annotate(
                 total=Count("id"),
                 sustained=Count("id", filter=Q(finding__sustained=True, report__status=Status.CLOSED)))
             .order_by()}
    officers = list(scoped(Officer, agency).filter(id__in=[key for key in found if key])
                    .order_by("last_name", "first_name", "badge_number"))
    rows = [Row(o.badge_number, str(o), []) for o in officers] + [Row(NOT_IDENTIFIED, _("Officer not identified"), [])]
    counts = [list(found[o.id]) for o in officers] + [list(found.get(None, (0, 0)))]
    table = Table(
        key="allegations_by_officer", title=_("Allegations against each officer, and how many were sustained"),
        dimension="officer", dimension_label=_("Officer"), series_dimension="finding",
        series=[Series("all", _("Allegations")), Series("sustained", _("Sustained"))],
        rows=rows,
        description=_("Allegations in complaints received in the period. Sustained: the finding, in a "
                      "case now closed, is that the officer did it and it broke policy. Officers are "
                      "listed by name."))
    return _publish(table, counts)


# ---------------------------------------------------------------- downloads

def long_rows(figures: Figures) -> list[dict]:
    """Every published count in tidy long form: one row per count, with every CSV column."""
    empty = dict.fromkeys(DIMENSIONS, "")
    return [{**empty, **row} for table in figures.tables for row in table.long_rows()]


def summary(figures: Figures) -> dict:
    timeliness = figures.timeliness
    return {
        "investigation_target_days": timeliness.target_days,
        "formal_complaints_closed": timeliness.closed,
        "closed_within_target": timeliness.closed_within_target,
        "closed_after_target": timeliness.closed_after_target,
        "median_days_to_close": timeliness.median_days,
        "share_closed_within_target": timeliness.share_within_target,
        "open_formal_complaints": timeliness.open,
        "open_within_target": timeliness.open_within_target,
        "open_past_target": timeliness.open_past_target,
        "as_of": figures.as_of.isoformat(),
    }


def data_dictionary(figures: Figures) -> dict:
    values = {
        "kind": {series.key: series.label for series in figures.reports_by_month.series},
        "category": {row.key: row.label for row in figures.allegations_by_category.rows},
        "finding": {row.key: row.label for row in figures.allegations_by_finding.rows},
        "neighbourhood": {row.key: row.label for row in figures.reports_by_neighbourhood.rows},
        "time_to_close": {row.key: row.label for row in figures.timeliness.table.rows},
    }
    if figures.officers:
        values["officer"] = {row.key: row.label for row in figures.officers.rows}
        values["finding"].setdefault("all", _("Allegations, whatever the finding"))
        values["finding"].setdefault("sustained", _("Sustained, in cases now closed"))
    return {
        "fields": {
            "table": _("Which table the row belongs to (see “tables”)."),
            "month": _("Month received, as YYYY-MM, in the agency's time zone."),
            "neighbourhood": _("Where it happened (a neighbourhood code; “not-known”: no place given)."),
            "category": _("Category of the allegation (code)."),
            "officer": _("Badge number of the officer (only where the agency publishes officer names)."),
            "finding": _("Finding on the allegation (code)."),
            "time_to_close": _("Whether a formal complaint was closed within the agency's investigation target "
                               "(“within-target”) or after it (“after-target”)."),
            "kind": _("Complaint or commendation."),
            "count": _("How many. Empty when suppressed."),
            "suppressed": _("true when the count is hidden: it is from 1 to 10, or hidden so that another "
                            "hidden count cannot be worked out from the total."),
        },
        "totals": _("In a dimension column, “all” marks the total over that dimension: do not add it to the "
                    "other rows."),
        "tables": {table.key: {"title": table.title, "description": table.description,
                               "dimensions": [d for d in (table.dimension, table.series_dimension) if d]}
                   for table in figures.tables},
        "summary": {
            "median_days_to_close": _("Median days from receiving a formal complaint to closing it, for formal "
                                      "complaints closed in the period; null when fewer than 11."),
            "share_closed_within_target": _("Share (0 to 1) of those closed within the investigation target; "
                                            "null when it rests on fewer than 11 cases or either side is "
                                            "from 1 to 10."),
            "open_past_target": _("Formal complaints still open on the “as_of” date and received more than "
                                  "the target number of days before."),
        },
        "values": values,
    }


def as_json(figures: Figures) -> dict:
    """The same figures as the page and the CSV, with a small data dictionary."""
    return {
        "title": _("Complaints and commendations: the figures"),
        "agency": {"slug": figures.agency.slug, "name": figures.agency.display_name(figures.language)},
        "language": figures.language,
        "period": {"start": figures.period.first_month.isoformat(), "end": figures.period.last_day.isoformat(),
                   "months": figures.period.months},
        "suppression": {"threshold": THRESHOLD, "total_marker": TOTAL,
                        "rule": _("Counts from 1 to 10 are not published. Where a hidden count could be worked "
                                  "out from a total, another count is hidden too.")},
        "tables": [{"name": table.key, "title": table.title,
                    "dimensions": [d for d in (table.dimension, table.series_dimension) if d],
                    "rows": table.long_rows()} for table in figures.tables],
        "summary": summary(figures),
        "data_dictionary": data_dictionary(figures),
    }
