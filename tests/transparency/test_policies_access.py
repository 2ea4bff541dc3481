"""Who may open the policy console pages: anonymous visitors are sent to sign in, other roles get 403, and
another agency's policies, versions and comments are 404 (and never in Alpha's lists)."""

import pytest
from django.urls import reverse

from commonbeat.accounts.roles import Role
from commonbeat.transparency.models import Policy, PolicyComment, PolicyVersion
from commonbeat.transparency.services import policies as services

from ..factories import signed_in_client
from .isolation_policies import beta_policies, policies_routes
from .test_policies_library import make_policy, open_draft


@pytest.fixture
def alpha(agency, admin):
    policy, _first = make_policy(agency, admin)
    draft = open_draft(agency, admin, policy)
    comment = services.submit_comment(agency, draft, text="Alpha comment.").comment
    return {"policy": policy, "draft": draft, "comment": comment}


def _manage_pages(alpha):
    return [reverse("transparency:staff_policies"), reverse("transparency:staff_policy_new"),
            reverse("transparency:staff_policy", args=[alpha["policy"].pk]),
            reverse("transparency:staff_draft_new", args=[alpha["policy"].pk]),
            reverse("transparency:staff_version", args=[alpha["draft"].pk])]


def _moderate_pages(alpha):
    return [reverse("transparency:staff_moderation"),
            reverse("transparency:staff_comment", args=[alpha["comment"].pk])]


def test_anonymous_visitors_are_sent_to_sign_in(alpha, client):
    pages = _manage_pages(alpha) + _moderate_pages(alpha) + [
        reverse("transparency:staff_my_acknowledgements"), reverse("transparency:staff_team_acknowledgements"),
        reverse("transparency:staff_acknowledgement_overview")]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and "/sign-in" in response["Location"], page


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ENGAGEMENT_STAFF, Role.OVERSIGHT_REVIEWER])
def test_only_admins_manage_policies(alpha, cast, role):
    client = signed_in_client(cast[role])
    for page in _manage_pages(alpha):
        assert client.get(page).status_code == 403, page
    response = client.post(reverse("transparency:staff_publish", args=[alpha["draft"].pk]),
                           {"publish-effective_on": "2026-01-01"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.OFFICER, Role.INVESTIGATOR, Role.BOARD_MEMBER])
def test_only_moderators_see_and_moderate_comments(alpha, cast, role):
    client = signed_in_client(cast[role])
    for page in _moderate_pages(alpha):
        assert client.get(page).status_code == 403, page
    client.post(reverse("transparency:staff_comment_approve", args=[alpha["comment"].pk]),
                {"approve-published_text": "Approved by the wrong person."})
    assert PolicyComment.objects.get().status == "pending"


@pytest.mark.parametrize("role", [Role.ENGAGEMENT_STAFF, Role.PARTNER])
def test_roles_without_acknowledgement_actions_get_403(cast, role):
    client = signed_in_client(cast[role])
    assert client.get(reverse("transparency:staff_my_acknowledgements")).status_code == 403
    assert client.get(reverse("transparency:staff_acknowledgement_overview")).status_code == 403


def test_another_agencys_objects_are_not_found(agency, alpha, admin, other_agency, other_admin):
    beta_policies(other_agency, other_admin)
    client = signed_in_client(admin)
    for route, address in policies_routes(other_agency).items():
        response = client.get(address)
        assert response.status_code in (404, 405), (route, response.status_code)
    beta_comment = PolicyComment.objects.filter(agency=other_agency, status="pending").get()
    response = client.post(reverse("transparency:staff_comment_approve", args=[beta_comment.pk]),
                           {"approve-published_text": "x"})
    assert response.status_code == 404
    assert "Beta" not in client.get(reverse("transparency:staff_moderation")).content.decode()
    assert "Beta" not in client.get(reverse("transparency:policies")).content.decode()


def test_beta_policies_are_served_on_betas_host(other_agency, other_admin, client):
    beta_policies(other_agency, other_admin)
    number = Policy.objects.get(agency=other_agency).number
    response = client.get(reverse("transparency:policy", args=[number]), HTTP_HOST="beta.test")
    assert response.status_code == 200 and "Beta" in response.content.decode()
    assert PolicyVersion.objects.filter(agency=other_agency).count() >= 2
