"""The public crisis page and its downloads: suppressed figures, a methods note, and no personal detail — no
notes, no officer or clinician names, no time finer than the month."""

import json
from datetime import date

import pytest
from django.utils import timezone

from commonbeat.crisis.models import Outcome, ResponderKind

from .conftest import make_responses

NOTE = "Sister Rosa Quintanilla called it in"


def _last_month() -> tuple[int, int]:
    first = timezone.localdate().replace(day=1)
    previous = date.fromordinal(first.toordinal() - 1)
    return previous.year, previous.month


@pytest.fixture
def published(agency, north, south):
    year, month = _last_month()
    make_responses(agency, 30, kind=ResponderKind.OFFICER_ONLY, place=north, when=(year, month, 3, 14, 37),
                   outcomes=(Outcome.RESOLVED_ON_SCENE, Outcome.ARREST), notes=NOTE)
    make_responses(agency, 25, kind=ResponderKind.CO_RESPONDER, place=north, when=(year, month, 4, 14, 37),
                   outcomes=(Outcome.RESOLVED_ON_SCENE,), notes=NOTE)
    make_responses(agency, 4, kind=ResponderKind.CO_RESPONDER, place=south, when=(year, month, 5, 14, 37),
                   outcomes=(Outcome.VOLUNTARY_TRANSPORT,), notes=NOTE)
    return agency


def _assert_nothing_personal(text: str):
    assert "Quintanilla" not in text and NOTE not in text
    assert "Alphason" not in text  # the officer's surname
    assert "Whitfield" not in text  # the clinician's
    assert "14:37" not in text and "2:37" not in text


def test_anyone_sees_the_figures_with_small_counts_hidden_and_a_methods_note(client, published):
    response = client.get("/crisis/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Crisis responses: the figures" in page
    assert "With a clinician" in page and "Officer only" in page
    assert "fewer than 11" in page
    assert "How these figures are made" in page
    assert "Co-responder" not in page  # the public sees two groups, not three
    _assert_nothing_personal(page)


def test_the_public_page_never_shows_notes_or_names(client, published):
    for outcome in ["all", "arrest", "voluntary_transport"]:
        _assert_nothing_personal(client.get(f"/crisis/?outcome={outcome}&months=12").content.decode())


def test_the_csv_download_is_suppressed_and_holds_nothing_personal(client, published, south):
    response = client.get("/crisis/figures.csv")
    text = response.content.decode()
    assert response["Content-Disposition"].startswith("attachment;")
    assert text.splitlines()[0] == "table,outcome,month,neighbourhood,responder,count,suppressed"
    assert f"by_neighbourhood,all,,{south.slug},with_clinician,,true" in text
    _assert_nothing_personal(text)
    counts = [line.split(",")[5] for line in text.splitlines()[1:]]
    assert all(count in ("", "0") or int(count) >= 11 for count in counts)


def test_the_json_download_has_a_data_dictionary_and_nothing_personal(client, published):
    response = client.get("/crisis/figures.json")
    data = json.loads(response.content)
    assert data["suppression"]["threshold"] == 11
    assert "responder" in data["data_dictionary"]
    assert all(row["count"] is None or row["count"] == 0 or row["count"] >= 11 for row in data["rows"])
    _assert_nothing_personal(response.content.decode())


def test_the_page_is_served_in_spanish(client, published):
    response = client.get("/es/crisis/")
    assert response.status_code == 200
    assert 'lang="es"' in response.content.decode()


def test_another_agency_sees_only_its_own_figures(client, published, other_agency):
    response = client.get("/crisis/figures.csv", HTTP_HOST="beta.test")
    assert "alpha-north-end" not in response.content.decode()
    assert ",30," not in response.content.decode() and ",55," not in response.content.decode()
