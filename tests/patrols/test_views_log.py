"""Logging a patrol from a phone: the form, the route (GPX file or drawn), and who may log for whom."""

import json
import zoneinfo
from datetime import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Officer
from commonbeat.patrols.models import Patrol, RouteSource

from ..factories import make_user, signed_in_client

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = datetime(2025, 3, 18, 15, 0, tzinfo=CHICAGO)  # a Tuesday afternoon
FIXTURE = Path(__file__).parent / "fixtures" / "morning_foot_patrol.gpx"
DRAWN = {"type": "LineString", "coordinates": [[-89.996, 40.005], [-89.992, 40.006], [-89.985, 40.004]]}
URL = "/console/patrols/new/"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def pat(agency, cast):
    """Officer Pat Alphason, signed in with the officer role."""
    officer = Officer.objects.get(agency=agency, badge_number="101")
    officer.user = cast[Role.OFFICER]
    officer.save()
    return officer


@pytest.fixture
def pat_client(pat, cast):
    return signed_in_client(cast[Role.OFFICER])


def form(**changes) -> dict:
    data = {"mode": "foot", "day": "2025-03-18", "start_time": "08:00", "end_time": "10:00",
            "positive_contacts": "7", "businesses_visited": "2", "schools_visited": "1",
            "notes": "Spoke with the shop owners on Main.", "submission_token": "0" * 32}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def gpx(content: bytes, name: str = "patrol.gpx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/gpx+xml")


def test_the_form_is_made_for_a_phone_and_works_without_script(pat_client):
    body = pat_client.get(URL).content.decode()
    assert "<h1>Log a patrol</h1>" in body
    assert 'name="mode" value="foot"' in body and 'name="mode" value="bike"' in body
    assert 'type="date"' in body and 'type="time"' in body
    assert "America/Chicago" in body
    assert 'accept=".gpx,application/gpx+xml"' in body
    assert 'type="button" class="usa-button usa-button--outline" id="route-undo">Undo last point</button>' in body
    assert 'id="route-clear">Clear</button>' in body
    assert 'name="route_geojson"' in body and "GeoJSON LineString" in body
    assert 'data-geojson="/neighbourhoods.geojson"' in body
    assert "vendor/leaflet/leaflet.js" in body and "patrols/route_draw.js" in body
    assert 'name="officer"' not in body  # an officer logs for themself
    assert "<script>" not in body


def test_officer_logs_a_patrol_drawn_on_the_map_and_its_neighbourhoods_come_from_the_route(pat_client, pat):
    response = pat_client.post(URL, form(route_geojson=json.dumps(DRAWN)), follow=True)
    patrol = Patrol.objects.get()
    assert patrol.officer == pat and patrol.mode == "foot" and patrol.route_source == RouteSource.DRAWN
    assert patrol.started_at == datetime(2025, 3, 18, 8, 0, tzinfo=CHICAGO)
    assert patrol.hours == 2
    assert sorted(n.slug for n in patrol.neighbourhoods.all()) == ["alpha-north-end", "alpha-south-end"]
    assert (patrol.positive_contacts, patrol.businesses_visited, patrol.schools_visited) == (7, 2, 1)
    assert patrol.notes == "Spoke with the shop owners on Main."
    assert response.redirect_chain == [("/console/patrols/", 302)]
    assert "Patrol logged: On foot, 2.0 hours in Alpha North End, Alpha South End." in response.content.decode()


def test_coordinates_typed_without_the_map_are_a_route_too(pat_client):
    pat_client.post(URL, form(route_geojson="[[-89.996, 40.005], [-89.994, 40.006]]"))
    patrol = Patrol.objects.get()
    assert [n.slug for n in patrol.neighbourhoods.all()] == ["alpha-north-end"]
    assert patrol.route == {"type": "MultiLineString", "coordinates": [[[-89.996, 40.005], [-89.994, 40.006]]]}


def test_officer_uploads_a_gpx_track_from_a_fitness_app(pat_client, pat):
    response = pat_client.post(URL, form(gpx_file=gpx(FIXTURE.read_bytes(), "Morning_Walk.gpx")))
    assert response.status_code == 302
    patrol = Patrol.objects.get()
    assert patrol.route_source == RouteSource.GPX
    assert patrol.route["type"] == "MultiLineString" and len(patrol.route["coordinates"][0]) == 40
    assert sorted(n.slug for n in patrol.neighbourhoods.all()) == ["alpha-north-end", "alpha-south-end"]


def test_ticked_neighbourhoods_are_used_when_there_is_no_route(pat_client, agency):
    north = agency.neighbourhood_set.get(slug="alpha-north-end")
    pat_client.post(URL, form(neighbourhoods=[str(north.pk)]))
    patrol = Patrol.objects.get()
    assert list(patrol.neighbourhoods.all()) == [north] and patrol.route is None


def test_a_patrol_without_route_or_neighbourhood_is_refused_beside_the_field(pat_client):
    body = pat_client.post(URL, form()).content.decode()
    assert "Tick the neighbourhoods the patrol covered, or add its route." in body
    assert 'href="#id_neighbourhoods"' in body and '<fieldset class="usa-fieldset" id="id_neighbourhoods"' in body
    assert not Patrol.objects.exists()


