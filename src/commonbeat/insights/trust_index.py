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
from datetime import date, datetime, time, timedelta

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

READ_CHUNK = 50_000  # responses fetched from the database at a time


@dataclass
class Responses:
    """The responses of the 24 months as columns: one entry per response. Each weighting answer is kept as a
    small integer code into its categories (code 0 is "", not answered), so ten million responses take a few
    hundred megabytes."""

    month: np.ndarray  # 0–23
    neighbourhood: np.ndarray  # neighbourhood id
    codes: dict[str, np.ndarray]  # variable -> index into categories[variable]
    categories: dict[str, np.ndarray]  # variable -> the answers seen, "" first
    scores: dict[str, np.ndarray]  # measure -> 0–100, NaN when not answered

    def __len__(self) -> int:
        return int(self.month.shape[0])

    def column(self, variable: str, index=slice(None)) -> np.ndarray:
        """The answers (as strings) of the selected responses to one weighting question."""
        return self.categories[variable][self.codes[variable][index]]

    def take(self, order: np.ndarray) -> "Responses":
        return Responses(month=self.month[order], neighbourhood=self.neighbourhood[order],
                         codes={variable: codes[order] for variable, codes in self.codes.items()},
                         categories=self.categories,
                         scores={measure: values[order] for measure, values in self.scores.items()})


def read_responses(agency: Agency, periods: Periods, tz: zoneinfo.ZoneInfo) -> Responses:
    """Eligible responses to index surveys in the 24 months: one query, read in chunks straight into numpy
    columns; the month is taken in the agency's time zone by the database. On PostgreSQL the rows come as a
    binary COPY of fixed-width fields (each weighting answer already coded by the database), parsed by numpy."""
    from django.db import connections
    from django.db.models import IntegerField
    from django.db.models.functions import Cast, ExtractMonth, ExtractYear

    start = timezone.make_aware(datetime.combine(periods.start, time.min), tz)
    end = timezone.make_aware(datetime.combine(periods.end, time.min), tz)
    queryset = scoped(Response, agency).filter(
        eligible=True, survey__counts_toward_trust_index=True, neighbourhood__isnull=False,
        submitted_at__gte=start, submitted_at__lt=end,
    ).order_by().annotate(local_month=Cast(
        ExtractYear("submitted_at", tzinfo=tz) * 12 + ExtractMonth("submitted_at", tzinfo=tz), IntegerField(),
    )).values_list("local_month", "neighbourhood_id", *WEIGHTING_VARIABLES, "safety", "respect", "listen")
    first_month = periods.start.year * 12 + periods.start.month
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        # The instant each local month starts; a response's month is found among them by numpy.
        starts = [timezone.make_aware(datetime.combine(add_months(periods.start, step), time.min), tz)
                  for step in range(MONTHS + 1)]
        raw = queryset.values_list("submitted_at", "neighbourhood_id", *WEIGHTING_VARIABLES,
                                   "safety", "respect", "listen")
        sql, params = raw.query.get_compiler(using=raw.db).as_sql()
        parts, names = _copy_columns(connection, sql, params, starts, _known_answers(agency))
    else:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
        parts, names = _fetch_columns(connection, sql, params, first_month)
    width = 2 + len(WEIGHTING_VARIABLES) + 3
    empty = [np.zeros(0, dtype=np.int8), np.zeros(0, dtype=np.int64),
             *(np.zeros(0, dtype=np.int16) for _ in WEIGHTING_VARIABLES), *(np.zeros(0) for _ in range(3))]
    columns = [np.concatenate([part[k] for part in parts]) if parts else empty[k] for k in range(width)]
    parts.clear()
    month, neighbourhood = columns[0].astype(np.intp), columns[1]
    codes = dict(zip(WEIGHTING_VARIABLES, columns[2:2 + len(WEIGHTING_VARIABLES)], strict=True))
    categories = {variable: np.array(names[variable], dtype=str) for variable in WEIGHTING_VARIABLES}
    safety, respect, listen = columns[2 + len(WEIGHTING_VARIABLES):]
    both = ~np.isnan(respect) & ~np.isnan(listen)
    # the same arithmetic as trust_score(): 10 × (respect + listen) / 2, or 10 × the one answered
    trust = np.where(both, 10 * (respect + listen) / 2, 10 * np.where(np.isnan(respect), listen, respect))
    scores = {Measure.TRUST: trust, Measure.SAFETY: 10 * safety}
    return Responses(month=month, neighbourhood=neighbourhood, codes=codes, categories=categories, scores=scores)


def _month_column(values: np.ndarray, first_month: int) -> np.ndarray:
    index = values.astype(np.int64) - first_month
    return np.where((index >= 0) & (index < MONTHS), index, -1).astype(np.int8)


