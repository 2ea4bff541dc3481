"""The complainant's name, e-mail and phone never leave through the JSON API or Open311, whatever the role."""

import pytest
from django.core.cache import cache

from commonbeat.accounts import services as accounts
from commonbeat.accounts.roles import Role
from commonbeat.feedback.models import Report
from tests.feedback import factories

from .helpers import api_key

NAME, FIRST, LAST = "Zebedee Quillfeather", "Zebedee", "Quillfeather"
EMAIL = "zq.unique-7731@example.org"
PHONE = "555-013-9988"
IDENTITY = [NAME, FIRST, LAST, EMAIL, "zq.unique-7731", PHONE, "0139988", "013-9988"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def bearer(admin, agency, user) -> dict:
    _token, secret = accounts.issue_api_token(admin, agency, name="check", user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_complainant_identity_never_appears_in_api_or_open311_answers(client, agency, admin, cast):
    answers = []

    def keep(response):
        assert response.status_code in (200, 201), response.content
        answers.append(response.content.decode())
        return response

    narrative = "The officer shouted at me and pushed my brother."
    filed = keep(client.post("/api/v1/reports", {
        "kind": "complaint", "narrative": narrative, "latitude": 40.005, "longitude": -89.985,
        "name": NAME, "email": EMAIL, "phone": PHONE, "consent_to_contact": True},
        content_type="application/json")).json()
    key = api_key(admin, agency)
    for fmt in ("json", "xml"):
        keep(client.post(f"/open311/v2/requests.{fmt}", {
            "api_key": key, "service_code": "complaint", "address_string": "Elm Street", "description": narrative,
            "first_name": FIRST, "last_name": LAST, "email": EMAIL, "phone": PHONE, "attribute[consent]": "yes"}))
        keep(client.post(f"/open311/v2/requests.{fmt}", {
            "api_key": key, "service_code": "commendation", "lat": "40.005", "long": "-89.995",
            "description": "Officer Pat was kind and patient with us.", "attribute[name]": NAME,
            "attribute[phone]": PHONE}))
    closed = factories.closed(agency, cast, name=NAME, email=EMAIL, phone=PHONE)
    stored = [(r.complainant_name, r.complainant_phone) for r in Report.objects.all()]
    assert len(stored) == 6 and closed.complainant_name == NAME
    assert all(name in (NAME, f"{FIRST} {LAST}") and phone == PHONE for name, phone in stored)

    keep(client.post("/api/v1/reports/track", {"tracking_code": filed["tracking_code"]},
                     content_type="application/json"))
    for role in (Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER, Role.AGENCY_ADMIN):
        headers = bearer(admin, agency, cast[role])
        keep(client.get("/api/v1/reports?limit=100", **headers))
        for report in Report.objects.all():
            keep(client.get(f"/api/v1/reports/{report.reference}", **headers))
    keep(client.post(f"/api/v1/reports/{filed['reference']}/messages", {"body": "Thank you for writing."},
                     content_type="application/json", **bearer(admin, agency, cast[Role.INVESTIGATOR])))
    for fmt in ("json", "xml"):
        keep(client.get(f"/open311/v2/requests.{fmt}"))
        for report in Report.objects.all():
            keep(client.get(f"/open311/v2/requests/{report.reference}.{fmt}"))

    assert len(answers) > 30
    for answer in answers:
        for value in IDENTITY:
            assert value.lower() not in answer.lower()
