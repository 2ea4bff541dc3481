"""Who may open each staff survey page.

Anonymous visitors are sent to sign in; roles without MANAGE_SURVEYS get 403; another agency's surveys,
questions and responses are not found (404), and posting to them changes nothing.
"""

import pytest

from commonbeat.accounts.roles import Role
from commonbeat.surveys import services
from commonbeat.surveys.models import Invitation, SurveyStatus

from ..factories import make_user, signed_in_client

NOT_SURVEY_ROLES = [Role.OFFICER, Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER, Role.TRAINING_COORDINATOR,
                    Role.CRISIS_COORDINATOR, Role.BOARD_MEMBER]


def world(agency, user) -> dict:
    """A draft survey with a question of the agency's own, and an open survey with one response."""
    draft = services.create_survey(user, agency, slug="draft", title={"en": f"{agency.slug} draft"})
    question = services.add_question(user, draft, code="bikes", kind="free_text", text={"en": "Bikes?"})
    answered = services.create_survey(user, agency, slug="answered", title={"en": f"{agency.slug} answered"})
    services.open_survey(user, answered)
    response = services.submit_response(agency, answered, {
        "neighbourhood": f"{agency.slug}-north-end", "safety": 5, "respect": 5, "listen": 5})
    return {"draft": draft, "question": question, "answered": answered, "response": response}


def pages(w) -> list[str]:
    draft, answered = w["draft"].id, w["answered"].id
    return [f"/console/surveys/{draft}/", f"/console/surveys/{draft}/questions/new/",
            f"/console/surveys/{draft}/questions/{w['question'].id}/",
            f"/console/surveys/{draft}/questions/{w['question'].id}/remove/",
            f"/console/surveys/{draft}/preview/", f"/console/surveys/{draft}/preview/?lang=es",
            f"/console/surveys/{draft}/share/", f"/console/surveys/{draft}/qr.png", f"/console/surveys/{draft}/qr.svg",
            f"/console/surveys/{answered}/responses/",
            f"/console/surveys/{answered}/responses/{w['response'].id}/",
            f"/console/surveys/{answered}/responses.csv"]


def posts(w) -> list[str]:
    draft, answered, question = w["draft"].id, w["answered"].id, w["question"].id
    return [f"/console/surveys/{draft}/questions/new/", f"/console/surveys/{draft}/questions/{question}/",
            f"/console/surveys/{draft}/questions/{question}/remove/",
            f"/console/surveys/{draft}/questions/{question}/move/",
            f"/console/surveys/{draft}/procedural-justice/", f"/console/surveys/{draft}/schedule/",
            f"/console/surveys/{draft}/open/", f"/console/surveys/{draft}/invitations/",
            f"/console/surveys/{answered}/close/"]


LIST_PAGES = ["/console/surveys/", "/console/surveys/new/"]

# What a post would do if it were allowed; none of it may happen.
MALICIOUS = {"code": "hijack", "kind": "free_text", "text_en": "Hijacked", "direction": "down", "count": "3",
             "language": "en", "opens_at": "2030-01-01T09:00"}


@pytest.fixture
def alpha(agency, cast):
    return world(agency, cast[Role.ENGAGEMENT_STAFF])


@pytest.fixture
def beta(other_agency, other_admin):
    return world(other_agency, other_admin)


def assert_unchanged(w) -> None:
    w["draft"].refresh_from_db()
    w["answered"].refresh_from_db()
    assert w["draft"].status == SurveyStatus.DRAFT and w["answered"].status == SurveyStatus.OPEN
    assert list(w["draft"].questions.values_list("code", flat=True))[-1] == "bikes"
    assert not w["draft"].questions.filter(code__in=["hijack", "pj_voice"]).exists()
    assert w["draft"].opens_at is None
    assert not Invitation.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, alpha):
    for url in LIST_PAGES + pages(alpha):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/?next="), url
    for url in LIST_PAGES[1:] + posts(alpha):
        response = client.post(url, MALICIOUS)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/?next="), url
    assert_unchanged(alpha)


def test_staff_who_have_not_passed_the_second_factor_are_asked_for_it(client, cast, alpha):
    client.force_login(cast[Role.ENGAGEMENT_STAFF])
    for url in LIST_PAGES + pages(alpha):
        assert client.get(url)["Location"].startswith("/accounts/sign-in/code/"), url


@pytest.mark.parametrize("role", NOT_SURVEY_ROLES)
def test_roles_that_do_not_run_surveys_are_refused_everywhere(cast, alpha, role):
    client = signed_in_client(cast[role])
    for url in LIST_PAGES + pages(alpha):
        assert client.get(url).status_code == 403, url
    for url in LIST_PAGES[1:] + posts(alpha):
        assert client.post(url, MALICIOUS).status_code == 403, url
    assert_unchanged(alpha)


@pytest.mark.parametrize("role", [Role.ENGAGEMENT_STAFF, Role.AGENCY_ADMIN])
def test_engagement_staff_and_admins_open_every_page(cast, alpha, role):
    client = signed_in_client(cast[role])
    for url in LIST_PAGES + pages(alpha):
        assert client.get(url).status_code == 200, url


def test_another_agencys_surveys_are_not_found(admin_client, alpha, beta):
    for url in pages(beta):
        assert admin_client.get(url).status_code == 404, url
    for url in posts(beta):
        assert admin_client.post(url, MALICIOUS).status_code == 404, url
    assert_unchanged(beta)
    mixed = [f"/console/surveys/{alpha['draft'].id}/questions/{beta['question'].id}/",
             f"/console/surveys/{alpha['answered'].id}/responses/{beta['response'].id}/",
             f"/console/surveys/{alpha['answered'].id}/responses/{alpha['response'].id + 999}/"]
    for url in mixed:
        assert admin_client.get(url).status_code == 404, url


def test_a_response_is_only_found_under_its_own_survey(admin_client, alpha):
    url = f"/console/surveys/{alpha['draft'].id}/responses/{alpha['response'].id}/"
    assert admin_client.get(url).status_code == 404


def test_the_list_shows_only_this_agencys_surveys(admin_client, alpha, beta):
    body = admin_client.get("/console/surveys/").content.decode()
    assert "alpha draft" in body and "alpha answered" in body
    assert "beta draft" not in body and f"/console/surveys/{beta['draft'].id}/" not in body


def test_another_agencys_admin_has_no_access_on_this_agencys_host(other_admin, alpha):
    client = signed_in_client(other_admin, host="alpha.test")
    for url in LIST_PAGES + pages(alpha):
        assert client.get(url).status_code == 403, url


def test_the_console_offers_surveys_to_those_who_run_them(cast, agency):
    staff_console = signed_in_client(cast[Role.ENGAGEMENT_STAFF]).get("/console/").content.decode()
    assert "/console/surveys/" in staff_console
    officer_console = signed_in_client(cast[Role.OFFICER]).get("/console/").content.decode()
    assert "/console/surveys/" not in officer_console


def test_a_user_with_no_role_is_refused(agency, alpha):
    client = signed_in_client(make_user(agency, None, "nobody"))
    assert client.get("/console/surveys/").status_code == 403
