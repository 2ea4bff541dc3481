"""Residents find community events: the list with its filters, the month calendar, the map and one event's page."""

import re
import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core import geo
from commonbeat.core.models import Neighbourhood
from commonbeat.engagement import services
from commonbeat.engagement.models import Event

from ..factories import make_user

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NORTH = (-89.995, 40.005)  # inside Alpha North End
SOUTH = (-89.985, 40.005)  # inside Alpha South End


def make_event(agency, staff, title: str, *, starts=None, days: int = 3, kind: str = "community-meeting",
               point=NORTH, capacity=None, title_es: str = "", **more) -> Event:
    starts = starts or timezone.now() + timedelta(days=days)
    details = services.EventDetails(
        kind=services.event_kinds(agency).get(slug=kind), title={"en": title, "es": title_es},
        starts_at=starts, ends_at=starts + timedelta(hours=2), address="1 Main St", organiser="Community Engagement",
        latitude=point[1] if point else None, longitude=point[0] if point else None, capacity=capacity, **more)
    return services.create_event(staff, agency, details)


def local(days: int, hour: int = 18):
    """`hour` o'clock in Chicago, `days` from today there."""
    today = timezone.localtime(timezone=CHICAGO).date()
    return datetime.combine(today + timedelta(days=days), time(hour), tzinfo=CHICAGO)


def page(response) -> str:
    return response.content.decode()


def visible(body: str) -> str:
    """The page's text as read, without tags."""
    return " ".join(re.sub(r"<[^>]+>", "", body).split())


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


def test_events_page_lists_upcoming_events_with_kind_place_neighbourhood_and_places_left(client, agency, staff):
    make_event(agency, staff, "Mill Creek forum", capacity=10, place_name="Mill Creek Library")
    make_event(agency, staff, "Last month's fair", days=-30, kind="fair")

    body = page(client.get("/events/"))

    assert "<h1>Community events</h1>" in body
    assert "Mill Creek forum" in body and "Last month&#x27;s fair" not in body
    assert "Community meeting or forum" in body
    assert "Mill Creek Library, 1 Main St" in body
    assert "Alpha North End" in body
    assert "10 places left" in body
    assert "1 event from" in body


def test_events_say_when_they_are_full_or_cancelled(client, agency, staff):
    full = make_event(agency, staff, "Coffee with officers", capacity=1, kind="coffee-with-officers")
    services.rsvp(agency, full, name="Ana")
    cancelled = make_event(agency, staff, "Block party", kind="block-party")
    services.cancel_event(staff, cancelled)

    body = page(client.get("/events/"))

    assert "Full — waiting list open" in body
    assert re.search(r"Block party</a>.*?Cancelled", body, re.S)


def test_the_list_shows_times_in_the_agency_time_zone(client, agency, staff):
    make_event(agency, staff, "Evening forum", starts=local(5, 18))

    body = page(client.get("/events/"))

    assert re.search(r"6 p\.m\.–8 p\.m\. C[SD]T", visible(body))
    assert re.search(r'<abbr title="America/Chicago">C[SD]T</abbr>', body)


def test_events_are_filtered_by_neighbourhood_kind_and_dates(client, agency, staff):
    make_event(agency, staff, "North forum", point=NORTH)
    make_event(agency, staff, "South forum", point=SOUTH)
    make_event(agency, staff, "South fair", point=SOUTH, kind="fair")
    make_event(agency, staff, "Far-off workshop", point=SOUTH, kind="safety-workshop", days=60)

    south = page(client.get("/events/?neighbourhood=alpha-south-end"))
    fairs = page(client.get("/events/?kind=fair"))
    dated = page(client.get("/events/", {"from_date": local(50).date().isoformat(),
                                         "to_date": local(70).date().isoformat()}))

    assert "South forum" in south and "South fair" in south and "North forum" not in south
    assert "South fair" in fairs and "South forum" not in fairs
    assert "Far-off workshop" in dated and "North forum" not in dated
    assert '<option value="alpha-south-end" selected>Alpha South End</option>' in south


def test_a_wrong_date_is_explained_and_what_was_typed_is_kept(client, agency, staff):
    make_event(agency, staff, "Mill Creek forum")

    response = client.get("/events/", {"from_date": "31/31/2026", "kind": "community-meeting"})

    body = page(response)
    assert response.status_code == 200
    assert "Enter the date as year-month-day, for example 2026-03-14." in body
    assert 'value="31/31/2026"' in body
    assert 'aria-describedby="id_from_date-hint id_from_date-error"' in body
    assert "Mill Creek forum" in body  # the valid filters still apply


def test_an_end_before_the_start_is_refused(client, agency):
    body = page(client.get("/events/", {"from_date": "2026-05-10", "to_date": "2026-05-01"}))

    assert "The end date must be on or after the start date." in body
    assert 'value="2026-05-01"' in body