def test_an_end_time_before_the_start_means_the_patrol_went_past_midnight(pat_client):
    pat_client.post(URL, form(day="2025-03-16", start_time="22:30", end_time="01:00", route_geojson=json.dumps(DRAWN)))
    patrol = Patrol.objects.get()
    assert patrol.started_at == datetime(2025, 3, 16, 22, 30, tzinfo=CHICAGO)
    assert patrol.ended_at == datetime(2025, 3, 17, 1, 0, tzinfo=CHICAGO)
    assert patrol.hours == 2.5


def test_a_malformed_gpx_file_is_refused_with_a_readable_message_and_the_rest_is_kept(pat_client):
    response = pat_client.post(URL, form(gpx_file=gpx(b"<gpx><trk><trkseg><trkpt lat=")))
    body = response.content.decode()
    assert "This is not a GPX file we can read. Choose the file again, or draw the route on the map instead." in body
    assert "Choose the GPX file again" in body  # the file input cannot be kept
    assert "Spoke with the shop owners on Main." in body and 'value="08:00"' in body
    assert not Patrol.objects.exists()


def test_a_gpx_file_declaring_its_own_entities_is_refused(pat_client):
    hostile = (b'<?xml version="1.0"?>\n<!DOCTYPE gpx [<!ENTITY boom "boom">]>\n'
               b'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
               b'<trkpt lat="40.005" lon="-89.996"><name>&boom;</name></trkpt>'
               b'<trkpt lat="40.005" lon="-89.985"></trkpt></trkseg></trk></gpx>')
    body = pat_client.post(URL, form(gpx_file=gpx(hostile))).content.decode()
    assert "This GPX file cannot be read: it declares its own entities." in body
    assert not Patrol.objects.exists()


def test_a_route_given_both_ways_is_refused(pat_client):
    body = pat_client.post(URL, form(gpx_file=gpx(FIXTURE.read_bytes()), route_geojson=json.dumps(DRAWN))
                           ).content.decode()
    assert "Give the route one way: a GPX file or drawn on the map, not both." in body
    assert not Patrol.objects.exists()


def test_a_drawn_route_that_is_not_geojson_is_refused(pat_client):
    body = pat_client.post(URL, form(route_geojson="north along Main")).content.decode()
    assert "The route is not GeoJSON." in body
    assert "north along Main" in body
    assert not Patrol.objects.exists()


def test_the_service_refusal_is_shown_on_the_form_with_the_input_kept(pat_client):
    body = pat_client.post(URL, form(day="2025-03-18", start_time="16:00", end_time="17:00",
                                     route_geojson=json.dumps(DRAWN))).content.decode()
    assert "Log a patrol once it has ended; the end time is in the future." in body
    assert "-89.992" in body and 'value="16:00"' in body
    assert not Patrol.objects.exists()


def test_the_form_sent_twice_logs_the_patrol_once(pat_client):
    data = form(route_geojson=json.dumps(DRAWN))
    pat_client.post(URL, data)
    again = pat_client.post(URL, data, follow=True)
    assert Patrol.objects.count() == 1
    assert "This patrol was already logged" in again.content.decode()


def test_an_officer_cannot_log_a_patrol_for_another_officer(pat_client, pat, agency):
    other = Officer.objects.create(agency=agency, badge_number="202", first_name="Lee", last_name="Other",
                                   rank="Officer", active_from=pat.active_from)
    pat_client.post(URL, form(officer=str(other.pk), route_geojson=json.dumps(DRAWN)))
    assert list(Patrol.objects.values_list("officer", flat=True)) == [pat.pk]
    assert not other.patrols.exists()


def test_engagement_staff_log_for_any_officer(agency, cast, pat):
    client = signed_in_client(cast[Role.ENGAGEMENT_STAFF])
    assert 'name="officer"' in client.get(URL).content.decode()
    client.post(URL, form(officer=str(pat.pk), mode="bike", route_geojson=json.dumps(DRAWN)))
    patrol = Patrol.objects.get()
    assert patrol.officer == pat and patrol.mode == "bike" and patrol.logged_by == cast[Role.ENGAGEMENT_STAFF]


def test_engagement_staff_must_say_which_officer(agency, cast):
    client = signed_in_client(cast[Role.ENGAGEMENT_STAFF])
    body = client.post(URL, form(route_geojson=json.dumps(DRAWN))).content.decode()
    assert "Choose the officer who patrolled." in body
    assert not Patrol.objects.exists()


def test_an_officer_whose_account_is_not_linked_is_told_why_they_cannot_log(cast):
    client = signed_in_client(cast[Role.OFFICER])
    body = client.get(URL).content.decode()
    assert "Your account is not linked to an officer" in body and 'name="mode"' not in body
    client.post(URL, form(route_geojson=json.dumps(DRAWN)))
    assert not Patrol.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, agency):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")
    assert client.post(URL, form(route_geojson=json.dumps(DRAWN))).status_code == 302
    assert not Patrol.objects.exists()


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER, Role.BOARD_MEMBER])
def test_roles_that_do_not_patrol_cannot_log(cast, role):
    client = signed_in_client(cast[role])
    assert client.get(URL).status_code == 403
    assert client.post(URL, form(route_geojson=json.dumps(DRAWN))).status_code == 403
    assert not Patrol.objects.exists()


def test_another_agency_officer_cannot_log_here(other_agency):
    beta_officer = make_user(other_agency, Role.OFFICER, "beta_officer")
    Officer.objects.filter(agency=other_agency).update(user=beta_officer)
    client = signed_in_client(beta_officer)  # on Alpha's host
    assert client.post(URL, form(route_geojson=json.dumps(DRAWN))).status_code == 403
    assert not Patrol.objects.exists()
