"""The figures of the monthly community report: one calendar month of an agency, with the month before and the
same month a year earlier for comparison.

Nothing is counted here: every figure comes from the function its own app publishes — the stored trust
estimates (insights), `feedback.statistics.complaint_figures`, `engagement.figures`, `patrols.visibility` and
`patrols.services.target_for`, `training.views.public.course_shares` and `crisis.figures.crisis_figures(...,
public=True)` — so the report shows exactly what the public pages would show for that month. Counts of people
go through `core.disclosure` (1 to 10 hidden, with complementary suppression); hours and percentages are not
counts of people.

Labels are in the active language: build the figures inside `translation.override(language)`.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commonbeat.core.charts import Row, Series, Table, Trend
from commonbeat.core.disclosure import THRESHOLD, suppress_counts, suppress_total
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.tenancy import scoped
from commonbeat.crisis import figures as crisis
from commonbeat.engagement import figures as engagement
from commonbeat.feedback import statistics as feedback
from commonbeat.patrols import visibility
from commonbeat.patrols.services import target_for, week_start
from commonbeat.training.views.public import course_shares

from .dashboard import _published_counts, _trend
from .models import PeriodKind, TrustEstimate

TREND_MONTHS = 13  # the month and the twelve before it


def add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_day(first_of_month: date) -> date:
    return add_months(first_of_month, 1) - timedelta(days=1)


def last_full_month(agency: Agency) -> date:
    """The first day of the month before the current one, in the agency's time zone."""
    return add_months(agency.today().replace(day=1), -1)


