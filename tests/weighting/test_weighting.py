"""Raking, trimming and raked means, checked against R's survey package (references in fixtures/).

Plain pytest, no database. The references are regenerated with bench/weighting/reference.R.
"""

import csv
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from commonbeat import weighting
from commonbeat.weighting import (
    Estimate,
    WeightingError,
    WeightingWarning,
    margin_errors,
    prepare,
    rake,
    raked_mean,
    trim_weights,
    weighted_mean,
)

FIXTURES = Path(__file__).parent / "fixtures"
VARIABLES = ("age_band", "gender", "race_ethnicity")


def read_respondents(name):
    with open(FIXTURES / name, newline="") as handle:
        rows = list(csv.DictReader(handle))
    values = [float(r["trust"]) if r["trust"] else None for r in rows]
    return [{v: r[v] for v in VARIABLES} for r in rows], values


def read_margins(name):
    margins = {}
    with open(FIXTURES / name, newline="") as handle:
        for row in csv.DictReader(handle):
            margins.setdefault(row["variable"], {})[row["category"]] = float(row["count"])
    return margins


def read_cases():
    with open(FIXTURES / "cases.csv", newline="") as handle:
        return list(csv.DictReader(handle))


CASES = read_cases()


def relative(a, b):
    return abs(a - b) / abs(b)


def three_significant_figures(a, b):
    """a and b agree to three significant figures (half a unit in the third)."""
    return abs(a - b) <= 0.5 * 10 ** (math.floor(math.log10(abs(b))) - 2)


def reproduce(case):
    respondents, values = read_respondents(case["respondents"])
    margins = read_margins(case["margins"])
    trim = (float(case["trim_lower"]), float(case["trim_upper"])) if case["trim_lower"] else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        weights = rake(respondents, margins, trim=trim)
    estimate = weighted_mean(values, respondents, margins, weights)
    return respondents, values, margins, weights, estimate, caught


# --------------------------------------------------------------------------------------------------
# Against R


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_r_survey_package(case):
    reference = json.loads((FIXTURES / f"{case['name']}_reference.json").read_text())
    respondents, values, margins, weights, estimate, caught = reproduce(case)

    for field in ("mean", "standard_error", "ci_low", "ci_high", "effective_sample_size"):
        ours, theirs = getattr(estimate, field), reference[field]
        assert three_significant_figures(ours, theirs), (field, ours, theirs)
        assert relative(ours, theirs) < 1e-5, (field, ours, theirs)  # in fact much closer than 3 figures
    assert estimate.respondents == reference["respondents"]
    first = np.array(reference["weights_first_20"])
    assert np.max(np.abs(weights[:20] - first) / first) < 1e-4
    assert weights.sum() == pytest.approx(reference["weight_total"], rel=1e-9)
    assert max(margin_errors(respondents, margins, weights).values()) == pytest.approx(
        reference["margin_largest_relative_miss"], rel=1e-3, abs=1e-6
    )
    collapsed = prepare(respondents, margins).collapsed
    assert sorted(f"{v}:{c}" for v, cats in collapsed.items() for c in cats) == sorted(reference["collapsed"])
    # Where R's rounds ran out before the weights settled, ours did too, and said so.
    assert any(issubclass(w.category, WeightingWarning) for w in caught) == (not reference["settled"])


def test_reference_cases_cover_what_the_brief_asks():
    references = {c["name"]: json.loads((FIXTURES / f"{c['name']}_reference.json").read_text()) for c in CASES}
    assert references["small"]["n"] <= 45 and references["small"]["collapsed"]
    assert any(r["trim"] for r in references.values())
    assert abs(references["representative"]["mean"] - references["representative"]["unweighted_mean"]) < 1
    assert abs(references["biased"]["mean"] - references["biased"]["unweighted_mean"]) > 5


def test_weighting_changes_a_biased_answer_noticeably():
    respondents, values = read_respondents("biased_respondents.csv")
    margins = read_margins("eastside_margins.csv")
    unweighted = np.nanmean(np.array(values, dtype=float))
    estimate = raked_mean(values, respondents, margins, trim=None)
    # Young, Black and Hispanic residents answered less and trust less: weighting lowers the score.
    assert unweighted - estimate.mean > 5
    assert not estimate.ci_low <= unweighted <= estimate.ci_high
    # The weights cost precision: fewer effective respondents than respondents.
    assert estimate.effective_sample_size < 0.6 * estimate.respondents


