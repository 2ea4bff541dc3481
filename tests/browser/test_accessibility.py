"""Key pages pass axe-core's WCAG 2.1 A and AA rules, in the state a person meets them (errors shown included)."""

import pytest
from playwright.sync_api import expect

from commonbeat.accounts.roles import Role

from ..factories import make_user
from .helpers import assert_no_axe_violations, enter_password, sign_in, sign_in_quickly, submit, url, wrong_code

pytestmark = pytest.mark.browser


def test_home_page_has_no_accessibility_violations(page, live_server, agency):
    page.goto(url(live_server, "core:home"))
    expect(page.locator("table")).to_be_visible()
    assert_no_axe_violations(page)


def test_spanish_home_page_has_no_accessibility_violations(page, live_server, agency):
    page.goto(url(live_server, "core:home", language="es"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("header")).to_contain_text(agency.name_es)
    assert_no_axe_violations(page)


def test_audit_seals_page_has_no_accessibility_violations(page, live_server, agency):
    page.goto(url(live_server, "core:audit_seals"))
    assert_no_axe_violations(page)


def test_sign_in_page_has_no_accessibility_violations(page, live_server, agency):
    page.goto(url(live_server, "accounts:sign_in"))
    assert_no_axe_violations(page)


def test_sign_in_page_with_errors_has_no_accessibility_violations(page, live_server, agency):
    page.goto(url(live_server, "accounts:sign_in"))
    submit(page)
    expect(page.locator("#form-errors")).to_be_visible()
    assert_no_axe_violations(page)


def test_code_page_has_no_accessibility_violations(page, live_server, cast):
    enter_password(page, live_server, cast[Role.OFFICER])
    expect(page).to_have_url(url(live_server, "accounts:verify"))
    assert_no_axe_violations(page)


def test_authenticator_set_up_page_has_no_accessibility_violations(page, live_server, agency):
    newcomer = make_user(agency, Role.OFFICER, "newcomer", with_device=False)
    enter_password(page, live_server, newcomer)
    expect(page.locator("#totp-key")).to_be_visible()
    assert_no_axe_violations(page)


def test_code_page_with_a_wrong_code_has_no_accessibility_violations(page, live_server, cast):
    officer = cast[Role.OFFICER]
    enter_password(page, live_server, officer)
    page.locator("input[name=code]").fill(wrong_code(officer))
    submit(page)
    expect(page.locator("#form-errors")).to_be_visible()
    assert_no_axe_violations(page)


def test_staff_console_as_agency_admin_has_no_accessibility_violations(page, live_server, admin):
    sign_in(page, live_server, admin)
    expect(page.locator("main .usa-card").first).to_be_visible()
    assert_no_axe_violations(page)


def test_users_page_has_no_accessibility_violations(page, live_server, admin):
    sign_in_quickly(page, live_server, admin)
    page.goto(url(live_server, "accounts:users"))
    expect(page.locator("table tbody tr")).to_have_count(len(Role))
    assert_no_axe_violations(page)


def test_add_staff_form_submitted_empty_has_no_accessibility_violations(page, live_server, admin):
    sign_in_quickly(page, live_server, admin)
    page.goto(url(live_server, "accounts:new_user"))
    submit(page)
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator(".usa-error-message").first).to_be_visible()
    assert_no_axe_violations(page)
