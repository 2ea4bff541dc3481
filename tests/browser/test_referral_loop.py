"""An officer refers the person met on a crisis response to a partner, with their consent; the partner's staff
member accepts the referral in the inbox and reports the outcome; the officer then sees on the response and in
their referrals that the loop is closed. The public crisis and partner pages never show the person's name."""

import pytest
from playwright.sync_api import expect

from commonbeat.accounts.roles import Role
from commonbeat.crisis.models import ResponderKind
from commonbeat.partners.models import Referral, ReferralStatus

from ..crisis.conftest import make_responses
from ..partners.helpers import make_partner, make_partner_user
from .helpers import assert_no_axe_violations, sign_in_quickly, url

pytestmark = pytest.mark.browser

FIRST_NAME = "Marisol"


def test_an_officer_refers_a_person_after_a_crisis_response_and_the_partner_closes_the_loop(
        new_page, live_server, agency, cast):
    officer = cast[Role.OFFICER]
    partner = make_partner(agency)
    partner_user = make_partner_user(agency, partner)
    (response,) = make_responses(agency, 1, kind=ResponderKind.CO_RESPONDER)

    # The officer opens the crisis response and starts a referral from it.
    console = new_page()
    sign_in_quickly(console, live_server, officer)
    console.goto(url(live_server, "crisis:staff_response", response.pk))
    expect(console.get_by_role("heading", name="Follow-up referrals")).to_be_visible()
    expect(console.get_by_text("No follow-up referral has been made after this response.")).to_be_visible()
    assert_no_axe_violations(console)
    console.get_by_role("link", name="Refer the person to a partner").click()
    expect(console.locator("h1")).to_have_text("Refer a person to a partner")
    assert_no_axe_violations(console)

    # The first attempt forgets the consent box: the form says why and keeps what was typed.
    console.get_by_label("Partner and service").select_option(label="Harbor Food Bank — Emergency groceries")
    console.get_by_label("Reason").select_option(label="Food")
    console.get_by_label("Person's first name").fill(FIRST_NAME)
    console.get_by_label("How to reach them").fill("555-0142")
    console.get_by_role("button", name="Send the referral").click()
    expect(console.locator("#id_consent_recorded-error")).to_contain_text(
        "A person can only be referred with their consent.")
    expect(console.locator("#form-errors")).to_contain_text("A person can only be referred with their consent.")
    expect(console.get_by_label("Person's first name")).to_have_value(FIRST_NAME)
    assert_no_axe_violations(console)
    assert not Referral.objects.exists()

    # With the person's consent recorded, the referral is sent.
    console.locator("label.usa-checkbox__label", has_text="The person agreed to be referred").click()
    expect(console.get_by_label("The person agreed to be referred")).to_be_checked()
    console.get_by_label("How they agreed").select_option(label="Said yes out loud")
    console.get_by_role("button", name="Send the referral").click()
    expect(console.get_by_text("The referral is sent. The partner is asked to answer within seven days.")
           ).to_be_visible()
    referral = Referral.objects.get()
    expect(console.locator("h1")).to_have_text(f"Referral #{referral.pk} to Harbor Food Bank")
    assert_no_axe_violations(console)
    assert referral.source == response.referral_source
    assert referral.person_first_name == FIRST_NAME

    # The partner's staff member finds it in the inbox, accepts it, then reports the outcome.
    inbox = new_page()
    sign_in_quickly(inbox, live_server, partner_user)
    inbox.goto(url(live_server, "partners:staff_inbox"))
    expect(inbox.locator("h1")).to_have_text("Referrals to Harbor Food Bank")
    assert_no_axe_violations(inbox)
    inbox.get_by_role("link", name=FIRST_NAME).click()
    expect(inbox.locator("h1")).to_have_text(f"Referral #{referral.pk} to Harbor Food Bank")
    expect(inbox.locator("dl")).to_contain_text(FIRST_NAME)
    expect(inbox.locator("dl")).to_contain_text("555-0142")
    assert_no_axe_violations(inbox)
    inbox.get_by_role("button", name="Accept the referral").click()
    expect(inbox.get_by_text("The referral is accepted. Report the outcome when there is one.")).to_be_visible()
    expect(inbox.locator(".usa-intro")).to_contain_text("Accepted by the partner")
    assert_no_axe_violations(inbox)
    inbox.get_by_label("Outcome", exact=True).select_option(label="Service provided")
    inbox.get_by_label("Short note on the outcome").fill("Picked up groceries on Tuesday.")
    inbox.get_by_role("button", name="Report the outcome").click()
    expect(inbox.get_by_text("The outcome is reported. The officer who sent the referral sees it.")).to_be_visible()
    expect(inbox.locator(".usa-intro")).to_contain_text("Outcome reported")
    assert_no_axe_violations(inbox)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED

    # The officer sees the loop closed on the crisis response and in their own referrals.
    console.goto(url(live_server, "crisis:staff_response", response.pk))
    row = console.locator("#referrals-heading ~ table tbody tr", has_text="Harbor Food Bank")
    expect(row).to_contain_text("Emergency groceries")
    expect(row).to_contain_text("Outcome reported")
    assert_no_axe_violations(console)
    console.goto(url(live_server, "partners:staff_my_referrals"))
    expect(console.locator("h1")).to_have_text("My referrals")
    row = console.locator("tbody tr", has_text=FIRST_NAME)
    expect(row).to_contain_text("Harbor Food Bank")
    expect(row).to_contain_text("Outcome reported")
    expect(row).to_contain_text("Service provided")
    assert_no_axe_violations(console)

    # The public pages about crisis response and partners never name the person.
    resident = new_page()
    for public_page in ("crisis:public", "partners:directory"):
        resident.goto(url(live_server, public_page))
        expect(resident.locator("h1")).to_be_visible()
        expect(resident.locator("body")).not_to_contain_text(FIRST_NAME)
        assert_no_axe_violations(resident)
    resident.goto(url(live_server, "partners:directory"))
    expect(resident.locator("main")).to_contain_text("Harbor Food Bank")