def test_links_to_the_calendar_and_map_keep_the_filters(client, agency):
    body = page(client.get("/events/", {"neighbourhood": "alpha-north-end", "kind": "fair", "from_date": "2031-05-10"}))

    assert 'href="/events/map/?neighbourhood=alpha-north-end&amp;kind=fair&amp;from_date=2031-05-10"' in body
    assert 'href="/events/calendar/?neighbourhood=alpha-north-end&amp;kind=fair&amp;month=2031-05"' in body


def test_the_events_page_offers_the_calendar_feeds(client, agency):
    body = page(client.get("/events/"))

    assert 'href="webcal://alpha.test/events/feed.ics"' in body
    assert 'href="/events/feeds/"' in body


def test_residents_find_events_from_the_navigation(client, agency):
    body = page(client.get("/"))

    assert '<a class="usa-nav-link" href="/events/"><span>Events</span></a>' in body
    footer = body[body.index('<nav class="usa-footer__nav"'):]
    assert 'href="/problem-solving/"><span>Problem-solving</span></a>' in footer
    take_part = page(client.get("/take-part/"))
    assert '<a href="/events/">Community events</a>' in take_part
    assert '<a href="/problem-solving/">Problem-solving projects</a>' in take_part


def test_the_list_and_an_event_read_in_spanish(client, agency, staff):
    event = make_event(agency, staff, "Mill Creek forum", title_es="Foro de Mill Creek", starts=local(5, 18))

    listing = page(client.get("/es/events/"))
    detail = page(client.get(f"/es/events/{event.pk}/"))

    assert '<html lang="es"' in listing
    assert "Foro de Mill Creek" in listing and "Mill Creek forum" not in listing
    assert "Reunión o foro comunitario" in listing
    assert "Barrio" in listing  # the neighbourhood filter's label
    assert f'href="/es/events/{event.pk}/"' in listing
    assert "<h1>Foro de Mill Creek</h1>" in detail
    assert "18:00–20:00" in visible(detail)  # the Spanish way of writing times


def test_an_event_page_gives_the_details_a_resident_needs(client, agency, staff):
    event = make_event(agency, staff, "Mill Creek forum", starts=local(5, 18), capacity=30,
                       description={"en": "Talk with the officers who patrol your streets."},
                       accessibility_notes={"en": "Step-free entrance on Oak Street."},
                       language_notes={"en": "English and Spanish"}, place_name="Mill Creek Library",
                       partner_organisations="Mill Creek Neighbours\nAlpha Youth League")

    response = client.get(f"/events/{event.pk}/")

    body = page(response)
    assert "<h1>Mill Creek forum</h1>" in body
    assert "Talk with the officers who patrol your streets." in body
    assert "6 p.m.–8 p.m." in visible(body) and "Local time in America/Chicago" in body
    assert "Mill Creek Library<br>1 Main St" in body
    assert "Alpha North End" in body
    assert "Step-free entrance on Oak Street." in body
    assert "English and Spanish" in body
    assert "Community Engagement" in body
    assert "<li>Mill Creek Neighbours</li><li>Alpha Youth League</li>" in body
    assert "30 places; 30 left" in body
    assert f'href="/events/{event.pk}.ics"' in body
    assert 'name="party_size"' in body and 'type="hidden" name="submission_token"' in body
    assert "Only to send your confirmation and a reminder the day before." in body
    assert response["Cache-Control"] == "no-store"  # the form's one-time token is for this resident only


def test_after_the_event_residents_are_asked_how_it_went(client, agency, staff):
    event = make_event(agency, staff, "Mill Creek forum", days=-2)
    Event.objects.filter(pk=event.pk).update(feedback_survey_slug=f"event-{event.pk}-feedback")

    body = page(client.get(f"/events/{event.pk}/"))

    assert "Were you there? Tell us how it went" in body
    assert f'href="/s/event-{event.pk}-feedback/"' in body
    assert "Replies are closed because this event has taken place." in body


def test_an_event_shows_the_public_projects_its_concerns_became(client, agency, staff, cast):
    event = make_event(agency, staff, "Mill Creek forum", days=-2)
    officer = cast[Role.OFFICER]
    concern = services.record_concern(officer, event, "Speeding on Oak Street")
    hidden = services.record_concern(officer, event, "Something internal")
    services.open_problem(officer, agency, services.ProblemDetails(title={"en": "Slow traffic on Oak Street"}),
                          concerns=[concern])
    services.open_problem(officer, agency, services.ProblemDetails(title={"en": "Private project"}, is_public=False),
                          concerns=[hidden])

    body = page(client.get(f"/events/{event.pk}/"))

    assert "Concerns raised here" in body
    assert "Slow traffic on Oak Street" in body
    assert "Private project" not in body and "Something internal" not in body


