"""Survey weighting: raking to census margins, trimming, and means with confidence intervals.

Plain Python and numpy, no Django, so it can be called from services, tasks, management commands
and benchmarks alike. The numbers match R's ``survey`` package (Lumley), version 4.x:

* :func:`rake` is ``survey::rake()`` (iterative proportional fitting) run to convergence, optionally
  alternated with ``survey::trimWeights(..., strict=TRUE)`` until the weights settle;
* :func:`weighted_mean` is ``svymean(~y, design, na.rm=TRUE)`` on the raked design
  ``svydesign(ids=~1, weights=~w)``, with the Taylor-linearisation variance that ``svyrecvar()``
  computes for a raked design, and ``confint()`` with the normal quantile.

``bench/weighting/reference.R`` recomputes the committed reference numbers with R;
``docs/weighting.md`` explains the method in plain words.

Decisions (each is tested in ``tests/weighting``):

* A respondent whose category is missing (``None``, absent key) or not among the margin's categories
  makes :class:`WeightingError` — callers must recode or drop such respondents first.
* A margin category that no respondent falls in is *collapsed*: it is dropped from that margin and the
  margin's remaining categories are scaled up proportionally so the margin keeps its total. The dropped
  categories are listed in :attr:`RakingFrame.collapsed`. A category with respondents but a population
  count of zero is an error (those respondents would get weight zero).
* Margins whose totals differ by up to 5% (census tables often disagree slightly) are each scaled to the
  first margin's total; a larger difference is an error (usually a table for a different universe).
* Trimming bounds are relative to the mean weight. Weights outside are set to the bound and the trimmed
  excess is shared out equally (additively) among the weights that were inside, repeated until none is
  outside, exactly as ``trimWeights(strict=TRUE)`` does; then the weights are raked again from there and
  trimmed again, until they settle. The bounds always hold and the total is kept; the margins hold too
  when the bounds allow it, otherwise they are missed by what :func:`margin_errors` reports (a group
  under-represented more than ``upper`` times cannot reach its share). If the rounds run out before the
  weights settle, the last trimmed weights are returned with a :class:`WeightingWarning`.
* Respondents without a value are kept in the design and excluded from the mean as a domain, as
  ``svymean(..., na.rm=TRUE)`` does on a calibrated design: they still count in the variance's
  ``n / (n - 1)`` and in the calibration residuals (with a value of zero).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter

import numpy as np

__all__ = [
    "Margins",
    "Estimate",
    "RakingFrame",
    "WeightingError",
    "WeightingWarning",
    "Z_95",
    "prepare",
    "rake",
    "trim_weights",
    "weighted_mean",
    "raked_mean",
    "margin_errors",
    "effective_sample_size",
]

Margins = dict[str, dict[str, float]]

#: qnorm(0.975), the multiplier R's confint() uses for a svymean.
Z_95 = 1.959963984540054

#: Margins whose totals differ by more than this (relative) are refused rather than reconciled.
MARGIN_TOTAL_TOLERANCE = 0.05

#: Backfitting sweeps in the raking variance, as survey:::svyrecvar() does for a raked design.
_VARIANCE_SWEEPS = 10


class WeightingError(ValueError):
    """The respondents, margins or weights cannot be used as given."""


class WeightingWarning(UserWarning):
    """Raking did not converge, or rake-and-trim rounds did not settle (the weights are still returned)."""


@dataclass(frozen=True)
class Estimate:
    mean: float  # on the scale of the values given
    standard_error: float
    ci_low: float  # mean - 1.959964 × SE (R's confint(svymean(...)))
    ci_high: float
    respondents: int  # n with a value
    effective_sample_size: float  # Kish: (Σw)² / Σw² over the respondents with a value


@dataclass(frozen=True, eq=False)
class RakingFrame:
    """Respondents encoded once against the margins; reuse it for many rakes and means.

    ``codes[k][i]`` is respondent i's category index in ``categories[k]`` of ``variables[k]``; ``targets[k]``
    are the population counts of those categories after collapsing and reconciling totals.
    """

    variables: tuple[str, ...]
    categories: tuple[tuple[str, ...], ...]
    targets: tuple[np.ndarray, ...]
    codes: tuple[np.ndarray, ...]
    counts: tuple[np.ndarray, ...]
    collapsed: Mapping[str, tuple[str, ...]]
    cell_index: np.ndarray  # respondent -> cell of the cross-classification that occurs in the sample
    cell_codes: tuple[np.ndarray, ...]  # cell -> category index, per variable
    cell_counts: np.ndarray  # respondents per cell
    margins: Margins = field(repr=False)

    @property
    def n(self) -> int:
        return int(self.cell_index.shape[0])

    @property
    def total(self) -> float:
        return float(self.targets[0].sum())


# --------------------------------------------------------------------------------------------------
# Encoding


def _column(respondents, variable: str) -> Sequence:
    if isinstance(respondents, Mapping):
        try:
            return respondents[variable]
        except KeyError:
            raise WeightingError(f"the respondents have no column {variable!r}") from None
    try:
        return list(map(itemgetter(variable), respondents))
    except KeyError:
        index = next(i for i, r in enumerate(respondents) if variable not in r)
        raise WeightingError(f"respondent {index} has no {variable!r} (every margin variable is required)") from None


def _encode_column(column, lookup: dict[str, int], variable: str, n: int) -> np.ndarray:
    if isinstance(column, np.ndarray) and column.dtype.kind == "U" and len(lookup) <= 64:
        codes = np.full(n, -1, dtype=np.intp)
        for category, code in lookup.items():
            codes[column == category] = code
    elif isinstance(column, np.ndarray) and column.dtype.kind == "U":
        # Many categories: a binary search of each answer among them, rather than one dict look-up per answer.
        names = np.array(list(lookup), dtype=str)
        order = np.argsort(names)
        position = np.searchsorted(names[order], column).clip(0, names.shape[0] - 1)
        codes = np.where(names[order][position] == column,
                         np.array(list(lookup.values()), dtype=np.intp)[order][position], -1)
    else:
        codes = np.fromiter(map(lookup.get, column, repeat(-1, n)), dtype=np.intp, count=n)
    if (codes < 0).any():
        bad = np.flatnonzero(codes < 0)
        values = list(column[i] for i in bad[:5])
        shown = ", ".join(f"respondent {i}: {v!r}" for i, v in zip(bad[:5], values, strict=True))
        missing = any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values)
        what = "no value or a category" if missing else "a category"
        raise WeightingError(
            f"{bad.size} respondent(s) have {what} of {variable!r} that is not in its margin "
            f"({shown}{', …' if bad.size > 5 else ''}); the margin has: {', '.join(map(str, lookup))}. "
            "Recode them to a margin category or leave them out before weighting."
        )
    return codes


def _validated_margins(margins: Mapping[str, Mapping[str, float]]) -> Margins:
    if not isinstance(margins, Mapping) or not margins:
        raise WeightingError("margins must name at least one variable with its population counts")
    clean: Margins = {}
    for variable, table in margins.items():
        if not isinstance(table, Mapping) or not table:
            raise WeightingError(f"margin {variable!r} has no categories")
        counts = {}
        for category, count in table.items():
            value = float(count)
            if not math.isfinite(value) or value < 0:
                raise WeightingError(f"margin {variable!r}, category {category!r}: count {count!r} is not a count")
            counts[category] = value
        if sum(counts.values()) <= 0:
            raise WeightingError(f"margin {variable!r} has a total of zero")
        clean[variable] = counts
    return clean


def prepare(respondents, margins: Mapping[str, Mapping[str, float]]) -> RakingFrame:
    """Encode respondents against the margins (collapsing empty categories, reconciling totals).

    ``respondents`` is a sequence of mappings (one per respondent, e.g. dicts) or a mapping of columns
    (variable -> sequence or numpy array of categories, one entry per respondent). Only the margins'
    variables are read.
    """
    if isinstance(respondents, RakingFrame):
        return respondents
    margins = _validated_margins(margins)
    variables = tuple(margins)
    if isinstance(respondents, Mapping):
        lengths = {len(_column(respondents, v)) for v in variables}
        if len(lengths) != 1:
            raise WeightingError("the respondents' columns differ in length")
        n = lengths.pop()
    else:
        n = len(respondents)
    if n == 0:
        raise WeightingError("there are no respondents to weight")

    categories, targets, codes, counts = [], [], [], []
    collapsed: dict[str, tuple[str, ...]] = {}
    for variable in variables:
        table = margins[variable]
        names = list(table)
        raw = _encode_column(_column(respondents, variable), {c: i for i, c in enumerate(names)}, variable, n)
        count = np.bincount(raw, minlength=len(names))
        target = np.array([table[c] for c in names], dtype=np.float64)
        impossible = [names[i] for i in np.flatnonzero((count > 0) & (target == 0))]
        if impossible:
            raise WeightingError(
                f"margin {variable!r} gives a population of zero for {', '.join(map(repr, impossible))}, "
                "but respondents fall in it"
            )
        keep = count > 0
        dropped = tuple(names[i] for i in np.flatnonzero(~keep & (target > 0)))
        if dropped:
            collapsed[variable] = dropped
        total = target.sum()
        kept_target = target[keep] * (total / target[keep].sum())
        remap = np.cumsum(keep) - 1
        categories.append(tuple(names[i] for i in np.flatnonzero(keep)))
        targets.append(kept_target)
        codes.append(raw if keep.all() else remap[raw])
        counts.append(count[keep].astype(np.float64))

    totals = np.array([t.sum() for t in targets])
    spread = totals.max() / totals.min() - 1.0
    if spread > MARGIN_TOTAL_TOLERANCE:
        described = ", ".join(f"{v}: {t:g}" for v, t in zip(variables, totals, strict=True))
        raise WeightingError(
            f"the margins' totals differ by {spread:.1%} ({described}); they must describe the same population"
        )
    targets = [t * (totals[0] / t.sum()) for t in targets]

    cell_index, cell_codes = _cells(codes, [len(c) for c in categories])
    cell_counts = np.bincount(cell_index, minlength=cell_codes[0].shape[0]).astype(np.float64)
    for array in (*codes, *targets, *counts, cell_index, *cell_codes, cell_counts):
        array.setflags(write=False)
    return RakingFrame(
        variables=variables,
        categories=tuple(categories),
        targets=tuple(targets),
        codes=tuple(codes),
        counts=tuple(counts),
        collapsed=collapsed,
        cell_index=cell_index,
        cell_codes=tuple(cell_codes),
        cell_counts=cell_counts,
        margins=margins,
    )


def _cells(codes: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Number the combinations of categories that occur; raking factors are constant within each."""
    n = codes[0].shape[0]
    space = math.prod(sizes)
    if space < 2**62:
        combined = np.zeros(n, dtype=np.int64)
        stride = 1
        for code, size in zip(codes, sizes, strict=True):
            combined += code.astype(np.int64) * stride
            stride *= size
        if space <= 8 * n + 4096:
            present = np.bincount(combined, minlength=space) > 0
            number = np.cumsum(present) - 1
            cell_index = number[combined]
            first = np.zeros(int(present.sum()), dtype=np.intp)
            first[cell_index[::-1]] = np.arange(n - 1, -1, -1)
        else:
            _, first, cell_index = np.unique(combined, return_index=True, return_inverse=True)
    else:
        _, first, cell_index = np.unique(np.stack(codes, axis=1), axis=0, return_index=True, return_inverse=True)
    cell_index = np.ascontiguousarray(cell_index.reshape(-1), dtype=np.intp)
    return cell_index, [code[first] for code in codes]


