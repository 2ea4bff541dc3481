"""The list of patrols and a patrol's own page: officers see their own, patrol managers see everyone's."""

import zoneinfo
from datetime import date, timedelta

import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.patrols import services
from commonbeat.patrols.models import Patrol

from ..factories import signed_in_client

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
ROUTE = {"type": "LineString", "coordinates": [[-89.996, 40.005], [-89.992, 40.006], [-89.985, 40.004]]}


def log(agency, actor, officer, started_at, *, mode="foot", route=None, neighbourhoods=()) -> Patrol:
    details = services.PatrolDetails(officer=officer, mode=mode, started_at=started_at,
                                     ended_at=started_at + timedelta(hours=2), neighbourhoods=list(neighbourhoods),
                                     route=services.route_from_geojson(route) if route else None,
                                     route_source="drawn" if route else "", positive_contacts=4)
    return services.log_patrol(actor, agency, details)


@pytest.fixture
def world(agency, cast):
    pat = Officer.objects.get(agency=agency, badge_number="101")
    pat.user = cast[Role.OFFICER]
    pat.save()
    lee = Officer.objects.create(agency=agency, badge_number="202", first_name="Lee", last_name="Other",
                                 rank="Officer", active_from=date(2020, 1, 1))
    staff = cast[Role.ENGAGEMENT_STAFF]
    north = Neighbourhood.objects.get(agency=agency, slug="alpha-north-end")
    south = Neighbourhood.objects.get(agency=agency, slug="alpha-south-end")
    day = timezone.now().astimezone(CHICAGO).replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(days=3)
    return {
        "pat": pat, "lee": lee, "north": north, "south": south,
        "pat_walk": log(agency, staff, pat, day, route=ROUTE),
        "pat_ride": log(agency, staff, pat, day - timedelta(days=7), mode="bike", neighbourhoods=[south]),
        "lee_walk": log(agency, staff, lee, day - timedelta(days=1), neighbourhoods=[north]),
    }


def test_an_officer_sees_only_their_own_patrols_newest_first(world, cast):
    body = signed_in_client(cast[Role.OFFICER]).get("/console/patrols/").content.decode()
    assert "<h1>My patrols</h1>" in body
    assert "2 patrols" in body
    newest, older = world["pat_walk"].pk, world["pat_ride"].pk
    assert body.index(f"/console/patrols/{newest}/") < body.index(f"/console/patrols/{older}/")
    assert f'/console/patrols/{world["lee_walk"].pk}/' not in body
    assert "Alpha North End, Alpha South End" in body and "By bike" in body
    assert 'name="officer"' not in body  # no filters: there is only their own


def test_patrol_managers_see_every_patrol_and_filter_them(world, cast):
    client = signed_in_client(cast[Role.ENGAGEMENT_STAFF])
    body = client.get("/console/patrols/").content.decode()
    assert "3 patrols" in body and "Lee Other" in body
    body = client.get("/console/patrols/", {"officer": world["lee"].pk}).content.decode()
    assert "1 patrol" in body and f'/console/patrols/{world["lee_walk"].pk}/' in body
    body = client.get("/console/patrols/", {"mode": "bike"}).content.decode()
    assert "1 patrol" in body and f'/console/patrols/{world["pat_ride"].pk}/' in body
    body = client.get("/console/patrols/", {"neighbourhood": world["south"].pk}).content.decode()
    assert "2 patrols" in body
    first = world["pat_walk"].started_at.astimezone(CHICAGO).date()
    body = client.get("/console/patrols/", {"first_day": first.isoformat(), "last_day": first.isoformat()}
                      ).content.decode()
    assert "1 patrol" in body and f'/console/patrols/{world["pat_walk"].pk}/' in body


def test_a_patrols_page_shows_the_details_and_the_route_drawn_as_svg(world, cast):
    patrol = world["pat_walk"]
    body = signed_in_client(cast[Role.OFFICER]).get(f"/console/patrols/{patrol.pk}/").content.decode()
    assert "On foot," in body and "2.0 hours" in body
    assert "<polyline" in body and 'role="img"' in body
    assert "<title>Alpha North End</title>" in body and "<title>Alpha South End</title>" in body
    assert "The route in figures" in body and "40.005, -89.996" in body  # the start, in the table beside it
    assert "Drawn on the map" in body


def test_a_patrol_without_a_route_says_so(world, cast):
    body = signed_in_client(cast[Role.OFFICER]).get(f"/console/patrols/{world['pat_ride'].pk}/").content.decode()
    assert "No route was added to this patrol." in body and "<polyline" not in body


def test_an_officer_cannot_see_another_officers_patrol(world, cast):
    response = signed_in_client(cast[Role.OFFICER]).get(f"/console/patrols/{world['lee_walk'].pk}/")
    assert response.status_code == 404


def test_an_officer_without_a_linked_record_is_told_so(agency, cast):
    body = signed_in_client(cast[Role.OFFICER]).get("/console/patrols/").content.decode()
    assert "Your account is not linked to an officer" in body


def test_patrol_managers_open_any_patrol(world, cast):
    body = signed_in_client(cast[Role.ENGAGEMENT_STAFF]).get(f"/console/patrols/{world['lee_walk'].pk}/")
    assert "Lee Other" in body.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in ["/console/patrols/", f"/console/patrols/{world['pat_walk'].pk}/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER, Role.TRAINING_COORDINATOR])
def test_roles_that_do_not_patrol_cannot_see_patrols(world, cast, role):
    client = signed_in_client(cast[role])
    assert client.get("/console/patrols/").status_code == 403
    assert client.get(f"/console/patrols/{world['pat_walk'].pk}/").status_code == 403


def test_another_agencys_patrol_is_not_found(world, other_agency, cast):
    beta_officer = Officer.objects.get(agency=other_agency, badge_number="101")
    beta_patrol = Patrol.objects.create(
        agency=other_agency, officer=beta_officer, mode="foot", started_at=world["pat_walk"].started_at,
        ended_at=world["pat_walk"].ended_at, logged_at=timezone.now())
    client = signed_in_client(cast[Role.AGENCY_ADMIN])
    assert client.get(f"/console/patrols/{beta_patrol.pk}/").status_code == 404
    assert f"/console/patrols/{beta_patrol.pk}/" not in client.get("/console/patrols/").content.decode()


def test_the_pages_are_not_kept_by_caches(world, cast):
    response = signed_in_client(cast[Role.OFFICER]).get(f"/console/patrols/{world['pat_walk'].pk}/")
    assert "no-store" in response["Cache-Control"]


def test_times_are_shown_in_the_agency_time_zone(world, cast):
    patrol = world["pat_walk"]
    assert patrol.started_at.astimezone(CHICAGO).hour == 8
    body = signed_in_client(cast[Role.OFFICER]).get("/console/patrols/").content.decode()
    assert "08:00–10:00" in body
