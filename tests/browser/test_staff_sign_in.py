"""Staff sign-in in a real browser: password, then the authenticator code, or setting up an authenticator first."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from commonbeat.accounts.models import Membership
from commonbeat.accounts.roles import Role

from ..factories import make_user
from .helpers import code_for_key, current_code, enter_password, key_from_display, submit, url, wrong_code

pytestmark = pytest.mark.browser


@pytest.fixture
def no_code_throttling(settings):
    """django-otp refuses any code for a second after a wrong one; a person never retypes that fast, a test does."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_staff_member_signs_in_with_password_and_code_after_a_wrong_code(
    page, live_server, agency, cast, no_code_throttling
):
    investigator = cast[Role.INVESTIGATOR]
    Membership.objects.create(agency=agency, user=investigator, role=Role.OVERSIGHT_REVIEWER)

    enter_password(page, live_server, investigator)
    expect(page).to_have_url(url(live_server, "accounts:verify"))
    code_field = page.locator("input[name=code]")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")

    mistyped = wrong_code(investigator)
    code_field.fill(mistyped)
    submit(page)

    expect(page.locator("#form-errors")).to_be_visible()
    error = page.locator(f"#{code_field.get_attribute('id')}-error")
    expect(error).to_be_visible()
    expect(code_field).to_have_value(mistyped)
    # The error is part of the field's accessible description, and the summary at the top links to the field.
    expect(code_field).to_have_attribute("aria-invalid", "true")
    expect(code_field).to_have_accessible_description(re.compile(re.escape(error.inner_text().strip())))
    page.locator("#form-errors a").click()
    expect(code_field).to_be_focused()

    code_field.fill(current_code(investigator))
    submit(page)

    # The fragment (#id_code) from following the error link survives the redirect; the page is what counts.
    expect(page).to_have_url(re.compile(re.escape(url(live_server, "accounts:console")) + "(#.*)?$"))
    intro = page.locator("main .usa-intro")
    expect(intro).to_contain_text(investigator.get_full_name())
    expect(intro).to_contain_text(str(Role.INVESTIGATOR.label))
    expect(intro).to_contain_text(str(Role.OVERSIGHT_REVIEWER.label))
    expect(intro).not_to_contain_text(str(Role.AGENCY_ADMIN.label))


def test_new_staff_member_sets_up_an_authenticator_and_reaches_the_console(page, live_server, agency):
    newcomer = make_user(agency, Role.ENGAGEMENT_STAFF, "newcomer", with_device=False)

    enter_password(page, live_server, newcomer)

    expect(page).to_have_url(url(live_server, "accounts:set_up_authenticator"))
    expect(page.locator("main svg").first).to_be_visible()  # the QR code
    shown_key = page.locator("#totp-key").inner_text()
    assert all(len(group) == 4 for group in shown_key.split()[:-1]), shown_key

    page.locator("input[name=code]").fill(code_for_key(key_from_display(shown_key)))
    submit(page)

    expect(page).to_have_url(url(live_server, "accounts:console"))
    expect(page.locator("main .usa-intro")).to_contain_text(str(Role.ENGAGEMENT_STAFF.label))
    expect(page.locator("main [role=status]")).to_be_visible()  # "Your authenticator app is set up."
    assert TOTPDevice.objects.filter(user=newcomer, confirmed=True).count() == 1
