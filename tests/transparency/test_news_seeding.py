"""The demo city's news: about twenty-five updates over the last year of every kind in both languages, public
meetings ahead, one active safety alert, and a draft that stays off the public site."""

import random

import feedparser
import pytest
from django.core.management import call_command
from django.utils import timezone

from commonbeat.accounts import seeding as accounts_seeding
from commonbeat.core import seeding as core_seeding
from commonbeat.core.models import Agency
from commonbeat.transparency.models import Update, UpdateKind
from commonbeat.transparency.seeding import news as seeding
from commonbeat.transparency.services import news as services


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        agency = Agency.objects.create(slug="port-alder", name="Port Alder Police Department",
                                       hosts="port-alder.test")
        context = core_seeding.SeedContext(agency=agency, rng=random.Random(20261125))
        for module in (core_seeding, accounts_seeding, seeding):
            module.seed(context)
        yield agency, context
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_a_year_of_updates_of_every_kind_in_both_languages(city):
    agency, context = city
    published = services.published_updates(agency)
    assert 20 <= published.count() <= 30
    assert {update.kind for update in published} == set(UpdateKind.values)
    assert all(update.title.get("es") and update.summary.get("es") for update in published)
    ages = [(timezone.now() - update.published_at).days for update in published]
    assert max(ages) > 300 and min(ages) < 7
    assert Update.objects.filter(agency=agency, published_at=None).count() == 1
    assert "published updates" in context.log[-1]


@pytest.mark.django_db
def test_public_meetings_are_ahead_and_one_safety_alert_is_active(city):
    agency, _context = city
    ahead = services.published_updates(agency).filter(kind=UpdateKind.MEETING, starts_at__gt=timezone.now())
    assert ahead.count() >= 3 and all(meeting.place for meeting in ahead)
    assert services.active_safety_alerts(agency).count() == 1


@pytest.mark.django_db
def test_the_demo_news_pages_and_feeds_work(city, client):
    agency, _context = city
    page = client.get("/news/", HTTP_HOST="port-alder.test").content.decode()
    assert "Active safety alerts" in page and "Spring open house" not in page
    feed = feedparser.parse(client.get("/es/news/feed.atom", HTTP_HOST="port-alder.test").content)
    assert not feed.bozo and len(feed.entries) >= 20
    meeting = services.published_updates(agency).filter(kind=UpdateKind.MEETING).first()
    calendar = client.get("/events/feed.ics", HTTP_HOST="port-alder.test").content.decode()
    assert f"meeting-notice-{meeting.pk}@port-alder.test" in calendar