def test_another_agency_event_is_not_found_on_alphas_site(client, agency, other_agency):
    beta_staff = make_user(other_agency, Role.ENGAGEMENT_STAFF, "beta_staff")
    theirs = make_event(other_agency, beta_staff, "Beta forum", point=(-79.995, 40.005))

    assert client.get(f"/events/{theirs.pk}/", HTTP_HOST="alpha.test").status_code == 404
    assert client.get(f"/events/{theirs.pk}.ics", HTTP_HOST="alpha.test").status_code == 404
    assert "Beta forum" not in page(client.get("/events/", HTTP_HOST="alpha.test"))
    assert "Beta forum" in page(client.get("/events/", HTTP_HOST="beta.test"))
    assert "Beta forum" not in page(client.get("/events/map/", HTTP_HOST="alpha.test"))


# ---------------------------------------------------------------- the month calendar

def test_the_calendar_shows_the_month_as_a_table_with_each_event_on_its_day(client, agency, staff):
    when = local(40, 18)
    event = make_event(agency, staff, "Autumn forum", starts=when)

    body = page(client.get("/events/calendar/", {"month": when.strftime("%Y-%m")}))

    assert f"<h1>Events in {when.strftime('%B %Y')}</h1>" in body
    assert '<th scope="col"><abbr title="Sunday">Sun</abbr></th>' in body
    day_cell = re.search(rf'<span class="event-calendar__number">{when.day}\b.*?</td>', body, re.S).group(0)
    assert f'href="/events/{event.pk}/"' in day_cell and "Autumn forum" in day_cell
    assert "1 event" in body


def test_the_calendar_moves_by_month_and_keeps_the_filters(client, agency):
    body = page(client.get("/events/calendar/", {"month": "2031-01", "neighbourhood": "alpha-north-end"}))

    assert 'href="/events/calendar/?neighbourhood=alpha-north-end&amp;month=2030-12"' in body
    assert 'href="/events/calendar/?neighbourhood=alpha-north-end&amp;month=2031-02"' in body
    assert '<input type="hidden" name="month" value="2031-01">' in body


def test_a_wrong_month_is_explained(client, agency):
    body = page(client.get("/events/calendar/", {"month": "January"}))

    assert "Enter the month as year-month, for example 2026-03. Showing this month." in body
    assert "<code>January</code>" in body


def test_the_calendar_starts_weeks_on_monday_in_spanish(client, agency):
    body = page(client.get("/es/events/calendar/", {"month": "2031-01"}))

    headers = re.findall(r'<th scope="col"><abbr title="([^"]+)">', body)
    assert headers[0].lower() == "lunes" and len(headers) == 7
    assert "enero" in body.lower()


# ---------------------------------------------------------------- the map

def test_the_map_draws_each_event_as_a_link_and_lists_them_by_neighbourhood(client, agency, staff):
    north = make_event(agency, staff, "North forum", point=NORTH)
    south = make_event(agency, staff, "South fair", point=SOUTH, kind="fair")
    online = make_event(agency, staff, "Online meeting", point=None)

    body = page(client.get("/events/map/"))

    neighbourhoods = list(Neighbourhood.objects.filter(agency=agency).order_by("name"))
    x_y = geo.svg_points(neighbourhoods, [NORTH])[0]
    assert re.search(rf'<a href="/events/{north.pk}/" class="event-point"><title>North forum, [^<]+</title>'
                     rf'<circle cx="{x_y["x"]}" cy="{x_y["y"]}"', body)
    assert f'<a href="/events/{south.pk}/" class="event-point"><title>South fair' in body
    table = body[body.index("The events on the map, by neighbourhood"):body.index('id="no-point-heading"')]
    assert table.index("Alpha North End") < table.index("North forum") < table.index("Alpha South End") \
        < table.index("South fair")
    no_point = body[body.index('id="no-point-heading"'):]
    assert f'href="/events/{online.pk}/"' in no_point and "Online meeting" not in table


def test_points_land_where_the_neighbourhood_map_puts_them(agency):
    neighbourhoods = list(Neighbourhood.objects.filter(agency=agency).order_by("name"))
    drawing = geo.svg_paths(neighbourhoods)

    corner, far_corner, outside, missing = geo.svg_points(
        neighbourhoods, [(-90.0, 40.01), (-89.98, 40.0), (-70.0, 40.0), (None, None)])

    assert corner == {"x": "0.0", "y": "0.0"}
    assert (round(float(far_corner["x"])), round(float(far_corner["y"]))) == (drawing["width"], drawing["height"])
    assert outside is None and missing is None
    assert geo.svg_points([], [(-90.0, 40.0)]) == [None]
