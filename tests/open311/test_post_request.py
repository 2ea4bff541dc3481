"""Filing a complaint or commendation through Open311 (POST requests)."""

import re
from datetime import date, time

import pytest
from django.test import Client

from commonbeat.accounts import services as accounts
from commonbeat.accounts.roles import Role
from commonbeat.feedback import services
from commonbeat.feedback.models import Channel, Report

from .helpers import api_key, fields, valid, xml


@pytest.fixture
def key(admin, agency):
    return api_key(admin, agency)


def complaint(key, **overrides) -> dict:
    return {"api_key": key, "service_code": "complaint", "lat": "40.005", "long": "-89.985",
            "description": "The officer shouted at me at the bus stop.", **overrides}


def tracking_code(notice: str) -> str:
    return re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", notice).group(0)


def test_a_311_app_files_a_complaint(client, agency, key):
    response = client.post("/open311/v2/requests.json", complaint(
        key, address_string="Bus stop on 5th", email="resident@example.net", first_name="Robin",
        last_name="Reporter", phone="555-0100", **{
            "attribute[officers_described]": "Tall officer, badge 101",
            "attribute[occurred_on]": "2024-05-01T14:30:00-05:00", "attribute[consent]": "yes"}))
    assert response.status_code == 200
    answer = valid(response, "post-response.json")
    report = Report.objects.get()
    assert answer[0]["service_request_id"] == report.reference and answer[0]["account_id"] is None
    assert report.channel == Channel.OPEN311 and report.kind == "complaint"
    assert report.narrative == "The officer shouted at me at the bus stop."
    assert report.neighbourhood.slug == "alpha-south-end" and report.location_text == "Bus stop on 5th"
    assert (report.complainant_name, report.complainant_email, report.complainant_phone) == (
        "Robin Reporter", "resident@example.net", "555-0100")
    assert report.consent_to_contact is True and report.officers_described == "Tall officer, badge 101"
    assert (report.occurred_on, report.occurred_time) == (date(2024, 5, 1), time(14, 30))  # Chicago time


def test_the_tracking_code_is_given_once_in_the_service_notice(client, agency, key):
    response = client.post("/open311/v2/requests.json", complaint(key))
    assert response["Cache-Control"] == "no-store"
    answer = response.json()[0]
    code = tracking_code(answer["service_notice"])
    assert services.find_by_tracking_code(agency, code).reference == answer["service_request_id"]
    assert "token" not in answer
    listed = client.get(f"/open311/v2/requests/{answer['service_request_id']}.json").content.decode()
    assert code not in listed


def test_a_commendation_is_filed_through_xml(client, agency, key):
    response = client.post("/open311/v2/requests.xml", {
        "api_key": key, "service_code": "commendation", "address_string": "Central library",
        "description": "Officer Pat helped my father home when he was lost.", "attribute[name]": "Sam",
        "attribute[occurred_on]": "2024-04-02"})
    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "service_requests"
    request = fields(root.find("request"))
    report = Report.objects.get()
    assert request["service_request_id"] == report.reference and request["account_id"] is None
    assert tracking_code(request["service_notice"])
    assert report.kind == "commendation" and report.complainant_name == "Sam"
    assert (report.occurred_on, report.occurred_time, report.consent_to_contact) == (date(2024, 4, 2), None, False)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_bad_api_key_is_403(client, agency, key, fmt):
    response = client.post(f"/open311/v2/requests.{fmt}", complaint("cb_not-a-real-key"))
    assert response.status_code == 403
    if fmt == "json":
        assert valid(response, "errors.json")[0]["code"] == 403
    else:
        assert xml(response).findtext("error/code") == "403"
    assert not Report.objects.exists()


def test_a_missing_api_key_is_403(client, agency):
    data = complaint("")
    del data["api_key"]
    assert client.post("/open311/v2/requests.json", data).status_code == 403


def test_another_agencys_key_is_403(client, agency, other_admin, other_agency):
    response = client.post("/open311/v2/requests.json", complaint(api_key(other_admin, other_agency)))
    assert response.status_code == 403 and not Report.objects.exists()


def test_a_revoked_key_is_403(client, agency, admin):
    token, secret = accounts.issue_api_token(admin, agency, name="old app")
    accounts.revoke_api_token(admin, agency, token)
    assert client.post("/open311/v2/requests.json", complaint(secret)).status_code == 403


@pytest.mark.parametrize(("change", "problem"), [
    ({"service_code": None}, "service_code is required."),
    ({"service_code": "potholes"}, "service_code potholes is not offered here."),
    ({"lat": None, "long": None}, "A location is required: lat and long, or address_string."),
    ({"long": None}, "Send both lat and long, or neither."),
    ({"lat": "north"}, "lat must be a number between -90 and 90."),
    ({"long": "-200"}, "long must be a number between -180 and 180."),
    ({"description": None}, "description is required: what happened."),
    ({"description": "Rude."}, "Tell us what happened, in a sentence or more."),
    ({"description": "x" * 4001}, "description must be at most 4000 characters."),
    ({"attribute[occurred_on]": "last tuesday"}, "attribute[occurred_on] must be a date and time in ISO 8601"),
    ({"attribute[occurred_on]": "2999-01-01"}, "attribute[occurred_on] cannot be in the future."),
    ({"attribute[consent]": "maybe"}, "attribute[consent] must be yes or no."),
    ({"email": "not-an-address"}, "email is not a valid e-mail address."),
])
def test_missing_or_invalid_fields_are_400_saying_what_to_fix(client, agency, key, change, problem):
    data = {name: value for name, value in (complaint(key) | change).items() if value is not None}
    response = client.post("/open311/v2/requests.json", data)
    assert response.status_code == 400
    assert valid(response, "errors.json")[0]["description"].startswith(problem)
    assert not Report.objects.exists()


def test_an_error_in_xml_uses_the_errors_element(client, agency, key):
    response = client.post("/open311/v2/requests.xml", complaint(key, service_code=""))
    assert response.status_code == 400
    root = xml(response)
    assert root.tag == "errors"
    assert fields(root.find("error")) == {"code": "400", "description": "service_code is required."}


def test_a_311_app_need_not_send_a_csrf_token(agency, key):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/open311/v2/requests.json", complaint(key)).status_code == 200


def test_a_retry_with_the_same_idempotency_key_files_once(client, agency, key):
    first = client.post("/open311/v2/requests.json", complaint(key), HTTP_IDEMPOTENCY_KEY="app-42").json()[0]
    again = client.post("/open311/v2/requests.json", complaint(key), HTTP_IDEMPOTENCY_KEY="app-42").json()[0]
    assert again == first and Report.objects.count() == 1
    changed = client.post("/open311/v2/requests.json", complaint(key, description="Something else entirely."),
                          HTTP_IDEMPOTENCY_KEY="app-42")
    assert changed.status_code == 409 and valid(changed, "errors.json")[0]["code"] == 409


def test_the_jurisdiction_must_be_this_agency(client, agency, key):
    response = client.post("/open311/v2/requests.json", complaint(key, jurisdiction_id="beta"))
    assert response.status_code == 404 and not Report.objects.exists()
    assert client.post("/open311/v2/requests.json", complaint(key, jurisdiction_id="alpha")).status_code == 200


def test_any_token_of_the_agency_is_an_api_key(client, agency, admin, cast):
    _token, key = accounts.issue_api_token(admin, agency, name="kiosk", user=cast[Role.OFFICER])
    assert client.post("/open311/v2/requests.json", complaint(key)).status_code == 200
