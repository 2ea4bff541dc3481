"""On a phone the header collapses into a Menu button that opens the navigation."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .helpers import url

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def page(new_page):
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True)


def test_menu_button_opens_the_navigation_and_its_links_are_reachable(page, live_server, agency):
    page.goto(url(live_server, "core:home"))
    navigation = page.get_by_role("navigation", name="Main")
    links = page.locator("nav.usa-nav a")
    menu_button = page.locator("button.usa-menu-btn")
    expect(menu_button).to_be_visible()
    expect(navigation).to_be_hidden()

    menu_button.click()

    expect(navigation).to_be_visible()
    assert navigation.evaluate("nav => nav.contains(document.activeElement)"), "focus stayed behind the menu"
    assert links.count() >= 4  # neighbourhoods, audit seals, staff sign-in, language switch
    for link in links.all():
        expect(link).to_be_in_viewport()
    # Keyboard users reach every link of the open menu.
    reached = set()
    for _ in range(links.count() + 3):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("() => document.activeElement.getAttribute('href')"))
    assert {link.get_attribute("href") for link in links.all()} <= reached

    navigation.locator(f"a[href='{reverse('core:audit_seals')}']").click()
    expect(page).to_have_url(url(live_server, "core:audit_seals"))

