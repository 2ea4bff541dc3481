"""The trust index: scores, periods, weighting per neighbourhood and citywide, the minimum number of
responses, breakdowns by group, and how a recomputation replaces what was stored."""

import math
from datetime import date

import numpy as np
import pytest

from commonbeat import weighting
from commonbeat.core.models import Neighbourhood
from commonbeat.insights import services, trust_index
from commonbeat.insights.models import Measure, PeriodKind, RecomputeRun, TrustEstimate, TrustSettings
from commonbeat.surveys.models import Survey

from .helpers import (
    CENSUS,
    CURRENT_MONTH,
    TODAY,
    Person,
    answered,
    at,
    columns_of,
    index_survey,
    mixed_people,
    with_census,
)


@pytest.fixture
def survey(agency, cast):
    return index_survey(agency, cast)


@pytest.fixture
def north(agency):
    return with_census(Neighbourhood.objects.get(agency=agency, slug="alpha-north-end"))


@pytest.fixture
def south(agency):
    return with_census(Neighbourhood.objects.get(agency=agency, slug="alpha-south-end"), scale=3)


def stored(agency, measure=Measure.TRUST, *, neighbourhood=None, kind=PeriodKind.CURRENT, month=None, group=("", "")):
    rows = TrustEstimate.objects.filter(agency=agency, measure=measure, period_kind=kind, neighbourhood=neighbourhood,
                                        group_variable=group[0], group_value=group[1])
    if month:
        rows = rows.filter(period_start=date(*month, 1))
    return rows.get()


def trust_values(people):
    return [trust_index.trust_score(p.respect, p.listen) for p in people]


# ---------------------------------------------------------------- scores and periods

def test_trust_is_the_mean_of_respect_and_listen_on_0_to_100():
    assert trust_index.trust_score(6, 7) == 65
    assert trust_index.trust_score(10, 10) == 100
    assert trust_index.trust_score(0, 0) == 0


def test_trust_uses_the_one_item_answered_when_the_other_is_missing():
    assert trust_index.trust_score(None, 4) == 40
    assert trust_index.trust_score(9, None) == 90
    assert trust_index.trust_score(None, None) is None


def test_safety_is_the_safety_item_on_0_to_100():
    assert trust_index.safety_score(6.5) == 65
    assert trust_index.safety_score(None) is None


def test_periods_are_the_24_full_months_before_this_one_and_the_latest_three():
    periods = trust_index.Periods.ending_before(TODAY)
    assert periods.months[0].start == date(2024, 11, 1) and periods.months[-1].last_day == date(2026, 10, 31)
    assert len(periods.months) == 24
    assert (periods.current.start, periods.current.last_day) == (date(2026, 8, 1), date(2026, 10, 31))
    assert (periods.previous.start, periods.previous.last_day) == (date(2026, 5, 1), date(2026, 7, 31))


# ---------------------------------------------------------------- weighting

def test_a_neighbourhood_estimate_is_the_raked_mean_of_its_responses(agency, survey, north):
    people = mixed_people(240, bias={"18-29": 0.4, "65+": 2.0})
    answered(survey, north, at(*CURRENT_MONTH), people)
    services.recompute_trust_index(agency, today=TODAY)

    expected = weighting.raked_mean(trust_values(people), columns_of(people), CENSUS, trim=(0.3, 3.0))
    row = stored(agency, neighbourhood=north)
    assert row.enough_responses and row.respondents == 240
    assert row.mean == pytest.approx(expected.mean, rel=1e-9)
    assert row.standard_error == pytest.approx(expected.standard_error, rel=1e-9)
    assert (row.ci_low, row.ci_high) == (pytest.approx(expected.ci_low), pytest.approx(expected.ci_high))
    assert row.effective_sample_size == pytest.approx(expected.effective_sample_size)
    assert row.unweighted_mean == pytest.approx(sum(trust_values(people)) / 240)
    # Young residents answered less and trust less: weighting lowers the estimate.
    assert row.mean < row.unweighted_mean - 1


def test_the_monthly_estimate_uses_only_that_months_responses(agency, survey, north):
    september = mixed_people(120, seed=2)
    october = mixed_people(120, seed=3, trust_by_age=dict.fromkeys(CENSUS["age_band"], 9))
    answered(survey, north, at(2026, 9), september)
    answered(survey, north, at(2026, 10), october)
    services.recompute_trust_index(agency, today=TODAY)

    for month, people in (((2026, 9), september), ((2026, 10), october)):
        expected = weighting.raked_mean(trust_values(people), columns_of(people), CENSUS, trim=(0.3, 3.0))
        assert stored(agency, neighbourhood=north, kind=PeriodKind.MONTH, month=month).mean == pytest.approx(
            expected.mean)
    assert stored(agency, neighbourhood=north, kind=PeriodKind.CURRENT).respondents == 240


