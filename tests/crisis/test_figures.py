"""The crisis figures: exact counts for staff, and for the public no count from 1 to 10, with complementary
suppression so that no hidden count can be worked out from the totals."""

from datetime import date

from commonbeat.crisis.figures import WITH_CLINICIAN, Period, crisis_figures, long_rows
from commonbeat.crisis.models import Outcome, ResponderKind

from .conftest import make_responses

ALONE, CO, CLIN = ResponderKind.OFFICER_ONLY, ResponderKind.CO_RESPONDER, ResponderKind.CLINICIAN_ONLY
PERIOD = Period(date(2026, 3, 1), 2)  # March and April 2026
TODAY = date(2026, 5, 15)


def _row(table, key):
    return next(row.values for row in table.rows if row.key == key)


def _hand_built_set(agency, north, south):
    make_responses(agency, 2, kind=ALONE, place=north, outcomes=(Outcome.ARREST,))
    make_responses(agency, 1, kind=ALONE, place=north, outcomes=(Outcome.RESOLVED_ON_SCENE,))
    make_responses(agency, 1, kind=CO, place=north, outcomes=(Outcome.RESOLVED_ON_SCENE,))
    make_responses(agency, 1, kind=CO, place=north, outcomes=(Outcome.RESOLVED_ON_SCENE, Outcome.VOLUNTARY_TRANSPORT))
    make_responses(agency, 1, kind=CLIN, place=south, outcomes=(Outcome.RESOLVED_ON_SCENE,))
    make_responses(agency, 1, kind=ALONE, place=south, when=(2026, 4, 2, 9, 0),
                   outcomes=(Outcome.ARREST, Outcome.FORCE_USED))
    make_responses(agency, 3, kind=ALONE, place=south, when=(2026, 5, 2, 9, 0))  # after the period: not counted


def test_staff_figures_count_each_outcome_by_who_responded_exactly(agency, north, south):
    _hand_built_set(agency, north, south)
    figures = crisis_figures(agency, PERIOD, today=TODAY)
    assert [s.key for s in figures.series] == [ALONE, CO, CLIN]
    assert _row(figures.outcomes, "all") == [4, 2, 1]
    assert _row(figures.outcomes, Outcome.ARREST) == [3, 0, 0]
    assert _row(figures.outcomes, Outcome.RESOLVED_ON_SCENE) == [1, 2, 1]
    assert _row(figures.outcomes, Outcome.VOLUNTARY_TRANSPORT) == [0, 1, 0]
    assert _row(figures.outcomes, Outcome.FORCE_USED) == [1, 0, 0]


def test_staff_figures_by_neighbourhood_and_month_for_all_responses_and_one_outcome(agency, north, south):
    _hand_built_set(agency, north, south)
    figures = crisis_figures(agency, PERIOD, today=TODAY)
    assert _row(figures.by_neighbourhood, north.slug) == [3, 2, 0]
    assert _row(figures.by_neighbourhood, south.slug) == [1, 0, 1]
    assert figures.by_neighbourhood.totals == [4, 2, 1]
    assert _row(figures.by_month, "2026-03") == [3, 2, 1]
    assert _row(figures.by_month, "2026-04") == [1, 0, 0]
    arrests = crisis_figures(agency, PERIOD, outcome=Outcome.ARREST, today=TODAY)
    assert _row(arrests.by_neighbourhood, north.slug) == [2, 0, 0]
    assert _row(arrests.by_month, "2026-04") == [1, 0, 0]


