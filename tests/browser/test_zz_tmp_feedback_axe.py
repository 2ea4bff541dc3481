import pytest
from playwright.sync_api import expect

from .helpers import assert_no_axe_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("js", [True, False])
def test_resident_journey_is_accessible(new_page, live_server, agency, js, settings):
    page = new_page(java_script_enabled=js)
    base = live_server.url
    page.goto(base + "/report/")
    assert_no_axe_violations(page)
    page.goto(base + "/es/report/complaint/")
    assert_no_axe_violations(page)
    page.goto(base + "/report/complaint/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send the complaint").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("#id_narrative").fill("The officer was rude to me at the bus stop.")
    page.locator("#id_occurred_on").fill("2024-01-02")
    page.locator("#id_attachments").set_input_files([{"name": "a.txt", "mimeType": "text/plain", "buffer": b"hello"}])
    page.get_by_role("button", name="Send the complaint").click()
    code = page.locator("#tracking-code").inner_text()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Go to the tracking page").click()
    page.locator("#id_code").fill("nope")
    page.get_by_role("button", name="Show my report").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("#id_code").fill(code.lower())
    page.get_by_role("button", name="Show my report").click()
    expect(page.locator("h1")).to_contain_text("Complaint")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send the message").click()
    assert_no_axe_violations(page)
    page.locator("#id_body").fill("More details")
    page.get_by_role("button", name="Send the message").click()
    expect(page.locator("#messages")).to_contain_text("More details")
    assert_no_axe_violations(page)
    page.screenshot(path=f"/tmp/status_{js}.png", full_page=True)
    for _ in range(12):
        page.goto(base + "/track/")
        page.locator("#id_code").fill("nope")
        page.get_by_role("button", name="Show my report").click()
    expect(page.locator("h1")).to_contain_text("Too many")
    assert_no_axe_violations(page)


def test_map_with_tiles(new_page, live_server, agency, settings):
    settings.COMMONBEAT_MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    page = new_page()
    page.goto(live_server.url + "/report/complaint/")
    expect(page.locator("#report-map")).to_be_visible()
    page.locator("#report-map").click()
    assert page.locator("#id_latitude").input_value()
    expect(page.locator("#report-map-status")).to_have_text("A place is marked on the map.")
    page.screenshot(path="/tmp/form_map.png", full_page=True)
    assert_no_axe_violations(page)