def test_near_representative_sample_changes_little():
    respondents, values = read_respondents("representative_respondents.csv")
    margins = read_margins("eastside_margins.csv")
    estimate = raked_mean(values, respondents, margins, trim=None)
    assert abs(estimate.mean - np.nanmean(np.array(values, dtype=float))) < 1
    assert estimate.effective_sample_size > 0.95 * estimate.respondents


# --------------------------------------------------------------------------------------------------
# Raking reproduces the margins


def random_problem(rng):
    """Random variables and categories, a skewed sample, and margins that some positive weights meet.

    The margins are the weighted counts of the sample under random positive weights, so raking can
    always reach them (a sample's empty cross-classified cells can otherwise make margins unreachable).
    """
    n_variables = int(rng.integers(1, 5))
    n = int(rng.integers(8, 600))
    truth = rng.lognormal(0, 0.7, size=n)
    truth *= float(rng.integers(500, 100_000)) / truth.sum()
    margins, columns = {}, {}
    for k in range(n_variables):
        size = int(rng.integers(2, 7))
        names = [f"v{k}c{j}" for j in range(size)]
        skew = rng.dirichlet(np.ones(size)) + 0.05
        drawn = rng.choice(size, size=n, p=skew / skew.sum())
        drawn[:size] = rng.permutation(size)  # every category has a respondent
        columns[f"v{k}"] = [names[j] for j in drawn]
        margins[f"v{k}"] = dict(zip(names, np.bincount(drawn, weights=truth, minlength=size).tolist(), strict=True))
    respondents = [{v: columns[v][i] for v in margins} for i in range(n)]
    return respondents, margins, float(truth.sum())


def assert_margins_reproduced(respondents, margins, weights, rel=1e-6):
    for variable, table in margins.items():
        for category, count in table.items():
            achieved = sum(w for r, w in zip(respondents, weights, strict=True) if r[variable] == category)
            assert achieved == pytest.approx(count, rel=rel), (variable, category)


def test_raked_weights_reproduce_every_margin_on_many_random_samples():
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(150):
        respondents, margins, total = random_problem(rng)
        base = rng.uniform(0.5, 2.0, size=len(respondents)) if rng.random() < 0.5 else None
        with warnings.catch_warnings():
            warnings.simplefilter("error", WeightingWarning)  # every one of these converges
            weights = rake(respondents, margins, base_weights=base, trim=None, max_iterations=1000, tolerance=1e-10)
        assert weights.shape == (len(respondents),)
        assert (weights > 0).all()
        assert weights.sum() == pytest.approx(total, rel=1e-9)
        assert_margins_reproduced(respondents, margins, weights)
        checked += 1
    assert checked == 150


def test_default_tolerance_meets_margins_to_one_in_ten_million():
    rng = np.random.default_rng(11)
    for _ in range(30):
        respondents, margins, _ = random_problem(rng)
        weights = rake(respondents, margins, trim=None, max_iterations=1000)
        assert max(margin_errors(respondents, margins, weights).values()) < 1e-7


def test_a_single_margin_is_post_stratification():
    respondents = [{"gender": g} for g in ["female"] * 3 + ["male"] * 1]
    weights = rake(respondents, {"gender": {"female": 600, "male": 400}}, trim=None)
    np.testing.assert_allclose(weights, [200, 200, 200, 400])


def test_base_weights_are_the_starting_point():
    respondents = [{"gender": g, "age": a} for g, a in [("f", "young"), ("f", "old"), ("m", "young"), ("m", "old")]]
    margins = {"gender": {"f": 50, "m": 50}, "age": {"young": 50, "old": 50}}
    # Already calibrated: raking leaves the base weights (scaled) alone.
    weights = rake(respondents, margins, base_weights=[10, 40, 40, 10], trim=None)
    np.testing.assert_allclose(weights, [10, 40, 40, 10])


