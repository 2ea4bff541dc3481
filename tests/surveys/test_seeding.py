"""The demo city's two years of trust and safety survey waves, and the trust index computed from them.

The demo is loaded once for this module (it takes a few seconds) and removed afterwards.
"""

import io
import statistics
from collections import Counter, defaultdict
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from commonbeat.accounts.models import Membership
from commonbeat.accounts.roles import Role
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.seeding import FIRST_NAMES, LAST_NAMES
from commonbeat.insights.models import IssueTerm, Measure, PeriodKind, RecomputeRun, TrustEstimate
from commonbeat.surveys import instrument
from commonbeat.surveys.models import Answer, Response, Survey, SurveyStatus

CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        output = io.StringIO()
        call_command("seed_demo", stdout=output)
        yield SimpleNamespace(output=output.getvalue())
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def port_alder(demo, db):
    return Agency.objects.get(slug="port-alder")


def current_city(agency, measure=Measure.TRUST) -> TrustEstimate:
    return TrustEstimate.objects.get(agency=agency, measure=measure, period_kind=PeriodKind.CURRENT,
                                     neighbourhood=None, group_variable="")


def test_the_demo_says_what_it_loaded(demo):
    assert "trust and safety survey responses over 24 months" in demo.output


def test_the_standard_survey_is_built_and_opened_by_the_agency_admin(port_alder):
    survey = Survey.objects.get(agency=port_alder, slug="trust-and-safety")
    admin = Membership.objects.get(agency=port_alder, role=Role.AGENCY_ADMIN).user
    assert survey.created_by == admin and survey.status == SurveyStatus.OPEN and survey.counts_toward_trust_index
    assert [q.code for q in survey.questions.order_by("position")] == [q["code"] for q in instrument.STANDARD]
    assert survey.title["es"]


def test_two_years_of_monthly_waves_hold_several_thousand_responses(port_alder):
    moments = Response.objects.filter(agency=port_alder).values_list("submitted_at", flat=True)
    assert 8000 <= len(moments) <= 15000
    months = Counter(timezone.localtime(moment, CHICAGO).strftime("%Y-%m") for moment in moments)
    this_month = timezone.localdate(timezone=CHICAGO).strftime("%Y-%m")
    full = [count for month, count in months.items() if month != this_month]
    assert len(full) == 24 and min(full) >= 300
    assert months[this_month] < max(full)  # this month's wave is still under way


def test_the_second_agency_has_a_small_amount(demo, db):
    lakeside = Agency.objects.get(slug="lakeside-county")
    assert 50 <= Response.objects.filter(agency=lakeside).count() <= 300
    assert RecomputeRun.objects.filter(agency=lakeside).exists()


def test_about_a_fifth_answer_in_spanish(port_alder):
    languages = Counter(Response.objects.filter(agency=port_alder).values_list("language", flat=True))
    assert 0.15 <= languages["es"] / sum(languages.values()) <= 0.25


def test_the_answers_match_the_fields_the_index_reads(port_alder):
    responses = {pk: fields for pk, *fields in Response.objects.filter(agency=port_alder).values_list(
        "pk", "safety", "respect", "listen", "age_band", "gender", "race_ethnicity", "neighbourhood__slug",
        "eligible")}
    answers = defaultdict(dict)
    for response_id, code, number, text, choices in Answer.objects.filter(response__agency=port_alder).values_list(
            "response_id", "question__code", "number", "text", "choices"):
        answers[response_id][code] = number if number is not None else (choices[0] if choices else text)
    assert set(answers) == set(responses)
    for pk, (safety, respect, listen, age, gender, race, place, eligible) in responses.items():
        given = answers[pk]
        assert (given["safety"], given["respect"], given["listen"]) == (safety, respect, listen)
        assert (given.get("age_band", ""), given.get("gender", ""), given.get("race_ethnicity", "")) == (
            age, gender, race)
        assert given["neighbourhood"] == (place if eligible else "outside")


def test_some_answers_cannot_count(port_alder):
    responses = Response.objects.filter(agency=port_alder)
    assert 0 < responses.filter(eligible=False).count() < 0.05 * responses.count()
    assert 0 < responses.filter(age_band="").count() < 0.05 * responses.count()


def test_young_residents_answer_far_less_than_their_share(port_alder):
    census = Counter()
    for neighbourhood in Neighbourhood.objects.filter(agency=port_alder):
        census.update(neighbourhood.census["age_band"])
    answered = Counter(Response.objects.filter(agency=port_alder).exclude(age_band="").values_list(
        "age_band", flat=True))
    assert answered["18-29"] / answered.total() < 0.5 * census["18-29"] / census.total()
    assert answered["65+"] / answered.total() > 1.3 * census["65+"] / census.total()


def test_weighting_moves_the_citywide_trust_estimate_by_several_points(port_alder):
    city = current_city(port_alder)
    assert city.enough_responses and city.respondents > 1000
    assert city.unweighted_mean - city.mean >= 2
    assert city.effective_sample_size < city.respondents
    months = TrustEstimate.objects.filter(agency=port_alder, measure=Measure.TRUST, period_kind=PeriodKind.MONTH,
                                          neighbourhood=None, group_variable="")
    assert all(row.unweighted_mean - row.mean >= 2 for row in months)


def test_neighbourhoods_differ_and_their_trends_differ(port_alder):
    trends = {}
    for neighbourhood in Neighbourhood.objects.filter(agency=port_alder):
        months = list(TrustEstimate.objects.filter(
            agency=port_alder, measure=Measure.TRUST, period_kind=PeriodKind.MONTH, neighbourhood=neighbourhood,
            enough_responses=True).order_by("period_start").values_list("mean", flat=True))
        if len(months) >= 12:
            trends[neighbourhood.slug] = statistics.mean(months[-6:]) - statistics.mean(months[:6])
    assert len(trends) >= 10
    assert max(trends.values()) >= 6  # some improve clearly
    assert min(trends.values()) <= -5  # one gets worse
    current = TrustEstimate.objects.filter(agency=port_alder, measure=Measure.TRUST, period_kind=PeriodKind.CURRENT,
                                           neighbourhood__isnull=False).values_list("mean", flat=True)
    assert max(current) - min(current) >= 8


def test_a_hard_to_reach_neighbourhood_has_months_without_a_figure(port_alder):
    missing = TrustEstimate.objects.filter(agency=port_alder, period_kind=PeriodKind.MONTH,
                                           neighbourhood__isnull=False, enough_responses=False)
    assert 0 < missing.count() < 100


def test_the_number_one_issues_are_stored_without_personal_details(port_alder):
    terms = list(IssueTerm.objects.filter(agency=port_alder, neighbourhood=None).values_list("term", "mentions"))
    named = {term for term, _ in terms}
    assert {"speeding", "response times"} <= named and any("break-ins" in term for term in named)
    assert any(term in named for term in ("venta", "exceso de velocidad", "robos", "alumbrado público"))
    assert all(mentions >= 11 for _, mentions in terms)
    names = {name.lower() for name in FIRST_NAMES + LAST_NAMES}
    for term in IssueTerm.objects.values_list("term", flat=True):
        assert not set(term.split()) & names, term
        assert not any(character.isdigit() or character == "@" for character in term), term


def test_the_dashboard_shows_the_demo(port_alder):
    response = Client().get("/trust/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Community trust dashboard" in html and "month by month" in html
    assert "speeding" in html
