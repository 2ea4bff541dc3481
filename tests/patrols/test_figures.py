"""Engagement figures by neighbourhood, unit and officer, on a small hand-made data set; the staff page and
its CSV; and the public figures, which count published patrols and public projects only."""

import csv
import io
import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood, Officer, Unit
from commonbeat.engagement import figures
from commonbeat.engagement import services as engagement
from commonbeat.engagement.models import Stage
from commonbeat.patrols import services as patrols

from ..factories import make_user, signed_in_client

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = datetime(2025, 3, 18, 14, 0, tzinfo=CHICAGO)
FIRST, LAST = date(2024, 3, 19), date(2025, 3, 18)  # the last 12 months
NORTH_POINT, SOUTH_POINT = (40.005, -89.995), (40.005, -89.985)
URL = "/console/engagement/figures/"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def event(agency, staff, starts_at, point=None, *, title="Forum"):
    latitude, longitude = point or (None, None)
    return engagement.create_event(staff, agency, engagement.EventDetails(
        kind=engagement.event_kinds(agency).get(slug="community-meeting"), title={"en": title},
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), address="1 Main St", organiser="Engagement",
        latitude=latitude, longitude=longitude))


def patrol(agency, staff, officer, ended_at, hours, neighbourhoods, mode="foot"):
    return patrols.log_patrol(staff, agency, patrols.PatrolDetails(
        officer=officer, mode=mode, started_at=ended_at - timedelta(hours=hours), ended_at=ended_at,
        neighbourhoods=neighbourhoods))


def problem(agency, staff, title, neighbourhood, owner, *, public=True, resolve=False):
    project = engagement.open_problem(staff, agency, engagement.ProblemDetails(
        title={"en": title}, neighbourhood=neighbourhood, owner=owner, is_public=public))
    if resolve:
        engagement.post_update(staff, project, {"en": "Assessed."}, stage=Stage.ASSESSMENT)
        engagement.close_problem(staff, project, resolved=True, outcome={"en": "The lights were fixed."})
    return project


@pytest.fixture
def world(agency, other_agency, cast):
    """Pat (Alpha Patrol), Kim (Community Engagement) and Ray (no unit), with events, patrols and projects."""
    staff = cast[Role.ENGAGEMENT_STAFF]
    north = Neighbourhood.objects.get(agency=agency, slug="alpha-north-end")
    south = Neighbourhood.objects.get(agency=agency, slug="alpha-south-end")
    pat = Officer.objects.get(agency=agency, badge_number="101")
    engagement_unit = Unit.objects.create(agency=agency, code="CE", name="Community Engagement")
    kim = Officer.objects.create(agency=agency, badge_number="301", first_name="Kim", last_name="Lopez",
                                 rank="Officer", unit=engagement_unit, active_from=date(2020, 1, 1))
    ray = Officer.objects.create(agency=agency, badge_number="401", first_name="Ray", last_name="Young",
                                 rank="Officer", active_from=date(2020, 1, 1))

    north_forum = event(agency, staff, datetime(2025, 2, 10, 18, 0, tzinfo=CHICAGO), NORTH_POINT)
    engagement.log_participation(staff, north_forum, pat, role="host", hours=Decimal(2))
    engagement.log_participation(staff, north_forum, kim, role="presenter", hours=Decimal(3))
    engagement.record_walk_ins(staff, north_forum, 20)

    south_walk = event(agency, staff, datetime(2025, 3, 1, 10, 0, tzinfo=CHICAGO), SOUTH_POINT)
    engagement.log_participation(staff, south_walk, kim, role="host", hours=Decimal("1.5"))
    engagement.record_walk_ins(staff, south_walk, 5)
    engagement.record_walk_ins(staff, south_walk, 7)

    online = event(agency, staff, datetime(2025, 1, 15, 19, 0, tzinfo=CHICAGO))  # no place on the map
    engagement.log_participation(staff, online, ray, role="facilitator", hours=Decimal(1))
    engagement.record_walk_ins(staff, online, 4)

    cancelled = event(agency, staff, datetime(2025, 2, 20, 18, 0, tzinfo=CHICAGO), NORTH_POINT)
    engagement.cancel_event(staff, cancelled)
    too_old = event(agency, staff, datetime(2024, 3, 1, 18, 0, tzinfo=CHICAGO), NORTH_POINT)
    engagement.log_participation(staff, too_old, pat, role="host", hours=Decimal(2))
    planned = event(agency, staff, datetime(2025, 3, 18, 19, 0, tzinfo=CHICAGO), NORTH_POINT)  # tonight

    patrol(agency, staff, pat, datetime(2025, 2, 11, 12, 0, tzinfo=CHICAGO), 2, [north, south])
    patrol(agency, staff, kim, NOW - timedelta(hours=2), 3, [north], mode="bike")  # not published yet

    problem(agency, staff, "Dark alley", north, pat, resolve=True)
    problem(agency, staff, "Speeding near the school", south, kim, public=False)
    problem(agency, staff, "Noise", None, ray)

    beta_staff = make_user(other_agency, Role.ENGAGEMENT_STAFF, "beta_staff")
    beta_event = event(other_agency, beta_staff, datetime(2025, 2, 10, 18, 0, tzinfo=CHICAGO), (40.005, -79.995),
                       title="Beta forum")
    engagement.record_walk_ins(beta_staff, beta_event, 99)
    return {"pat": pat, "kim": kim, "ray": ray, "planned": planned}


