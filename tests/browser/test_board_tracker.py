"""A resident applies to the Community Advisory Board on the public form; an admin appoints her in the console;
the board records a recommendation and the admin gives the department's response in the console; the public
tracker then shows the recommendation with the response and its reasons."""

import re

import pytest
from playwright.sync_api import expect

from commonbeat.accounts.roles import Role
from commonbeat.boards import services
from commonbeat.boards.models import BoardApplication, BoardMember

from .helpers import assert_no_axe_violations, sign_in_quickly, url

pytestmark = pytest.mark.browser


@pytest.fixture
def board(agency, cast):
    return services.create_board(cast[Role.ENGAGEMENT_STAFF], agency, services.BoardDetails(
        slug="community-advisory-board", name={"en": "Community Advisory Board", "es": "Consejo Asesor Comunitario"},
        purpose={"en": "Residents who advise the chief.", "es": "Residentes que asesoran al jefe."},
        seat_count=11, term_months=24))


def test_a_resident_applies_is_appointed_and_the_boards_recommendation_is_answered_in_public(
        new_page, live_server, agency, cast, board):
    admin = cast[Role.AGENCY_ADMIN]

    # The resident finds the board and applies.
    resident = new_page()
    resident.goto(url(live_server, "boards:board", board.slug))
    expect(resident.locator("h1")).to_have_text("Community Advisory Board")
    assert_no_axe_violations(resident)
    resident.get_by_role("link", name="Apply to join the Community Advisory Board").first.click()
    expect(resident.locator("h1")).to_have_text("Apply to join the Community Advisory Board")
    assert_no_axe_violations(resident)
    resident.get_by_label("Your name").fill("Rosa Rivera")
    resident.get_by_label("Your e-mail address").fill("rosa@example.org")
    resident.get_by_label("Your neighbourhood").select_option(label="Alpha North End")
    resident.get_by_label("Why would you like to serve on this board?").fill("I run the tenants' association.")
    resident.get_by_label("Your gender").select_option(label="Woman")
    resident.get_by_role("button", name="Send my application").click()
    expect(resident.locator("h1")).to_have_text("Thank you: your application is received")
    assert_no_axe_violations(resident)
    application = BoardApplication.objects.get()
    assert application.name == "Rosa Rivera"

    # The admin appoints her to seat 4 in the console.
    console = new_page()
    sign_in_quickly(console, live_server, admin)
    console.goto(url(live_server, "boards:staff_applications"))
    console.get_by_role("link", name="Rosa Rivera").click()
    expect(console.locator("h1")).to_have_text("Rosa Rivera, applying to the Community Advisory Board")
    assert_no_axe_violations(console)
    console.get_by_label("Seat").select_option(label="Seat 4")
    console.get_by_label("Term starts").fill("2026-01-01")
    console.get_by_role("button", name="Appoint to the board").click()
    expect(console.get_by_text("Rosa Rivera is appointed to seat 4.")).to_be_visible()
    assert_no_axe_violations(console)
    assert BoardMember.objects.get().seat == 4

    # The roster shows her by name.
    resident.goto(url(live_server, "boards:board", board.slug))
    expect(resident.locator("#members + table")).to_contain_text("Rosa Rivera")

    # The board makes a recommendation; the admin answers it in the console.
    today = agency.today()
    recommendation = services.record_recommendation(
        cast[Role.BOARD_MEMBER], board, title={"en": "Publish stop data every quarter"},
        text={"en": "Publish stop data by neighbourhood every quarter."}, made_on=today)
    console.goto(url(live_server, "boards:staff_recommendation", recommendation.pk))
    assert_no_axe_violations(console)
    console.locator("label.usa-radio__label", has_text=re.compile(r"^Accepted$")).click()
    console.get_by_label("Rationale (English)").fill("The department agrees; the first release is in March.")
    console.get_by_role("button", name="Publish the response").click()
    expect(console.get_by_text("The department's response is published on the tracker.")).to_be_visible()

    # The public tracker shows the recommendation and the department's response.
    resident.goto(url(live_server, "boards:tracker"))
    expect(resident.locator("h1")).to_have_text("Recommendations tracker")
    row = resident.locator("tbody tr", has_text="Publish stop data every quarter")
    expect(row).to_contain_text("Accepted")
    expect(row).to_contain_text("Community Advisory Board")
    assert_no_axe_violations(resident)
    row.get_by_role("link").click()
    expect(resident.locator("h1")).to_have_text("Publish stop data every quarter")
    expect(resident.get_by_text("The department agrees; the first release is in March.")).to_be_visible()
    assert_no_axe_violations(resident)
