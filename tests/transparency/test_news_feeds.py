"""Atom feeds (RFC 4287) of the agency's updates, all and per kind, in the reader's language; public meeting
notices in the events iCalendar feed and as a single .ics file."""

from datetime import timedelta
from html import unescape

import feedparser
import icalendar
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.transparency.models import Update, UpdateKind
from commonbeat.transparency.services import news as services

from ..factories import make_user
from .test_news_public import make_update


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_the_agency_feed_carries_every_published_update(agency, client):
    actor = make_user(agency, Role.ENGAGEMENT_STAFF, "writer")
    news = make_update(agency, actor, title="Coat drive", summary="Bring coats <please> & scarves.")
    alert = make_update(agency, actor, kind=UpdateKind.SAFETY, title="Break-ins")
    make_update(agency, actor, title="Still a draft", publish=False)
    feed = parse(client.get("/news/feed.atom"))
    assert feed.version == "atom10"
    assert feed.feed.title == "Alpha Police Department: news and notices"
    assert feed.feed.link == "https://alpha.test/news/"
    assert feed.feed.language == "en"
    assert [entry.title for entry in feed.entries] == ["Break-ins", "Coat drive"]
    entry = feed.entries[1]
    assert entry.link == f"https://alpha.test/news/{news.slug}/"
    # The summary is HTML, escaped so that a reader shows exactly what was typed.
    assert entry.summary == "Bring coats &lt;please&gt; &amp; scarves."
    assert unescape(entry.summary) == "Bring coats <please> & scarves."
    assert entry.id == f"tag:alpha.test,{agency.created_at:%Y-%m-%d}:update-{news.pk}"
    assert entry.updated_parsed is not None and entry.published_parsed is not None
    assert feed.entries[0].id.endswith(f":update-{alert.pk}")


def test_entry_ids_stay_the_same_when_an_update_is_edited_or_read_in_spanish(agency, client):
    update = make_update(agency, title="Coat drive", title_es="Colecta de abrigos", summary_es="Traiga abrigos.")
    before = parse(client.get("/news/feed.atom")).entries[0]
    admin = make_user(agency, Role.AGENCY_ADMIN, "boss")
    services.edit_update(admin, update, services.UpdateDetails(
        kind=UpdateKind.NEWS, title={"en": "Winter coat drive"}, summary={"en": "Bring coats."},
        body={"en": "Bring coats."}))
    after = parse(client.get("/news/feed.atom")).entries[0]
    spanish = parse(client.get("/es/news/feed.atom")).entries[0]
    assert before.id == after.id == spanish.id
    assert after.title == "Winter coat drive"
    assert after.updated_parsed >= before.updated_parsed


def test_the_spanish_feed_is_in_spanish_with_spanish_links(agency, client):
    update = make_update(agency, title="Coat drive", title_es="Colecta de abrigos", summary_es="Traiga abrigos.")
    feed = parse(client.get("/es/news/feed.atom"))
    assert feed.feed.language == "es"
    assert feed.feed.title.startswith("Departamento de Policía de Alpha")
    entry = feed.entries[0]
    assert entry.title == "Colecta de abrigos" and entry.summary == "Traiga abrigos."
    assert entry.link == f"https://alpha.test/es/news/{update.slug}/"


def test_each_kind_has_its_own_feed(agency, client):
    actor = make_user(agency, Role.ENGAGEMENT_STAFF, "writer")
    make_update(agency, actor, title="Coat drive")
    make_update(agency, actor, kind=UpdateKind.SAFETY, title="Break-ins")
    make_update(agency, actor, kind=UpdateKind.MEETING, title="Budget hearing")
    for kind, title, name in [(UpdateKind.NEWS, "Coat drive", "News"),
                              (UpdateKind.SAFETY, "Break-ins", "Safety alerts"),
                              (UpdateKind.MEETING, "Budget hearing", "Public meeting notices")]:
        feed = parse(client.get(f"/news/{kind}/feed.atom"))
        assert [entry.title for entry in feed.entries] == [title]
        assert feed.feed.title == f"Alpha Police Department: {name}"
        assert feed.feed.link == f"https://alpha.test/news/?kind={kind}"
    assert client.get("/news/rumours/feed.atom").status_code == 404


def test_another_agencys_updates_never_appear_in_a_feed(agency, other_agency, client):
    make_update(agency, title="Alpha news")
    make_update(other_agency, title="Beta news")
    make_update(other_agency, kind=UpdateKind.SAFETY, title="Beta alert")
    for path in ["/news/feed.atom", "/news/safety-alert/feed.atom", "/es/news/feed.atom"]:
        feed = parse(client.get(path))
        assert all("Beta" not in entry.title for entry in feed.entries)
        assert "Beta" not in client.get(path).content.decode()
    beta = parse(client.get("/news/feed.atom", HTTP_HOST="beta.test"))
    assert {entry.title for entry in beta.entries} == {"Beta news", "Beta alert"}
    assert all(entry.link.startswith("https://beta.test/") for entry in beta.entries)


def _calendar(response) -> list:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return [component for component in icalendar.Calendar.from_ical(response.content).walk("VEVENT")]


def test_published_meeting_notices_are_in_the_events_calendar_feed(agency, other_agency, client):
    starts = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    meeting = make_update(agency, kind=UpdateKind.MEETING, title="Budget hearing", starts_at=starts,
                          ends_at=starts + timedelta(hours=2), place="Council Chambers")
    make_update(agency, kind=UpdateKind.MEETING, title="Draft hearing", publish=False)
    make_update(agency, title="Plain news")
    make_update(other_agency, kind=UpdateKind.MEETING, title="Beta hearing")
    events = {str(event["summary"]): event for event in _calendar(client.get("/events/feed.ics"))}
    assert "Budget hearing" in events
    assert not {"Draft hearing", "Plain news", "Beta hearing"} & set(events)
    entry = events["Budget hearing"]
    assert str(entry["uid"]) == f"meeting-notice-{meeting.pk}@alpha.test"
    assert entry.decoded("dtstart") == starts and str(entry["location"]) == "Council Chambers"
    assert str(entry["url"]) == f"https://alpha.test/news/{meeting.slug}/"
    assert entry.decoded("dtstart").tzinfo is not None and str(entry["dtstart"].params["TZID"]) == agency.timezone


def test_a_meeting_notice_can_be_downloaded_as_an_ics_file(agency, client):
    meeting = make_update(agency, kind=UpdateKind.MEETING, title="Budget hearing",
                          title_es="Audiencia del presupuesto")
    response = client.get(f"/news/{meeting.slug}/meeting.ics")
    assert 'attachment; filename="meeting-' in response["Content-Disposition"]
    (event,) = _calendar(response)
    assert str(event["summary"]) == "Budget hearing" and str(event["location"]) == "Central Library"
    (spanish,) = _calendar(client.get(f"/es/news/{meeting.slug}/meeting.ics"))
    assert str(spanish["summary"]) == "Audiencia del presupuesto"
    news = make_update(agency, title="Plain news")
    assert client.get(f"/news/{news.slug}/meeting.ics").status_code == 404


def test_an_unpublished_meeting_leaves_the_calendar(agency, client):
    meeting = make_update(agency, kind=UpdateKind.MEETING, title="Budget hearing")
    services.unpublish_update(make_user(agency, Role.AGENCY_ADMIN, "boss"), meeting)
    assert "Budget hearing" not in {str(event["summary"]) for event in _calendar(client.get("/events/feed.ics"))}
    assert client.get(f"/news/{meeting.slug}/meeting.ics").status_code == 404
    assert Update.objects.get().published_at is None
