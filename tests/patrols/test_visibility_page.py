"""The public visibility page: patrol hours per neighbourhood per week against target, routes only as cells
several patrols passed through, nothing from the last 24 hours, and the weekly figures as CSV."""

import csv
import io
import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.engagement import services as engagement
from commonbeat.patrols import services
from commonbeat.patrols.models import Patrol

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
TUESDAY = datetime(2025, 3, 18, 14, 0, tzinfo=CHICAGO)  # the week of Monday 17 March
ROUTE = {"type": "LineString", "coordinates": [[-89.9965, 40.0052], [-89.9945, 40.0058]]}


class Clock:
    def __init__(self, monkeypatch, now: datetime):
        self.now = now
        monkeypatch.setattr(timezone, "now", lambda: self.now)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, TUESDAY)


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


@pytest.fixture
def pat(agency):
    return Officer.objects.get(agency=agency, badge_number="101")


@pytest.fixture
def north(agency):
    return Neighbourhood.objects.get(agency=agency, slug="alpha-north-end")


def patrol(agency, actor, officer, ended_hours_ago: float, clock: Clock, *, hours: float = 2, mode: str = "foot",
           route: dict | None = ROUTE, neighbourhoods=()):
    ended = clock.now - timedelta(hours=ended_hours_ago)
    return services.log_patrol(actor, agency, services.PatrolDetails(
        officer=officer, mode=mode, started_at=ended - timedelta(hours=hours), ended_at=ended,
        neighbourhoods=list(neighbourhoods), route=services.route_from_geojson(route) if route else None,
        route_source="drawn" if route else ""))


def north_row(body: str) -> str:
    row = body[body.index('<tr id="presence-alpha-north-end">'):]
    return row[:row.index("</tr>")]


def cells(body: str) -> int:
    return body.count('class="route-cell"')


def test_a_patrol_is_counted_only_24_hours_after_it_ended(client, agency, staff, pat, clock):
    patrol(agency, staff, pat, 25, clock)  # Monday, ended 25 hours ago
    patrol(agency, staff, pat, 2, clock, hours=1.5)  # today, ended 2 hours ago
    body = client.get("/visibility/", {"week": "2025-03-17"}).content.decode()
    assert "Week of March 17, 2025 to March 23, 2025" in body
    assert "<td class=\"text-right font-mono-xs\">2.0</td>" in north_row(body)
    assert "3.5" not in north_row(body)
    assert "This week is not complete here yet" in body

    clock.now += timedelta(days=1)
    body = client.get("/visibility/", {"week": "2025-03-17"}).content.decode()
    assert "<td class=\"text-right font-mono-xs\">3.5</td>" in north_row(body)


def test_a_route_cell_is_shown_only_once_three_published_patrols_passed_through_it(client, agency, staff, pat, clock):
    patrol(agency, staff, pat, 30, clock)
    patrol(agency, staff, pat, 26, clock)
    body = client.get("/visibility/", {"week": "2025-03-17"}).content.decode()
    assert cells(body) == 0 and "0 squares shown." in body

    patrol(agency, staff, pat, 2, clock)  # a third patrol, but it ended only 2 hours ago
    body = client.get("/visibility/", {"week": "2025-03-17"}).content.decode()
    assert cells(body) == 0

    clock.now += timedelta(days=1)
    body = client.get("/visibility/", {"week": "2025-03-17"}).content.decode()
    assert cells(body) >= 1 and "squares shown." in body
    assert "<td class=\"text-right font-mono-xs\">3</td>" in body  # three patrols, in the squares' table
    assert "-89.996" not in body  # never the route itself


def test_the_map_is_shaded_by_target_with_the_numbers_written_on_it(client, agency, staff, pat, north, clock):
    services.set_target(staff, agency, north, Decimal(4), from_week=date(2025, 3, 3))
    patrol(agency, staff, pat, 48 + 26, clock, route=None, neighbourhoods=[north])  # Sunday 16 March, 2 h
    patrol(agency, staff, pat, 48 + 30, clock, route=None, neighbourhoods=[north], mode="bike", hours=1)
    body = client.get("/visibility/").content.decode()  # the last complete week: 10 to 16 March
    assert "Week of March 10, 2025 to March 16, 2025" in body
    row = north_row(body)
    assert ">2.0</td>" in row and ">1.0</td>" in row and ">3.0</td>" in row and ">4.0</span>" in row
    assert ">75%</td>" in row
    assert 'data-band="part"' in body and 'data-band="none"' in body  # South End has no target
    assert "<title>Alpha North End: 75% of the target</title>" in body
    assert "Half the target or more" in body and "No target set" in body  # the legend, in words
    assert '<tspan x="' in body and ">75%</tspan>" in body


