"""Following service requests through Open311 (GET requests and requests/{id}): filters, and what is shown."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from commonbeat.feedback.models import Report
from commonbeat.open311 import views
from tests.feedback import factories

from .helpers import fields, valid, xml


def agency_zone(agency) -> ZoneInfo:
    return ZoneInfo(agency.timezone)


def filed(agency, days_ago: int = 0, **overrides) -> Report:
    report = factories.file(agency, **overrides).report
    if days_ago:
        Report.objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(days=days_ago))
        report.refresh_from_db()
    return report


def ids(response) -> list[str]:
    return [request["service_request_id"] for request in valid(response, "requests.json")]


def test_requests_are_listed_newest_first_in_both_formats(client, agency):
    older, newer = filed(agency, days_ago=2), filed(agency, kind="commendation")
    assert ids(client.get("/open311/v2/requests.json")) == [newer.reference, older.reference]
    root = xml(client.get("/open311/v2/requests.xml"))
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [newer.reference, older.reference]


def test_a_request_shows_kind_neighbourhood_and_block_only(client, agency):
    report = filed(agency, latitude=40.00537, longitude=-89.98462, location_text="12 Elm Street, flat 3")
    request = valid(client.get(f"/open311/v2/requests/{report.reference}.json"), "requests.json")[0]
    received = timezone.localtime(report.received_at, agency_zone(agency)).isoformat("T", "seconds")
    assert request == {
        "service_request_id": report.reference, "status": "open", "status_notes": None,
        "service_name": "Complaint about a police officer", "service_code": "complaint",
        "description": "Complaint in Alpha South End", "agency_responsible": "Alpha Police Department",
        "requested_datetime": received, "updated_datetime": received,
        "expected_datetime": timezone.localtime(report.acknowledgement_due_at, agency_zone(agency))
        .isoformat("T", "seconds"),
        "address": "Alpha South End", "lat": 40.005, "long": -89.985,
    }
    assert "media_url" not in request and "12 Elm" not in str(request) and "shouted" not in str(request)


def test_a_request_in_xml_has_the_same_fields(client, agency):
    report = filed(agency)
    root = xml(client.get(f"/open311/v2/requests/{report.reference}.xml"))
    request = fields(root.find("request"))
    json_request = client.get(f"/open311/v2/requests/{report.reference}.json").json()[0]
    assert request == {name: None if value is None else str(value) for name, value in json_request.items()}


def test_a_report_outside_every_neighbourhood_says_only_its_kind(client, agency):
    report = filed(agency, latitude=None, longitude=None, kind="commendation")
    request = client.get(f"/open311/v2/requests/{report.reference}.json").json()[0]
    assert (request["description"], request["address"], request["lat"], request["long"]) == (
        "Commendation", None, None, None)


def test_a_closed_request_says_so_without_the_outcome_written_for_the_resident(client, agency, cast):
    report = factories.closed(agency, cast)
    request = valid(client.get(f"/open311/v2/requests/{report.reference}.json"), "requests.json")[0]
    assert request["status"] == "closed"
    assert request["status_notes"].startswith("Closed.")
    assert "disciplined" not in str(request)
    assert request["updated_datetime"] == timezone.localtime(report.closed_at, agency_zone(agency)).isoformat(
        "T", "seconds")


def test_by_default_only_the_last_90_days_are_listed(client, agency):
    recent, old = filed(agency, days_ago=89), filed(agency, days_ago=91)
    assert ids(client.get("/open311/v2/requests.json")) == [recent.reference]
    assert ids(client.get(f"/open311/v2/requests.json?service_request_id={old.reference}")) == [old.reference]


def test_requests_are_found_by_a_list_of_ids_ignoring_other_filters(client, agency):
    first, _second, third = filed(agency), filed(agency), filed(agency)
    found = ids(client.get(f"/open311/v2/requests.json?service_request_id={first.reference},{third.reference}"
                           "&status=closed"))
    assert sorted(found) == sorted([first.reference, third.reference])


def test_requests_are_filtered_by_service_code(client, agency):
    complaint, commendation = filed(agency), filed(agency, kind="commendation")
    assert ids(client.get("/open311/v2/requests.json?service_code=commendation")) == [commendation.reference]
    assert ids(client.get("/open311/v2/requests.json?service_code=complaint")) == [complaint.reference]


def test_requests_are_filtered_by_status(client, agency, cast):
    closed, open_report = factories.closed(agency, cast), filed(agency)
    assert ids(client.get("/open311/v2/requests.json?status=closed")) == [closed.reference]
    assert ids(client.get("/open311/v2/requests.json?status=open")) == [open_report.reference]
    assert len(ids(client.get("/open311/v2/requests.json?status=open,closed"))) == 2


def test_requests_are_filtered_by_dates(client, agency):
    week, month, year = filed(agency, days_ago=7), filed(agency, days_ago=30), filed(agency, days_ago=365)
    now = timezone.now()
    start = (now - timedelta(days=400)).date().isoformat()
    end = (now - timedelta(days=20)).isoformat()
    assert ids(client.get("/open311/v2/requests.json", {"start_date": start, "end_date": end})) == [
        month.reference, year.reference]
    assert ids(client.get("/open311/v2/requests.json", {"end_date": end})) == [month.reference]
    since = (now - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client.get("/open311/v2/requests.json", {"start_date": since})) == [week.reference]


def test_an_unencoded_plus_in_a_date_is_understood(client, agency):
    report = filed(agency, days_ago=3)
    since = (timezone.now() - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert ids(client.get(f"/open311/v2/requests.json?start_date={since}")) == [report.reference]


def test_at_most_1000_requests_are_listed(client, agency, monkeypatch):
    monkeypatch.setattr(views, "MAX_REQUESTS", 2)
    reports = [filed(agency) for _ in range(3)]
    assert ids(client.get("/open311/v2/requests.json")) == [reports[2].reference, reports[1].reference]


@pytest.mark.parametrize(("query", "problem"), [
    ("status=pending", "status must be one of: open, closed."),
    ("service_code=potholes", "service_code must be one of: complaint, commendation."),
    ("start_date=yesterday", "start_date must be a date and time in ISO 8601"),
    ("start_date=2024-05-02&end_date=2024-05-01", "end_date must not be before start_date."),
])
def test_invalid_filters_are_400(client, agency, query, problem):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    assert valid(response, "errors.json")[0]["description"].startswith(problem)
    response = client.get(f"/open311/v2/requests.xml?{query}")
    assert response.status_code == 400 and xml(response).findtext("error/code") == "400"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_404(client, agency, fmt):
    response = client.get(f"/open311/v2/requests/C2020-99999.{fmt}")
    assert response.status_code == 404
    problem = "service_request_id C2020-99999 not found."
    if fmt == "json":
        assert valid(response, "errors.json") == [{"code": 404, "description": problem}]
    else:
        assert xml(response).findtext("error/description") == problem


def test_another_agencys_requests_are_not_shown(client, agency, other_agency):
    mine = filed(agency)
    theirs = [filed(other_agency, latitude=40.005, longitude=-79.995) for _ in range(2)]
    assert ids(client.get("/open311/v2/requests.json")) == [mine.reference]
    assert ids(client.get("/open311/v2/requests.json", HTTP_HOST="beta.test")) == [
        theirs[1].reference, theirs[0].reference]
    assert client.get(f"/open311/v2/requests/{theirs[1].reference}.json").status_code == 404
    assert client.get(f"/open311/v2/requests/{theirs[1].reference}.json", HTTP_HOST="beta.test").status_code == 200


def test_requests_reject_other_methods(client, agency):
    assert client.put("/open311/v2/requests.json").status_code == 405


def test_no_open311_answer_on_alphas_host_shows_anything_of_beta(client, agency, other_agency):
    theirs = [filed(other_agency, latitude=40.005, longitude=-79.995, kind="commendation") for _ in range(2)]
    mine = filed(agency)
    paths = ["discovery", "services", "services/complaint", "services/commendation", "requests",
             f"requests/{mine.reference}", f"requests/{theirs[1].reference}", "tokens/anything",
             f"requests?service_request_id={theirs[0].reference},{theirs[1].reference}"]
    for path in paths:
        for fmt in ("json", "xml"):
            resource, _, query = path.partition("?")
            body = client.get(f"/open311/v2/{resource}.{fmt}?{query}", HTTP_HOST="alpha.test").content.decode()
            assert "Beta" not in body and "beta" not in body, (path, fmt)
