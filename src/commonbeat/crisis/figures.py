"""Crisis response figures: outcomes with and without a clinician present, by neighbourhood and by month.

One function serves the staff page (exact counts) and the public page (`public=True`). For the public:

- who responded is grouped in two — officer only, and with a clinician (a co-responder pair, or a clinician
  alone) — so that the rare clinician-only calls do not force most of a table to be hidden;
- the neighbourhood and month tables are published with each series' total, so they go through
  `core.disclosure.suppress_table`: no count from 1 to 10, and complementary suppression so that no hidden count
  can be worked out from the totals; a small total is hidden too;
- the outcomes table publishes no totals (a response can have several outcomes, so outcomes do not add up), and
  its cells are the totals of the neighbourhood and month tables, so each cell is hidden exactly when it is from
  1 to 10, as those totals are;
- a rate is given only when its count is shown and it rests on at least 11 responses.

Only months, codes and counts are read: no time finer than the month, no name, no note ever reaches this module.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from commonbeat.core.charts import TOTAL, Row, Series, Table
from commonbeat.core.disclosure import THRESHOLD, suppress_table, suppress_total
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.periods import DEFAULT_MONTHS, Period  # noqa: F401 (the default period, also for the views)
from commonbeat.core.tenancy import scoped

from .models import CrisisResponse, Outcome, ResponderKind

PERIOD_CHOICES = (12, 24, 36)
ALL_RESPONSES = "all"  # the "outcome" of every response: how many there were
NOT_RECORDED = "not-recorded"
WITH_CLINICIAN = "with_clinician"
CSV_COLUMNS = ["table", "outcome", "month", "neighbourhood", "responder", "count", "suppressed"]


def outcome_choices() -> list[tuple[str, str]]:
    return [(ALL_RESPONSES, _("All responses")), *((o.value, str(o.label)) for o in Outcome)]


@dataclass
class Rate:
    outcome: str
    label: str
    percents: list[float | None]  # one per series; None: not enough responses, or the count is hidden


@dataclass
class Figures:
    agency: Agency
    period: Period
    public: bool
    language: str
    outcome: str  # the outcome the neighbourhood and month tables count
    outcome_label: str
    outcomes: Table
    rates: list[Rate]
    by_neighbourhood: Table
    by_month: Table
    downloads: list[tuple[str, str, Table]]  # (table name, outcome or "", table): what the CSV and JSON carry

    @property
    def series(self) -> list[Series]:
        return self.outcomes.series


def _series(public: bool) -> list[Series]:
    if public:
        return [Series(ResponderKind.OFFICER_ONLY.value, _("Officer only")),
                Series(WITH_CLINICIAN, _("With a clinician"))]
    return [Series(kind.value, str(kind.label)) for kind in
            (ResponderKind.OFFICER_ONLY, ResponderKind.CO_RESPONDER, ResponderKind.CLINICIAN_ONLY)]


def _group(responder_kind: str, public: bool) -> str:
    if public and responder_kind != ResponderKind.OFFICER_ONLY:
        return WITH_CLINICIAN
    return responder_kind


def _counts(responses, field: str | None) -> dict:
    """{(field value or None, responder kind): {outcome or "all": count}} in one query."""
    fields = ["responder_kind"] + ([field] if field else [])
    aggregates = {ALL_RESPONSES: Count("id"), **{o.value: Count("id", filter=Q(**{o.value: True})) for o in Outcome}}
    found = {}
    for row in responses.values(*fields).annotate(**aggregates).order_by():
        key = (row[field] if field else None, row["responder_kind"])
        found[key] = {name: row[name] for name in aggregates}
    return found


def _grouped(found: dict, public: bool) -> dict:
    """The counts with responder kinds merged into the published groups: {(value, group): {outcome: n}}."""
    merged: dict = {}
    for (value, kind), counts in found.items():
        slot = merged.setdefault((value, _group(kind, public)), dict.fromkeys(counts, 0))
        for name, count in counts.items():
            slot[name] += count
    return merged


def _publish(table: Table, counts: list[list[int]], public: bool) -> Table:
    """Fill a cross-tab (rows × series) published with each series' total."""
    totals = [sum(row[index] for row in counts) for index in range(len(table.series))]
    if public:
        shown = suppress_table(counts) if counts else counts
        totals = [suppress_total(total) for total in totals]
    else:
        shown = counts
    for row, values in zip(table.rows, shown, strict=True):
        row.values = list(values)
    table.totals = totals
    return table


def _outcome_label(outcome: str) -> str:
    return dict(outcome_choices())[outcome]


def _by_neighbourhood(agency: Agency, found: dict, series: list[Series], outcome: str, public: bool,
                      places: list) -> Table:
    label = _outcome_label(outcome)
    table = Table(key=f"by_neighbourhood_{outcome}",
                  title=_("%(outcome)s, by neighbourhood and who responded") % {"outcome": label},
                  dimension="neighbourhood", dimension_label=_("Neighbourhood"), series_dimension="responder",
                  series=series, rows=[Row(slug, name, []) for _id, slug, name in places],
                  description=_("Crisis responses in each neighbourhood with this outcome, by who responded."))
    return _publish(table, [[found.get((place_id, s.key), {}).get(outcome, 0) for s in series]
                            for place_id, _slug, _name in places], public)


