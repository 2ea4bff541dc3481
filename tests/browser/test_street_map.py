"""With a tile server configured and JavaScript on, the neighbourhoods appear on a street map."""

import pytest
from playwright.sync_api import expect

from .helpers import url

pytestmark = pytest.mark.browser


def test_the_street_map_replaces_the_drawn_map_when_tiles_are_configured(page, live_server, agency, settings):
    settings.COMMONBEAT_MAP_TILE_URL = "/static/tiles/{z}/{x}/{y}.png"
    page.route("**/static/tiles/**", lambda route: route.fulfill(status=204))
    page.goto(url(live_server, "core:home"))
    expect(page.locator("#leaflet-map.leaflet-container")).to_be_visible()
    expect(page.locator("#leaflet-map path.leaflet-interactive")).to_have_count(2)
    expect(page.locator("svg.svg-map-fallback")).to_be_hidden()
    expect(page.locator("main table")).to_be_visible()
