import pytest
from django.test import Client

from commonbeat.accounts import services
from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent


def issue(admin, agency, user=None) -> str:
    _token, secret = services.issue_api_token(admin, agency, name="integration", user=user)
    return secret


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_openapi_document_describes_the_api(client, agency):
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "CommonBeat API"
    assert "/api/v1/me" in document["paths"] and "/api/v1/neighbourhoods" in document["paths"]
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_an_integrator_calls_an_authenticated_endpoint_with_a_token(client, admin, agency):
    secret = issue(admin, agency)
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 200
    assert response.json() == {"username": "agency_admin", "agency": "alpha", "roles": ["agency_admin"]}


def test_without_a_token_the_answer_is_401_as_json(client, agency):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "A valid API token for this agency is required."}


def test_a_revoked_token_stops_working(client, admin, agency):
    token, secret = services.issue_api_token(admin, agency, name="old")
    services.revoke_api_token(admin, agency, token)
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_only_the_hash_of_a_token_is_stored(admin, agency):
    token, secret = services.issue_api_token(admin, agency, name="x")
    assert secret not in (token.token_hash, token.prefix) and token.prefix == secret[:10]
    assert AuditEvent.objects.filter(action="accounts.api_token_issued").exists()


def test_roles_still_apply_through_the_api(client, admin, cast, agency):
    officer_secret = issue(admin, agency, user=cast[Role.OFFICER])
    response = client.get("/api/v1/officers", **bearer(officer_secret))
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}
    investigator_secret = issue(admin, agency, user=cast[Role.INVESTIGATOR])
    officers = client.get("/api/v1/officers", **bearer(investigator_secret)).json()
    assert [o["last_name"] for o in officers] == ["Alphason"]


def test_errors_name_the_field_to_fix(client, agency):
    response = client.get("/api/v1/neighbourhoods/locate?longitude=east&latitude=40.005")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Some fields need fixing."
    assert body["errors"][0]["field"] == "longitude"


def test_a_point_is_placed_in_its_neighbourhood(client, agency):
    response = client.get("/api/v1/neighbourhoods/locate?longitude=-89.985&latitude=40.005")
    assert response.json()["slug"] == "alpha-south-end"
    outside = client.get("/api/v1/neighbourhoods/locate?longitude=10&latitude=10")
    assert outside.status_code == 404 and "outside" in outside.json()["detail"]


def test_health_check_answers_without_an_agency(db):
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/api/v1/neighbourhoods", "/api/v1/openapi.json"])
def test_public_endpoints_need_no_token(client, agency, path):
    assert client.get(path).status_code == 200