def test_shares_are_given_only_when_they_rest_on_at_least_11_responses(agency, north):
    make_responses(agency, 20, kind=ALONE, place=north, outcomes=(Outcome.RESOLVED_ON_SCENE,))
    make_responses(agency, 20, kind=ALONE, place=north, outcomes=(Outcome.ARREST,))
    make_responses(agency, 12, kind=CO, place=north, outcomes=(Outcome.RESOLVED_ON_SCENE,))
    make_responses(agency, 3, kind=CLIN, place=north, outcomes=(Outcome.VOLUNTARY_TRANSPORT,))
    figures = crisis_figures(agency, PERIOD, today=TODAY)
    resolved = next(rate for rate in figures.rates if rate.outcome == Outcome.RESOLVED_ON_SCENE)
    assert resolved.percents == [50.0, 100.0, None]  # 3 clinician-only responses are too few for a share
    public = crisis_figures(agency, PERIOD, public=True, today=TODAY)
    transport = next(rate for rate in public.rates if rate.outcome == Outcome.VOLUNTARY_TRANSPORT)
    assert transport.percents == [0.0, None]  # 3 of 15 "with a clinician": the count is hidden, so is its share


def _assert_no_hidden_cell_is_derivable(table):
    """With each series' total (and, conservatively, each row's total) known, a row or column holding exactly one
    hidden count would give it away."""
    columns = list(zip(*(row.values for row in table.rows), strict=True))
    for values in [row.values for row in table.rows] + [list(column) for column in columns]:
        assert sum(value is None for value in values) != 1, values


def test_the_public_hides_counts_below_11_and_a_second_cell_so_the_first_cannot_be_worked_out(agency, north, south):
    make_responses(agency, 30, kind=ALONE, place=north)
    make_responses(agency, 25, kind=CO, place=north)
    make_responses(agency, 20, kind=ALONE, place=south)
    make_responses(agency, 4, kind=CO, place=south)
    figures = crisis_figures(agency, PERIOD, public=True, today=TODAY)
    assert [s.key for s in figures.series] == [ALONE, WITH_CLINICIAN]
    table = figures.by_neighbourhood
    assert _row(table, south.slug)[1] is None
    assert table.totals == [50, 29]
    _assert_no_hidden_cell_is_derivable(table)
    assert _row(table, north.slug)[1] is None  # without it, 29 minus 25 would give the hidden 4
    _assert_no_hidden_cell_is_derivable(figures.by_month)
    assert _row(figures.by_month, "2026-03") == [50, 29]


def test_a_small_outcome_count_and_a_small_total_are_hidden_from_the_public(agency, north):
    make_responses(agency, 15, kind=ALONE, place=north, outcomes=(Outcome.RESOLVED_ON_SCENE,))
    make_responses(agency, 3, kind=ALONE, place=north, outcomes=(Outcome.INJURY_OFFICER,))
    make_responses(agency, 2, kind=CLIN, place=north, outcomes=(Outcome.RESOLVED_ON_SCENE,))
    figures = crisis_figures(agency, PERIOD, public=True, today=TODAY)
    assert _row(figures.outcomes, Outcome.INJURY_OFFICER) == [None, 0]
    assert _row(figures.outcomes, "all") == [18, None]
    injuries = crisis_figures(agency, PERIOD, public=True, outcome=Outcome.INJURY_OFFICER, today=TODAY)
    assert injuries.by_neighbourhood.totals == [None, 0]
    staff = crisis_figures(agency, PERIOD, today=TODAY)
    assert _row(staff.outcomes, Outcome.INJURY_OFFICER) == [3, 0, 0]


def test_every_download_row_of_the_public_figures_is_suppressed_below_11(agency, north, south):
    make_responses(agency, 14, kind=ALONE, place=north, outcomes=(Outcome.RESOLVED_ON_SCENE, Outcome.ARREST))
    make_responses(agency, 7, kind=CO, place=south, outcomes=(Outcome.VOLUNTARY_TRANSPORT,))
    rows = long_rows(crisis_figures(agency, PERIOD, public=True, today=TODAY))
    counts = [row["count"] for row in rows]
    assert counts and all(count is None or count == 0 or count >= 11 for count in counts)
    assert {row["table"] for row in rows} == {"outcomes", "by_neighbourhood", "by_month"}
    assert {"resolved_on_scene", "arrest", "all"} <= {row["outcome"] for row in rows}
