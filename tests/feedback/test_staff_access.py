"""Who may open each staff page of complaints and early intervention.

Anonymous visitors are sent to sign in; roles without the action get 403; another agency's cases,
files, allegations, alerts and policies are not found (404), and posting to them changes nothing.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Officer
from commonbeat.feedback import early_intervention, services
from commonbeat.feedback.models import Alert, Metric, Status

from ..factories import make_user, signed_in_client
from .factories import investigating

CASE_ACTIONS = ["triage", "assign", "start", "mediation", "end-mediation", "entry", "submit", "return", "close",
                "verify", "message", "grant-identity", "reveal"]
ALERT_ACTIONS = ["plan", "complete", "dismiss"]
NO_CASE_ROLES = [Role.OFFICER, Role.BOARD_MEMBER, Role.ENGAGEMENT_STAFF, Role.TRAINING_COORDINATOR,
                 Role.CRISIS_COORDINATOR]


def world(agency, cast: dict) -> dict:
    """A case under investigation with a file attached, an alert on its officer and the policy behind it."""
    report = investigating(agency, cast, files=[SimpleUploadedFile("a.txt", b"evidence", content_type="text/plain")])
    officer = Officer.objects.filter(agency=agency).first()
    policy = services.save_alert_policy(cast[Role.AGENCY_ADMIN], agency, name="Any complaint", metric=Metric.COMPLAINTS,
                                        unit=None, period_days=180, warning_threshold=1, critical_threshold=2)
    early_intervention.evaluate(agency)
    return {"report": report, "attachment": report.attachments.get(), "allegation": report.allegations.get(),
            "alert": Alert.objects.get(agency=agency, officer=officer), "policy": policy}


def case_pages(w) -> list[str]:
    report = w["report"]
    return ["/console/reports/", f"/console/reports/{report.id}/",
            f"/console/reports/{report.id}/attachments/{w['attachment'].id}/"]


def case_posts(w) -> list[str]:
    report = w["report"]
    return ([f"/console/reports/{report.id}/{action}/" for action in CASE_ACTIONS]
            + [f"/console/reports/{report.id}/allegations/{w['allegation'].id}/finding/"])


def alert_pages(w) -> list[str]:
    return ["/console/early-intervention/", f"/console/early-intervention/{w['alert'].id}/",
            "/console/early-intervention/policies/", "/console/early-intervention/policies/new/",
            f"/console/early-intervention/policies/{w['policy'].id}/"]


def alert_posts(w) -> list[str]:
    return ([f"/console/early-intervention/{w['alert'].id}/{action}/" for action in ALERT_ACTIONS]
            + ["/console/early-intervention/policies/new/", f"/console/early-intervention/policies/{w['policy'].id}/"])


@pytest.fixture
def alpha(agency, cast):
    return world(agency, cast)


@pytest.fixture
def beta(other_agency, other_admin):
    beta_cast = {Role.INVESTIGATOR: make_user(other_agency, Role.INVESTIGATOR, "beta_investigator"),
                 Role.AGENCY_ADMIN: other_admin}
    return world(other_agency, beta_cast)


def test_anonymous_visitors_are_sent_to_sign_in(client, alpha):
    for url in case_pages(alpha) + alert_pages(alpha):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/?next="), url
    for url in case_posts(alpha) + alert_posts(alpha):
        response = client.post(url, {})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/?next="), url


def test_staff_who_have_not_passed_the_second_factor_are_asked_for_it(client, cast, alpha):
    client.force_login(cast[Role.INVESTIGATOR])
    for url in case_pages(alpha) + alert_pages(alpha):
        assert client.get(url)["Location"].startswith("/accounts/sign-in/code/"), url


@pytest.mark.parametrize("role", NO_CASE_ROLES)
def test_roles_that_do_not_read_cases_are_refused_everywhere(cast, alpha, role):
    client = signed_in_client(cast[role])
    for url in case_pages(alpha) + alert_pages(alpha):
        assert client.get(url).status_code == 403, url
    for url in case_posts(alpha) + alert_posts(alpha):
        assert client.post(url, {}).status_code == 403, url
    alpha["report"].refresh_from_db()
    assert alpha["report"].status == Status.INVESTIGATING


def test_an_oversight_reviewer_reads_cases_but_not_early_intervention(cast, alpha):
    client = signed_in_client(cast[Role.OVERSIGHT_REVIEWER])
    for url in case_pages(alpha):
        assert client.get(url).status_code == 200, url
    for url in alert_pages(alpha):
        assert client.get(url).status_code == 403, url
    for url in alert_posts(alpha):
        assert client.post(url, {}).status_code == 403, url


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.AGENCY_ADMIN])
def test_investigators_and_admins_open_every_page(cast, alpha, role):
    client = signed_in_client(cast[role])
    for url in case_pages(alpha) + alert_pages(alpha):
        assert client.get(url).status_code == 200, url


def test_another_agencys_objects_are_not_found(admin_client, alpha, beta):
    for url in case_pages(beta)[1:] + alert_pages(beta)[1:2] + alert_pages(beta)[4:]:
        assert admin_client.get(url).status_code == 404, url
    for url in case_posts(beta) + alert_posts(beta)[:3] + alert_posts(beta)[4:]:
        assert admin_client.post(url, {"close-outcome_summary": "x", "dismiss-note": "x"}).status_code == 404, url
    mixed = f"/console/reports/{alpha['report'].id}/attachments/{beta['attachment'].id}/"
    assert admin_client.get(mixed).status_code == 404
    mixed = f"/console/reports/{alpha['report'].id}/allegations/{beta['allegation'].id}/finding/"
    assert admin_client.post(mixed, {}).status_code == 404
    beta["report"].refresh_from_db()
    beta["alert"].refresh_from_db()
    assert beta["report"].status == Status.INVESTIGATING and beta["alert"].status == Alert.AlertStatus.OPEN


def test_lists_show_only_this_agencys_rows(admin_client, alpha, beta):
    for url in ["/console/reports/", "/console/early-intervention/", "/console/early-intervention/policies/"]:
        body = admin_client.get(url).content.decode()
        assert "Betason" not in body, url
        assert f"/console/reports/{beta['report'].id}/" not in body, url
        assert f"/console/early-intervention/{beta['alert'].id}/" not in body, url
        assert f"/console/early-intervention/policies/{beta['policy'].id}/" not in body, url
    assert "Alphason" in admin_client.get("/console/early-intervention/").content.decode()


def test_another_agencys_admin_has_no_access_on_this_agencys_host(other_admin, alpha):
    client = signed_in_client(other_admin, host="alpha.test")
    for url in case_pages(alpha) + alert_pages(alpha):
        assert client.get(url).status_code == 403, url
