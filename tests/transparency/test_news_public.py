"""Residents read the agency's published updates on /news/ and on each update's page (in English and Spanish),
with safety alerts that are active highlighted; shares on social media show a card. Drafts are never public."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood
from commonbeat.transparency.models import Update, UpdateKind
from commonbeat.transparency.services import news as services
from commonbeat.transparency.services.news import UpdateDetails

from ..factories import make_user


def make_update(agency, actor=None, *, kind=UpdateKind.NEWS, title="Coffee with a cop", title_es=None,
                summary="Chat with officers at the café.", summary_es=None, publish=True, slug="", **extra):
    """An update written (and published, unless told otherwise) through the services."""
    actor = actor or make_user(agency, Role.ENGAGEMENT_STAFF, f"writer{Update.objects.count()}-{agency.slug}")
    texts = {"title": {"en": title}, "summary": {"en": summary}, "body": {"en": f"{summary}\n\nMore to read."}}
    if title_es:
        texts["title"]["es"] = title_es
        texts["body"]["es"] = f"{summary_es or title_es}\n\nMás para leer."
    if summary_es:
        texts["summary"]["es"] = summary_es
    if kind == UpdateKind.MEETING and "starts_at" not in extra:
        starts = timezone.now() + timedelta(days=7)
        extra = {"starts_at": starts, "ends_at": starts + timedelta(hours=2), "place": "Central Library", **extra}
    update = services.create_update(actor, agency, UpdateDetails(kind=kind, **texts, **extra), slug=slug)
    return services.publish_update(actor, update) if publish else update


def meta(page: str, key: str) -> str:
    """The content of the <meta property|name=key> tag of an HTML page."""
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', page)
    assert found, f"no {key} meta tag"
    return unescape(found.group(1))


def test_the_news_page_lists_published_updates_newest_first(agency, client):
    make_update(agency, title="Older news")
    make_update(agency, title="Newer news")
    page = client.get("/news/").content.decode()
    assert page.index("Newer news") < page.index("Older news")
    assert "2 updates." in page


def test_a_draft_is_never_public(agency, client):
    draft = make_update(agency, title="Secret draft", publish=False)
    assert "Secret draft" not in client.get("/news/").content.decode()
    assert client.get(f"/news/{draft.slug}/").status_code == 404
    assert client.get(f"/es/news/{draft.slug}/").status_code == 404


def test_an_unpublished_update_leaves_the_site(agency, client):
    update = make_update(agency, title="Withdrawn notice")
    assert client.get(f"/news/{update.slug}/").status_code == 200
    services.unpublish_update(make_user(agency, Role.AGENCY_ADMIN, "boss"), update)
    assert client.get(f"/news/{update.slug}/").status_code == 404
    assert "Withdrawn notice" not in client.get("/news/").content.decode()


def test_residents_filter_by_kind_and_neighbourhood(agency, client):
    north, south = Neighbourhood.objects.filter(agency=agency).order_by("name")
    make_update(agency, title="Coat drive", neighbourhood=north)
    make_update(agency, kind=UpdateKind.SAFETY, title="Break-ins north", neighbourhood=north)
    make_update(agency, kind=UpdateKind.SAFETY, title="Break-ins south", neighbourhood=south)
    by_kind = client.get("/news/", {"kind": UpdateKind.SAFETY}).content.decode()
    listed = by_kind.split("All updates")[1]
    assert "Break-ins north" in listed and "Break-ins south" in listed and "Coat drive" not in listed
    by_place = client.get("/news/", {"kind": UpdateKind.SAFETY, "neighbourhood": north.slug}).content.decode()
    listed = by_place.split("All updates")[1]
    assert "Break-ins north" in listed and "Break-ins south" not in listed
    assert "1 update." in listed


def test_the_list_is_paginated(agency, client):
    actor = make_user(agency, Role.ENGAGEMENT_STAFF, "writer")
    for number in range(23):
        make_update(agency, actor, title=f"News number {number}")
    first = client.get("/news/").content.decode()
    second = client.get("/news/", {"page": 2}).content.decode()
    assert "News number 22" in first and "News number 2<" not in first
    assert "News number 0<" in second and "Page 2 of 2" in second


def test_active_safety_alerts_are_highlighted_at_the_top(agency, client):
    actor = make_user(agency, Role.ENGAGEMENT_STAFF, "writer")
    fresh = make_update(agency, actor, kind=UpdateKind.SAFETY, title="Fresh alert")
    old = make_update(agency, actor, kind=UpdateKind.SAFETY, title="Old alert")
    lasting = make_update(agency, actor, kind=UpdateKind.SAFETY, title="Lasting alert",
                          ends_at=timezone.now() + timedelta(days=3))
    month_ago = timezone.now() - timedelta(days=30)
    Update.objects.filter(pk__in=[old.pk, lasting.pk]).update(published_at=month_ago)
    make_update(agency, actor, title="Plain news")
    page = client.get("/news/").content.decode()
    highlighted = page.split("Active safety alerts")[1].split("All updates")[0]
    assert "Fresh alert" in highlighted and "Lasting alert" in highlighted
    assert "Old alert" not in highlighted and "Plain news" not in highlighted
    assert "Old alert" in page.split("All updates")[1]
    assert set(services.active_safety_alerts(agency)) == {fresh, lasting}


def test_a_safety_alert_whose_end_has_passed_is_no_longer_highlighted(agency, client):
    ended = make_update(agency, kind=UpdateKind.SAFETY, title="Boil water notice",
                        ends_at=timezone.now() - timedelta(hours=2))
    page = client.get("/news/").content.decode()
    assert "Active safety alerts" not in page and "Boil water notice" in page.split("All updates")[1]
    assert "This safety alert is active." not in client.get(f"/news/{ended.slug}/").content.decode()
    assert not ended.is_active_alert(timezone.now())
    assert list(services.active_safety_alerts(agency)) == []


def test_an_update_page_carries_open_graph_and_twitter_card_tags(agency, client):
    update = make_update(agency, title="Bike patrols start", summary="Six officers on bikes & trails.")
    page = client.get(f"/news/{update.slug}/").content.decode()
    assert meta(page, "og:title") == "Bike patrols start"
    assert meta(page, "og:description") == "Six officers on bikes & trails."
    assert meta(page, "og:url") == f"https://alpha.test/news/{update.slug}/"
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:locale") == "en_US"
    assert meta(page, "og:locale:alternate") == "es_ES"
    assert meta(page, "og:site_name") == "Alpha Police Department"
    assert meta(page, "twitter:card") == "summary"
    assert meta(page, "twitter:title") == "Bike patrols start"
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert "https://alpha.test/news/feed.atom" in page
    assert page.count("<h1") == 1 and "More to read." in page


def test_the_spanish_page_is_in_spanish_with_spanish_share_tags(agency, client):
    update = make_update(agency, title="Bike patrols start", title_es="Comienzan las patrullas en bicicleta",
                         summary_es="Seis agentes en bicicleta.")
    page = client.get(f"/es/news/{update.slug}/").content.decode()
    assert '<html lang="es"' in page
    assert "<h1>Comienzan las patrullas en bicicleta</h1>" in page and "Más para leer." in page
    assert meta(page, "og:title") == "Comienzan las patrullas en bicicleta"
    assert meta(page, "og:description") == "Seis agentes en bicicleta."
    assert meta(page, "og:url") == f"https://alpha.test/es/news/{update.slug}/"
    assert meta(page, "og:locale") == "es_ES"
    assert meta(page, "og:site_name") == "Departamento de Policía de Alpha"


def test_a_text_not_written_in_spanish_falls_back_to_english(agency, client):
    update = make_update(agency, title="English only")
    page = client.get(f"/es/news/{update.slug}/").content.decode()
    assert "<h1>English only</h1>" in page
    listing = client.get("/es/news/").content.decode()
    assert "English only" in listing and '<html lang="es"' in listing


def test_a_meeting_notice_shows_when_and_where_in_the_agency_time_zone(agency, client):
    starts = timezone.datetime(2030, 3, 5, 18, 30, tzinfo=agency.zone)
    update = make_update(agency, kind=UpdateKind.MEETING, title="Budget hearing", starts_at=starts,
                         ends_at=starts + timedelta(hours=2), place="Council Chambers")
    page = client.get(f"/news/{update.slug}/").content.decode()
    assert "Council Chambers" in page and "6:30" in page and "8:30" in page
    assert reverse("transparency:update_ics", args=[update.slug]) in page


def test_another_agencys_update_is_not_found(agency, other_agency, client):
    theirs = make_update(other_agency, title="Beta news")
    assert client.get(f"/news/{theirs.slug}/").status_code == 404
    assert "Beta news" not in client.get("/news/").content.decode()
    assert client.get(f"/news/{theirs.slug}/", HTTP_HOST="beta.test").status_code == 200


@pytest.mark.parametrize("path, language", [("/news/", "en"), ("/es/news/", "es")])
def test_the_news_page_works_with_nothing_published(agency, client, path, language):
    page = client.get(path).content.decode()
    assert f'<html lang="{language}"' in page
    assert "Active safety alerts" not in page and "0 updates." in page or "0 actualizaciones." in page
