"""The trust index, computed as survey science rather than as an average of whatever came in.

The rules, in the order they apply:

- **Which answers count.** Eligible responses (the resident lives in one of the city's neighbourhoods) to
  surveys that count toward the trust index, submitted in the last 24 full calendar months in the
  agency's time zone.
- **Scores.** Trust is the mean of the respect and listen items (0–10; when one is missing the other
  stands alone) times 10; safety is the safety item times 10. Both are on 0–100.
- **Periods.** Each of the 24 months; the *current* period (the latest three full months), which the map,
  the table, the breakdowns and the number-one issues show; and the *previous* period (the three months
  before it), so the change since then can be judged against the noise.
- **Weighting.** In each neighbourhood, the responses of a period are raked to the neighbourhood's census
  make-up (age band, gender, race/ethnicity), with weights trimmed to the agency's bounds (by default
  0.3 to 3 times the average weight) — `commonbeat.weighting` does the raking and the variance.
  Citywide, all responses of the period are raked to the city's make-up (the sum of the neighbourhoods')
  with the neighbourhood as a fourth margin, so each neighbourhood counts for its share of the adults.
  A response with a blank weighting question, or an answer the census has no count for, cannot be
  weighted: it is left out and counted as excluded. Within a cell, a group too small to weight reliably
  is first combined with its neighbour (`combine_sparse_groups`).
- **Minimum.** A cell (neighbourhood or city, period, demographic group) with fewer responses than the
  agency's minimum (30 by default) is stored with `enough_responses=False` and no numbers.
- **Breakdowns by group** (age band, gender, race/ethnicity) are citywide, for the current period: the
  mean over the group's respondents with the citywide weights (a domain of the raked design).

Everything is read with one query per agency and grouped in numpy; nothing is queried per response.
"""

import logging
import math
import warnings
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

import numpy as np
from django.utils import timezone

from commonbeat import weighting
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.tenancy import scoped
from commonbeat.surveys.instrument import STANDARD, WEIGHTING_VARIABLES
from commonbeat.surveys.models import Response

from .models import Measure, PeriodKind, TrustSettings

logger = logging.getLogger(__name__)

MONTHS = 24
CURRENT_MONTHS = 3
# The groups of the breakdowns: the standard instrument's answers to each weighting question, in its order.
GROUPS = {spec["code"]: [choice["value"] for choice in spec["choices"]]
          for spec in STANDARD if spec["code"] in WEIGHTING_VARIABLES}
NEIGHBOURHOOD = "neighbourhood"  # the citywide fourth margin
# Groups too small to weight reliably are combined before raking (see `combine_sparse_groups`).
FEWEST_IN_GROUP = 5
SMALL_GROUP = 20
HEADROOM = 2 / 3
ORDERED_VARIABLES = frozenset({"age_band"})


# ---------------------------------------------------------------- scores

def trust_score(respect: float | None, listen: float | None) -> float | None:
    """Trust on 0–100: the mean of the respect and listen items (0–10) times 10, or the one answered."""
    answered = [value for value in (respect, listen) if value is not None]
    return 10 * sum(answered) / len(answered) if answered else None


def safety_score(safety: float | None) -> float | None:
    """Feeling safe on 0–100: the safety item (0–10) times 10."""
    return None if safety is None else 10 * safety


# ---------------------------------------------------------------- periods