def _frame(respondents, margins) -> RakingFrame:
    if isinstance(respondents, RakingFrame):
        if margins is not None and _validated_margins(margins) != respondents.margins:
            raise WeightingError("the margins given differ from those the RakingFrame was prepared with")
        return respondents
    if margins is None:
        raise WeightingError("margins are required unless a RakingFrame is passed")
    return prepare(respondents, margins)


def _positive_weights(weights, n: int, what: str) -> np.ndarray:
    array = np.array(weights, dtype=np.float64).reshape(-1)
    if array.shape[0] != n:
        raise WeightingError(f"{what} has {array.shape[0]} entries for {n} respondents")
    if not np.isfinite(array).all() or (array <= 0).any():
        raise WeightingError(f"{what} must be positive finite numbers")
    return array


# --------------------------------------------------------------------------------------------------
# Raking and trimming


def margin_errors(respondents, margins, weights) -> dict[str, float]:
    """Largest relative miss |Σw − target| / target of each margin, after collapsing."""
    frame = _frame(respondents, margins)
    w = _positive_weights(weights, frame.n, "weights")
    result = {}
    for variable, code, target in zip(frame.variables, frame.codes, frame.targets, strict=True):
        sums = np.bincount(code, weights=w, minlength=target.shape[0])
        result[variable] = float(np.max(np.abs(sums - target) / target))
    return result