def test_safety_is_weighted_the_same_way(agency, survey, north):
    people = mixed_people(120, seed=4, bias={"18-29": 0.5})
    answered(survey, north, at(*CURRENT_MONTH), people)
    services.recompute_trust_index(agency, today=TODAY)
    expected = weighting.raked_mean([10 * p.safety for p in people], columns_of(people), CENSUS, trim=(0.3, 3.0))
    assert stored(agency, Measure.SAFETY, neighbourhood=north).mean == pytest.approx(expected.mean)


def test_the_agencys_weight_bounds_are_used(agency, survey, north):
    TrustSettings.objects.create(agency=agency, trim_lower=0.5, trim_upper=2.0)
    people = mixed_people(200, seed=5, bias={"18-29": 0.6})
    answered(survey, north, at(*CURRENT_MONTH), people)
    services.recompute_trust_index(agency, today=TODAY)
    expected = weighting.raked_mean(trust_values(people), columns_of(people), CENSUS, trim=(0.5, 2.0))
    assert stored(agency, neighbourhood=north).mean == pytest.approx(expected.mean)


def test_the_city_is_raked_with_the_neighbourhood_as_a_fourth_margin(agency, survey, north, south):
    """South End has three times North End's adults but the same number of answers, and trusts more:
    the citywide figure leans towards South End."""
    north_people = mixed_people(150, seed=6, trust_by_age=dict.fromkeys(CENSUS["age_band"], 3))
    south_people = mixed_people(150, seed=7, trust_by_age=dict.fromkeys(CENSUS["age_band"], 8))
    answered(survey, north, at(*CURRENT_MONTH), north_people)
    answered(survey, south, at(*CURRENT_MONTH), south_people)
    services.recompute_trust_index(agency, today=TODAY)

    people = north_people + south_people
    city_margins = {variable: {c: 4 * n for c, n in table.items()} for variable, table in CENSUS.items()}
    city_margins["neighbourhood"] = {str(north.id): 1000, str(south.id): 3000}
    places = [str(north.id)] * 150 + [str(south.id)] * 150
    expected = weighting.raked_mean(trust_values(people), columns_of(people, neighbourhood=places), city_margins,
                                    trim=(0.3, 3.0))
    city = stored(agency)
    assert city.mean == pytest.approx(expected.mean, rel=1e-9)
    assert city.respondents == 300
    # The plain average sits halfway; the neighbourhood margin moves it most of the way to South End.
    north_mean, south_mean = stored(agency, neighbourhood=north).mean, stored(agency, neighbourhood=south).mean
    assert city.unweighted_mean == pytest.approx((sum(trust_values(people))) / 300)
    assert city.mean - north_mean > 0.7 * (south_mean - north_mean)


def test_responses_with_a_blank_weighting_question_are_left_out_and_counted(agency, survey, north):
    people = mixed_people(40, seed=8)
    blank = [Person(age_band=""), Person(gender=""), Person(race_ethnicity="")]
    unknown = [Person(race_ethnicity="other")]  # no census count for it in this neighbourhood
    answered(survey, north, at(*CURRENT_MONTH), people + blank + unknown)
    run = services.recompute_trust_index(agency, today=TODAY)
    row = stored(agency, neighbourhood=north)
    assert (row.respondents, row.excluded_respondents) == (40, 4)
    assert row.unweighted_mean == pytest.approx(sum(trust_values(people)) / 40)
    assert (run.responses_used, run.responses_excluded) == (40, 4)


def test_only_eligible_responses_to_index_surveys_in_the_24_months_count(agency, cast, survey, north):
    answered(survey, north, at(*CURRENT_MONTH), mixed_people(30, seed=9))
    answered(survey, north, at(*CURRENT_MONTH), [Person(eligible=False)] * 5)
    answered(survey, None, at(*CURRENT_MONTH), [Person(eligible=False)] * 5)  # from outside the city
    answered(survey, north, at(2024, 10, 20), mixed_people(50, seed=10))  # before the 24 months
    answered(survey, north, at(2026, 11, 2), mixed_people(50, seed=11))  # this month: not complete yet
    other = Survey.objects.create(agency=agency, slug="events", title={"en": "Event feedback"},
                                  counts_toward_trust_index=False)
    other.questions.create(code="top_issue", kind="free_text", text={"en": "?"})
    answered(other, north, at(*CURRENT_MONTH), mixed_people(50, seed=12))
    run = services.recompute_trust_index(agency, today=TODAY)
    assert stored(agency, neighbourhood=north).respondents == 30
    assert run.responses_used == 30


