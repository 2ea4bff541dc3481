import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from commonbeat.accounts.models import Membership
from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent

from ..factories import signed_in_client

NEW_PERSON = {
    "username": "rgarcia", "first_name": "Rosa", "last_name": "Garcia", "email": "rosa@example.org",
    "password": "a long temporary pass", "roles": ["investigator", "officer"],
}


def test_admin_adds_a_staff_member_with_roles(admin_client, agency):
    response = admin_client.post("/console/users/new/", NEW_PERSON, follow=True)
    assert "Rosa Garcia can now sign in." in response.content.decode()
    user = get_user_model().objects.get(username="rgarcia")
    assert set(Membership.objects.filter(user=user, agency=agency).values_list("role", flat=True)) == {
        "investigator", "officer"}
    assert user.password.startswith("md5$") or user.check_password("a long temporary pass")
    event = AuditEvent.objects.get(action="accounts.user_created")
    assert event.actor.username == "agency_admin" and event.changes["roles"] == ["investigator", "officer"]


def test_a_form_with_mistakes_keeps_what_was_typed(admin_client):
    response = admin_client.post("/console/users/new/", NEW_PERSON | {"password": "short", "roles": []})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="rgarcia"' in body and 'value="rosa@example.org"' in body
    assert "This password is too short" in body
    assert "This field is required." in body
    assert not get_user_model().objects.filter(username="rgarcia").exists()


def test_a_taken_username_is_refused(admin_client):
    response = admin_client.post("/console/users/new/", NEW_PERSON | {"username": "officer"})
    assert "That username is already taken." in response.content.decode()


def test_admin_changes_roles(admin_client, cast, agency):
    officer = cast[Role.OFFICER]
    admin_client.post(f"/console/users/{officer.id}/", {"roles": ["officer", "engagement_staff"]})
    assert set(Membership.objects.filter(user=officer).values_list("role", flat=True)) == {
        "officer", "engagement_staff"}
    event = AuditEvent.objects.get(action="accounts.roles_changed")
    assert event.changes == {"before": ["officer"], "after": ["engagement_staff", "officer"]}


def test_admin_cannot_remove_their_own_admin_role(admin_client, admin):
    response = admin_client.post(f"/console/users/{admin.id}/", {"roles": ["officer"]})
    assert "You cannot remove your own agency admin role." in response.content.decode()
    assert Membership.objects.filter(user=admin, role="agency_admin").exists()


def test_admin_suspends_and_restores_access(admin_client, cast):
    officer = cast[Role.OFFICER]
    officer_client = signed_in_client(officer)
    admin_client.post(f"/console/users/{officer.id}/", {"suspend": "1"})
    officer.refresh_from_db()
    assert not officer.is_active
    assert officer_client.get("/console/").status_code == 302
    admin_client.post(f"/console/users/{officer.id}/", {"restore": "1"})
    officer.refresh_from_db()
    assert officer.is_active


def test_admin_resets_an_authenticator(admin_client, cast):
    officer = cast[Role.OFFICER]
    admin_client.post(f"/console/users/{officer.id}/", {"reset_second_factor": "1"})
    assert not TOTPDevice.objects.filter(user=officer).exists()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.AGENCY_ADMIN])
@pytest.mark.parametrize("path", ["/console/users/", "/console/users/new/",
                                  "/console/api-tokens/"])
def test_only_agency_admins_manage_users_and_tokens(cast, role, path):
    assert signed_in_client(cast[role]).get(path).status_code == 403


def test_the_console_shows_each_role_its_own_tools(cast):
    admin_page = signed_in_client(cast[Role.AGENCY_ADMIN]).get("/console/").content.decode()
    officer_page = signed_in_client(cast[Role.OFFICER]).get("/console/").content.decode()
    assert "Users and roles" in admin_page and "API tokens" in admin_page
    assert "Users and roles" not in officer_page and "Officers and units" not in officer_page
    oversight_page = signed_in_client(cast[Role.OVERSIGHT_REVIEWER]).get("/console/").content.decode()
    assert "Audit log" in oversight_page and "Users and roles" not in oversight_page


def test_a_resident_account_has_no_console(agency, django_user_model):
    resident = django_user_model.objects.create_user("resident", password="x" * 12)
    TOTPDevice.objects.create(user=resident, confirmed=True)
    assert signed_in_client(resident).get("/console/").status_code == 403
