"""Complaints and commendations in the JSON API: intake, following a report, and working cases with a token."""

import pytest
from django.core.cache import cache
from django.test import Client

from commonbeat.accounts import services as accounts
from commonbeat.accounts.roles import Role
from commonbeat.feedback import services
from commonbeat.feedback.models import Channel, Report, Status

from . import factories

REPORT = {"kind": "complaint", "narrative": "The officer shouted at me and pushed my brother.",
          "location_text": "5th and Main", "latitude": 40.005, "longitude": -89.985}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def token_for(admin, agency, user) -> dict:
    _token, secret = accounts.issue_api_token(admin, agency, name="case tool", user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def investigator(admin, agency, cast):
    return token_for(admin, agency, cast[Role.INVESTIGATOR])


@pytest.fixture
def supervisor(admin, agency):
    """The agency admin: reviews and closes what the investigator submits."""
    return token_for(admin, agency, admin)


def post(client, path, data, **headers):
    return client.post(path, data, content_type="application/json", **headers)


# ---------------------------------------------------------------- intake

def test_a_resident_files_a_complaint_anonymously(client, agency):
    response = post(client, "/api/v1/reports", REPORT)
    assert response.status_code == 201
    body = response.json()
    report = Report.objects.get()
    assert body["reference"] == report.reference and body["status"] == "received"
    assert body["neighbourhood"] == "alpha-south-end"
    assert services.find_by_tracking_code(agency, body["tracking_code"]) == report
    assert report.channel == Channel.API and report.is_anonymous
    assert body["acknowledgement_due_at"] > body["received_at"]
    assert response["Cache-Control"] == "no-store"


def test_an_app_files_without_a_csrf_token(agency):
    response = post(Client(enforce_csrf_checks=True), "/api/v1/reports", REPORT)
    assert response.status_code == 201


def test_contact_details_are_stored_but_not_echoed(client, agency):
    response = post(client, "/api/v1/reports", REPORT | {
        "name": "Robin", "email": "robin@example.net", "phone": "555-0100", "consent_to_contact": True,
        "occurred_on": "2024-05-01", "occurred_time": "14:30", "officers_described": "badge 101",
        "language": "es"})
    assert response.status_code == 201
    assert "robin" not in response.content.decode().lower() and "555-0100" not in response.content.decode()
    report = Report.objects.get()
    assert (report.complainant_email, report.consent_to_contact, report.language) == ("robin@example.net", True, "es")
    assert str(report.occurred_on) == "2024-05-01" and report.officers_described == "badge 101"


def test_a_retry_with_the_same_idempotency_key_returns_the_first_report(client, agency):
    first = post(client, "/api/v1/reports", REPORT, HTTP_IDEMPOTENCY_KEY="phone-7f3a")
    again = post(client, "/api/v1/reports", REPORT, HTTP_IDEMPOTENCY_KEY="phone-7f3a")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert again.json()["reference"] == first.json()["reference"]
    assert Report.objects.count() == 1


def test_the_same_key_with_a_different_report_is_refused(client, agency):
    post(client, "/api/v1/reports", REPORT, HTTP_IDEMPOTENCY_KEY="phone-7f3a")
    response = post(client, "/api/v1/reports", REPORT | {"narrative": "Something else happened entirely."},
                    HTTP_IDEMPOTENCY_KEY="phone-7f3a")
    assert response.status_code == 409
    assert response.json()["detail"] == "This submission key was already used for a different report."
    assert Report.objects.count() == 1


@pytest.mark.parametrize(("data", "headers", "field"), [
    (REPORT | {"kind": "praise"}, {}, "kind"),
    (REPORT | {"email": "not-an-address"}, {}, "email"),
    (REPORT | {"latitude": 123}, {}, "latitude"),
    ({k: v for k, v in REPORT.items() if k != "longitude"}, {}, "longitude"),
    (REPORT | {"occurred_on": "2999-01-01"}, {}, "occurred_on"),
    (REPORT | {"language": "fr"}, {}, "language"),
    ({k: v for k, v in REPORT.items() if k != "narrative"}, {}, "narrative"),
    (REPORT, {"HTTP_IDEMPOTENCY_KEY": "k" * 101}, "Idempotency-Key"),
])
def test_invalid_fields_are_named(client, agency, data, headers, field):
    response = post(client, "/api/v1/reports", data, **headers)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Some fields need fixing."
    assert field in [error["field"] for error in body["errors"]]
    assert not Report.objects.exists()


def test_a_report_the_service_refuses_is_422_with_the_reason(client, agency):
    response = post(client, "/api/v1/reports", REPORT | {"narrative": "Rude."})
    assert response.status_code == 422
    assert response.json() == {"detail": "Tell us what happened, in a sentence or more.", "errors": []}


def test_intake_needs_no_token_and_files_in_the_hosts_agency(client, agency, other_agency):
    response = post(client, "/api/v1/reports", REPORT | {"longitude": -79.995}, HTTP_HOST="beta.test")
    assert response.status_code == 201
    assert Report.objects.get().agency == other_agency


# ---------------------------------------------------------------- following a report

def test_a_resident_follows_a_report_with_the_tracking_code(client, agency, cast):
    filed = factories.file(agency, name="Robin")
    services.resident_message(filed.report, "Any news?")
    report = services.triage(cast[Role.INVESTIGATOR], filed.report, "inquiry", [])
    services.staff_message(cast[Role.INVESTIGATOR], report, "We are looking into it.")
    response = post(client, "/api/v1/reports/track", {"tracking_code": filed.tracking_code.lower()})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert (body["reference"], body["status"], body["status_label"]) == (report.reference, "triaged", "Triaged")
    assert [step["status"] for step in body["timeline"]] == ["received", "triaged"]
    assert [(m["sender"], m["body"]) for m in body["messages"]] == [
        ("resident", "Any news?"), ("agency", "We are looking into it.")]
    assert body["outcome"] is None and body["findings"] == []
    text = response.content.decode()
    assert "investigator" not in text and "Robin" not in text


def test_a_closed_report_shows_its_outcome_and_findings(client, agency, cast):
    filed = factories.file(agency)
    investigator = cast[Role.INVESTIGATOR]
    report = services.triage(investigator, filed.report, "formal_complaint",
                             [services.AllegationInput(factories.category(agency), None, "pushed")])
    report = services.start_investigation(investigator, services.assign(cast[Role.AGENCY_ADMIN], report, investigator))
    services.record_finding(investigator, report.allegations.get(), factories.finding(agency), "Video shows it.")
    report = services.submit_for_review(investigator, report)
    services.close(cast[Role.AGENCY_ADMIN], report, "The officer was disciplined and retrained.")
    body = post(client, "/api/v1/reports/track", {"tracking_code": filed.tracking_code}).json()
    assert body["status"] == "closed" and body["outcome"] == "The officer was disciplined and retrained."
    assert body["findings"] == [{"allegation": "Use of force", "finding": "Sustained",
                                 "explanation": "The evidence shows the officer did it and it broke policy."}]
    assert "Video shows it." not in str(body)


def test_an_unknown_code_and_another_agencys_code_get_the_same_neutral_404(client, agency, other_agency):
    theirs = factories.file(other_agency)
    unknown = post(client, "/api/v1/reports/track", {"tracking_code": "0000-0000-0000-0000"})
    foreign = post(client, "/api/v1/reports/track", {"tracking_code": theirs.tracking_code})
    nonsense = post(client, "/api/v1/reports/track", {"tracking_code": "hello"})
    assert unknown.status_code == foreign.status_code == nonsense.status_code == 404
    assert unknown.json() == foreign.json() == nonsense.json() == {
        "detail": "No report matches that tracking code. Check it and try again."}


def test_lookups_are_limited_per_client(client, agency):
    filed = factories.file(agency)
    for _ in range(10):
        assert post(client, "/api/v1/reports/track", {"tracking_code": "0000-0000-0000-0000"}).status_code == 404
    response = post(client, "/api/v1/reports/track", {"tracking_code": filed.tracking_code})
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many lookups. Try again in 15 minutes."}
    assert response["Retry-After"] == "900"
    other_client = post(client, "/api/v1/reports/track", {"tracking_code": filed.tracking_code},
                        REMOTE_ADDR="198.51.100.7")
    assert other_client.status_code == 200


def test_the_rate_limit_does_not_store_the_clients_address(client, agency):
    post(client, "/api/v1/reports/track", {"tracking_code": "0000-0000-0000-0000"}, REMOTE_ADDR="203.0.113.9")
    stored = " ".join(str(key) for key in cache._cache)
    assert stored and "203.0.113.9" not in stored


# ---------------------------------------------------------------- staff: reading cases

def test_reading_cases_needs_a_role_that_reads_cases(client, admin, agency, cast, other_admin, other_agency):
    report = factories.file(agency).report
    for role, expected in [(Role.OFFICER, 403), (Role.ENGAGEMENT_STAFF, 403), (Role.INVESTIGATOR, 200),
                           (Role.OVERSIGHT_REVIEWER, 200), (Role.AGENCY_ADMIN, 200)]:
        headers = token_for(admin, agency, cast[role])
        assert client.get("/api/v1/reports", **headers).status_code == expected, role
        assert client.get(f"/api/v1/reports/{report.reference}", **headers).status_code == expected, role
    assert client.get("/api/v1/reports").status_code == 401
    foreign = token_for(other_admin, other_agency, other_admin)
    assert client.get("/api/v1/reports", **foreign).status_code == 401
    assert client.get(f"/api/v1/reports/{report.reference}", **foreign).status_code == 401


def test_cases_are_listed_newest_first_and_paginated(client, agency, investigator):
    references = [factories.file(agency).report.reference for _ in range(3)]
    body = client.get("/api/v1/reports?limit=2", **investigator).json()
    assert body["count"] == 3
    assert [case["reference"] for case in body["items"]] == references[::-1][:2]
    rest = client.get("/api/v1/reports?limit=2&offset=2", **investigator).json()
    assert [case["reference"] for case in rest["items"]] == [references[0]]


def test_cases_are_filtered(client, agency, cast, investigator):
    complaint = factories.file(agency).report
    commendation = factories.file(agency, kind="commendation", latitude=40.005, longitude=-89.985).report
    triaged = factories.triaged(agency, cast)

    def listed(query):
        return [case["reference"] for case in client.get(f"/api/v1/reports?{query}", **investigator).json()["items"]]

    assert listed("kind=commendation") == [commendation.reference]
    assert listed("status=triaged") == [triaged.reference]
    assert listed("neighbourhood=alpha-south-end") == [commendation.reference]
    assert set(listed("neighbourhood=alpha-north-end")) == {complaint.reference, triaged.reference}
    after = triaged.status_changes.last().changed_at.isoformat()
    assert listed(f"updated_since={after.replace('+', '%2B')}") == [triaged.reference]
    assert client.get("/api/v1/reports?status=lost", **investigator).status_code == 422


def test_a_case_shows_the_report_and_its_file_without_identity(client, agency, cast, investigator):
    report = factories.triaged(agency, cast, name="Robin", email="robin@example.net")
    case = client.get(f"/api/v1/reports/{report.reference}", **investigator).json()
    assert case["narrative"] == "The officer shouted at me and pushed my brother."
    assert case["anonymous"] is False and case["classification"] == "formal_complaint"
    assert [(a["category"], a["officer"]) for a in case["allegations"]] == [("force", "101")]
    assert [s["changed_by"] for s in case["timeline"]] == [None, "investigator"]
    assert case["allowed_moves"] == ["assigned", "closed"]
    assert not {"name", "email", "phone", "complainant_name", "consent_to_contact"} & set(case)


def test_an_unknown_case_is_404(client, agency, investigator):
    response = client.get("/api/v1/reports/C1999-00001", **investigator)
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


# ---------------------------------------------------------------- staff: working cases

def test_an_investigator_works_a_case_through_the_api(client, agency, cast, investigator, supervisor):
    reference = factories.file(agency).report.reference
    path = f"/api/v1/reports/{reference}"

    case = post(client, f"{path}/triage", {"classification": "formal_complaint", "allegations": [
        {"category": "force", "officer": "101", "description": "pushed"}]}, **investigator).json()
    assert case["status"] == "triaged" and case["allegations"][0]["officer"] == "101"

    case = post(client, f"{path}/assign", {"investigator": "investigator"}, **supervisor).json()
    assert case["status"] == "assigned" and case["assigned_to"] == "investigator"

    assert post(client, f"{path}/start", {}, **investigator).json()["status"] == "investigating"

    allegation = case["allegations"][0]["id"]
    case = post(client, f"{path}/findings", {"findings": [
        {"allegation": allegation, "finding": "sustained", "reason": "Video shows it."}],
        "submit_for_review": True}, **investigator).json()
    assert case["status"] == "review" and case["allegations"][0]["finding"] == "sustained"

    case = post(client, f"{path}/messages", {"body": "Your case is under review."}, **investigator).json()
    assert case["messages"][-1] == {"sender": "agency", "body": "Your case is under review.",
                                    "sent_at": case["messages"][-1]["sent_at"], "sent_by": "investigator"}

    case = post(client, f"{path}/close", {"outcome_summary": "The officer was retrained."}, **supervisor).json()
    assert case["status"] == "closed" and case["outcome_summary"] == "The officer was retrained."
    assert Report.objects.get(reference=reference).status == Status.CLOSED


def test_a_refused_move_is_409_with_the_reason(client, agency, investigator):
    reference = factories.file(agency).report.reference
    response = post(client, f"/api/v1/reports/{reference}/close", {"outcome_summary": "Done."}, **investigator)
    assert response.status_code == 409
    assert response.json() == {"detail": "A case that is “Received” cannot go to “Closed”."}
    response = post(client, f"/api/v1/reports/{reference}/triage", {"classification": "formal_complaint"},
                    **investigator)
    assert response.status_code == 409
    assert response.json() == {"detail": "A formal complaint needs at least one allegation."}


def test_the_investigator_cannot_approve_their_own_findings(client, agency, cast, investigator):
    report = factories.in_review(agency, cast)
    response = post(client, f"/api/v1/reports/{report.reference}/close", {"outcome_summary": "Done."},
                    **investigator)
    assert response.status_code == 403
    assert response.json() == {"detail": "Findings are reviewed by someone other than the case's investigator."}
    assert Report.objects.get(pk=report.pk).status == Status.REVIEW


def test_a_reviewer_may_read_but_not_change_a_case(client, admin, agency, cast):
    reviewer = token_for(admin, agency, cast[Role.OVERSIGHT_REVIEWER])
    reference = factories.file(agency).report.reference
    response = post(client, f"/api/v1/reports/{reference}/triage", {"classification": "inquiry"}, **reviewer)
    assert response.status_code == 403 and response.json() == {"detail": "Your role does not allow this."}
    officer = token_for(admin, agency, cast[Role.OFFICER])
    response = post(client, f"/api/v1/reports/{reference}/messages", {"body": "Hello"}, **officer)
    assert response.status_code == 403
    assert Report.objects.get(reference=reference).status == Status.RECEIVED


def test_unknown_categories_officers_and_investigators_are_named(client, agency, cast, investigator, supervisor):
    reference = factories.file(agency).report.reference
    response = post(client, f"/api/v1/reports/{reference}/triage", {"classification": "formal_complaint",
                    "allegations": [{"category": "force", "officer": "999"}]}, **investigator)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "allegations.0.officer"
    response = post(client, f"/api/v1/reports/{reference}/triage", {"classification": "formal_complaint",
                    "allegations": [{"category": "jaywalking"}]}, **investigator)
    assert response.json()["errors"][0]["field"] == "allegations.0.category"
    triaged = factories.triaged(agency, cast)
    response = post(client, f"/api/v1/reports/{triaged.reference}/assign", {"investigator": "beta_admin"},
                    **supervisor)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "investigator"


def test_findings_are_recorded_all_or_none(client, agency, cast, investigator):
    report = factories.investigating(agency, cast)
    allegation = report.allegations.get().id
    response = post(client, f"/api/v1/reports/{report.reference}/findings", {"findings": [
        {"allegation": allegation, "finding": "sustained", "reason": "Video."},
        {"allegation": allegation, "finding": "made-up", "reason": "No."}]}, **investigator)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "findings.1.finding"
    assert report.allegations.get().finding is None


def test_another_agencys_case_is_not_found(client, agency, cast, other_agency, investigator):
    factories.file(agency)
    theirs = [factories.file(other_agency).report for _ in range(2)][-1]
    assert client.get(f"/api/v1/reports/{theirs.reference}", **investigator).status_code == 404
    response = post(client, f"/api/v1/reports/{theirs.reference}/messages", {"body": "Hi"}, **investigator)
    assert response.status_code == 404


def test_a_reassignment_is_not_news_to_the_resident(client, agency, cast):
    filed = factories.file(agency)
    investigator, admin = cast[Role.INVESTIGATOR], cast[Role.AGENCY_ADMIN]
    report = services.triage(investigator, filed.report, "formal_complaint",
                             [services.AllegationInput(factories.category(agency), None, "pushed")])
    report = services.assign(admin, services.assign(admin, report, investigator), investigator)
    body = post(client, "/api/v1/reports/track", {"tracking_code": filed.tracking_code}).json()
    assert [step["status"] for step in body["timeline"]] == ["received", "triaged", "assigned"]