def _ipf_layout(frame: RakingFrame) -> tuple:
    """What every raking pass over a frame's cells uses: (margins, stacked codes, all targets, every cell)."""
    margins = list(zip(frame.cell_codes, frame.targets, strict=True))
    # The miss on every margin at once: one bincount over the cells' codes stacked margin after margin.
    sizes = [target.shape[0] for _, target in margins]
    starts = np.cumsum([0, *sizes[:-1]])
    stacked = np.concatenate([code + start for (code, _), start in zip(margins, starts, strict=True)])
    all_targets = np.concatenate([target for _, target in margins])
    every_cell = np.tile(np.arange(frame.cell_counts.shape[0]), len(margins))
    return margins, stacked, all_targets, every_cell


def _ipf(frame: RakingFrame, cell_weights: np.ndarray, max_iterations: int, tolerance: float, layout=None):
    """Raking factors per cell so the cell weights meet every margin; returns (factors, error, sweeps).
    `layout`: the frame's `_ipf_layout`, when the caller rakes the same frame repeatedly."""
    factors = np.ones_like(cell_weights)
    current = cell_weights.copy()
    error = math.inf
    margins, stacked, all_targets, every_cell = layout or _ipf_layout(frame)
    for sweep in range(1, max_iterations + 1):
        for code, target in margins:
            sums = np.bincount(code, weights=current, minlength=target.shape[0])
            adjust = target / sums
            factors *= adjust[code]
            current = cell_weights * factors
        sums = np.bincount(stacked, weights=current[every_cell], minlength=all_targets.shape[0])
        error = float((np.abs(sums - all_targets) / all_targets).max())
        if error < tolerance:
            return factors, error, sweep
    return factors, error, max_iterations


