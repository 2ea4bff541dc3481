import pytest

from commonbeat.accounts.roles import Role

from ..factories import signed_in_client


def test_agency_admin_with_second_factor_uses_django_admin(admin_client, agency):
    response = admin_client.get("/admin/core/neighbourhood/")
    assert response.status_code == 200
    assert "Alpha North End" in response.content.decode()


def test_django_admin_shows_only_the_admins_agency(admin_client, other_agency):
    body = admin_client.get("/admin/core/neighbourhood/").content.decode()
    assert "Beta North End" not in body
    beta_neighbourhood = other_agency.neighbourhood_set.first()
    assert admin_client.get(f"/admin/core/neighbourhood/{beta_neighbourhood.pk}/change/").status_code in (302, 404)


def test_django_admin_requires_the_second_factor(client, admin):
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get(response["Location"])["Location"] == "/accounts/sign-in/code/?next=%2Fadmin%2F"


@pytest.mark.parametrize("role", [r for r in Role if r != Role.AGENCY_ADMIN])
def test_other_roles_are_kept_out_of_django_admin(cast, role):
    client = signed_in_client(cast[role])
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_the_audit_log_cannot_be_edited_in_django_admin(admin_client, agency):
    from commonbeat.core import audit

    event = audit.record("test.something", agency=agency)
    assert admin_client.get(f"/admin/core/auditevent/{event.pk}/change/").status_code == 200
    admin_client.post(f"/admin/core/auditevent/{event.pk}/change/", {"action": "rewritten"})
    event.refresh_from_db()
    assert event.action == "test.something"
    assert admin_client.post(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403