def test_months_follow_the_agencys_time_zone(agency, survey, north):
    # 1 October 2026, 02:00 UTC is still 30 September in Chicago.
    answered(survey, north, at(2026, 9, 30, hour=21), mixed_people(30, seed=13))
    services.recompute_trust_index(agency, today=TODAY)
    assert stored(agency, neighbourhood=north, kind=PeriodKind.MONTH, month=(2026, 9)).respondents == 30
    assert stored(agency, neighbourhood=north, kind=PeriodKind.MONTH, month=(2026, 10)).respondents == 0


def combined(columns: dict, margins: dict, trim=(0.3, 3.0)):
    recoded, margins = trust_index.combine_sparse_groups({k: np.array(v) for k, v in columns.items()}, margins, trim)
    return {k: list(v) for k, v in recoded.items()}, margins


def test_an_age_band_with_too_few_respondents_joins_the_next_band():
    columns = {"age_band": ["18-29"] * 2 + ["30-44"] * 30 + ["45-64"] * 30 + ["65+"] * 30}
    recoded, margins = combined(columns, {"age_band": {"18-29": 300, "30-44": 300, "45-64": 250, "65+": 150}})
    assert margins == {"age_band": {"18-29+30-44": 600, "45-64": 250, "65+": 150}}
    assert recoded["age_band"][:3] == ["18-29+30-44"] * 3 and recoded["age_band"][-1] == "65+"


def test_a_small_group_far_below_its_census_share_is_combined():
    """19 of 100 respondents for half the population would need weights of 2.6 on average; 20 are enough
    respondents to be weighted up on their own."""
    margins = {"race_ethnicity": {"hispanic": 500, "white": 300, "black": 200}}
    few = {"race_ethnicity": ["hispanic"] * 19 + ["white"] * 50 + ["black"] * 31}
    _, result = combined(few, margins)
    assert len(result["race_ethnicity"]) == 2
    enough = {"race_ethnicity": ["hispanic"] * 20 + ["white"] * 50 + ["black"] * 30}
    assert combined(enough, margins)[1] == margins


def test_a_group_nobody_answered_for_joins_the_group_closest_to_its_share():
    margins = {"gender": {"female": 500, "male": 490, "another": 10}}
    recoded, result = combined({"gender": ["female"] * 60 + ["male"] * 40}, margins)
    assert result == {"gender": {"female+another": 510, "male": 490}}
    assert set(recoded["gender"]) == {"female+another", "male"}


def test_well_filled_groups_are_left_alone():
    columns = {"age_band": ["18-29"] * 25 + ["30-44"] * 25, "gender": ["female", "male"] * 25}
    margins = {"age_band": {"18-29": 500, "30-44": 500}, "gender": {"female": 500, "male": 500}}
    assert combined(columns, margins) == (columns, margins)


def test_the_neighbourhood_estimate_is_raked_after_combining_sparse_groups(agency, survey, north):
    people = mixed_people(120, seed=14, bias={"18-29": 0.0}) + [Person(age_band="18-29", respect=2, listen=2)] * 2
    answered(survey, north, at(*CURRENT_MONTH), people)
    services.recompute_trust_index(agency, today=TODAY)
    columns, margins = combined(columns_of(people), CENSUS)
    assert "18-29+30-44" in margins["age_band"]
    expected = weighting.raked_mean(trust_values(people), columns, margins, trim=(0.3, 3.0))
    assert stored(agency, neighbourhood=north).mean == pytest.approx(expected.mean)


# ---------------------------------------------------------------- the minimum number of responses

@pytest.mark.parametrize(("count", "enough"), [(29, False), (30, True)])
def test_a_neighbourhood_needs_30_responses_for_a_figure(agency, survey, north, count, enough):
    answered(survey, north, at(*CURRENT_MONTH), mixed_people(count, seed=15))
    services.recompute_trust_index(agency, today=TODAY)
    for measure in Measure.values:
        for row in (stored(agency, measure, neighbourhood=north),
                    stored(agency, measure, neighbourhood=north, kind=PeriodKind.MONTH, month=CURRENT_MONTH)):
            assert row.respondents == count
            assert row.enough_responses is enough
            assert (row.mean is not None) is enough
            assert (row.ci_low is not None, row.effective_sample_size is not None) == (enough, enough)


