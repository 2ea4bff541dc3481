"""Events as iCalendar: the feeds calendar apps subscribe to (all, per neighbourhood, per kind) and one event's file.

"Now" is fixed at 1 October 2026, so the two evenings either side of the end of daylight saving time in Chicago
(1 November 2026) are ahead whatever day the tests run.
"""

import zoneinfo
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.boards import services as boards
from commonbeat.engagement import services
from commonbeat.engagement.models import Event

from ..factories import make_user

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
NORTH = (-89.995, 40.005)
SOUTH = (-89.985, 40.005)


@pytest.fixture(autouse=True)
def early_october(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


def make_event(agency, staff, title: str, starts: datetime, *, kind: str = "community-meeting", point=NORTH,
               title_es: str = "") -> Event:
    return services.create_event(staff, agency, services.EventDetails(
        kind=services.event_kinds(agency).get(slug=kind), title={"en": title, "es": title_es}, starts_at=starts,
        ends_at=starts + timedelta(hours=2), address="1 Main St", organiser="Community Engagement",
        latitude=point[1], longitude=point[0]))


@pytest.fixture
def evenings(agency, staff):
    """Two 6 pm forums in Chicago: one before the clocks go back, one after; and a fair in the other neighbourhood."""
    before = make_event(agency, staff, "Forum before the change", datetime(2026, 10, 30, 18, 0, tzinfo=CHICAGO),
                        title_es="Foro antes del cambio")
    after = make_event(agency, staff, "Forum after the change", datetime(2026, 11, 6, 18, 0, tzinfo=CHICAGO))
    fair = make_event(agency, staff, "South fair", datetime(2026, 10, 17, 11, 0, tzinfo=CHICAGO), kind="fair",
                      point=SOUTH)
    return before, after, fair


def parse(response) -> icalendar.Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def summaries(calendar: icalendar.Calendar) -> list[str]:
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def by_summary(calendar: icalendar.Calendar, summary: str):
    return next(event for event in calendar.walk("VEVENT") if str(event["SUMMARY"]) == summary)


def test_the_agency_feed_carries_every_event_in_the_agency_time_zone(client, agency, evenings):
    response = client.get("/events/feed.ics")

    calendar = parse(response)
    assert summaries(calendar) == ["South fair", "Forum before the change", "Forum after the change"]
    assert str(calendar["X-WR-CALNAME"]) == "Alpha Police Department events"
    assert response["Cache-Control"] == "public, max-age=900"
    assert b"DTSTART;TZID=America/Chicago:20261030T180000" in response.content
    assert b"DTSTART;TZID=America/Chicago:20261106T180000" in response.content
    assert [component["TZID"] for component in calendar.walk("VTIMEZONE")] == ["America/Chicago"]


def test_six_pm_stays_six_pm_on_both_sides_of_the_daylight_saving_change(client, agency, evenings):
    calendar = parse(client.get("/events/feed.ics"))

    before = by_summary(calendar, "Forum before the change")["DTSTART"]
    after = by_summary(calendar, "Forum after the change")["DTSTART"]

    assert before.params["TZID"] == after.params["TZID"] == "America/Chicago"
    assert (before.dt.hour, before.dt.minute) == (after.dt.hour, after.dt.minute) == (18, 0)
    assert before.dt.astimezone(UTC).hour == 23  # 6 pm CDT is 11 pm UTC
    assert after.dt.astimezone(UTC).hour == 0  # 6 pm CST is midnight UTC
    assert before.dt.utcoffset() - after.dt.utcoffset() == timedelta(hours=1)
    # A week apart by the clock on the wall, a week and an hour apart in time.
    assert after.dt.astimezone(UTC) - before.dt.astimezone(UTC) == timedelta(days=7, hours=1)


def test_a_neighbourhood_feed_carries_only_that_neighbourhoods_events(client, agency, evenings):
    response = client.get("/events/feed/neighbourhood/alpha-south-end.ics")

    calendar = parse(response)
    assert summaries(calendar) == ["South fair"]
    assert str(calendar["X-WR-CALNAME"]) == "Alpha Police Department — Alpha South End events"
    assert response["Cache-Control"] == "public, max-age=900"


def test_a_kind_feed_carries_only_that_kind_of_event(client, agency, evenings):
    calendar = parse(client.get("/events/feed/kind/community-meeting.ics"))

    assert summaries(calendar) == ["Forum before the change", "Forum after the change"]
    assert str(calendar["X-WR-CALNAME"]) == "Alpha Police Department — Community meeting or forum events"


def test_unknown_neighbourhoods_and_kinds_have_no_feed(client, agency):
    assert client.get("/events/feed/neighbourhood/atlantis.ics").status_code == 404
    assert client.get("/events/feed/kind/rave.ics").status_code == 404


def test_a_cancelled_event_stays_in_the_feed_marked_cancelled(client, agency, staff, evenings):
    before, after, _fair = evenings
    services.cancel_event(staff, after)

    calendar = parse(client.get("/events/feed.ics"))

    assert str(by_summary(calendar, "Forum after the change")["STATUS"]) == "CANCELLED"
    assert str(by_summary(calendar, "Forum before the change")["STATUS"]) == "CONFIRMED"


def test_the_spanish_feed_is_in_spanish(client, agency, evenings):
    calendar = parse(client.get("/es/events/feed.ics"))

    assert "Foro antes del cambio" in summaries(calendar)
    assert "Departamento de Policía de Alpha" in str(calendar["X-WR-CALNAME"])
    assert "/es/events/" in str(by_summary(calendar, "Foro antes del cambio")["URL"])


def test_another_agencys_events_stay_out_of_the_feeds(client, agency, other_agency, evenings):
    beta_staff = make_user(other_agency, Role.ENGAGEMENT_STAFF, "beta_staff")
    make_event(other_agency, beta_staff, "Beta forum", datetime(2026, 10, 20, 18, 0, tzinfo=CHICAGO),
               point=(-79.995, 40.005))

    alpha = parse(client.get("/events/feed.ics", HTTP_HOST="alpha.test"))
    beta = parse(client.get("/events/feed.ics", HTTP_HOST="beta.test"))

    assert "Beta forum" not in summaries(alpha)
    assert summaries(beta) == ["Beta forum"]
    assert client.get("/events/feed/neighbourhood/beta-north-end.ics", HTTP_HOST="alpha.test").status_code == 404


def test_one_event_downloads_as_an_ics_file(client, agency, evenings):
    before = evenings[0]

    response = client.get(f"/events/{before.pk}.ics")

    calendar = parse(response)
    assert response["Content-Disposition"] == f'attachment; filename="event-{before.pk}.ics"'
    assert summaries(calendar) == ["Forum before the change"]
    component = by_summary(calendar, "Forum before the change")
    assert component["DTSTART"].params["TZID"] == "America/Chicago"
    assert (component["DTSTART"].dt.hour, component["DTEND"].dt.hour) == (18, 20)
    assert str(component["URL"]) == f"https://alpha.test/events/{before.pk}/"


def test_the_feeds_page_gives_web_and_webcal_addresses_for_each_calendar(client, agency):
    body = client.get("/events/feeds/").content.decode()

    assert "<h1>Event calendars to subscribe to</h1>" in body
    assert 'href="webcal://alpha.test/events/feed.ics"' in body
    assert "https://alpha.test/events/feed.ics" in body
    assert 'href="webcal://alpha.test/events/feed/neighbourhood/alpha-north-end.ics"' in body
    assert "https://alpha.test/events/feed/kind/town-hall.ics" in body
    assert "Town hall" in body and "Alpha South End" in body


def test_the_agency_feed_carries_the_advisory_boards_published_meetings(client, agency, cast):
    board = boards.create_board(cast[Role.AGENCY_ADMIN], agency, boards.BoardDetails(
        slug="cab", name={"en": "Community Advisory Board"}, seat_count=7, term_months=24))
    starts = (timezone.now() + timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    meeting = boards.schedule_meeting(cast[Role.BOARD_MEMBER], board, boards.MeetingDetails(
        starts_at=starts, ends_at=starts + timedelta(hours=2), place="City Hall", agenda={"en": "1. Stop data"}))
    unpublished = icalendar.Calendar.from_ical(client.get("/events/feed.ics").content)
    assert not [c for c in unpublished.walk("VEVENT") if "Community Advisory Board" in str(c.get("summary"))]

    boards.publish_notice(cast[Role.BOARD_MEMBER], meeting)

    feed = icalendar.Calendar.from_ical(client.get("/events/feed.ics").content)
    summaries = [str(c.get("summary")) for c in feed.walk("VEVENT")]
    assert any("Community Advisory Board" in summary for summary in summaries)