def add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole calendar months: [start, end) with `end` the first day after the period."""

    kind: str
    start: date
    end: date

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)


@dataclass(frozen=True)
class Periods:
    months: list[Period]
    current: Period
    previous: Period
    quarters: list[Period]

    @classmethod
    def ending_before(cls, today: date) -> "Periods":
        """The 24 full months before the month of `today`, and the latest three (and three before those)."""
        end = today.replace(day=1)
        first = add_months(end, -MONTHS)
        months = [Period(PeriodKind.MONTH, add_months(first, step), add_months(first, step + 1))
                  for step in range(MONTHS)]
        current = Period(PeriodKind.CURRENT, add_months(end, -CURRENT_MONTHS), end)
        previous = Period(PeriodKind.PREVIOUS, add_months(end, -2 * CURRENT_MONTHS), current.start)
        # Three-month periods aligned on the end, so the last one is the current period.
        quarters = [Period(PeriodKind.QUARTER, add_months(first, step), add_months(first, step + CURRENT_MONTHS))
                    for step in range(0, MONTHS, CURRENT_MONTHS)]
        return cls(months, current, previous, quarters)

    @property
    def start(self) -> date:
        return self.months[0].start

    @property
    def end(self) -> date:
        return self.months[-1].end

    def month_index(self, day: date) -> int:
        """0–23 for a day in the 24 months, else -1."""
        index = (day.year - self.start.year) * 12 + day.month - self.start.month
        return index if 0 <= index < MONTHS else -1

    def month_range(self, period: Period) -> tuple[int, int]:
        """[first, last) month indexes covered by a period."""
        return self.month_index(period.start), self.month_index(period.last_day) + 1


# ---------------------------------------------------------------- reading the responses once

@dataclass
class Responses:
    """The responses of the 24 months as columns: one entry per response."""

    month: np.ndarray  # 0–23
    neighbourhood: np.ndarray  # neighbourhood id
    demographics: dict[str, np.ndarray]  # variable -> category ("" when not answered)
    scores: dict[str, np.ndarray]  # measure -> 0–100, NaN when not answered

    def __len__(self) -> int:
        return int(self.month.shape[0])


def read_responses(agency: Agency, periods: Periods, tz: zoneinfo.ZoneInfo) -> Responses:
    """Eligible responses to index surveys in the 24 months: one query, grouped afterwards in numpy."""
    start = timezone.make_aware(datetime.combine(periods.start, time.min), tz)
    end = timezone.make_aware(datetime.combine(periods.end, time.min), tz)
    rows = list(scoped(Response, agency).filter(
        eligible=True, survey__counts_toward_trust_index=True, neighbourhood__isnull=False,
        submitted_at__gte=start, submitted_at__lt=end,
    ).order_by().values_list("submitted_at", "neighbourhood_id", *WEIGHTING_VARIABLES, "safety", "respect", "listen"))
    count = len(rows)
    columns = list(zip(*rows, strict=True)) if rows else [()] * (5 + len(WEIGHTING_VARIABLES))
    month = np.fromiter((periods.month_index(timezone.localtime(moment, tz).date()) for moment in columns[0]),
                        dtype=np.intp, count=count)
    demographics = {variable: np.array([value or "" for value in columns[2 + index]], dtype=str).reshape(count)
                    for index, variable in enumerate(WEIGHTING_VARIABLES)}
    safety, respect, listen = (columns[2 + len(WEIGHTING_VARIABLES) + offset] for offset in range(3))
    scores = {
        Measure.TRUST: np.fromiter((_nan(trust_score(r, li)) for r, li in zip(respect, listen, strict=True)),
                                   dtype=float, count=count),
        Measure.SAFETY: np.fromiter((_nan(safety_score(s)) for s in safety), dtype=float, count=count),
    }
    return Responses(month=month, neighbourhood=np.fromiter(columns[1], dtype=np.int64, count=count),
                     demographics=demographics, scores=scores)


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


# ---------------------------------------------------------------- margins

def census_margins(neighbourhood: Neighbourhood) -> dict[str, dict[str, float]]:
    """The neighbourhood's adult counts per weighting variable (categories with a count only), each
    variable scaled to the same total as the first, so small disagreements between census tables do not
    stop the raking."""
    census = neighbourhood.census or {}
    margins = {variable: {category: float(count) for category, count in (census.get(variable) or {}).items()
                          if count and count > 0}
               for variable in WEIGHTING_VARIABLES}
    margins = {variable: table for variable, table in margins.items() if table}
    return _same_total(margins)


def _same_total(margins: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    if not margins:
        return margins
    total = sum(next(iter(margins.values())).values())
    return {variable: {category: count * total / sum(table.values()) for category, count in table.items()}
            for variable, table in margins.items()}


def city_margins(neighbourhood_margins: dict[int, dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """The city's make-up: the sum of its neighbourhoods', plus each neighbourhood's adults as a margin.
    Neighbourhoods without a full census make-up are left out of the citywide weighting."""
    complete = {key: margins for key, margins in neighbourhood_margins.items()
                if set(margins) == set(WEIGHTING_VARIABLES)}
    city: dict[str, dict[str, float]] = {variable: {} for variable in WEIGHTING_VARIABLES}
    for margins in complete.values():
        for variable in WEIGHTING_VARIABLES:
            for category, count in margins[variable].items():
                city[variable][category] = city[variable].get(category, 0.0) + count
    if not complete:
        return {}
    city[NEIGHBOURHOOD] = {str(key): sum(next(iter(margins.values())).values()) for key, margins in complete.items()}
    return city


def weightable(columns: dict[str, np.ndarray], margins: dict[str, dict[str, float]]) -> np.ndarray:
    """Which respondents can be weighted: every margin variable answered with a category the census counts."""
    count = len(next(iter(columns.values()))) if columns else 0
    mask = np.ones(count, dtype=bool)
    for variable, table in margins.items():
        mask &= np.isin(columns[variable], np.array(list(table), dtype=str))
    return mask


def combine_sparse_groups(columns: dict[str, np.ndarray], margins: dict[str, dict[str, float]],
                          trim: tuple[float, float]) -> tuple[dict[str, np.ndarray], dict[str, dict[str, float]]]:
    """Combine groups too small to weight reliably, as survey practice does in small samples.

    A group (an age band, a gender, a race/ethnicity, a neighbourhood) is combined with another when it has
    fewer than 5 respondents, or fewer than 20 and would need an average weight beyond two-thirds of the
    trimming bounds (by default: more than twice, or less than 0.45 times, the average weight). An age band
    joins the adjacent band; other groups join the group that brings the combination closest to its
    census share. Without this, a handful of respondents would carry a neighbourhood's month, and the
    trimmed weights could not settle. Returns the recoded columns and margins; unchanged when no group is
    sparse."""
    count = len(next(iter(columns.values()))) if columns else 0
    highest, lowest = trim[1] * HEADROOM, trim[0] / HEADROOM
    new_columns, new_margins = dict(columns), {}
    for variable, table in margins.items():
        values, inverse = np.unique(columns[variable], return_inverse=True)
        found = dict(zip(values.tolist(), np.bincount(inverse.reshape(-1), minlength=values.shape[0]).tolist(),
                         strict=True))
        total = sum(table.values())
        groups = [[category] for category in table]

        def respondents(group, found=found):
            return sum(found.get(category, 0) for category in group)

        def strain(group, table=table, total=total):
            """How far the group's average weight would fall outside the headroom (1 or less: within)."""
            have = respondents(group)
            if not have:
                return math.inf
            need = (sum(table[c] for c in group) / total) / (have / count)
            return max(need / highest, lowest / need)

        def sparse(group):
            have = respondents(group)
            return have < FEWEST_IN_GROUP or (have < SMALL_GROUP and strain(group) > 1)

        while len(groups) > 1 and any(sparse(group) for group in groups):
            group = max((g for g in groups if sparse(g)), key=lambda g: (respondents(g) < FEWEST_IN_GROUP, strain(g)))
            index = groups.index(group)
            if variable in ORDERED_VARIABLES:
                partners = [other for other in (index - 1, index + 1) if 0 <= other < len(groups)]
            else:
                partners = [other for other in range(len(groups)) if other != index]
            partner = min(partners, key=lambda other: strain(groups[other] + group))
            first, second = sorted((index, partner))
            groups[first:first + 1] = [groups[first] + groups[second]]
            del groups[second]
        if len(groups) == len(table):
            new_margins[variable] = table
            continue
        label = {category: "+".join(group) for group in groups for category in group}
        new_margins[variable] = {"+".join(group): sum(table[c] for c in group) for group in groups}
        recoded = np.array([label.get(value, value) for value in values.tolist()], dtype=str)
        new_columns[variable] = recoded[inverse.reshape(-1)] if values.shape[0] else columns[variable]
    return new_columns, new_margins