def month_label(month: date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


@dataclass
class SummaryRow:
    """One headline figure: this month, the month before, the same month a year earlier. A value of None is
    "fewer than 11" for a count, "not enough responses" for a score."""

    label: str
    kind: str  # "count", "score" or "hours"
    values: list[float | int | None]


@dataclass
class MonthlyFigures:
    agency: Agency
    month: date
    language: str
    month_label: str
    columns: list[str]  # headings of the summary's three columns
    summary: list[SummaryRow]
    trust: Trend | None
    complaints_by_month: Table
    complaints_by_neighbourhood: Table
    allegations_by_category: Table
    allegations_by_finding: Table
    closed_by_target: Table
    median_days_to_close: float | None
    engagement_rows: list[dict]  # per neighbourhood: events, attendance (suppressed), hours
    engagement_total: dict
    attendance: Table
    patrol_targets: Table
    patrol_hours: float
    patrol_target: float | None
    training: Table | None
    training_withheld: list[str]
    crisis_outcomes: Table
    crisis_by_neighbourhood: Table
    crisis_comparison: Table
    threshold: int = THRESHOLD

    @property
    def patrol_percent(self) -> int | None:
        return round(100 * self.patrol_hours / self.patrol_target) if self.patrol_target else None


# ---------------------------------------------------------------- the parts

def _trust(agency: Agency, month: date) -> Trend | None:
    """The citywide trust and safety estimates of the thirteen months ending with this one, as stored."""
    rows = list(scoped(TrustEstimate, agency).filter(
        period_kind=PeriodKind.MONTH, neighbourhood__isnull=True, group_variable="",
        period_start__gte=add_months(month, 1 - TREND_MONTHS), period_start__lte=month).order_by("period_start"))
    if not rows:
        return None
    return _trend("monthly-trust", _("Trust and feeling safe across the city, by month"), rows,
                  _published_counts(rows))


def _trend_value(trend: Trend | None, month: date, index: int) -> float | None:
    for row in (trend.rows if trend else []):
        if row.key == month.strftime("%Y-%m"):
            value = row.points[index].value
            return None if value is None else round(value)
    return None


def _month_values(table: Table, months: list[date], series: int) -> list[int | None]:
    found = {row.key: row.values[series] for row in table.rows}
    return [found.get(month.strftime("%Y-%m")) for month in months]


def _engagement(agency: Agency, month: date) -> tuple[list[dict], dict, Table, list]:
    """Per neighbourhood: events held, people attending (suppressed, published with their total), officers'
    hours at events and patrol hours; the agency's totals; the attendance chart."""
    rows = engagement.figures(agency, month, last_day(month), engagement.NEIGHBOURHOOD, public=True)
    total = engagement.total(agency, month, last_day(month), public=True)
    attendance = suppress_counts({row.key: row.attendance for row in rows})
    table = Table(key="attendance_by_neighbourhood", title=_("People attending community events, by neighbourhood"),
                  dimension="neighbourhood", dimension_label=_("Neighbourhood"), series_dimension="",
                  series=[Series("attendance", _("People attending"))],
                  rows=[Row(row.key, row.label, [attendance[row.key]]) for row in rows],
                  totals=[suppress_total(total.attendance)],
                  description=_("People counted at community events held in the month."))
    shown = [{"label": row.label, "events": row.events, "attendance": attendance[row.key],
              "engagement_hours": row.engagement_hours, "patrol_hours": row.patrol_hours} for row in rows]
    totals = {"events": total.events, "attendance": suppress_total(total.attendance),
              "engagement_hours": total.engagement_hours, "patrol_hours": total.patrol_hours}
    return shown, totals, table, rows


def _patrol_targets(agency: Agency, month: date, rows: list) -> tuple[Table, float, float | None]:
    """Patrol hours in each neighbourhood (shared among the neighbourhoods a patrol covered, as on the
    visibility page) against the month's target: each day carries a seventh of the weekly target in force."""
    targets_of = visibility.targets_by_neighbourhood(agency)
    hours_of = {row.key: row.patrol_hours for row in rows}
    days = [month + timedelta(days=offset) for offset in range((last_day(month) - month).days + 1)]
    table_rows, hours_total, target_total = [], 0.0, None
    for neighbourhood in scoped(Neighbourhood, agency).order_by("name"):
        targets = targets_of.get(neighbourhood.id, [])
        weekly = [target_for(targets, week_start(day)) for day in days]
        target = round(sum(float(value) for value in weekly if value is not None) / 7, 1) \
            if any(value is not None for value in weekly) else None
        hours = hours_of.get(neighbourhood.slug, 0.0)
        hours_total += hours
        if target is not None:
            target_total = (target_total or 0.0) + target
        table_rows.append(Row(neighbourhood.slug, neighbourhood.name,
                              [round(hours, 1), target if target is not None else 0]))
    table = Table(key="patrol_hours_against_target", title=_("Foot and bike patrol hours against the target, by "
                                                             "neighbourhood"),
                  dimension="neighbourhood", dimension_label=_("Neighbourhood"), series_dimension="measure",
                  series=[Series("hours", _("Patrol hours")), Series("target", _("Target (hours)"))],
                  rows=table_rows, description=_("The month's target is the weekly target in force on each day, "
                                                 "a seventh of it per day; 0 where no target is set."))
    return table, round(hours_total, 1), None if target_total is None else round(target_total, 1)


def _training(agency: Agency, month: date) -> tuple[Table | None, list[str]]:
    """The share of officers current on each required training at the end of this month and of the month
    before (published only for training 11 or more officers must take, as on the public training page)."""
    now, withheld = course_shares(agency, last_day(month))
    before, _withheld = course_shares(agency, last_day(add_months(month, -1)))
    if now is None:
        return None, withheld
    earlier = {row.key: row.values[0] for row in before.rows} if before else {}
    return Table(key="training_current", title=_("Officers current on each required training (%)"),
                 dimension="requirement", dimension_label=_("Required training"), series_dimension="month",
                 series=[Series("month", _("End of %(month)s") % {"month": month_label(month)}),
                         Series("previous", _("End of %(month)s") % {"month": month_label(add_months(month, -1))})],
                 rows=[Row(row.key, row.label, [row.values[0], earlier.get(row.key)]) for row in now.rows],
                 description=now.description), withheld


def _crisis(agency: Agency, month: date) -> tuple[Table, Table, Table]:
    figures = crisis.crisis_figures(agency, crisis.Period(month, 1), public=True)
    before = crisis.crisis_figures(agency, crisis.Period(add_months(month, -1), 1), public=True)
    comparison = Table(
        key="crisis_responses_compared", title=_("Crisis responses, this month and the month before, by who "
                                                 "responded"),
        dimension="month", dimension_label=_("Month"), series_dimension="responder", series=figures.series,
        rows=[Row(month.strftime("%Y-%m"), month_label(month), list(figures.outcomes.rows[0].values)),
              Row(add_months(month, -1).strftime("%Y-%m"), month_label(add_months(month, -1)),
                  list(before.outcomes.rows[0].values))])
    return figures.outcomes, figures.by_neighbourhood, comparison


# ---------------------------------------------------------------- the whole report

def month_figures(agency: Agency, month: date, language: str) -> MonthlyFigures:
    """Every figure of the report for `month` (its first day). Call inside `translation.override(language)`."""
    previous, year_before = add_months(month, -1), add_months(month, -12)
    compared = [month, previous, year_before]
    trust = _trust(agency, month)
    year = feedback.complaint_figures(agency, feedback.Period(add_months(month, 1 - TREND_MONTHS), TREND_MONTHS))
    this_month = feedback.complaint_figures(agency, feedback.Period(month, 1))
    engagement_rows, engagement_total, attendance, raw_rows = _engagement(agency, month)
    earlier = [engagement.total(agency, first, last_day(first), public=True) for first in (previous, year_before)]
    patrol_table, patrol_hours, patrol_target = _patrol_targets(agency, month, raw_rows)
    training, withheld = _training(agency, month)
    outcomes, crisis_places, crisis_compared = _crisis(agency, month)
    summary = [
        SummaryRow(_("Trust index (0 to 100)"), "score", [_trend_value(trust, m, 0) for m in compared]),
        SummaryRow(_("Feeling safe (0 to 100)"), "score", [_trend_value(trust, m, 1) for m in compared]),
        SummaryRow(_("Complaints received"), "count", _month_values(year.reports_by_month, compared, 0)),
        SummaryRow(_("Commendations received"), "count", _month_values(year.reports_by_month, compared, 1)),
        SummaryRow(_("Community events held"), "count",
                   [engagement_total["events"], *(total.events for total in earlier)]),
        SummaryRow(_("People attending events"), "count",
                   [engagement_total["attendance"], *(suppress_total(total.attendance) for total in earlier)]),
        SummaryRow(_("Officer hours at events"), "hours",
                   [engagement_total["engagement_hours"], *(total.engagement_hours for total in earlier)]),
        SummaryRow(_("Foot and bike patrol hours"), "hours",
                   [engagement_total["patrol_hours"], *(total.patrol_hours for total in earlier)]),
    ]
    return MonthlyFigures(
        agency=agency, month=month, language=language, month_label=month_label(month),
        columns=[month_label(month), month_label(previous), month_label(year_before)], summary=summary,
        trust=trust, complaints_by_month=year.reports_by_month,
        complaints_by_neighbourhood=this_month.reports_by_neighbourhood,
        allegations_by_category=this_month.allegations_by_category,
        allegations_by_finding=this_month.allegations_by_finding,
        closed_by_target=this_month.timeliness.table, median_days_to_close=this_month.timeliness.median_days,
        engagement_rows=engagement_rows, engagement_total=engagement_total, attendance=attendance,
        patrol_targets=patrol_table, patrol_hours=patrol_hours, patrol_target=patrol_target,
        training=training, training_withheld=withheld,
        crisis_outcomes=outcomes, crisis_by_neighbourhood=crisis_places, crisis_comparison=crisis_compared)
