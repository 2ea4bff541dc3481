"""The public trust dashboard and methods page: they show the stored estimates — never recomputing — in
English and Spanish, say "not enough responses" instead of a number, and never show what anyone wrote."""

from unittest import mock

import pytest
from django.test import Client

from commonbeat.core.models import Neighbourhood
from commonbeat.insights import services, trust_index
from commonbeat.insights.models import RecomputeRun, TrustEstimate

from .helpers import TODAY, Person, answered, at, index_survey, mixed_people, with_census

DISTINCTIVE = "Zephyrine Quillfeather's xylophone-shaped kite keeps blocking the hydrant on Wobble Lane"
REPEATED = "speeding near the school"


@pytest.fixture
def survey(agency, cast):
    return index_survey(agency, cast)


@pytest.fixture
def north(agency):
    return with_census(Neighbourhood.objects.get(agency=agency, slug="alpha-north-end"))


@pytest.fixture
def south(agency):
    return with_census(Neighbourhood.objects.get(agency=agency, slug="alpha-south-end"))


@pytest.fixture
def computed(agency, survey, north, south):
    """North End: two months of answers (enough each month); South End: 12, not enough. Twelve people
    name speeding near the school; one writes something only they would."""
    for month in (9, 10):
        answered(survey, north, at(2026, month), mixed_people(60, seed=month))
    people = [Person(top_issue=REPEATED)] * 12 + [Person(top_issue=DISTINCTIVE)]
    answered(survey, south, at(2026, 10), people)
    return services.recompute_trust_index(agency, today=TODAY)


def page(path: str, client=None) -> str:
    response = (client or Client()).get(path)
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------- what the dashboard shows

def test_the_dashboard_shows_each_neighbourhood_with_its_interval_and_sample_sizes(agency, computed, north):
    row = TrustEstimate.objects.get(agency=agency, measure="trust", period_kind="current", neighbourhood=north)
    html = page("/trust/")
    assert "Community trust dashboard" in html
    assert "Alpha North End" in html and "Alpha South End" in html
    assert f"{row.mean:.0f}" in html and f"{row.ci_low:.0f}–{row.ci_high:.0f}" in html
    assert f"{row.effective_sample_size:.0f}" in html
    assert "not enough responses" in html  # South End, with 13 answers
    assert "August 2026 to October 2026" in html


def test_the_map_is_coloured_by_trust_and_labelled_with_the_figures(agency, computed, north):
    html = page("/trust/")
    assert 'fill="url(#trust-map-not-enough)"' in html  # South End: hatched
    row = TrustEstimate.objects.get(agency=agency, measure="trust", period_kind="current", neighbourhood=north)
    assert f'class="trust-map__figure">{row.mean:.0f}</tspan>' in html
    assert "under 40" in html and "70 or more" in html  # the legend
    assert 'aria-current="true"' in html and "Colour the map by" in html


def test_the_map_can_show_feeling_safe_instead(agency, computed, north):
    row = TrustEstimate.objects.get(agency=agency, measure="safety", period_kind="current", neighbourhood=north)
    html = page("/trust/?measure=safety")
    assert "Feeling safe, by neighbourhood" in html
    assert f'class="trust-map__figure">{row.mean:.0f}</tspan>' in html


def test_the_trend_shows_the_chosen_neighbourhood_month_by_month(agency, computed, north):
    html = page("/trust/?neighbourhood=alpha-north-end")
    assert "Alpha North End, month by month" in html and "Whole city, month by month" in html
    assert "<polyline" in html and "September 2026" in html and "November 2024" in html
    html = page("/trust/?neighbourhood=alpha-south-end")
    assert "Alpha South End, month by month" in html


def test_the_trends_can_be_shown_three_months_at_a_time(agency, computed, north):
    quarters = TrustEstimate.objects.filter(agency=agency, period_kind="quarter", neighbourhood=north,
                                            measure="trust")
    assert quarters.count() == 8
    last = quarters.order_by("-period_start").first()
    current = TrustEstimate.objects.get(agency=agency, period_kind="current", neighbourhood=north, measure="trust",
                                        group_variable="")
    assert (last.period_start, last.period_end, last.respondents) == (
        current.period_start, current.period_end, current.respondents)
    assert last.mean == pytest.approx(current.mean)
    html = page("/trust/?neighbourhood=alpha-north-end&by=quarter")
    assert "Alpha North End, three months at a time" in html and "Whole city, three months at a time" in html
    assert "Aug–Oct 2026" in html and "September 2026" not in html
    assert 'name="by" value="quarter"' in html