def test_rows_columns_and_prepared_frames_agree():
    rng = np.random.default_rng(3)
    respondents, margins, _ = random_problem(rng)
    values = rng.uniform(0, 100, size=len(respondents))
    by_rows = rake(respondents, margins, trim=None)
    columns = {v: np.array([r[v] for r in respondents]) for v in margins}
    frame = prepare(columns, margins)
    by_frame = rake(frame, None, trim=None)
    np.testing.assert_allclose(by_rows, rake(columns, margins, trim=None), rtol=1e-12)
    np.testing.assert_allclose(by_rows, by_frame, rtol=1e-12)
    assert weighted_mean(values, respondents, margins, by_rows) == weighted_mean(values, frame, None, by_frame)
    with pytest.raises(WeightingError, match="differ"):
        rake(frame, {v: dict.fromkeys(t, 1.0) for v, t in margins.items()})


# --------------------------------------------------------------------------------------------------
# Trimming


def test_trim_weights_shares_the_excess_like_r_trimweights():
    # 10 is cut to 6 and 1 raised to 1.5: 4 − 0.5 = 3.5 is shared by the two weights inside.
    np.testing.assert_allclose(trim_weights([1, 2, 3, 10], lower=1.5, upper=6), [1.5, 3.75, 4.75, 6])
    # strict: a share that pushes a weight over the bound is trimmed again.
    trimmed = trim_weights([1, 1, 5.5, 12.5], lower=0, upper=6)
    assert trimmed.max() <= 6 and trimmed.sum() == pytest.approx(20)
    np.testing.assert_allclose(trimmed, [4, 4, 6, 6])


def test_trimmed_weights_stay_within_bounds_and_keep_the_total():
    rng = np.random.default_rng(5)
    for _ in range(80):
        respondents, margins, total = random_problem(rng)
        lower, upper = float(rng.uniform(0.1, 0.9)), float(rng.uniform(1.2, 4.0))
        base = rng.uniform(0.5, 2.0, size=len(respondents)) if rng.random() < 0.5 else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", WeightingWarning)
            weights = rake(respondents, margins, base_weights=base, trim=(lower, upper))
        mean = total / len(respondents)
        assert weights.sum() == pytest.approx(total, rel=1e-9)
        assert weights.min() >= lower * mean * (1 - 1e-12)
        assert weights.max() <= upper * mean * (1 + 1e-12)


def plain_rake_and_trim(respondents, margins, base, lower, upper, rounds=100):
    """The procedure written out respondent by respondent, as the R script runs it (slow, obvious)."""
    w = np.array(base, dtype=float)
    mean = sum(next(iter(margins.values())).values()) / len(respondents)
    lo, hi = lower * mean, upper * mean
    previous = None
    for _ in range(rounds):
        for _sweep in range(2000):  # rake(): postStratify on each margin in turn until nothing moves
            before = w.copy()
            for variable, table in margins.items():
                for category, count in table.items():
                    members = np.array([r[variable] == category for r in respondents])
                    w[members] *= count / w[members].sum()
            if np.max(np.abs(w - before) / before) < 1e-13:
                break
        if not ((w < lo) | (w > hi)).any():
            return w
        while ((w < lo) | (w > hi)).any():  # trimWeights(strict=TRUE)
            outside = (w < lo) | (w > hi)
            clipped = np.clip(w, lo, hi)
            clipped[~outside] += (w - clipped).sum() / (~outside).sum()
            w = clipped
        if previous is not None and np.max(np.abs(w - previous) / previous) < 1e-11:
            return w
        previous = w.copy()
    return w


def test_fast_rake_and_trim_agree_with_the_plain_procedure():
    rng = np.random.default_rng(17)
    compared = 0
    while compared < 12:
        respondents, margins, total = random_problem(rng)
        if len(respondents) > 150:
            continue
        # Equal starting weights run on cells, unequal ones respondent by respondent: check both.
        base = rng.uniform(0.5, 2.0, size=len(respondents)) if compared % 2 else np.ones(len(respondents))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fast = rake(respondents, margins, base_weights=base, trim=(0.5, 2.0), tolerance=1e-11)
        if caught:  # did not settle in 100 rounds: nothing stable to compare
            continue
        plain = plain_rake_and_trim(respondents, margins, base, 0.5, 2.0)
        np.testing.assert_allclose(fast, plain, rtol=1e-6)
        compared += 1


def test_trimming_that_binds_still_meets_margins_when_the_bounds_allow():
    respondents, values = read_respondents("representative_respondents.csv")
    margins = read_margins("eastside_margins.csv")
    untrimmed = rake(respondents, margins, trim=None)
    assert untrimmed.max() / untrimmed.mean() > 1.25  # so the bounds below bind
    weights = rake(respondents, margins, trim=(0.8, 1.25))
    assert weights.max() / weights.mean() <= 1.25 + 1e-12
    assert max(margin_errors(respondents, margins, weights).values()) < 1e-6


