"""Every page works without JavaScript: the public map and table, and staff sign-in."""

import pytest
from playwright.sync_api import expect

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood
from commonbeat.core.tenancy import scoped

from .helpers import current_code, enter_password, submit, url

pytestmark = pytest.mark.browser


@pytest.fixture
def page(new_page):
    return new_page(java_script_enabled=False)


def expect_scripts_did_not_run(page):
    # USWDS's first script adds a class to <html> as soon as it runs.
    expect(page.locator("html")).to_have_class("no-js")


def test_home_page_shows_the_neighbourhood_map_and_table_without_javascript(page, live_server, agency):
    page.goto(url(live_server, "core:home"))

    expect_scripts_did_not_run(page)
    neighbourhood_map = page.locator("figure.neighbourhood-map svg")
    table = page.locator("main table")
    expect(neighbourhood_map).to_be_visible()
    expect(table).to_be_visible()
    for neighbourhood in scoped(Neighbourhood, agency):
        expect(neighbourhood_map.get_by_role("link", name=neighbourhood.name)).to_be_visible()
        expect(table.get_by_role("rowheader", name=neighbourhood.name)).to_be_visible()


def test_staff_member_signs_in_without_javascript(page, live_server, cast):
    officer = cast[Role.OFFICER]

    enter_password(page, live_server, officer)

    expect(page).to_have_url(url(live_server, "accounts:verify"))
    expect_scripts_did_not_run(page)
    page.locator("input[name=code]").fill(current_code(officer))
    submit(page)
    expect(page).to_have_url(url(live_server, "accounts:console"))
    expect(page.locator("main .usa-intro")).to_contain_text(str(Role.OFFICER.label))
