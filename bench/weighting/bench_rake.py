"""Time raking and raked means (not a test).

    .venv/bin/python bench/weighting/bench_rake.py [respondents] [repeats]

Draws a biased sample of synthetic respondents (age band, gender, race/ethnicity, a 0–100 score with
8% missing) and times encoding, raking (with and without trimming) and one weighted mean, from rows
(dicts) and from numpy columns. Prints the median of the repeats in milliseconds.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from commonbeat import weighting  # noqa: E402

MARGINS = {
    "age_band": {"18-29": 5200, "30-44": 6100, "45-64": 7400, "65+": 4300},
    "gender": {"female": 11900, "male": 11100},
    "race_ethnicity": {"Hispanic": 6900, "White": 9200, "Black": 4600, "Asian": 1840, "Other": 460},
}
PROPENSITY = {
    "age_band": [0.5, 0.8, 1.2, 1.5],
    "gender": [1.0, 0.85],
    "race_ethnicity": [0.6, 1.3, 0.65, 0.9, 1.0],
}


def sample(n: int, rng: np.random.Generator):
    columns = {}
    for variable, table in MARGINS.items():
        shares = np.array(list(table.values()), dtype=float) * PROPENSITY[variable]
        codes = rng.choice(len(table), size=n, p=shares / shares.sum())
        columns[variable] = np.array(list(table), dtype=object)[codes].astype(str)
    values = rng.uniform(0, 100, size=n)
    values[rng.random(n) < 0.08] = np.nan
    return columns, values


def timed(function, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main(n: int, repeats: int) -> None:
    rng = np.random.default_rng(1)
    columns, values = sample(n, rng)
    rows = [dict(zip(columns, combo, strict=True)) for combo in zip(*columns.values(), strict=True)]
    warnings.simplefilter("ignore", weighting.WeightingWarning)

    print(f"{n:,} respondents, median of {repeats}")
    ms, frame = timed(lambda: weighting.prepare(rows, MARGINS), repeats)
    print(f"  prepare from rows (dicts)          {ms:9.1f} ms")
    ms, _ = timed(lambda: weighting.prepare(columns, MARGINS), repeats)
    print(f"  prepare from numpy columns         {ms:9.1f} ms")
    ms, _ = timed(lambda: weighting.rake(frame, None, trim=None), repeats)
    print(f"  rake, prepared, no trim            {ms:9.1f} ms")
    ms, weights = timed(lambda: weighting.rake(frame, None), repeats)
    print(f"  rake, prepared, trim (0.3, 3)      {ms:9.1f} ms")
    ms, _ = timed(lambda: weighting.weighted_mean(values, frame, None, weights), repeats)
    print(f"  weighted_mean (SE by raking)       {ms:9.1f} ms")
    ms, _ = timed(lambda: weighting.raked_mean(values, rows, MARGINS), repeats)
    print(f"  raked_mean from rows, end to end   {ms:9.1f} ms")
    ms, _ = timed(lambda: weighting.raked_mean(values, columns, MARGINS), repeats)
    print(f"  raked_mean from columns, end to end{ms:9.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, int(sys.argv[2]) if len(sys.argv) > 2 else 5)