def trim_weights(weights, lower: float, upper: float) -> np.ndarray:
    """Bound weights to [lower, upper] (absolute) keeping their total, as ``survey::trimWeights(strict=TRUE)``.

    Weights outside are set to the bound; the amount trimmed (net of any raised to the lower bound) is
    added in equal shares to the weights that were inside; repeated until no weight is outside.
    """
    w = np.array(weights, dtype=np.float64).reshape(-1)
    if w.size == 0 or not lower <= w.mean() <= upper:
        raise WeightingError(f"bounds [{lower:g}, {upper:g}] exclude the mean weight")
    return _trim(w, None, lower, upper)


def _trim(w: np.ndarray, multiplicity: np.ndarray | None, lower: float, upper: float) -> np.ndarray:
    """trimWeights(strict=TRUE) on weights that stand for ``multiplicity`` respondents each (None: one)."""
    scale = float(np.abs(w if multiplicity is None else w * multiplicity).sum())
    for _ in range(10_000):
        outside = (w < lower) | (w > upper)
        if not outside.any():
            return w
        clipped = np.clip(w, lower, upper)
        cut = w - clipped
        inside = ~outside
        if not inside.any():  # R would divide by zero; all are at a bound now, so all share
            inside[:] = True
        if multiplicity is None:
            excess = float(cut.sum())
            sharers = np.count_nonzero(inside)
        else:
            excess = float((cut * multiplicity).sum())
            sharers = float(multiplicity[inside].sum())
        clipped[inside] += excess / sharers
        w = clipped
        if abs(excess) <= 1e-14 * scale:  # only rounding is left: R stops within a pass or two
            break
    return np.clip(w, lower, upper)