def test_the_minimum_is_set_per_agency(agency, survey, north):
    TrustSettings.objects.create(agency=agency, minimum_responses=50)
    answered(survey, north, at(*CURRENT_MONTH), mixed_people(49, seed=16))
    services.recompute_trust_index(agency, today=TODAY)
    assert not stored(agency, neighbourhood=north).enough_responses


@pytest.mark.parametrize(("count", "enough"), [(29, False), (30, True)])
def test_a_group_needs_30_responses_for_a_figure(agency, survey, north, count, enough):
    people = [Person(age_band="18-29", race_ethnicity=race, gender=gender)
              for race, gender in zip(["hispanic", "white", "black", "asian"] * 10, ["female", "male"] * 20,
                                      strict=True)][:count]
    people += mixed_people(200, seed=17, bias={"18-29": 0.0})
    answered(survey, north, at(*CURRENT_MONTH), people)
    services.recompute_trust_index(agency, today=TODAY)
    young = stored(agency, group=("age_band", "18-29"))
    assert young.respondents == count and young.enough_responses is enough
    assert (young.mean is not None) is enough
    assert stored(agency, group=("age_band", "45-64")).enough_responses
    assert not stored(agency, group=("gender", "another")).enough_responses


def test_a_group_figure_is_the_groups_mean_with_the_citywide_weights(agency, survey, north, south):
    north_people = mixed_people(150, seed=18, bias={"18-29": 0.5})
    south_people = mixed_people(150, seed=21, bias={"18-29": 0.5})
    answered(survey, north, at(*CURRENT_MONTH), north_people)
    answered(survey, south, at(*CURRENT_MONTH), south_people)
    services.recompute_trust_index(agency, today=TODAY)
    people = north_people + south_people
    margins = {variable: {c: 4 * n for c, n in table.items()} for variable, table in CENSUS.items()}
    margins["neighbourhood"] = {str(north.id): 1000, str(south.id): 3000}
    columns = columns_of(people, neighbourhood=[str(north.id)] * 150 + [str(south.id)] * 150)
    weights = weighting.rake(columns, margins, trim=(0.3, 3.0))
    in_group = [trust_index.trust_score(p.respect, p.listen) if p.age_band == "65+" else math.nan for p in people]
    expected = weighting.weighted_mean(in_group, columns, margins, weights)
    row = stored(agency, group=("age_band", "65+"))
    assert row.mean == pytest.approx(expected.mean)
    assert row.standard_error == pytest.approx(expected.standard_error)
    assert row.respondents == sum(p.age_band == "65+" for p in people)


# ---------------------------------------------------------------- recomputing

def test_recomputing_replaces_the_stored_estimates_and_records_a_run(agency, survey, north, other_agency):
    services.recompute_trust_index(other_agency, today=TODAY)
    others = TrustEstimate.objects.filter(agency=other_agency).count()
    answered(survey, north, at(*CURRENT_MONTH), mixed_people(40, seed=19))
    first = services.recompute_trust_index(agency, today=TODAY)
    count = TrustEstimate.objects.filter(agency=agency).count()
    # 2 measures × (24 months + current + previous + 8 three-month periods) × (2 neighbourhoods + city), + groups
    assert count == first.estimates_written == 2 * (24 + 2 + 8) * 3 + 2 * 12
    answered(survey, north, at(*CURRENT_MONTH), mixed_people(40, seed=20))
    second = services.recompute_trust_index(agency, today=TODAY)
    assert TrustEstimate.objects.filter(agency=agency).count() == count
    assert stored(agency, neighbourhood=north).respondents == 80
    assert TrustEstimate.objects.filter(agency=other_agency).count() == others
    assert list(RecomputeRun.objects.filter(agency=agency).order_by("id")) == [first, second]
    assert second.finished_at >= second.started_at
    assert (second.period_start, second.period_end) == (date(2024, 11, 1), date(2026, 10, 31))


def test_recomputing_is_audited(agency, survey, north):
    from commonbeat.core.models import AuditEvent

    services.recompute_trust_index(agency, today=TODAY)
    event = AuditEvent.objects.get(agency=agency, action="insights.trust_index_recomputed")
    assert event.changes["estimates"] == 228


def test_recomputing_an_agency_with_no_answers_stores_empty_cells(agency):
    run = services.recompute_trust_index(agency, today=TODAY)
    assert run.responses_used == 0
    assert not TrustEstimate.objects.filter(agency=agency, enough_responses=True).exists()
    assert stored(agency).respondents == 0


def test_the_settings_are_not_written_by_reading_them(agency):
    assert services.settings_for(agency).minimum_responses == 30
    assert not TrustSettings.objects.exists()
