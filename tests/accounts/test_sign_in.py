import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent

from ..factories import make_user, signed_in_client

PASSWORD = "correct horse battery staple"


def code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key):06d}"


@pytest.fixture
def investigator(cast):
    return cast[Role.INVESTIGATOR]


def test_password_alone_does_not_open_the_console(client, investigator):
    response = client.post("/accounts/sign-in/", {"username": "investigator", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/code/")
    response = client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/code/")


def test_it_signs_in_with_password_and_code(client, investigator):
    client.post("/accounts/sign-in/", {"username": "investigator", "password": PASSWORD})
    response = client.post("/accounts/sign-in/code/", {"code": code_for(investigator)}, follow=True)
    assert response.redirect_chain == [("/console/", 302)]
    assert "Investigator (professional standards)" in response.content.decode()


def test_a_wrong_code_is_refused_with_a_clear_message(client, investigator):
    client.post("/accounts/sign-in/", {"username": "investigator", "password": PASSWORD})
    right = code_for(investigator)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/sign-in/code/", {"code": wrong})
    assert "That code is not right or has expired" in response.content.decode()
    assert client.get("/console/").status_code == 302


def test_it_returns_to_the_page_asked_for(client, investigator):
    response = client.get("/console/officers/")
    assert response["Location"] == "/accounts/sign-in/?next=/console/officers/"
    client.post("/accounts/sign-in/?next=/console/officers/",
                {"username": "investigator", "password": PASSWORD, "next": "/console/officers/"})
    response = client.post("/accounts/sign-in/code/", {"code": code_for(investigator), "next": "/console/officers/"})
    assert response["Location"] == "/console/officers/"


def test_it_does_not_redirect_to_another_site(client, investigator):
    client.post("/accounts/sign-in/", {"username": "investigator", "password": PASSWORD})
    response = client.post("/accounts/sign-in/code/", {"code": code_for(investigator), "next": "https://evil.example/"})
    assert response["Location"] == "/console/"


def test_staff_without_an_authenticator_must_set_one_up(client, agency):
    user = make_user(agency, Role.OFFICER, "newbie", with_device=False)
    response = client.post("/accounts/sign-in/", {"username": "newbie", "password": PASSWORD})
    assert response["Location"].startswith("/accounts/sign-in/authenticator/")
    page = client.get("/accounts/sign-in/authenticator/")
    assert "<svg" in page.content.decode() and 'id="totp-key"' in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.get("/console/").status_code == 302
    response = client.post("/accounts/sign-in/authenticator/", {"code": f"{totp(device.bin_key):06d}"})
    assert response["Location"] == "/console/"
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="accounts.second_factor_set_up", actor=user).exists()
    assert client.get("/console/").status_code == 200


def test_a_wrong_set_up_code_keeps_the_same_key(client, agency):
    user = make_user(agency, Role.OFFICER, "newbie", with_device=False)
    client.force_login(user)
    first = client.get("/accounts/sign-in/authenticator/").content
    client.post("/accounts/sign-in/authenticator/", {"code": "000000"})
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert client.get("/accounts/sign-in/authenticator/").content.count(b"totp-key") == first.count(b"totp-key")


def test_demo_accounts_skip_the_code_only_in_demo_mode(client, agency, settings):
    user = make_user(agency, Role.OFFICER, "demo_officer", with_device=False)
    user.is_demo_account = True
    user.save()
    settings.COMMONBEAT_DEMO = False
    response = client.post("/accounts/sign-in/", {"username": "demo_officer", "password": PASSWORD})
    assert response["Location"].startswith("/accounts/sign-in/authenticator/")
    settings.COMMONBEAT_DEMO = True
    assert client.get("/console/").status_code == 200


def test_demo_mode_does_not_let_ordinary_accounts_skip_the_code(client, investigator, settings):
    settings.COMMONBEAT_DEMO = True
    client.post("/accounts/sign-in/", {"username": "investigator", "password": PASSWORD})
    assert client.get("/console/").status_code == 302


def test_repeated_wrong_passwords_lock_the_account(client, investigator):
    for _attempt in range(5):
        response = client.post("/accounts/sign-in/", {"username": "investigator", "password": "wrong password"})
    assert response.status_code == 429
    response = Client().post("/accounts/sign-in/", {"username": "investigator", "password": PASSWORD})
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()


def test_a_wrong_password_keeps_the_username_and_says_what_is_wrong(client, investigator):
    response = client.post("/accounts/sign-in/", {"username": "investigator", "password": "nope"})
    body = response.content.decode()
    assert "That username and password do not match" in body
    assert 'value="investigator"' in body


def test_staff_sessions_expire_after_idle_time(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_sign_out_ends_the_session(investigator):
    client = signed_in_client(investigator)
    assert client.get("/console/").status_code == 200
    client.post("/accounts/sign-out/")
    assert client.get("/console/").status_code == 302


def test_sign_out_refuses_get(investigator):
    client = signed_in_client(investigator)
    assert client.get("/accounts/sign-out/").status_code == 405
