"""Residents follow their report with the tracking code: status, timeline, findings and messages."""

import re
import uuid

import pytest
from django.core.cache import cache

from commonbeat.accounts.roles import Role
from commonbeat.core import ratelimit
from commonbeat.core.models import Officer
from commonbeat.feedback import services
from commonbeat.feedback.models import Classification, Message

from . import factories

NOT_FOUND = "We could not find a report with that code. Check it and try again."


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def page(response) -> str:
    return response.content.decode()


def look_up(client, code: str, path: str = "/track/", **extra):
    return client.post(path, {"code": code}, **extra)


def send(client, code: str, body: str, token: str | None = None, **extra):
    return client.post("/track/message/", {"code": code, "body": body,
                                           "message_token": token or uuid.uuid4().hex}, **extra)


def without_csrf_token(body: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_tracking_page_asks_for_the_code(client, agency):
    body = page(client.get("/track/"))
    assert "<h1>Follow your report</h1>" in body
    assert 'name="code"' in body and 'autocomplete="off"' in body
    assert "with or without dashes" in body


def test_resident_follows_report_with_tracking_code(client, agency):
    filed = factories.file(agency)

    response = look_up(client, filed.tracking_code)

    body = page(response)
    assert response["Cache-Control"] == "no-store"
    assert f"<h1>Complaint {filed.report.reference}</h1>" in body
    assert "Status: Received" in body
    assert "We aim to acknowledge every report within 7 days" in body
    assert '<h3 class="usa-process-list__heading">Received</h3>' in body
    assert filed.tracking_code not in response.get("Location", "")
    assert set(response.cookies) <= {"csrftoken"}  # only CSRF; nothing tied to the report


def test_the_code_is_read_forgivingly(client, agency):
    filed = factories.file(agency)
    sloppy = " " + filed.tracking_code.replace("-", " ").lower().replace("0", "o").replace("1", "l") + " "

    assert filed.report.reference in page(look_up(client, sloppy))


def in_mediation(agency, cast, report):
    """Move the resident's own report (whose code the test holds) into mediation, as staff would."""
    investigator, admin = cast[Role.INVESTIGATOR], cast[Role.AGENCY_ADMIN]
    officer = Officer.objects.get(agency=agency, badge_number="101")
    report = services.triage(investigator, report, Classification.FORMAL_COMPLAINT,
                             [services.AllegationInput(factories.category(agency), officer, "Pat Alphason pushed")])
    report = services.assign(admin, report, investigator)
    report = services.start_investigation(investigator, report)
    return services.refer_to_mediation(investigator, report, "Internal: the union asked for mediation")


def closed_with_findings(agency, cast, report):
    investigator, admin = cast[Role.INVESTIGATOR], cast[Role.AGENCY_ADMIN]
    report = services.end_mediation(investigator, in_mediation(agency, cast, report), "Mediation failed")
    for allegation in report.allegations.all():
        services.record_finding(investigator, allegation, factories.finding(agency), "Video shows it clearly.")
    report = services.submit_for_review(investigator, report)
    return services.close(admin, report, "The officer was disciplined and retrained.")


def test_timeline_and_messages_show_no_staff_names_or_internal_reasons(client, agency, cast):
    investigator = cast[Role.INVESTIGATOR]
    filed = factories.file(agency)
    in_mediation(agency, cast, filed.report)
    services.staff_message(investigator, filed.report, "Could you tell us which bus stop it was?")
    services.resident_message(filed.report, "It was the stop outside the library.")

    body = page(look_up(client, filed.tracking_code))

    assert "Status: In mediation" in body
    assert re.findall(r'usa-process-list__heading">([^<]+)<', body) == [
        "Received", "Triaged", "Assigned to an investigator", "Under investigation", "In mediation"]
    assert "Could you tell us which bus stop it was?" in body and "It was the stop outside the library." in body
    messages = body[body.index('id="messages"'):body.index("</ol>", body.index('id="messages"'))]
    assert messages.count("Alpha Police Department") == 1 and messages.count(">You\n") == 1
    assert investigator.last_name not in body  # "Tester": no staff name anywhere
    assert "union" not in body and "Alphason" not in body


def test_closed_case_shows_outcome_and_findings_in_the_residents_language(client, agency, cast):
    filed = factories.file(agency)
    closed_with_findings(agency, cast, filed.report)

    english = page(look_up(client, filed.tracking_code))
    spanish = page(look_up(client, filed.tracking_code, path="/es/track/"))

    assert "Status: Closed" in english
    assert "The officer was disciplined and retrained." in english
    assert '<th scope="row">Use of force</th><td>Sustained</td>' in english
    assert "The evidence shows the officer did it and it broke policy." in english
    assert '<th scope="row">Uso de la fuerza</th><td>Fundada</td>' in spanish
    assert "Las pruebas muestran que el agente lo hizo y que violó las normas." in spanish
    assert '<html lang="es"' in spanish
    for body in (english, spanish):
        assert "Alphason" not in body and "Video shows it clearly." not in body and "Mediation failed" not in body
        assert 'name="body"' not in body  # a closed case takes no more messages


def test_resident_sends_a_message_and_a_retried_post_is_stored_once(client, agency):
    filed = factories.file(agency)
    status_page = page(look_up(client, filed.tracking_code))
    token = re.search(r'name="message_token" value="([^"]+)"', status_page).group(1)
    assert f'name="code" value="{filed.tracking_code}"' in status_page

    first = send(client, filed.tracking_code, "I found a witness.", token)
    again = send(client, filed.tracking_code, "I found a witness.", token)

    assert Message.objects.filter(report=filed.report, from_resident=True).count() == 1
    assert Message.objects.get(report=filed.report).body == "I found a witness."
    for response in (first, again):
        assert response["Cache-Control"] == "no-store"
        assert "Your message was sent." in page(response) and "I found a witness." in page(response)
    assert re.search(r'name="message_token" value="([^"]+)"', page(first)).group(1) != token


def test_an_empty_message_is_refused_on_the_status_page(client, agency):
    filed = factories.file(agency)
    body = page(send(client, filed.tracking_code, "   "))
    assert "Write a message before sending." in body
    assert '<a href="#id_body">' in body
    assert not Message.objects.exists()


def test_a_message_with_a_wrong_code_reveals_nothing_and_stores_nothing(client, agency):
    factories.file(agency)
    body = page(send(client, "K7QM-3XHD-9PAW-TR2F", "Hello"))
    assert NOT_FOUND in body and "Your message was sent." not in body
    assert not Message.objects.exists()


def test_a_wrong_code_reveals_nothing(client, agency):
    factories.file(agency)
    malformed = look_up(client, "hello")
    unknown = look_up(client, "K7QM-3XHD-9PAW-TR2F")
    too_long = look_up(client, "X" * 100)

    assert NOT_FOUND in page(malformed)
    assert '<a href="#id_code">Tracking code: ' + NOT_FOUND + "</a>" in page(unknown)
    assert 'value="K7QM-3XHD-9PAW-TR2F"' in page(unknown)  # what was typed is kept
    assert without_csrf_token(page(malformed)).replace('value="hello"', "") == \
        without_csrf_token(page(unknown)).replace('value="K7QM-3XHD-9PAW-TR2F"', "")
    assert NOT_FOUND in page(too_long)
    assert malformed.status_code == unknown.status_code == 200


def test_a_code_from_another_agency_is_not_found_on_this_agencys_site(client, agency, other_agency):
    theirs = factories.file(other_agency)

    assert NOT_FOUND in page(look_up(client, theirs.tracking_code, HTTP_HOST="alpha.test"))
    assert theirs.report.reference in page(look_up(client, theirs.tracking_code, HTTP_HOST="beta.test"))
    assert NOT_FOUND in page(send(client, theirs.tracking_code, "Hello", HTTP_HOST="alpha.test"))
    assert not Message.objects.exists()


def test_the_eleventh_lookup_in_fifteen_minutes_is_refused(client, agency):
    filed = factories.file(agency)
    assert filed.report.reference in page(look_up(client, filed.tracking_code))  # successful lookups count
    for _ in range(9):
        assert look_up(client, "K7QM-3XHD-9PAW-TR2F").status_code == 200

    refused = look_up(client, filed.tracking_code)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "900"
    assert "<h1>Too many attempts</h1>" in page(refused) and "wait 15 minutes" in page(refused)
    assert filed.report.reference not in page(refused)
    assert 'lang="es"' in page(refused)  # the explanation is also given in the other language
    assert send(client, filed.tracking_code, "Hello").status_code == 429  # messages are lookups too
    assert not Message.objects.exists()
    assert look_up(client, filed.tracking_code, REMOTE_ADDR="198.51.100.9").status_code == 200  # someone else


def test_the_limit_lifts_when_the_window_has_passed(client, agency, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    for _ in range(10):
        look_up(client, "hello")
    assert look_up(client, "hello").status_code == 429
    now[0] += 14 * 60
    assert look_up(client, "hello").status_code == 429
    now[0] += 2 * 60 + 1
    assert look_up(client, "hello").status_code == 200


def test_lookups_are_counted_without_keeping_the_address(client, agency):
    look_up(client, "hello", REMOTE_ADDR="203.0.113.7")
    keys = list(cache._cache)  # the local-memory cache's own store
    assert keys and not any("203.0.113.7" in key for key in keys)
    assert all(re.search(r"ratelimit:tracking-lookup:[0-9a-f]{64}:\d+$", key) for key in keys)


@pytest.mark.parametrize("path", ["/es/track/"])
def test_tracking_page_is_served_in_spanish(client, agency, path):
    body = page(client.get(path))
    assert '<html lang="es"' in body
    assert 'href="/track/" lang="en" hreflang="en">English</a>' in body


def test_status_page_in_spanish_sends_messages_through_the_spanish_address(client, agency):
    filed = factories.file(agency)
    body = page(look_up(client, filed.tracking_code, path="/es/track/"))
    assert '<html lang="es"' in body and 'action="/es/track/message/"' in body


def test_a_lookup_by_address_bar_is_not_possible(client, agency):
    filed = factories.file(agency)
    body = page(client.get("/track/", {"code": filed.tracking_code}))
    assert filed.report.reference not in body
