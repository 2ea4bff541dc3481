"""Who may open each crisis console page: anonymous visitors are sent to sign in, other roles are refused, and
another agency's team members and responses are not found."""

import pytest

from commonbeat.accounts.roles import Role
from commonbeat.crisis.models import ResponderKind
from tests.factories import signed_in_client

from .conftest import clinician_member, make_responses

TEAM_PAGES = ["/console/crisis/team/", "/console/crisis/team/new/", "/console/crisis/availability/"]
RESPONSE_PAGES = ["/console/crisis/responses/", "/console/crisis/responses/new/"]
FIGURE_PAGES = ["/console/crisis/figures/", "/console/crisis/figures.csv"]


@pytest.mark.parametrize("url", TEAM_PAGES + RESPONSE_PAGES + FIGURE_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, agency, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "next=" in response["Location"]


@pytest.mark.parametrize(("urls", "allowed", "refused"), [
    (TEAM_PAGES, [Role.CRISIS_COORDINATOR, Role.AGENCY_ADMIN], [Role.OFFICER, Role.OVERSIGHT_REVIEWER, Role.PARTNER]),
    (RESPONSE_PAGES, [Role.OFFICER, Role.CRISIS_COORDINATOR, Role.AGENCY_ADMIN],
     [Role.OVERSIGHT_REVIEWER, Role.PARTNER, Role.BOARD_MEMBER]),
    (FIGURE_PAGES, [Role.CRISIS_COORDINATOR, Role.OVERSIGHT_REVIEWER, Role.AGENCY_ADMIN],
     [Role.OFFICER, Role.PARTNER, Role.ENGAGEMENT_STAFF]),
])
def test_each_page_opens_for_its_roles_only(cast, urls, allowed, refused):
    for role in allowed:
        client = signed_in_client(cast[role])
        for url in urls:
            assert client.get(url).status_code == 200, (role, url)
    for role in refused:
        client = signed_in_client(cast[role])
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)


def test_another_agencys_member_and_response_are_not_found(admin_client, other_agency):
    member = clinician_member(other_agency, name="Beta Clinician")
    response = make_responses(other_agency, 1, kind=ResponderKind.CLINICIAN_ONLY, notes="beta note")[0]
    assert admin_client.get(f"/console/crisis/team/{member.pk}/").status_code == 404
    assert admin_client.post(f"/console/crisis/team/{member.pk}/availability/", {"slots": ["0:day"]}).status_code == 404
    assert admin_client.get(f"/console/crisis/responses/{response.pk}/").status_code == 404
    listing = admin_client.get("/console/crisis/responses/").content.decode()
    assert "beta note" not in listing
    assert "Beta Clinician" not in admin_client.get("/console/crisis/team/").content.decode()


def test_notes_are_shown_to_those_who_record_responses_but_not_in_the_figures(cast, agency):
    response = make_responses(agency, 1, kind=ResponderKind.OFFICER_ONLY, notes="Calm after twenty minutes")[0]
    page = signed_in_client(cast[Role.CRISIS_COORDINATOR]).get(f"/console/crisis/responses/{response.pk}/")
    assert "Calm after twenty minutes" in page.content.decode()
    assert page["Cache-Control"].startswith("private") or "no-store" in page["Cache-Control"]
    figures = signed_in_client(cast[Role.OVERSIGHT_REVIEWER]).get("/console/crisis/figures.csv")
    assert "Calm after" not in figures.content.decode()
    assert signed_in_client(cast[Role.OVERSIGHT_REVIEWER]).get(
        f"/console/crisis/responses/{response.pk}/").status_code == 403
