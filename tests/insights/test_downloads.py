"""The stored estimates as CSV and JSON: every estimate, counts from 1 to 10 hidden, a data dictionary."""

import csv
import io

import pytest
from django.test import Client

from commonbeat.core.models import Neighbourhood
from commonbeat.insights import services
from commonbeat.insights.dashboard import CSV_COLUMNS
from commonbeat.insights.models import TrustEstimate

from .helpers import TODAY, Person, answered, at, index_survey, mixed_people, with_census


@pytest.fixture
def survey(agency, cast):
    return index_survey(agency, cast)


@pytest.fixture
def computed(agency, survey):
    north = with_census(Neighbourhood.objects.get(agency=agency, slug="alpha-north-end"))
    with_census(Neighbourhood.objects.get(agency=agency, slug="alpha-south-end"))
    answered(survey, north, at(2026, 10), mixed_people(60, seed=1) + [Person(top_issue="car break-ins")] * 11)
    return services.recompute_trust_index(agency, today=TODAY)


def current_trust(rows: list[dict], neighbourhood: str) -> dict:
    return next(r for r in rows if r["neighbourhood"] == neighbourhood and r["period"] == "current"
                and r["measure"] == "trust" and not r["group_variable"])


def csv_rows() -> list[dict]:
    response = Client().get("/trust/data.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="alpha-trust-index.csv"' in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_has_one_row_per_stored_estimate(agency, computed):
    rows = csv_rows()
    assert list(rows[0]) == CSV_COLUMNS
    assert len(rows) == TrustEstimate.objects.filter(agency=agency).count() == computed.estimates_written
    north = next(r for r in rows if r["neighbourhood"] == "alpha-north-end" and r["period"] == "current"
                 and r["measure"] == "trust")
    stored = TrustEstimate.objects.get(agency=agency, neighbourhood__slug="alpha-north-end", period_kind="current",
                                       measure="trust")
    assert float(north["mean"]) == round(stored.mean, 1)
    assert float(north["ci_low"]) == round(stored.ci_low, 1) and float(north["ci_high"]) == round(stored.ci_high, 1)
    assert north["enough_responses"] == "true" and north["respondents"] == "71"
    assert (north["period_start"], north["period_end"]) == ("2026-08-01", "2026-10-31")
    city = [r for r in rows if r["neighbourhood"] == "all" and r["group_variable"] == "age_band"]
    assert {r["group_value"] for r in city} == {"18-29", "30-44", "45-64", "65+"}


def test_a_cell_without_enough_responses_has_no_numbers(computed):
    south = current_trust(csv_rows(), "alpha-south-end")
    assert south["enough_responses"] == "false" and south["respondents"] == "0"
    assert south["mean"] == south["ci_low"] == south["standard_error"] == south["effective_sample_size"] == ""


def test_a_small_count_is_hidden_and_so_is_the_count_it_could_be_worked_out_from(agency, survey, computed):
    answered(survey, Neighbourhood.objects.get(slug="alpha-south-end"), at(2026, 10), mixed_people(4, seed=2))
    services.recompute_trust_index(agency, today=TODAY)
    rows = csv_rows()
    south, north, city = (current_trust(rows, key) for key in ("alpha-south-end", "alpha-north-end", "all"))
    assert south["respondents"] == "" and south["respondents_suppressed"] == "true"
    assert north["respondents"] == "" and north["respondents_suppressed"] == "true"  # else 75 − 71 = 4
    assert city["respondents"] == "75"


def test_the_json_has_the_estimates_the_terms_and_a_data_dictionary(agency, computed):
    response = Client().get("/trust/data.json")
    assert response.status_code == 200
    data = response.json()
    assert data["agency"]["slug"] == "alpha"
    assert data["method"]["minimum_responses"] == 30 and data["method"]["weight_bounds"] == [0.3, 3.0]
    assert len(data["estimates"]) == computed.estimates_written
    assert {"term": "car break-ins", "respondents": 11, "neighbourhood": "all", "period_start": "2026-08-01"} \
        in data["issue_terms"]
    assert set(data["data_dictionary"]["estimates"]) == set(CSV_COLUMNS)
    assert data["computed_at"]


def test_the_json_speaks_the_language_of_the_request(computed):
    data = Client().get("/es/trust/data.json").json()
    assert data["language"] == "es"
    assert data["agency"]["name"] == "Departamento de Policía de Alpha"


def test_downloads_before_any_recomputation_are_empty(agency):
    assert csv_rows() == []
    assert Client().get("/trust/data.json").json()["estimates"] == []