def as_tuples(rows) -> dict:
    return {row.key: (row.events, row.attendance, round(row.engagement_hours, 2), round(row.patrol_hours, 2),
                      row.problems_opened, row.problems_resolved) for row in rows}


def test_figures_by_neighbourhood(agency, world):
    rows = figures.figures(agency, FIRST, LAST, "neighbourhood")
    assert [row.label for row in rows] == ["Alpha North End", "Alpha South End", "No neighbourhood"]
    assert as_tuples(rows) == {
        "alpha-north-end": (1, 20, 5.0, 4.0, 1, 1),
        "alpha-south-end": (1, 12, 1.5, 1.0, 1, 0),
        "none": (1, 4, 1.0, 0.0, 1, 0),
    }


def test_figures_by_unit_count_an_event_for_every_unit_that_took_part(agency, world):
    rows = figures.figures(agency, FIRST, LAST, "unit")
    assert [row.label for row in rows] == ["Alpha Patrol", "Community Engagement", "No unit"]
    assert as_tuples(rows) == {
        "PAT": (1, 20, 2.0, 2.0, 1, 1),
        "CE": (2, 32, 4.5, 3.0, 1, 0),
        "none": (1, 4, 1.0, 0.0, 1, 0),
    }


def test_figures_by_officer(agency, world):
    rows = figures.figures(agency, FIRST, LAST, "officer")
    assert [row.label for row in rows] == ["Officer Pat Alphason (#101)", "Officer Kim Lopez (#301)",
                                           "Officer Ray Young (#401)"]
    assert as_tuples(rows) == {
        "101": (1, 20, 2.0, 2.0, 1, 1),
        "301": (2, 32, 4.5, 3.0, 1, 0),
        "401": (1, 4, 1.0, 0.0, 1, 0),
    }


def test_the_agency_total_counts_each_event_once(agency, world):
    assert as_tuples([figures.total(agency, FIRST, LAST)]) == {"all": (3, 36, 7.5, 5.0, 3, 1)}


def test_the_public_figures_count_published_patrols_and_public_projects_only(agency, world):
    rows = figures.figures(agency, FIRST, LAST, "neighbourhood", public=True)
    assert as_tuples(rows)["alpha-north-end"] == (1, 20, 5.0, 1.0, 1, 1)
    assert as_tuples(rows)["alpha-south-end"] == (1, 12, 1.5, 1.0, 0, 0)
    assert as_tuples([figures.total(agency, FIRST, LAST, public=True)]) == {"all": (3, 36, 7.5, 2.0, 2, 1)}


def test_a_shorter_period_counts_only_what_happened_in_it(agency, world):
    rows = figures.figures(agency, date(2025, 2, 1), date(2025, 2, 28), "neighbourhood")
    assert as_tuples(rows) == {"alpha-north-end": (1, 20, 5.0, 1.0, 0, 0), "alpha-south-end": (0, 0, 0.0, 1.0, 0, 0)}