# ---------------------------------------------------------------- estimating one cell

@dataclass
class Cell:
    """One estimate to store. `estimate` is None when there are too few responses."""

    measure: str
    period: Period
    neighbourhood_id: int | None
    respondents: int
    excluded: int
    estimate: weighting.Estimate | None = None
    unweighted_mean: float | None = None
    group_variable: str = ""
    group_value: str = ""


@dataclass
class Rules:
    minimum_responses: int = 30
    trim: tuple[float, float] = (0.3, 3.0)

    @classmethod
    def of(cls, trust_settings: TrustSettings) -> "Rules":
        return cls(trust_settings.minimum_responses, (trust_settings.trim_lower, trust_settings.trim_upper))


def _rake(columns: dict[str, np.ndarray], margins: dict, rules: Rules) -> np.ndarray:
    with warnings.catch_warnings():
        # Trimming can keep the margins from being met exactly; the trimmed weights are what we want.
        warnings.simplefilter("ignore", weighting.WeightingWarning)
        return weighting.rake(columns, margins, trim=rules.trim)


@dataclass
class Design:
    """The respondents of one cell who can be weighted, with their margins and (once needed) weights."""

    columns: dict[str, np.ndarray]
    margins: dict[str, dict[str, float]]
    rules: Rules
    _weights: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.margins:
            self.columns, self.margins = combine_sparse_groups(self.columns, self.margins, self.rules.trim)

    @property
    def weights(self) -> np.ndarray:
        if self._weights is None:
            if self.margins:
                self._weights = _rake(self.columns, self.margins, self.rules)
            else:  # no census make-up: the answers are not weighted
                self._weights = np.ones(len(next(iter(self.columns.values()))))
        return self._weights

    def estimate(self, values: np.ndarray) -> weighting.Estimate:
        margins = self.margins
        columns = self.columns
        if not margins:  # a single all-embracing margin: the unweighted mean and its usual interval
            columns = {"all": np.full(values.shape[0], "all")}
            margins = {"all": {"all": float(values.shape[0])}}
        return weighting.weighted_mean(values, columns, margins, self.weights)


