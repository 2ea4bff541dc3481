"""Write the weighting test fixtures (respondents and census margins as CSV) from a fixed seed.

    .venv/bin/python bench/weighting/make_fixtures.py [tests/weighting/fixtures]

Then ``Rscript bench/weighting/reference.R`` computes the reference numbers (see README.md here).
The populations are fictional; the samples are drawn from a synthetic population with response
propensities that differ by group, and trust (0–100) depends on age and race/ethnicity.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

SEED = 20240917

EASTSIDE = {
    "age_band": {"18-29": 5200, "30-44": 6100, "45-64": 7400, "65+": 4300},
    "gender": {"female": 11900, "male": 11100},
    "race_ethnicity": {"Hispanic": 6900, "White": 9200, "Black": 4600, "Asian": 1840, "Other": 460},
}
RIVERSIDE = {
    "age_band": {"18-29": 1900, "30-44": 2300, "45-64": 2600, "65+": 1400},
    "gender": {"female": 4150, "male": 4050},
    "race_ethnicity": {"Hispanic": 1500, "White": 4300, "Black": 1600, "Asian": 560, "Other": 240},
}

TRUST_BASE = 62.0
TRUST_SHIFT = {
    "age_band": {"18-29": -18.0, "30-44": -8.0, "45-64": 0.0, "65+": 10.0},
    "gender": {"female": 1.5, "male": -1.5},
    "race_ethnicity": {"Hispanic": -9.0, "White": 4.0, "Black": -16.0, "Asian": 2.0, "Other": -4.0},
}
EVEN = {"age_band": {}, "gender": {}, "race_ethnicity": {}}
BIASED = {
    "age_band": {"18-29": 0.3, "30-44": 0.7, "45-64": 1.2, "65+": 1.7},
    "gender": {"male": 0.8},
    "race_ethnicity": {"Hispanic": 0.5, "Black": 0.55, "White": 1.3},
}
VARIABLES = ("age_band", "gender", "race_ethnicity")

# name, respondents, margins, trim bounds relative to the mean weight (blank: no trimming)
CASES = [
    ("representative", "representative_respondents.csv", "eastside_margins.csv", "", ""),
    # bounds that bind but still let the margins be met
    ("representative_trimmed", "representative_respondents.csv", "eastside_margins.csv", "0.8", "1.25"),
    ("biased", "biased_respondents.csv", "eastside_margins.csv", "", ""),
    # the default bounds: the young are under-represented more than three times, so the margins are missed
    # and the rake-and-trim rounds run out before the weights settle
    ("biased_trimmed", "biased_respondents.csv", "eastside_margins.csv", "0.3", "3.0"),
    # ~40 respondents, one margin category empty (collapsed), one with a single respondent
    ("small", "small_respondents.csv", "riverside_margins.csv", "", ""),
    ("small_trimmed", "small_respondents.csv", "riverside_margins.csv", "0.5", "2.0"),
]


def population(margins, rng):
    """Individuals whose categories are drawn independently with the margins' shares."""
    size = sum(margins["age_band"].values())
    people = {}
    for variable in VARIABLES:
        names = list(margins[variable])
        shares = np.array([margins[variable][c] for c in names], dtype=float)
        people[variable] = np.array(names, dtype=object)[rng.choice(len(names), size=size, p=shares / shares.sum())]
    return people


def sample(people, n, propensity, rng):
    size = len(people["age_band"])
    p = np.ones(size)
    for variable in VARIABLES:
        p *= np.array([propensity[variable].get(c, 1.0) for c in people[variable]])
    chosen = rng.choice(size, size=n, replace=False, p=p / p.sum())
    return [{v: str(people[v][i]) for v in VARIABLES} for i in chosen]


def add_trust(rows, rng, missing=0.08):
    for row in rows:
        score = TRUST_BASE + sum(TRUST_SHIFT[v][row[v]] for v in VARIABLES) + rng.normal(0, 16)
        # Three 0–10 items averaged and put on 0–100, so scores come in steps of 10/3.
        score = round(min(100.0, max(0.0, score)) * 0.3) / 0.3
        row["trust"] = "" if rng.random() < missing else f"{score:.4f}"
    return rows


def write_respondents(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", *VARIABLES, "trust"])
        for i, row in enumerate(rows, start=1):
            writer.writerow([f"r{i:04d}", *(row[v] for v in VARIABLES), row["trust"]])


def write_margins(path, margins):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["variable", "category", "count"])
        for variable in VARIABLES:
            for category, count in margins[variable].items():
                writer.writerow([variable, category, count])


def main(out: Path) -> None:
    rng = np.random.default_rng(SEED)
    out.mkdir(parents=True, exist_ok=True)
    write_margins(out / "eastside_margins.csv", EASTSIDE)
    write_margins(out / "riverside_margins.csv", RIVERSIDE)

    east = population(EASTSIDE, rng)
    write_respondents(out / "representative_respondents.csv", add_trust(sample(east, 400, EVEN, rng), rng))
    write_respondents(out / "biased_respondents.csv", add_trust(sample(east, 300, BIASED, rng), rng))

    # About 40 respondents with a sparse cell: nobody of "Other" race/ethnicity (a margin category with
    # no respondents, collapsed) and a single Asian respondent.
    river = population(RIVERSIDE, rng)
    rows = sample(river, 60, BIASED, rng)
    rows = [r for r in rows if r["race_ethnicity"] not in ("Other", "Asian")][:39]
    asian = int(rng.choice(np.flatnonzero(river["race_ethnicity"] == "Asian")))
    rows.insert(17, {v: str(river[v][asian]) for v in VARIABLES})
    write_respondents(out / "small_respondents.csv", add_trust(rows, rng, missing=0.1))

    with open(out / "cases.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "respondents", "margins", "trim_lower", "trim_upper"])
        writer.writerows(CASES)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/weighting/fixtures"))