def test_the_public_page_shows_the_neighbourhood_figures_of_the_last_12_months(client, world):
    body = client.get("/visibility/").content.decode()
    section = body[body.index('id="engagement-heading"'):body.index('id="method-heading"')]
    assert "Engagement over the last 12 months" in section
    north = section[section.index("<th scope=\"row\">Alpha North End</th>"):]
    north = north[:north.index("</tr>")]
    cells = [part.split("<")[0] for part in north.split('font-mono-xs">')[1:]]
    assert cells == ["1", "20", "5.0", "1.0", "1", "1"]  # Kim's bike patrol of 2 hours ago is not counted
    assert "Beta forum" not in body and ">99<" not in body


def test_staff_see_the_figures_by_neighbourhood_unit_or_officer(world, cast):
    client = signed_in_client(cast[Role.OVERSIGHT_REVIEWER])
    body = client.get(URL).content.decode()
    assert "<h1>Engagement figures</h1>" in body
    assert "By neighbourhood, March 19, 2024 to March 18, 2025" in body
    north = body[body.index("<th scope=\"row\">Alpha North End</th>"):]
    assert [part.split("<")[0] for part in north[:north.index("</tr>")].split('font-mono-xs">')[1:]] == [
        "1", "20", "5.0", "4.0", "1", "1"]  # staff count every patrol
    body = client.get(URL, {"group": "unit"}).content.decode()
    assert "<th scope=\"row\">Community Engagement</th>" in body and "No unit" in body
    body = client.get(URL, {"group": "officer", "first_day": "2025-03-01", "last_day": "2025-03-18"}
                      ).content.decode()
    assert "Officer Kim Lopez (#301)" in body and "Officer Ray Young (#401)" in body  # Ray's project, opened today
    assert "Officer Pat Alphason (#101)" in body  # Pat's project, resolved today
    assert "Beta" not in body


def test_a_wrong_period_is_shown_and_the_last_12_months_are_used(world, cast):
    body = signed_in_client(cast[Role.OFFICER]).get(URL, {"first_day": "2025-03-10", "last_day": "2025-03-01"}
                                                    ).content.decode()
    assert "The last day cannot be before the first." in body
    assert "By neighbourhood, March 19, 2024 to March 18, 2025" in body


def test_staff_download_the_figures_as_csv(world, cast):
    response = signed_in_client(cast[Role.ENGAGEMENT_STAFF]).get("/console/engagement/figures.csv",
                                                                 {"group": "unit"})
    assert response["Content-Disposition"] == (
        'attachment; filename="alpha-engagement-by-unit-2024-03-19-to-2025-03-18.csv"')
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["key"] for row in rows] == ["PAT", "CE", "none", "all"]
    assert rows[1] == {"group": "unit", "key": "CE", "name": "Community Engagement", "first_day": "2024-03-19",
                       "last_day": "2025-03-18", "events": "2", "attendance": "32",
                       "officer_engagement_hours": "4.50", "patrol_hours": "3.00", "problems_opened": "1",
                       "problems_resolved": "0"}


def test_the_page_links_the_csv_with_the_same_period(world, cast):
    body = signed_in_client(cast[Role.ENGAGEMENT_STAFF]).get(URL, {"group": "officer"}).content.decode()
    assert 'href="/console/engagement/figures.csv?group=officer"' in body


def test_anonymous_visitors_are_sent_to_sign_in(client, agency):
    for url in (URL, "/console/engagement/figures.csv"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.BOARD_MEMBER, Role.TRAINING_COORDINATOR,
                                  Role.CRISIS_COORDINATOR])
def test_roles_without_the_figures_are_refused(cast, role):
    client = signed_in_client(cast[role])
    assert client.get(URL).status_code == 403
    assert client.get("/console/engagement/figures.csv").status_code == 403


def test_another_agencys_staff_cannot_read_alphas_figures(world, other_agency):
    beta_staff = make_user(other_agency, Role.ENGAGEMENT_STAFF, "beta_reader")
    assert signed_in_client(beta_staff).get(URL).status_code == 403  # on Alpha's host
    body = signed_in_client(beta_staff, host="beta.test").get(URL).content.decode()
    assert "Alpha North End" not in body and "<th scope=\"row\">Beta North End</th>" in body
    assert ">99</td>" in body
