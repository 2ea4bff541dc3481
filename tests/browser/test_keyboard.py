"""A keyboard-only visitor can skip to the content and switch the language."""

import pytest
from playwright.sync_api import expect

from .helpers import url

pytestmark = pytest.mark.browser

FOCUSED = "() => { const el = document.activeElement; return el ? el.outerHTML.slice(0, 120) : null; }"


def test_first_tab_focuses_the_skip_link_and_enter_moves_focus_to_the_main_content(page, live_server, agency):
    page.goto(url(live_server, "core:home"))
    skip_link = page.locator("a.usa-skipnav")
    expect(skip_link).not_to_be_in_viewport()  # kept off-screen until a keyboard user reaches it

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()


def test_keyboard_user_tabs_to_the_language_switch_and_opens_the_spanish_page(page, live_server, agency):
    page.goto(url(live_server, "core:home"))
    switch = page.locator(".language-switch a[hreflang=es]")

    visited = []
    for _ in range(30):
        page.keyboard.press("Tab")
        visited.append(page.evaluate(FOCUSED))
        if switch.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the language switch; focus went to:\n" + "\n".join(map(str, visited)))
    expect(switch).to_be_visible()

    page.keyboard.press("Enter")

    page.wait_for_url(url(live_server, "core:home", language="es"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("header")).to_contain_text(agency.name_es)
    expect(page.locator(".language-switch a[hreflang=en]")).to_be_visible()
