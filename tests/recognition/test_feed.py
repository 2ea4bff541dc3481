"""The stories feed is valid Atom, in the language of its address, with published stories only."""

import feedparser
from django.urls import reverse

from commonbeat.accounts.roles import Role
from commonbeat.recognition import services


def test_the_feed_parses_as_atom_with_published_stories(agency, cast, client):
    staff = cast[Role.ENGAGEMENT_STAFF]
    services.write_story(staff, agency, title={"en": "Basketball at the court", "es": "Baloncesto en la cancha"},
                         body={"en": "Friday games.", "es": "Partidos los viernes."})
    services.write_story(staff, agency, title={"en": "Draft waiting"}, body={"en": "Not yet."}, publish=False)
    response = client.get(reverse("recognition:story_feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Basketball at the court"]
    assert feed.entries[0].link.endswith("/stories/basketball-at-the-court/")
    assert "Friday games." in feed.entries[0].summary
    assert feed.feed.language == "en"


def test_the_spanish_feed_is_in_spanish(agency, cast, client):
    services.write_story(cast[Role.ENGAGEMENT_STAFF], agency,
                         title={"en": "Basketball at the court", "es": "Baloncesto en la cancha"},
                         body={"en": "Friday games.", "es": "Partidos los viernes."})
    feed = feedparser.parse(client.get("/es" + reverse("recognition:story_feed")).content)
    assert not feed.bozo and feed.feed.language == "es"
    assert feed.entries[0].title == "Baloncesto en la cancha"
    assert "/es/stories/" in feed.entries[0].link


def test_the_feed_holds_only_this_agencys_stories(agency, other_agency, other_admin, client):
    services.write_story(other_admin, other_agency, title={"en": "Beta story"}, body={"en": "Beta."})
    feed = feedparser.parse(client.get(reverse("recognition:story_feed")).content)
    assert feed.entries == []
