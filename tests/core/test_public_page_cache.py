"""The busiest public pages are served from the cache to visitors without a session, for a short while, per
agency, language and address; anyone signed in always gets a fresh page."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client

from commonbeat.accounts.roles import Role
from commonbeat.core.caching import KEY_PREFIX, public_page

from ..engagement.test_public_events import make_event
from ..factories import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def kept_pages() -> int:
    return sum(1 for key in cache._cache if KEY_PREFIX in key)  # noqa: SLF001 - the local-memory cache's keys


def test_a_crowd_of_residents_is_served_one_rendering(agency, cast):
    staff = cast[Role.ENGAGEMENT_STAFF]
    make_event(agency, staff, "Mill Creek forum")
    first = Client().get("/events/")
    assert first.status_code == 200 and "Mill Creek forum" in first.content.decode()
    make_event(agency, staff, "Harbor Road walk")
    again = Client().get("/events/")
    assert again.content == first.content  # the kept page: the new event shows within the minute
    assert "Harbor Road walk" not in again.content.decode()
    # Middleware still runs on a kept page: its security headers are there.
    assert "Content-Security-Policy" in again.headers and again.headers["X-Content-Type-Options"] == "nosniff"
    # Staff signed in see their change at once.
    assert "Harbor Road walk" in signed_in_client(staff).get("/events/").content.decode()
    cache.clear()  # the minute has passed
    assert "Harbor Road walk" in Client().get("/events/").content.decode()


def test_each_language_agency_and_address_is_kept_apart(agency, other_agency, cast):
    make_event(agency, cast[Role.ENGAGEMENT_STAFF], "Mill Creek forum", title_es="Foro de Mill Creek")
    english, spanish = Client().get("/events/"), Client().get("/es/events/")
    assert "Mill Creek forum" in english.content.decode() and "Foro de Mill Creek" in spanish.content.decode()
    assert 'lang="es"' in Client().get("/es/events/").content.decode()
    beta = Client(HTTP_HOST="beta.test").get("/events/")
    assert "Mill Creek forum" not in beta.content.decode()
    assert "Mill Creek forum" not in Client().get("/events/?neighbourhood=alpha-south-end").content.decode()
    assert kept_pages() == 4


def test_a_visitor_with_a_session_gets_a_fresh_page(agency, cast):
    client = Client()
    client.get("/events/")
    make_event(agency, cast[Role.ENGAGEMENT_STAFF], "Harbor Road walk")
    client.cookies["sessionid"] = "anything"
    assert "Harbor Road walk" in client.get("/events/").content.decode()


@pytest.mark.parametrize("path", ["/", "/trust/", "/events/", "/events/calendar/", "/statistics/complaints/"])
def test_the_busiest_public_pages_are_kept(agency, path):
    response = Client().get(path)
    assert response.status_code == 200
    assert kept_pages() == 1
    assert Client().get(path).content == response.content


def test_only_a_complete_page_that_needs_nothing_of_the_visitor_is_kept(agency, rf):
    def answer(status=200, cookie=False, form=False):
        @public_page
        def view(request):
            response = HttpResponse(get_token(request) if form else "the page", status=status)
            if cookie:
                response.set_cookie("seen", "1")
            return response
        request = rf.get("/somewhere/")
        request.agency = agency
        return view(request)

    for kind in ({"status": 404}, {"status": 500}, {"cookie": True}, {"form": True}):
        answer(**kind)
        assert kept_pages() == 0, kind
    answer()
    assert kept_pages() == 1


def test_the_cache_is_off_when_the_setting_is_zero(agency, cast, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    Client().get("/events/")
    make_event(agency, cast[Role.ENGAGEMENT_STAFF], "Harbor Road walk")
    assert "Harbor Road walk" in Client().get("/events/").content.decode()
    assert kept_pages() == 0