def estimate_cells(design: Design | None, scores: dict[str, np.ndarray], period: Period,
                   neighbourhood_id: int | None, excluded: int, *, group: tuple[str, str] = ("", "")) -> list[Cell]:
    """One Cell per measure. `scores` are the design's respondents' values (NaN outside a group or when not
    answered); the minimum is counted over the respondents with a value."""
    cells = []
    for measure, values in scores.items():
        answered = values[~np.isnan(values)]
        cell = Cell(measure, period, neighbourhood_id, respondents=int(answered.shape[0]), excluded=excluded,
                    group_variable=group[0], group_value=group[1])
        if design is not None and cell.respondents >= design.rules.minimum_responses:
            try:
                cell.estimate = design.estimate(values)
                cell.unweighted_mean = float(answered.mean())
            except weighting.WeightingError:
                logger.exception("Trust index: could not weight %s %s for neighbourhood %s", measure, period,
                                 neighbourhood_id)
        cells.append(cell)
    return cells


# ---------------------------------------------------------------- the whole agency

@dataclass
class Computed:
    cells: list[Cell]
    responses_used: int
    responses_excluded: int


def _subset(responses: Responses, mask: np.ndarray, margins: dict) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The weighting columns of the selected responses, and which of them can be weighted."""
    columns = {variable: responses.demographics[variable][mask] for variable in WEIGHTING_VARIABLES}
    columns[NEIGHBOURHOOD] = responses.neighbourhood[mask].astype(str)
    return columns, weightable(columns, margins)


def _cell_design(responses: Responses, mask: np.ndarray, margins: dict, rules: Rules):
    """(design or None, the design respondents' scores, excluded count) for the selected responses."""
    columns, ok = _subset(responses, mask, margins)
    excluded = int((~ok).sum())
    variables = list(margins) or list(WEIGHTING_VARIABLES)
    design_columns = {variable: column[ok] for variable, column in columns.items() if variable in variables}
    scores = {measure: values[mask][ok] for measure, values in responses.scores.items()}
    design = Design(design_columns, margins, rules) if ok.any() else None
    return design, scores, excluded


def compute(responses: Responses, periods: Periods, neighbourhoods: Iterable[Neighbourhood], rules: Rules) -> Computed:
    """Every estimate for an agency: per neighbourhood and citywide, for each month, the current and the
    previous period; and the citywide breakdowns by group for the current period."""
    neighbourhood_margins = {n.id: census_margins(n) for n in neighbourhoods}
    margins_of_city = city_margins(neighbourhood_margins)
    period_masks = [(period, responses.month == index) for index, period in enumerate(periods.months)]
    for period in (periods.current, periods.previous, *periods.quarters):
        first, last = periods.month_range(period)
        period_masks.append((period, (responses.month >= first) & (responses.month < last)))

    cells: list[Cell] = []
    for period, in_period in period_masks:
        for neighbourhood_id, margins in neighbourhood_margins.items():
            design, scores, excluded = _cell_design(
                responses, in_period & (responses.neighbourhood == neighbourhood_id), margins, rules)
            cells += estimate_cells(design, scores, period, neighbourhood_id, excluded)
        design, scores, excluded = _cell_design(responses, in_period, margins_of_city, rules)
        cells += estimate_cells(design, scores, period, None, excluded)
        if period.kind == PeriodKind.CURRENT:
            cells += _breakdowns(responses, in_period, design, scores, period, margins_of_city)

    _, used = _subset(responses, np.ones(len(responses), dtype=bool), margins_of_city)
    return Computed(cells, responses_used=int(used.sum()), responses_excluded=int((~used).sum()))


def _breakdowns(responses: Responses, in_period: np.ndarray, design: Design | None, scores: dict,
                period: Period, margins: dict) -> list[Cell]:
    """Citywide means for each group, as domains of the citywide design (the same weights)."""
    columns, ok = _subset(responses, in_period, margins)
    cells = []
    for variable, categories in GROUPS.items():
        answered = columns[variable]
        for value in categories:
            in_group = answered == value
            group_scores = {measure: np.where(in_group[ok], values, np.nan) for measure, values in scores.items()}
            excluded = int((in_group & ~ok).sum())
            cells += estimate_cells(design, group_scores, period, None, excluded, group=(variable, value))
    return cells