def rake(
    respondents,
    margins: Margins | None,
    *,
    base_weights=None,
    max_iterations: int = 100,
    tolerance: float = 1e-7,
    trim: tuple[float, float] | None = (0.3, 3.0),
) -> np.ndarray:
    """Weights that reproduce every margin, by iterative proportional fitting (``survey::rake``).

    ``respondents``: a sequence of mappings, a mapping of columns, or a :class:`RakingFrame` (then
    ``margins`` may be None). ``base_weights``: starting weights (default 1 each). The result sums to the
    population total of the (first) margin. ``tolerance``: the largest relative miss |Σw − target| / target
    allowed on any margin category, and with trimming also the largest relative change of any weight
    between two rake-then-trim rounds that counts as settled. ``max_iterations``: raking sweeps, and also
    rake-then-trim rounds. ``trim``: (lower, upper) bounds relative to the mean weight, or None.

    With ``trim``, each round rakes from the current weights and then trims them with
    :func:`trim_weights` (R's ``trimWeights(strict=TRUE)``); it stops when a raked result is already
    within the bounds (margins met) or when the trimmed weights stop changing (bounds met, margins as
    close as the bounds allow: see :func:`margin_errors`). The result always satisfies the bounds and
    keeps the total. A :class:`WeightingWarning` says when the rounds ran out first.
    """
    frame = _frame(respondents, margins)
    if max_iterations < 1:
        raise WeightingError("max_iterations must be at least 1")
    if not tolerance > 0:
        raise WeightingError("tolerance must be positive")
    if trim is not None:
        lower, upper = (float(b) for b in trim)
        if not (0 <= lower <= 1 <= upper):
            raise WeightingError(f"trim bounds {trim!r} must satisfy 0 <= lower <= 1 <= upper (relative to the mean)")
    cells = frame.cell_index
    n_cells = frame.cell_counts.shape[0]

    # Raking multiplies every weight in a cell (respondents who share all categories) by the same factor,
    # and trimming treats equal weights alike, so when the starting weights are equal within cells the
    # whole computation runs on one weight per cell ("units" with a multiplicity), expanded at the end.
    if base_weights is None:
        unit_w, multiplicity, unit_cell = np.ones(n_cells), frame.cell_counts, np.arange(n_cells)
    else:
        base = _positive_weights(base_weights, frame.n, "base_weights")
        per_cell = np.bincount(cells, weights=base, minlength=n_cells) / frame.cell_counts
        if np.array_equal(per_cell[cells], base):
            unit_w, multiplicity, unit_cell = per_cell, frame.cell_counts, np.arange(n_cells)
        else:
            unit_w, multiplicity, unit_cell = base, None, cells

    def expand(w: np.ndarray) -> np.ndarray:
        return w[cells] if multiplicity is not None else w

    def cell_totals(w: np.ndarray) -> np.ndarray:
        if multiplicity is not None:
            return w * multiplicity
        return np.bincount(cells, weights=w, minlength=n_cells)

    w = unit_w
    layout = _ipf_layout(frame)
    if trim is None:
        factors, error, _ = _ipf(frame, cell_totals(w), max_iterations, tolerance, layout)
        if error >= tolerance:
            warnings.warn(
                WeightingWarning(
                    f"raking did not meet the margins after {max_iterations} iterations "
                    f"(largest relative miss {error:.3g}); the weights are returned as they stand"
                ),
                stacklevel=2,
            )
        return expand(w * factors[unit_cell])

    mean = frame.total / frame.n
    lo, hi = lower * mean, upper * mean
    previous = None
    change = math.inf
    for _ in range(max_iterations):
        factors, _, _ = _ipf(frame, cell_totals(w), max_iterations, tolerance, layout)
        w = w * factors[unit_cell]
        if not ((w < lo) | (w > hi)).any():
            return expand(w)
        w = _trim(w, multiplicity, lo, hi)
        if previous is not None:
            change = float(np.max(np.abs(w - previous) / previous))
            if change < tolerance:
                return expand(w)
        previous = w
    w = expand(w)
    errors = margin_errors(frame, None, w)
    worst = max(errors, key=errors.__getitem__)
    warnings.warn(
        WeightingWarning(
            f"raking and trimming did not settle in {max_iterations} rounds (last change in a weight {change:.3g}); "
            f"the trimmed weights are returned (largest margin miss {errors[worst]:.1%}, on {worst!r})"
        ),
        stacklevel=2,
    )
    return w


