"""Guessing a tracking code: each client has a few tries, every client of an agency together a bounded number,
the refusal says so in the resident's language with a Retry-After, and the lookup itself never compares a code
character by character: it hashes what was typed and looks the hash up, the same way for every code."""

import hashlib

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commonbeat.core import ratelimit
from commonbeat.feedback import services, tracking
from commonbeat.feedback.models import Report

from ..feedback.factories import file

pytestmark = pytest.mark.django_db

WINDOW = str(services.TRACKING_LOOKUPS.window_seconds)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def on_page(client, code, path="/track/", **extra):
    return client.post(path, {"code": code}, **extra)


def on_api(client, code, **extra):
    return client.post("/api/v1/reports/track", {"tracking_code": code}, content_type="application/json", **extra)


def test_the_page_and_the_api_share_one_allowance_per_client(client, agency):
    filed = file(agency)
    answers = [(on_page if n % 2 else on_api)(client, "K7QM-3XHD-9PAW-TR2F").status_code
               for n in range(services.TRACKING_LOOKUPS.limit)]
    assert set(answers) == {200, 404}  # the page answers a wrong code with its form, the API with 404
    page, api = on_page(client, filed.tracking_code), on_api(client, filed.tracking_code)
    assert (page.status_code, api.status_code) == (429, 429)
    assert page["Retry-After"] == api["Retry-After"] == WINDOW
    assert filed.report.reference not in page.content.decode() + api.content.decode()
    assert on_api(client, filed.tracking_code, REMOTE_ADDR="198.51.100.20").status_code == 200  # another client


def test_the_refusal_speaks_the_residents_language(client, agency):
    for _ in range(services.TRACKING_LOOKUPS.limit):
        on_page(client, "nothing")
    spanish = on_page(client, "nothing", path="/es/track/")
    assert spanish.status_code == 429 and spanish["Retry-After"] == WINDOW
    assert "Demasiados intentos" in spanish.content.decode()
    english = on_page(client, "nothing")
    assert english.status_code == 429 and "Too many attempts" in english.content.decode()
    api = on_api(client, "nothing", HTTP_ACCEPT_LANGUAGE="es")
    assert api.status_code == 429 and api.json()["detail"].startswith("Demasiadas consultas")


def test_many_clients_guessing_together_are_stopped_by_the_agencys_allowance(client, agency, other_agency,
                                                                              monkeypatch):
    monkeypatch.setitem(ratelimit.AGENCY_WIDE_LIMITS, "tracking-lookup", 5)
    filed = file(agency)
    guesses = [on_api(client, "K7QM-3XHD-9PAW-TR2F", REMOTE_ADDR=f"203.0.113.{n}").status_code for n in range(5)]
    assert guesses == [404] * 5
    fresh_address = on_api(client, filed.tracking_code, REMOTE_ADDR="203.0.113.99")
    assert fresh_address.status_code == 429 and fresh_address["Retry-After"] == WINDOW
    assert on_page(client, filed.tracking_code, REMOTE_ADDR="203.0.113.98").status_code == 429
    # Another agency's residents are not held back by guessing against this one.
    assert on_api(client, "K7QM-3XHD-9PAW-TR2F", HTTP_HOST="beta.test", REMOTE_ADDR="203.0.113.99").status_code == 404


def test_an_attempt_refused_by_the_agencys_allowance_costs_the_client_nothing(rf, agency, monkeypatch):
    monkeypatch.setitem(ratelimit.AGENCY_WIDE_LIMITS, "tracking-lookup", 1)
    limit = services.TRACKING_LOOKUPS
    first, second = rf.post("/track/", REMOTE_ADDR="192.0.2.1"), rf.post("/track/", REMOTE_ADDR="192.0.2.2")
    first.agency = second.agency = agency
    assert ratelimit.allow(first, limit)
    assert not ratelimit.allow(second, limit)
    monkeypatch.setitem(ratelimit.AGENCY_WIDE_LIMITS, "tracking-lookup", 100)
    assert all(ratelimit.allow(second, limit) for _ in range(limit.limit))  # the whole allowance is still there
    assert not ratelimit.allow(second, limit)


def test_a_code_is_found_by_its_hash_never_by_comparing_it(agency, monkeypatch):
    filed = file(agency)
    hashed = []
    real_hash = tracking.code_hash
    monkeypatch.setattr(tracking, "code_hash", lambda code: hashed.append(code) or real_hash(code))
    typed = filed.tracking_code.lower().replace("-", " ")
    with CaptureQueriesContext(connection) as captured:
        found = services.find_by_tracking_code(agency, typed)
    assert found == filed.report
    assert hashed == [filed.tracking_code]  # the canonical form is hashed once
    (query,) = captured.captured_queries
    digest = hashlib.sha256(filed.tracking_code.encode()).hexdigest()
    assert digest in query["sql"] and "tracking_code_hash" in query["sql"]
    assert filed.tracking_code not in query["sql"] and typed not in query["sql"]
    assert Report.objects.get(pk=filed.report.pk).tracking_code_hash == digest


def test_a_wrong_code_and_another_agencys_code_take_the_same_path_as_a_right_one(agency, other_agency):
    mine, theirs = file(agency), file(other_agency)
    wrong = tracking.new_code(agency.id)
    shapes = {}
    for name, code in [("right", mine.tracking_code), ("wrong", wrong), ("other agency", theirs.tracking_code),
                       ("almost right", mine.tracking_code[:-1] + ("0" if mine.tracking_code[-1] != "0" else "1"))]:
        with CaptureQueriesContext(connection) as captured:
            found = services.find_by_tracking_code(agency, code)
        assert (found is not None) == (name == "right"), name
        (query,) = captured.captured_queries
        shapes[name] = query["sql"].replace(tracking.code_hash(tracking.normalise(code)), "<hash>")
    assert len(set(shapes.values())) == 1, shapes