def test_bounds_that_make_margins_unreachable_warn_and_keep_the_bounds():
    respondents, values = read_respondents("small_respondents.csv")
    margins = read_margins("riverside_margins.csv")
    # One Asian respondent cannot stand for 7% of the neighbourhood at three times the mean weight.
    with pytest.warns(WeightingWarning, match="did not settle"):
        weights = rake(respondents, margins, trim=(0.3, 3.0))
    mean = weights.mean()
    assert weights.max() <= 3.0 * mean * (1 + 1e-12) and weights.min() >= 0.3 * mean * (1 - 1e-12)
    assert weights.sum() == pytest.approx(8200)


def test_trim_default_is_point_three_to_three():
    respondents, _ = read_respondents("biased_respondents.csv")
    margins = read_margins("eastside_margins.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WeightingWarning)
        weights = rake(respondents, margins)
    assert weights.max() == pytest.approx(3.0 * weights.mean())
    assert rake(respondents, margins, trim=None).max() > 3.0 * weights.mean()


@pytest.mark.parametrize("bounds", [(1.2, 3.0), (0.3, 0.9), (-0.1, 2.0)])
def test_trim_bounds_must_straddle_the_mean(bounds):
    with pytest.raises(WeightingError, match="trim bounds"):
        rake([{"g": "a"}, {"g": "b"}], {"g": {"a": 1, "b": 1}}, trim=bounds)


# --------------------------------------------------------------------------------------------------
# Collapsing, errors


def test_a_margin_category_without_respondents_is_collapsed():
    respondents = [
        {"age": "young", "race": "A"},
        {"age": "old", "race": "A"},
        {"age": "old", "race": "B"},
        {"age": "old", "race": "B"},
    ]
    margins = {"age": {"young": 300, "old": 700}, "race": {"A": 400, "B": 400, "C": 200}}
    frame = prepare(respondents, margins)
    assert frame.collapsed == {"race": ("C",)}
    weights = rake(respondents, margins, trim=None)
    assert weights.sum() == pytest.approx(1000)
    assert_margins_reproduced(respondents, {"age": margins["age"], "race": {"A": 500, "B": 500}}, weights)


def test_unknown_category_is_an_error_naming_it():
    respondents = [{"age": "18-29"}, {"age": "under 18"}, {"age": "30+"}]
    with pytest.raises(WeightingError, match=r"'age'.*respondent 1: 'under 18'"):
        rake(respondents, {"age": {"18-29": 10, "30+": 20}})


def test_missing_category_is_an_error():
    with pytest.raises(WeightingError, match="no value"):
        rake([{"age": "18-29"}, {"age": None}], {"age": {"18-29": 10, "30+": 20}})
    with pytest.raises(WeightingError, match="respondent 1 has no 'age'"):
        rake([{"age": "18-29"}, {"gender": "f"}], {"age": {"18-29": 10, "30+": 20}})
    with pytest.raises(WeightingError, match="no column 'age'"):
        rake({"gender": ["f", "m"]}, {"age": {"18-29": 10, "30+": 20}})


def test_respondents_in_a_category_the_census_says_is_empty_is_an_error():
    with pytest.raises(WeightingError, match="population of zero"):
        rake([{"age": "18-29"}, {"age": "30+"}], {"age": {"18-29": 0, "30+": 20}})


def test_margins_for_different_populations_are_refused_and_small_differences_reconciled():
    respondents = [{"a": "x", "b": "p"}, {"a": "y", "b": "q"}]
    with pytest.raises(WeightingError, match="totals differ"):
        rake(respondents, {"a": {"x": 50, "y": 50}, "b": {"p": 60, "q": 60}})
    weights = rake(respondents, {"a": {"x": 50, "y": 50}, "b": {"p": 51, "q": 51}}, trim=None)
    np.testing.assert_allclose(weights, [50, 50])


@pytest.mark.parametrize(
    ("margins", "message"),
    [({}, "at least one variable"), ({"a": {}}, "no categories"), ({"a": {"x": -1, "y": 2}}, "not a count")],
)
def test_malformed_margins_are_errors(margins, message):
    with pytest.raises(WeightingError, match=message):
        rake([{"a": "x"}, {"a": "y"}], margins)


def test_no_respondents_is_an_error():
    with pytest.raises(WeightingError, match="no respondents"):
        rake([], {"a": {"x": 1}})


def test_bad_weights_and_values_are_errors():
    respondents = [{"a": "x"}, {"a": "y"}, {"a": "x"}]
    margins = {"a": {"x": 2, "y": 1}}
    with pytest.raises(WeightingError, match="3 respondents"):
        weighted_mean([1, 2, 3], respondents, margins, np.ones(2))
    with pytest.raises(WeightingError, match="positive"):
        weighted_mean([1, 2, 3], respondents, margins, np.array([1.0, 0.0, 1.0]))
    with pytest.raises(WeightingError, match="no respondent has a value"):
        weighted_mean([None, None, None], respondents, margins, np.ones(3))
    with pytest.raises(WeightingError, match="base_weights"):
        rake(respondents, margins, base_weights=[1, -1, 1])


# --------------------------------------------------------------------------------------------------
# Estimates


def test_effective_sample_size_is_kish_over_respondents_with_a_value():
    respondents = [{"a": "x"}, {"a": "x"}, {"a": "y"}, {"a": "y"}, {"a": "y"}]
    margins = {"a": {"x": 10, "y": 10}}
    weights = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    estimate = weighted_mean([10, None, 30, 40, 50], respondents, margins, weights)
    answered = np.array([1.0, 3.0, 4.0, 5.0])
    assert estimate.effective_sample_size == pytest.approx(answered.sum() ** 2 / (answered**2).sum())
    assert estimate.respondents == 4
    assert estimate.mean == pytest.approx((10 * 1 + 30 * 3 + 40 * 4 + 50 * 5) / 13)
    assert weighting.effective_sample_size([1, 1, 1, 1]) == 4


def test_confidence_interval_is_mean_plus_minus_normal_quantile_times_se():
    respondents, values = read_respondents("biased_respondents.csv")
    estimate = raked_mean(values, respondents, read_margins("eastside_margins.csv"), trim=None)
    assert isinstance(estimate, Estimate)
    assert estimate.ci_low == pytest.approx(estimate.mean - 1.959964 * estimate.standard_error, rel=1e-7)
    assert estimate.ci_high == pytest.approx(estimate.mean + 1.959964 * estimate.standard_error, rel=1e-7)


def test_equal_weights_give_the_plain_mean():
    respondents = [{"a": "x"}, {"a": "y"}] * 5
    values = [float(v) for v in range(10)]
    estimate = raked_mean(values, respondents, {"a": {"x": 50, "y": 50}}, trim=None)
    assert estimate.mean == pytest.approx(4.5)
    assert estimate.effective_sample_size == pytest.approx(10)


def test_a_constant_within_margin_categories_has_no_sampling_error():
    # Raking fixes the category totals, so a value that depends only on the category is known exactly.
    respondents = [{"a": "x"}, {"a": "y"}, {"a": "y"}, {"a": "x"}, {"a": "y"}]
    values = [10.0, 20.0, 20.0, 10.0, 20.0]
    estimate = raked_mean(values, respondents, {"a": {"x": 30, "y": 70}}, trim=None)
    assert estimate.mean == pytest.approx(17.0)
    assert estimate.standard_error == pytest.approx(0, abs=1e-12)


def test_missing_values_are_a_domain_not_dropped_before_raking():
    respondents, values = read_respondents("biased_respondents.csv")
    margins = read_margins("eastside_margins.csv")
    weights = rake(respondents, margins, trim=None)
    full = weighted_mean(values, respondents, margins, weights)
    kept = [i for i, v in enumerate(values) if v is not None]
    # Dropping the non-answers first and reusing their weights gives the same mean but not the same SE:
    # R's svymean(na.rm=TRUE) keeps them in the design (their residuals from the margins still count).
    dropped = weighted_mean([values[i] for i in kept], [respondents[i] for i in kept], margins, weights[kept])
    assert dropped.mean == pytest.approx(full.mean, rel=1e-12)
    assert dropped.standard_error != pytest.approx(full.standard_error, rel=1e-6)
    assert full.respondents == len(kept) < len(values)