def test_an_unknown_neighbourhood_or_measure_falls_back_to_the_defaults(computed):
    html = page("/trust/?neighbourhood=nowhere&measure=happiness")
    assert "Trust, by neighbourhood" in html and "Alpha North End, month by month" in html


def test_the_number_one_issues_are_shown_as_terms_only(computed):
    html = page("/trust/?neighbourhood=alpha-south-end")
    assert "speeding" in html and "school" in html
    assert REPEATED not in html  # the answer itself is not shown, only its terms


def test_no_free_text_of_any_answer_is_shown(computed):
    for path in ("/trust/", "/trust/?neighbourhood=alpha-south-end", "/es/trust/", "/trust/methods/",
                 "/es/trust/methods/", "/trust/data.csv", "/trust/data.json"):
        html = page(path).lower()
        for part in ("zephyrine", "quillfeather", "xylophone", "kite", "hydrant", "wobble"):
            assert part not in html, (path, part)


def test_the_breakdowns_by_group_follow_the_minimum(computed):
    html = page("/trust/")
    assert "By age" in html and "By gender" in html and "By race or ethnicity" in html
    assert "18 to 29" in html and "65 or older" in html


def test_counts_from_1_to_10_are_not_shown(agency, survey, north, south):
    answered(survey, north, at(2026, 10), mixed_people(40, seed=3))
    answered(survey, south, at(2026, 10), mixed_people(5, seed=4))
    services.recompute_trust_index(agency, today=TODAY)
    html = page("/trust/?neighbourhood=alpha-south-end")
    assert "not shown" in html


def test_before_the_first_recomputation_the_page_says_so(agency):
    html = page("/trust/")
    assert "has not been computed yet" in html


# ---------------------------------------------------------------- stored results only

def test_the_dashboard_reads_stored_results_and_never_recomputes(agency, computed, django_assert_max_num_queries):
    runs, estimates = RecomputeRun.objects.count(), set(TrustEstimate.objects.values_list("pk", "computed_at"))
    with mock.patch.object(trust_index, "compute", side_effect=AssertionError("recomputed on a page view")), \
            mock.patch.object(services, "recompute_trust_index", side_effect=AssertionError("recomputed")):
        for path in ("/trust/", "/trust/?measure=safety&neighbourhood=alpha-south-end", "/trust/methods/",
                     "/trust/data.json", "/trust/data.csv"):
            with django_assert_max_num_queries(10):
                page(path)
    assert RecomputeRun.objects.count() == runs
    assert set(TrustEstimate.objects.values_list("pk", "computed_at")) == estimates


def test_the_number_of_queries_does_not_grow_with_the_answers(agency, survey, north, django_assert_max_num_queries):
    answered(survey, north, at(2026, 10), mixed_people(400, seed=5))
    services.recompute_trust_index(agency, today=TODAY)
    with django_assert_max_num_queries(10):
        page("/trust/")


def test_another_agencys_figures_are_never_shown(agency, other_agency, computed):
    html = page("/trust/", Client(HTTP_HOST="beta.test"))
    assert "has not been computed yet" in html and "Alpha North End" not in html
    services.recompute_trust_index(other_agency, today=TODAY)
    html = page("/trust/", Client(HTTP_HOST="beta.test"))
    assert "Beta North End" in html and "Alpha North End" not in html


# ---------------------------------------------------------------- languages and the methods page

def test_the_dashboard_renders_in_spanish(computed):
    html = page("/es/trust/")
    assert '<html lang="es"' in html
    assert "octubre de 2026" in html
    assert 'href="/es/trust/methods/"' in html


def test_the_methods_page_explains_the_method_and_when_it_was_last_recomputed(agency, computed):
    html = page("/trust/methods/")
    for words in ("Who was asked", "How the answers are weighted", "95% confidence interval",
                  "effective sample size", "at least 30 residents", "Last recomputed", "raking"):
        assert words in html, words
    assert "0.3" in html and "3.0" in html


def test_the_methods_page_renders_in_spanish(computed):
    html = page("/es/trust/methods/")
    assert '<html lang="es"' in html and "0,3" in html


def test_the_navigation_links_to_the_dashboard(agency):
    assert 'href="/trust/"' in page("/")