def test_officer_hours_at_community_events_are_in_the_table(client, agency, staff, pat, clock):
    started = datetime(2025, 3, 12, 18, 0, tzinfo=CHICAGO)
    event = engagement.create_event(staff, agency, engagement.EventDetails(
        kind=engagement.event_kinds(agency).get(slug="community-meeting"), title={"en": "North End forum"},
        starts_at=started, ends_at=started + timedelta(hours=2), address="1 Main St", organiser="Engagement",
        latitude=40.005, longitude=-89.995))
    engagement.log_participation(staff, event, pat, role="host", hours=Decimal("2.5"))
    row = north_row(client.get("/visibility/").content.decode())
    assert row.rstrip().endswith('<td class="text-right font-mono-xs">2.5</td>')


def test_the_week_picker_never_goes_past_what_may_be_published(client, agency, clock):
    body = client.get("/visibility/", {"week": "2025-04-30"}).content.decode()
    assert "Week of March 17, 2025 to March 23, 2025" in body  # the newest week with published patrols
    assert "Next week" not in body and 'href="?week=2025-03-10"' in body
    clock.now = datetime(2025, 3, 17, 10, 0, tzinfo=CHICAGO)  # Monday morning: Sunday's patrols not all in yet
    body = client.get("/visibility/", {"week": "2025-03-17"}).content.decode()
    assert "Week of March 10, 2025 to March 16, 2025" in body
    assert client.get("/visibility/", {"week": "not a date"}).status_code == 200


def test_the_line_chart_of_the_last_12_weeks_has_its_table(client, agency, staff, pat, north, clock):
    services.set_target(staff, agency, north, Decimal(4), from_week=date(2025, 1, 1))
    patrol(agency, staff, pat, 24 * 9, clock, route=None, neighbourhoods=[north])
    body = client.get("/visibility/").content.decode()
    assert "The last 12 weeks" in body
    assert 'aria-label="Foot and bike patrol hours across the city, by week: a line chart.' in body
    assert "<th scope=\"row\">Week of Dec. 23, 2024</th>" in body and "Week of March 10, 2025</th>" in body
    trend_table = body[body.index('id="figure-citywide-hours"'):]
    week = trend_table[trend_table.index("Week of March 3, 2025</th>"):].split("</tr>")[0]
    assert ">2.0</td>" in week and ">4.0</td>" in week  # 2 hours of a 4-hour target in the week of 3 March


def test_the_page_explains_the_delay_and_the_cells(client, agency, clock):
    body = client.get("/visibility/").content.decode()
    assert "<h1>Presence in your neighbourhood</h1>" in body
    assert "only 24 hours or more after it ended" in body
    assert "3 or more different patrols passed through it" in body
    assert "<script>" not in body and "style=" not in body


def test_the_page_in_spanish(client, agency, clock):
    body = client.get("/es/visibility/").content.decode()
    assert '<html lang="es"' in body
    assert "Departamento de Policía de Alpha" in body
    assert 'href="/es/visibility/weeks.csv"' in body
    assert "marzo de 2025" in body or "marzo 2025" in body


def test_the_csv_holds_only_published_data(client, agency, staff, pat, north, clock):
    clock.now = datetime(2025, 3, 17, 8, 0, tzinfo=CHICAGO)  # Monday morning
    services.set_target(staff, agency, north, Decimal(6), from_week=date(2025, 3, 3))
    patrol(agency, staff, pat, 36, clock, route=None, neighbourhoods=[north])  # Saturday night: published
    patrol(agency, staff, pat, 10, clock, route=None, neighbourhoods=[north], mode="bike")  # Sunday: not yet
    response = client.get("/visibility/weeks.csv")
    assert response["Content-Disposition"] == 'attachment; filename="alpha-patrol-hours-by-week.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == ["week", "neighbourhood", "foot_hours", "bike_hours", "target_hours",
                             "event_officer_hours"]
    assert len(rows) == 52 * 2
    last = [row for row in rows if row["week"] == "2025-03-10"]
    assert {row["neighbourhood"] for row in last} == {"alpha-north-end", "alpha-south-end"}
    north_last = next(row for row in last if row["neighbourhood"] == "alpha-north-end")
    assert north_last == {"week": "2025-03-10", "neighbourhood": "alpha-north-end", "foot_hours": "2.00",
                          "bike_hours": "0.00", "target_hours": "6.0", "event_officer_hours": "0.00"}
    assert all(row["week"] <= "2025-03-10" for row in rows)


def test_another_agencys_patrols_are_not_shown(client, agency, other_agency, clock):
    beta = Officer.objects.get(agency=other_agency, badge_number="101")
    beta_north = Neighbourhood.objects.get(agency=other_agency, slug="beta-north-end")
    ended = clock.now - timedelta(hours=30)
    beta_patrol = Patrol.objects.create(agency=other_agency, officer=beta, mode="foot",
                                        started_at=ended - timedelta(hours=5), ended_at=ended, logged_at=ended)
    beta_patrol.neighbourhoods.set([beta_north])
    body = client.get("/visibility/", {"week": "2025-03-17"}).content.decode()
    assert "Beta North End" not in body and "5.0" not in body
    assert client.get("/visibility/", {"week": "2025-03-17"}, HTTP_HOST="beta.test").content.decode().count(
        ">5.0</td>") >= 1