# --------------------------------------------------------------------------------------------------
# Estimation


# Plain elementwise products and sums rather than numpy.dot: on machines where OpenBLAS is pinned to an
# old core type, dot() on long vectors is tens of times slower.


def effective_sample_size(weights) -> float:
    """Kish's effective sample size (Σw)² / Σw²."""
    w = np.asarray(weights, dtype=np.float64)
    return float(w.sum() ** 2 / (w * w).sum())


def weighted_mean(values, respondents, margins: Margins | None, weights) -> Estimate:
    """Weighted mean with a 95% confidence interval, as ``svymean(~y, raked_design, na.rm=TRUE)``.

    ``values``: one number (or None / NaN for no answer) per respondent. ``weights``: the respondents'
    raking weights, e.g. from :func:`rake`. The standard error linearises the mean and takes the residuals
    of that influence function from the raking margins' indicator columns (ten backfitting sweeps, exactly
    as ``svyrecvar()`` does for a raked design), then applies the with-replacement formula of a
    one-stage design with each respondent its own cluster: V = n/(n−1) Σ (e − ē)².
    """
    frame = _frame(respondents, margins)
    n = frame.n
    w = _positive_weights(weights, n, "weights")
    try:
        y = np.array(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise WeightingError("values must be numbers or None") from None
    if y.shape[0] != n:
        raise WeightingError(f"values has {y.shape[0]} entries for {n} respondents")
    if np.isinf(y).any():
        raise WeightingError("values must be finite numbers or None")
    answered = ~np.isnan(y)
    k = int(np.count_nonzero(answered))
    if k == 0:
        raise WeightingError("no respondent has a value")
    if n < 2:
        raise WeightingError("a standard error needs at least two respondents")

    wd = np.where(answered, w, 0.0)
    yd = np.where(answered, y, 0.0)
    total = float(wd.sum())
    mean = float((wd * yd).sum() / total)

    # Influence of each respondent on the (ratio) mean, z = w·u, zero outside the domain.
    u = np.where(answered, (yd - mean) / total, 0.0)
    # Calibration: remove what the margins explain. svyrecvar() backfits, for each margin in turn,
    # z ← z − w · (unweighted mean of z/w in the respondent's category), ten sweeps over the margins.
    # In terms of u that subtracts a constant per category, so only category offsets are tracked, and
    # respondents who share every category (a cell) move together: the sweeps run on cell totals.
    cells, cell_codes = frame.cell_index, frame.cell_codes
    cell_u = np.bincount(cells, weights=u, minlength=frame.cell_counts.shape[0])
    offsets = [np.zeros(count.shape[0]) for count in frame.counts]
    cell_offset = np.zeros_like(cell_u)
    for _ in range(_VARIANCE_SWEEPS):
        for m, (code, count) in enumerate(zip(cell_codes, frame.counts, strict=True)):
            remaining = cell_u - frame.cell_counts * cell_offset
            offsets[m] += np.bincount(code, weights=remaining, minlength=count.shape[0]) / count
            cell_offset = sum(offset[c] for offset, c in zip(offsets, cell_codes, strict=True))
    e = w * (u - cell_offset[cells])
    e -= e.mean()
    variance = n / (n - 1) * float((e * e).sum())
    se = math.sqrt(variance)
    return Estimate(
        mean=mean,
        standard_error=se,
        ci_low=mean - Z_95 * se,
        ci_high=mean + Z_95 * se,
        respondents=k,
        effective_sample_size=float(total**2 / (wd * wd).sum()),
    )


def raked_mean(values, respondents, margins: Margins | None, **rake_kwargs) -> Estimate:
    """Rake the respondents to the margins, then :func:`weighted_mean` of the values."""
    frame = _frame(respondents, margins)
    weights = rake(frame, None, **rake_kwargs)
    return weighted_mean(values, frame, None, weights)
