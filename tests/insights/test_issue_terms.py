"""The number-one issues: only words and phrases at least 11 residents used are stored, and nothing that
looks like personal data ever becomes a term."""

import pytest

from commonbeat.core.models import Neighbourhood
from commonbeat.insights import issue_terms, services
from commonbeat.insights.models import IssueTerm

from .helpers import CURRENT_MONTH, TODAY, Person, answered, at, index_survey, with_census


@pytest.fixture
def survey(agency, cast):
    return index_survey(agency, cast)


@pytest.fixture
def north(agency):
    return with_census(Neighbourhood.objects.get(agency=agency, slug="alpha-north-end"))


@pytest.fixture
def south(agency):
    return with_census(Neighbourhood.objects.get(agency=agency, slug="alpha-south-end"))


def terms_of(text: str, vocabulary=frozenset()) -> set[str]:
    found = issue_terms.terms_of(text, set(vocabulary))
    return set(found.words | found.phrases)


def said(survey, neighbourhood, texts: list[str], when=None):
    answered(survey, neighbourhood, when or at(*CURRENT_MONTH), [Person(top_issue=text) for text in texts])


def stored_terms(agency, neighbourhood=None) -> dict[str, int]:
    return dict(IssueTerm.objects.filter(agency=agency, neighbourhood=neighbourhood).values_list("term", "mentions"))


# ---------------------------------------------------------------- words and phrases

def test_answers_give_lower_cased_words_and_two_word_phrases_without_stopwords():
    assert terms_of("speeding cars near the school") == {"speeding", "cars", "school", "speeding cars"}
    assert terms_of("more youth programs please") == {"youth", "programs", "youth programs"}


def test_spanish_stopwords_go_and_phrases_join_with_de():
    assert terms_of("exceso de velocidad en la escuela") == {"exceso", "velocidad", "exceso de velocidad",
                                                             "escuela"}


def test_a_word_that_opens_the_answer_is_kept_when_someone_writes_it_in_lower_case():
    assert terms_of("Speeding is bad", {"speeding"}) == {"speeding"}
    assert terms_of("Speeding is bad") == set()


def test_a_phrase_does_not_run_across_a_comma():
    assert "rude email" not in terms_of("they were rude, email is better")


# ---------------------------------------------------------------- personal data

@pytest.mark.parametrize("text", [
    "write to maria.lopez@example.com about speeding",
    "call 555-201-4477 about speeding",
    "call (217) 555 0199 about speeding",
    "speeding at 1423 cedar street every night",
    "speeding on 4th street",
    "exceso de velocidad en calle mayor 123",
    "see www.example.com/speeding about speeding",
])
def test_contact_details_and_addresses_never_become_terms(text):
    terms = " ".join(terms_of(text))
    assert "speeding" in terms or "velocidad" in terms
    for part in ("maria", "lopez", "example", "555", "4477", "0199", "1423", "cedar", "4th", "mayor", "123", "www"):
        assert part not in terms


def test_capitalised_words_mid_sentence_may_be_names_and_are_dropped():
    assert terms_of("officer Daniels keeps speeding past Quentin Hargreave's house", {"speeding"}) == {
        "keeps", "speeding", "keeps speeding", "past", "house", "speeding past"}
    assert terms_of("Maria sells drugs") == {"sells", "drugs", "sells drugs"}


# ---------------------------------------------------------------- stored terms

def test_terms_named_by_11_respondents_are_stored_and_10_are_not(agency, survey, north):
    said(survey, north, ["car break-ins"] * 11 + ["loud fireworks"] * 10)
    services.recompute_trust_index(agency, today=TODAY)
    city = stored_terms(agency)
    assert city["car break-ins"] == 11
    assert "loud fireworks" not in city and "fireworks" not in city and "loud" not in city
    assert stored_terms(agency, north) == city


def test_the_same_term_is_counted_once_per_respondent(agency, survey, north):
    said(survey, north, ["speeding speeding speeding, so much speeding"] * 10)
    services.recompute_trust_index(agency, today=TODAY)
    assert stored_terms(agency) == {}


def test_neighbourhoods_and_the_city_are_counted_apart(agency, survey, north, south):
    said(survey, north, ["street lighting"] * 8)
    said(survey, south, ["street lighting"] * 8 + ["drug dealing"] * 12)
    services.recompute_trust_index(agency, today=TODAY)
    assert stored_terms(agency)["street lighting"] == 16
    assert "street lighting" not in stored_terms(agency, north)
    assert stored_terms(agency, south) == {"drug dealing": 12}


def test_a_word_only_used_inside_a_kept_phrase_is_not_listed_again(agency, survey, north):
    said(survey, north, ["drug dealing"] * 12 + ["dealing with noise"] * 3)
    services.recompute_trust_index(agency, today=TODAY)
    assert stored_terms(agency) == {"drug dealing": 12}


def test_only_the_latest_three_months_count(agency, survey, north):
    said(survey, north, ["speeding"] * 12, when=at(2026, 6))
    services.recompute_trust_index(agency, today=TODAY)
    assert stored_terms(agency) == {}


def test_personal_details_given_by_many_still_never_become_terms(agency, survey, north):
    said(survey, north, ["officer Wobblebottom at 12 Quasar Street, call 555-0199 or jo@example.org: speeding"] * 15)
    services.recompute_trust_index(agency, today=TODAY)
    terms = " ".join(IssueTerm.objects.values_list("term", flat=True))
    assert "speeding" in terms
    for part in ("wobblebottom", "quasar", "555", "0199", "example", "jo@"):
        assert part not in terms


def test_recomputing_replaces_the_terms(agency, survey, north):
    said(survey, north, ["speeding"] * 12)
    services.recompute_trust_index(agency, today=TODAY)
    said(survey, north, ["speeding"] * 3)
    services.recompute_trust_index(agency, today=TODAY)
    assert stored_terms(agency) == {"speeding": 15}
    assert IssueTerm.objects.filter(agency=agency, term="speeding").count() == 2  # the city and North End