def _by_month(found: dict, series: list[Series], outcome: str, public: bool, months: list[date]) -> Table:
    label = _outcome_label(outcome)
    table = Table(key=f"by_month_{outcome}", title=_("%(outcome)s, by month and who responded") % {"outcome": label},
                  dimension="month", dimension_label=_("Month"), series_dimension="responder", series=series,
                  rows=[Row(m.strftime("%Y-%m"), date_format(m, "YEAR_MONTH_FORMAT"), [],
                            short_label=date_format(m, "M Y")) for m in months],
                  description=_("Crisis responses each month with this outcome, by who responded."),
                  orientation="vertical")
    return _publish(table, [[found.get((m, s.key), {}).get(outcome, 0) for s in series] for m in months], public)


def crisis_figures(agency: Agency, period: Period | None = None, *, public: bool = False,
                   outcome: str = ALL_RESPONSES, today: date | None = None) -> Figures:
    """The crisis figures for `period` (default: the last 24 full months). `public` applies small-count
    suppression and groups co-responder and clinician-only calls as "with a clinician"."""
    tz = zoneinfo.ZoneInfo(agency.timezone)
    today = today or timezone.localdate(timezone=tz)
    period = period or Period.last_full_months(today)
    outcome = outcome if outcome in dict(outcome_choices()) else ALL_RESPONSES
    start, end = period.bounds(tz)
    responses = scoped(CrisisResponse, agency).filter(occurred_at__gte=start, occurred_at__lt=end)
    series = _series(public)

    overall = _grouped(_counts(responses, None), public)
    names = [ALL_RESPONSES, *Outcome.values]
    raw = [[overall.get((None, s.key), {}).get(name, 0) for s in series] for name in names]
    cells = [[suppress_total(value) if public else value for value in row] for row in raw]
    outcomes = Table(key="outcomes", title=_("Outcomes of crisis responses, by who responded"),
                     dimension="outcome", dimension_label=_("Outcome"), series_dimension="responder",
                     series=series, rows=[Row(name, _outcome_label(name), values)
                                          for name, values in zip(names, cells, strict=True)],
                     description=_("A response can have several outcomes, so the outcomes do not add up to the "
                                   "number of responses."))
    rates = [Rate(name, _outcome_label(name), [
        None if count is None or not responses_of or responses_of < THRESHOLD else round(100 * count / responses_of, 1)
        for count, responses_of in zip(row, raw[0], strict=True)]) for name, row in zip(names[1:], cells[1:],
                                                                                      strict=True)]

    places = [(n.id, n.slug, n.name) for n in scoped(Neighbourhood, agency).order_by("name")]
    by_place = _grouped(_counts(responses, "neighbourhood_id"), public)
    if any(value is None for value, _kind in by_place):
        places.append((None, NOT_RECORDED, _("Neighbourhood not recorded")))
    by_month_found = _grouped(_counts(responses.annotate(month=TruncMonth("occurred_at", tzinfo=tz)), "month"),
                              public)
    by_month_found = {(value.date() if isinstance(value, datetime) else value, group): counts
                      for (value, group), counts in by_month_found.items()}
    months = period.month_starts
    downloads = [("outcomes", "", outcomes)]
    for name in names:
        downloads.append(("by_neighbourhood", name, _by_neighbourhood(agency, by_place, series, name, public, places)))
        downloads.append(("by_month", name, _by_month(by_month_found, series, name, public, months)))
    chosen = {(table_name, name): table for table_name, name, table in downloads}
    return Figures(
        agency=agency, period=period, public=public, language=get_language() or "en", outcome=outcome,
        outcome_label=_outcome_label(outcome), outcomes=outcomes, rates=rates,
        by_neighbourhood=chosen[("by_neighbourhood", outcome)], by_month=chosen[("by_month", outcome)],
        downloads=downloads)


def long_rows(figures: Figures) -> list[dict]:
    """Every count in tidy long form, one row per count, with every CSV column."""
    rows = []
    for name, outcome, table in figures.downloads:
        for row in table.long_rows():
            entry = dict.fromkeys(CSV_COLUMNS, "") | row | {"table": name}
            if outcome:
                entry["outcome"] = outcome
            rows.append(entry)
    return rows


def as_json(figures: Figures) -> dict:
    """The published figures with a small data dictionary."""
    return {
        "title": _("Crisis responses: the figures"),
        "agency": {"slug": figures.agency.slug, "name": figures.agency.display_name(figures.language)},
        "period": {"start": figures.period.first_month.isoformat(), "end": figures.period.last_day.isoformat(),
                   "months": figures.period.months},
        "suppression": {"threshold": THRESHOLD, "total_marker": TOTAL,
                        "rule": _("Counts from 1 to 10 are not published. Where a hidden count could be worked "
                                  "out from a total, another count is hidden too.")},
        "rows": long_rows(figures),
        "data_dictionary": {
            "table": _("“outcomes”: every outcome by who responded; “by_neighbourhood” and “by_month”: one "
                       "outcome by place or month and who responded."),
            "outcome": {key: label for key, label in outcome_choices()},
            "responder": {s.key: s.label for s in figures.series},
            "month": _("Month of the call, as YYYY-MM, in the agency's time zone."),
            "neighbourhood": _("Neighbourhood code (“not-recorded”: none given)."),
            "count": _("How many responses. Empty (null) when suppressed."),
            "suppressed": _("true when the count is hidden: it is from 1 to 10, or hidden so that another "
                            "hidden count cannot be worked out from a total."),
        },
    }