def _known_answers(agency: Agency) -> dict[str, list[str]]:
    """Per weighting question, every answer that can matter: the standard instrument's and every category of the
    agency's census make-ups. Any other answer can neither be weighted nor form a group, exactly like a blank."""
    known = {variable: [value for value in GROUPS.get(variable, []) if value] for variable in WEIGHTING_VARIABLES}
    for census in scoped(Neighbourhood, agency).values_list("census", flat=True):
        for variable in WEIGHTING_VARIABLES:
            for category in ((census or {}).get(variable) or {}):
                if category and category not in known[variable]:
                    known[variable].append(category)
    return known


POSTGRES_EPOCH = datetime(2000, 1, 1, tzinfo=zoneinfo.ZoneInfo("UTC"))


def _copy_columns(connection, sql: str, params, starts: list[datetime], known: dict[str, list[str]]):
    """The rows as a binary COPY: the time submitted (microseconds since 2000, as PostgreSQL sends it; the month
    is the last of `starts` at or before it), neighbourhood, one code per weighting answer (0: blank or any answer
    not in `known`), the three items (NaN when not answered). Every field has a fixed width, so each block of
    rows is one numpy record array."""
    variables = list(WEIGHTING_VARIABLES)
    coded = ", ".join(f"coalesce(array_position(%s::text[], q.{v}::text), 0)::int2" for v in variables)
    # Built from Django's compiled query and the fixed column names; the values travel as parameters.
    copy_sql = (
        f"COPY (SELECT q.submitted_at, q.neighbourhood_id::int8, {coded}, "  # noqa: S608
        "coalesce(q.safety, 'NaN')::float8, coalesce(q.respect, 'NaN')::float8, coalesce(q.listen, 'NaN')::float8 "
        f"FROM ({sql}) AS q (submitted_at, neighbourhood_id, {', '.join(variables)}, safety, respect, listen)"
        ") TO STDOUT (FORMAT binary)"
    )
    fields = [("submitted", ">i8"), ("neighbourhood", ">i8"), *((v, ">i2") for v in variables),
              ("safety", ">f8"), ("respect", ">f8"), ("listen", ">f8")]
    record = np.dtype([("count", ">i2"), *((item for name, kind in fields
                                            for item in ((f"{name}_size", ">i4"), (name, kind))))])
    names = {variable: ["", *known[variable]] for variable in variables}
    boundaries = np.array([(start - POSTGRES_EPOCH) // timedelta(microseconds=1) for start in starts], dtype=np.int64)
    parts: list[list[np.ndarray]] = []
    block = READ_CHUNK * record.itemsize
    pending = bytearray()
    header_left = None  # the 19-byte header (signature, flags, extension length), then its extension

    def parse(data) -> None:
        rows = np.frombuffer(data, dtype=record)
        month = np.searchsorted(boundaries, rows["submitted"].astype(np.int64), side="right") - 1
        part = [np.where(month < MONTHS, month, -1).astype(np.int8), rows["neighbourhood"].astype(np.int64)]
        part += [rows[variable].astype(np.int16) for variable in variables]
        part += [rows[item].astype(np.float64) for item in ("safety", "respect", "listen")]
        parts.append(part)

    connection.ensure_connection()
    with connection.connection.cursor() as cursor, \
            cursor.copy(copy_sql, [*(known[v] for v in variables), *params]) as copy:
        for data in copy:
            pending += data
            if header_left is None:
                if len(pending) < 19:
                    continue
                header_left = 19 + int.from_bytes(pending[15:19], "big")
            if header_left:
                if len(pending) < header_left:
                    continue
                del pending[:header_left]
                header_left = 0
            if len(pending) >= block:
                whole = len(pending) // record.itemsize * record.itemsize
                parse(bytes(pending[:whole]))
                del pending[:whole]
    if pending[-2:] == b"\xff\xff":  # the trailer
        del pending[-2:]
    if pending:
        parse(bytes(pending))
    return parts, names


def _fetch_columns(connection, sql: str, params, first_month: int):
    """The rows from a server-side cursor, a chunk at a time, each weighting answer coded as it comes."""
    lookups = {variable: {"": 0, None: 0} for variable in WEIGHTING_VARIABLES}
    names = {variable: [""] for variable in WEIGHTING_VARIABLES}
    parts: list[list[np.ndarray]] = []

    def flush(chunk):
        columns = list(zip(*chunk, strict=True))
        count = len(chunk)
        part = [_month_column(np.fromiter(columns[0], dtype=np.int64, count=count), first_month),
                np.fromiter(columns[1], dtype=np.int64, count=count)]
        for offset, variable in enumerate(WEIGHTING_VARIABLES):
            lookup = lookups[variable]
            for value in set(columns[2 + offset]) - lookup.keys():
                lookup[value] = len(names[variable])
                names[variable].append(value)
            part.append(np.fromiter(map(lookup.__getitem__, columns[2 + offset]), dtype=np.int16, count=count))
        for offset in range(3):
            part.append(np.array(columns[2 + len(WEIGHTING_VARIABLES) + offset], dtype=np.float64))
        parts.append(part)

    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(READ_CHUNK):
            flush(rows)
    return parts, names


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
                          trim: tuple[float, float], *, distinct: dict | None = None,
                          ) -> tuple[dict[str, np.ndarray], dict[str, dict[str, float]]]:
    """Combine groups too small to weight reliably, as survey practice does in small samples.

    A group (an age band, a gender, a race/ethnicity, a neighbourhood) is combined with another when it has
    fewer than 5 respondents, or fewer than 20 and would need an average weight beyond two-thirds of the
    trimming bounds (by default: more than twice, or less than 0.45 times, the average weight). An age band
    joins the adjacent band; other groups join the group that brings the combination closest to its
    census share. Without this, a handful of respondents would carry a neighbourhood's month, and the
    trimmed weights could not settle. Returns the recoded columns and margins; unchanged when no group is
    sparse. `distinct` may give, per variable, the column's distinct answers and each respondent's index into
    them (as numpy.unique with return_inverse), when the caller has them without sorting the column."""
    count = len(next(iter(columns.values()))) if columns else 0
    highest, lowest = trim[1] * HEADROOM, trim[0] / HEADROOM
    new_columns, new_margins = dict(columns), {}
    for variable, table in margins.items():
        if distinct and variable in distinct:
            values, inverse = distinct[variable]
        else:
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


def _rake(frame: weighting.RakingFrame, rules: Rules) -> np.ndarray:
    with warnings.catch_warnings():
        # Trimming can keep the margins from being met exactly; the trimmed weights are what we want.
        warnings.simplefilter("ignore", weighting.WeightingWarning)
        return weighting.rake(frame, None, trim=rules.trim)


@dataclass
class Design:
    """The respondents of one cell who can be weighted, with their margins and (once needed) weights. The
    respondents are encoded against the margins once (`weighting.prepare`) for the raking and every mean."""

    columns: dict[str, np.ndarray]
    margins: dict[str, dict[str, float]]
    rules: Rules
    distinct: dict | None = field(default=None, repr=False)  # see `_distinct`: saves sorting the answers
    _weights: np.ndarray | None = field(default=None, repr=False)
    _frame: weighting.RakingFrame | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.margins:
            self.columns, self.margins = combine_sparse_groups(self.columns, self.margins, self.rules.trim,
                                                               distinct=self.distinct)
        self.distinct = None

    @property
    def frame(self) -> weighting.RakingFrame:
        if self._frame is None:
            columns, margins = self.columns, self.margins
            if not margins:  # a single all-embracing margin: the unweighted mean and its usual interval
                count = len(next(iter(columns.values())))
                columns, margins = {"all": np.full(count, "all")}, {"all": {"all": float(count)}}
            self._frame = weighting.prepare(columns, margins)
        return self._frame

    @property
    def weights(self) -> np.ndarray:
        if self._weights is None:
            if self.margins:
                self._weights = _rake(self.frame, self.rules)
            else:  # no census make-up: the answers are not weighted
                self._weights = np.ones(len(next(iter(self.columns.values()))))
        return self._weights

    def estimate(self, values: np.ndarray) -> weighting.Estimate:
        return weighting.weighted_mean(values, self.frame, None, self.weights)


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


def _subset(responses: Responses, index, margins: dict) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The weighting columns of the selected responses (a slice, a mask or positions), and which of them can
    be weighted."""
    columns = {variable: responses.column(variable, index) for variable in WEIGHTING_VARIABLES}
    if NEIGHBOURHOOD in margins:
        columns[NEIGHBOURHOOD] = responses.neighbourhood[index].astype(str)
    return columns, _weightable_mask(responses, index, margins)


def _distinct(responses: Responses, index, ok: np.ndarray, margins: dict) -> dict:
    """For each margin variable, the answers found among the selected weightable responses and, per response,
    which of them it gave (what numpy.unique(..., return_inverse=True) gives), counted on the codes."""
    found = {}
    for variable in margins:
        if variable == NEIGHBOURHOOD:
            values, inverse = np.unique(responses.neighbourhood[index][ok], return_inverse=True)
            found[variable] = (values.astype(str), inverse.reshape(-1))
            continue
        codes = responses.codes[variable][index][ok]
        present = np.bincount(codes, minlength=responses.categories[variable].shape[0]) > 0
        number = np.cumsum(present) - 1
        found[variable] = (responses.categories[variable][present], number[codes])
    return found


def _weightable_mask(responses: Responses, index, margins: dict) -> np.ndarray:
    """`weightable` for the selected responses, worked out on the answer codes rather than on the strings."""
    neighbourhoods = responses.neighbourhood[index]
    mask = np.ones(neighbourhoods.shape[0], dtype=bool)
    for variable, table in margins.items():
        if variable == NEIGHBOURHOOD:
            ids = np.array([int(key) for key in table], dtype=np.int64)
            mask &= np.isin(neighbourhoods, ids)
        else:
            known = np.isin(responses.categories[variable], np.array(list(table), dtype=str))
            mask &= known[responses.codes[variable][index]]
    return mask


def _cell_design(responses: Responses, index, margins: dict, rules: Rules):
    """(design or None, the design respondents' scores, excluded count) for the selected responses."""
    columns, ok = _subset(responses, index, margins)
    excluded = int((~ok).sum())
    variables = list(margins) or list(WEIGHTING_VARIABLES)
    design_columns = {variable: column[ok] for variable, column in columns.items() if variable in variables}
    scores = {measure: values[index][ok] for measure, values in responses.scores.items()}
    design = Design(design_columns, margins, rules, _distinct(responses, index, ok, margins)) if ok.any() else None
    return design, scores, excluded


def _weightable_count(responses: Responses, margins: dict) -> int:
    """How many of all the responses can be weighted with the margins."""
    return int(_weightable_mask(responses, slice(None), margins).sum())


def compute(responses: Responses, periods: Periods, neighbourhoods: Iterable[Neighbourhood], rules: Rules) -> Computed:
    """Every estimate for an agency: per neighbourhood and citywide, for each month, the current and the
    previous period; and the citywide breakdowns by group for the current period.

    The responses are sorted once by month and neighbourhood, so every cell is one run of them (or, for a
    neighbourhood over several months, a few runs) rather than a pass over all of them."""
    neighbourhood_margins = {n.id: census_margins(n) for n in neighbourhoods}
    margins_of_city = city_margins(neighbourhood_margins)
    ids = list(neighbourhood_margins)
    places = len(ids) + 1  # the last: a neighbourhood not among the agency's
    # Each response's position among the agency's neighbourhoods (len(ids) when not among them).
    id_array = np.array(ids, dtype=np.int64)
    by_id = np.argsort(id_array)
    found = np.searchsorted(id_array[by_id], responses.neighbourhood).clip(0, max(len(ids) - 1, 0))
    rank = np.full(len(responses), len(ids), dtype=np.int16)
    if ids:
        known = id_array[by_id][found] == responses.neighbourhood
        rank[known] = by_id[found[known]]
    del found
    key = responses.month.astype(np.int32) * places + rank
    key[responses.month < 0] = MONTHS * places
    order = np.argsort(key, kind="stable")
    responses = responses.take(order)
    bounds = np.searchsorted(key[order], np.arange(MONTHS * places + 1))
    del key, order, rank

    def run(first_month: int, last_month: int, position: int | None):
        if position is None:
            return slice(int(bounds[first_month * places]), int(bounds[last_month * places]))
        if last_month - first_month == 1:
            return slice(int(bounds[first_month * places + position]), int(bounds[first_month * places + position + 1]))
        return np.concatenate([np.arange(bounds[m * places + position], bounds[m * places + position + 1])
                               for m in range(first_month, last_month)])

    periods_to_do = [(period, index, index + 1) for index, period in enumerate(periods.months)]
    for period in (periods.current, periods.previous, *periods.quarters):
        periods_to_do.append((period, *periods.month_range(period)))

    cells: list[Cell] = []
    for period, first, last in periods_to_do:
        for position, (neighbourhood_id, margins) in enumerate(neighbourhood_margins.items()):
            design, scores, excluded = _cell_design(responses, run(first, last, position), margins, rules)
            cells += estimate_cells(design, scores, period, neighbourhood_id, excluded)
        in_period = run(first, last, None)
        design, scores, excluded = _cell_design(responses, in_period, margins_of_city, rules)
        cells += estimate_cells(design, scores, period, None, excluded)
        if period.kind == PeriodKind.CURRENT:
            cells += _breakdowns(responses, in_period, design, scores, period, margins_of_city)

    used = _weightable_count(responses, margins_of_city)
    return Computed(cells, responses_used=used, responses_excluded=len(responses) - used)


def _breakdowns(responses: Responses, in_period, design: Design | None, scores: dict,
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
