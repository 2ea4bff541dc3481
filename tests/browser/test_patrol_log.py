"""An officer logs a foot patrol from a phone: drawing the route by tapping the map, or uploading the GPX file
their phone recorded; residents see the hours per neighbourhood, in Spanish, on the public visibility page."""

import json
import re
import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.patrols import services
from commonbeat.patrols.models import Patrol, RouteSource

from .helpers import assert_no_axe_violations, sign_in_quickly, url

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
GPX_FIXTURE = Path(__file__).parents[1] / "patrols" / "fixtures" / "morning_foot_patrol.gpx"
# Alpha's neighbourhoods are 0.01° squares side by side: North End west of -89.99, South End east of it.
WEST, EAST, SOUTH, NORTH = -90.0, -89.98, 40.0, 40.01
SMALL_GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="CommonBeat tests" xmlns="http://www.topografix.com/GPX/1/1">
 <trk><name>Foot patrol</name><trkseg>
  <trkpt lat="40.0050" lon="-89.9960"><time>2025-03-18T13:00:00Z</time></trkpt>
  <trkpt lat="40.0052" lon="-89.9930"><time>2025-03-18T13:20:00Z</time></trkpt>
  <trkpt lat="40.0055" lon="-89.9850"><time>2025-03-18T13:50:00Z</time></trkpt>
 </trkseg></trk>
</gpx>
"""


@pytest.fixture
def pat(agency, cast) -> Officer:
    """Officer Pat Alphason, whose account has the officer role."""
    officer = Officer.objects.filter(agency=agency).first()
    officer.user = cast[Role.OFFICER]
    officer.save()
    return officer


@pytest.fixture
def phone(new_page, live_server, cast, pat) -> Page:
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in_quickly(page, live_server, cast[Role.OFFICER])
    return page


def an_hour_that_has_ended(agency) -> tuple[datetime, datetime]:
    """A one-hour patrol that ended a few minutes ago, in the agency's time zone (it may start the day before)."""
    ended = timezone.localtime(timezone=zoneinfo.ZoneInfo(agency.timezone)) - timedelta(minutes=10)
    ended = ended.replace(second=0, microsecond=0)
    return ended - timedelta(hours=1), ended


def fill_when(page: Page, started: datetime, ended: datetime) -> None:
    page.locator("label.usa-radio__label", has_text="On foot").click()  # the tile; the radio itself is hidden
    expect(page.get_by_label("On foot")).to_be_checked()
    page.get_by_label("Date").fill(started.date().isoformat())
    page.get_by_label("Start time").fill(started.strftime("%H:%M"))
    page.get_by_label("End time").fill(ended.strftime("%H:%M"))


def test_an_officer_draws_a_foot_patrol_on_the_map_from_a_phone(phone, live_server, agency, pat):
    phone.goto(url(live_server, "patrols:log"))
    expect(phone.locator("h1")).to_have_text("Log a patrol")
    expect(phone.locator("#route-map-status")).to_have_text("No route drawn yet.")
    # The neighbourhoods, fetched as GeoJSON, are outlined on the map (filled, unlike the route's line).
    boundaries = phone.locator("#route-map .leaflet-overlay-pane path:not([fill=none])")
    expect(boundaries).to_have_count(2)
    assert_no_axe_violations(phone)

    started, ended = an_hour_that_has_ended(agency)
    fill_when(phone, started, ended)

    # Three taps inside the outlined neighbourhoods: two in North End (west), one in South End (east).
    phone.locator("#route-map").scroll_into_view_if_needed()
    boxes = [path.bounding_box() for path in boundaries.all()]
    left, top = min(b["x"] for b in boxes), min(b["y"] for b in boxes)
    width = max(b["x"] + b["width"] for b in boxes) - left
    height = max(b["y"] + b["height"] for b in boxes) - top
    for across, down in ((0.15, 0.6), (0.35, 0.3), (0.8, 0.5)):
        phone.touchscreen.tap(left + width * across, top + height * down)
    expect(phone.locator("#route-map-status")).to_have_text("Points on the route: 3")
    drawn = json.loads(phone.locator("textarea[name=route_geojson]").input_value())
    assert drawn["type"] == "LineString" and len(drawn["coordinates"]) == 3
    assert all(WEST < lon < EAST and SOUTH < lat < NORTH for lon, lat in drawn["coordinates"])
    assert [lon < -89.99 for lon, _lat in drawn["coordinates"]] == [True, True, False]

    phone.get_by_label("Positive contacts").fill("4")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Log the patrol").click()

    expect(phone).to_have_url(url(live_server, "patrols:patrols"))
    expect(phone.get_by_role("status").filter(has_text="Patrol logged: On foot, 1.0 hours in Alpha North End, "
                                                        "Alpha South End.")).to_be_visible()
    rows = phone.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td[data-label=Mode]")).to_have_text("On foot")
    expect(rows.first.locator("td[data-label=Hours]")).to_have_text("1.0")
    expect(rows.first.locator("td[data-label=Neighbourhoods]")).to_have_text("Alpha North End, Alpha South End")
    expect(rows.first.locator("td[data-label='Positive contacts']")).to_have_text("4")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(phone)

    patrol = Patrol.objects.get()
    assert patrol.officer == pat and patrol.mode == "foot" and patrol.route_source == RouteSource.DRAWN
    assert patrol.started_at == started and patrol.ended_at == ended and patrol.positive_contacts == 4
    assert [[round(lon, 6), round(lat, 6)] for line in patrol.route["coordinates"] for lon, lat, *_ in line] == [
        [round(lon, 6), round(lat, 6)] for lon, lat in drawn["coordinates"]]
    assert sorted(n.slug for n in patrol.neighbourhoods.all()) == ["alpha-north-end", "alpha-south-end"]


def test_an_officer_uploads_a_gpx_file_and_the_neighbourhoods_come_from_its_track(phone, live_server, agency,
                                                                                  pat, tmp_path):
    track = GPX_FIXTURE
    if not track.exists():
        track = tmp_path / "foot_patrol.gpx"
        track.write_text(SMALL_GPX)
    phone.goto(url(live_server, "patrols:log"))
    started, ended = an_hour_that_has_ended(agency)
    fill_when(phone, started, ended)
    # By its name: USWDS's file input script replaces the input's accessible name ("GPX file") with
    # aria-label="Choose from folder" (see the report).
    phone.locator("input[type=file][name=gpx_file]").set_input_files(track)
    expect(phone.locator(".usa-file-input")).to_contain_text(track.name)
    expect(phone.get_by_label("Alpha North End")).not_to_be_checked()
    expect(phone.get_by_label("Alpha South End")).not_to_be_checked()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Log the patrol").click()

    expect(phone).to_have_url(url(live_server, "patrols:patrols"))
    expect(phone.get_by_role("status").filter(has_text="in Alpha North End, Alpha South End.")).to_be_visible()
    expect(phone.locator("main table tbody tr td[data-label=Neighbourhoods]")).to_have_text(
        "Alpha North End, Alpha South End")

    patrol = Patrol.objects.get()
    assert patrol.route_source == RouteSource.GPX and patrol.officer == pat
    assert sum(len(line) for line in patrol.route["coordinates"]) >= 3
    assert sorted(n.slug for n in patrol.neighbourhoods.all()) == ["alpha-north-end", "alpha-south-end"]


def test_the_visibility_page_in_spanish_shows_the_table_beside_the_map(new_page, live_server, agency, cast, pat):
    staff = cast[Role.ENGAGEMENT_STAFF]
    north = Neighbourhood.objects.get(agency=agency, slug="alpha-north-end")
    services.set_target(staff, agency, north, Decimal(4), from_week=date(2024, 1, 1))
    # A two-hour foot patrol on the Saturday of last week: the week the page shows, long since published.
    today = timezone.localtime(timezone=zoneinfo.ZoneInfo(agency.timezone)).date()
    saturday = services.week_start(today) - timedelta(days=2)
    started = datetime(saturday.year, saturday.month, saturday.day, 9, tzinfo=zoneinfo.ZoneInfo(agency.timezone))
    services.log_patrol(staff, agency, services.PatrolDetails(
        officer=pat, mode="foot", started_at=started, ended_at=started + timedelta(hours=2), neighbourhoods=[north]))

    resident = new_page(locale="es-US")
    resident.goto(url(live_server, "patrols:visibility", language="es"))
    expect(resident.locator("html")).to_have_attribute("lang", "es")
    assert_no_axe_violations(resident)

    presence_map = resident.locator("figure.visibility-map")
    table = presence_map.locator("xpath=following-sibling::div[1]//table").first
    expect(presence_map.locator("> svg")).to_be_visible()
    expect(table).to_be_visible()
    row = table.locator("#presence-alpha-north-end")
    expect(row.locator("td").nth(0)).to_have_text(re.compile(r"^2[.,]0$"))  # on foot
    expect(row.locator("td").nth(4)).to_have_text("50%")  # of the target
    expect(presence_map.locator("svg a[href='#presence-alpha-north-end'] title")).to_contain_text("50%")
    beside = presence_map.bounding_box(), table.bounding_box()
    assert beside[0]["x"] + beside[0]["width"] <= beside[1]["x"], "the table is not beside the map"
    assert beside[1]["y"] < beside[0]["y"] + beside[0]["height"], "the table is not beside the map"
