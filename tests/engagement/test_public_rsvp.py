"""Residents reply to an event from its page, see their reply (with the QR code for the door) and cancel it."""

import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone, translation

from commonbeat.accounts.roles import Role
from commonbeat.core.ratelimit import Limit
from commonbeat.engagement import services
from commonbeat.engagement.models import Event, Rsvp, RsvpStatus
from commonbeat.engagement.views import public

from ..factories import make_user


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


def make_event(agency, staff, *, days: int = 3, capacity=None, title: str = "Mill Creek forum") -> Event:
    starts = timezone.now() + timedelta(days=days)
    return services.create_event(staff, agency, services.EventDetails(
        kind=services.event_kinds(agency).get(slug="community-meeting"), title={"en": title, "es": "Foro"},
        starts_at=starts, ends_at=starts + timedelta(hours=2), address="1 Main St", organiser="Community Engagement",
        latitude=40.005, longitude=-89.995, capacity=capacity))


def page(response) -> str:
    return response.content.decode()


def visible(body: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", body).split())


def reply(client, event, name="Ana Reyes", email="", party_size="1", token=None, **extra):
    return client.post(f"/events/{event.pk}/", {"name": name, "email": email, "party_size": party_size,
                                                "submission_token": token or uuid.uuid4().hex}, **extra)


def token_of(response) -> str:
    return re.fullmatch(r"/events/rsvp/([0-9a-f]+)/", response["Location"]).group(1)


def test_a_resident_replies_and_sees_their_place_confirmed(client, agency, staff, django_capture_on_commit_callbacks):
    event = make_event(agency, staff, capacity=10)

    with django_capture_on_commit_callbacks(execute=True):
        response = reply(client, event, email="ana@example.org", party_size="2")

    token = token_of(response)
    stored = Rsvp.objects.get()
    assert (stored.name, stored.email, stored.party_size, stored.status) == ("Ana Reyes", "ana@example.org", 2,
                                                                             RsvpStatus.CONFIRMED)
    assert services.find_rsvp(agency, token) == stored
    assert len(mail.outbox) == 1 and f"/events/rsvp/{token}/" in mail.outbox[0].body

    followed = client.get(response["Location"])
    body = page(followed)
    assert "Thank you for your reply: your place is confirmed." in body
    assert "Status: Place confirmed" in visible(body)
    assert "Places are kept for 2 people." in body
    assert '<svg width="' in body and "QR code to show at the door" in body
    assert "Cancel my reply" in body
    assert followed["Cache-Control"] == "no-store"
    assert followed["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in body


def test_the_reply_is_stored_in_the_language_of_the_page(client, agency, staff):
    event = make_event(agency, staff)

    response = client.post(f"/es/events/{event.pk}/", {"name": "Ana", "party_size": "1",
                                                        "submission_token": uuid.uuid4().hex})

    assert response["Location"].startswith("/es/events/rsvp/")
    assert Rsvp.objects.get().language == "es"


def test_a_full_event_puts_the_next_resident_on_the_waiting_list_and_a_cancellation_gives_them_the_place(
        client, agency, staff):
    event = make_event(agency, staff, capacity=1)

    first = token_of(reply(client, event, name="Ana"))
    event_page = page(client.get(f"/events/{event.pk}/"))
    second = token_of(reply(client, event, name="Ben"))

    assert "Full — waiting list open" in event_page and "Join the waiting list" in event_page
    waiting = page(client.get(f"/events/rsvp/{second}/"))
    assert "Status: On the waiting list" in visible(waiting)
    assert "You are number 1 on the waiting list." in waiting

    cancelled = client.post(f"/events/rsvp/{first}/")

    assert cancelled["Location"] == f"/events/rsvp/{first}/"
    after = page(client.get(cancelled["Location"]))
    assert "Your reply is cancelled." in after and "Status: Cancelled" in visible(after)
    assert "Cancel my reply" not in after and "<svg" not in after
    promoted = page(client.get(f"/events/rsvp/{second}/"))
    assert "Status: Place confirmed" in visible(promoted)
    assert services.find_rsvp(agency, second).status == RsvpStatus.CONFIRMED


def test_sending_the_same_form_twice_replies_once(client, agency, staff):
    event = make_event(agency, staff)
    token = uuid.uuid4().hex

    first = reply(client, event, token=token)
    again = reply(client, event, token=token)

    assert Rsvp.objects.count() == 1
    assert first["Location"] == again["Location"]
    assert "We already had this reply. Here it is." in page(client.get(again["Location"]))


def test_mistakes_are_explained_beside_their_fields_and_what_was_typed_is_kept(client, agency, staff):
    event = make_event(agency, staff)

    response = reply(client, event, name="  ", email="ana@", party_size="11")

    body = page(response)
    assert response.status_code == 200
    assert Rsvp.objects.count() == 0
    assert "Please fix the following" in body
    assert "Tell us your name, so we can welcome you at the door." in body
    assert "Enter an e-mail address like name@example.org, or leave it blank." in body
    assert "A reply can be for 1 to 10 people." in body
    assert 'value="ana@"' in body and 'value="11"' in body
    assert '<a href="#id_party_size">' in body
    assert 'aria-describedby="id_email-hint id_email-error"' in body


def test_a_tampered_form_token_still_replies_once_with_a_fresh_token(client, agency, staff):
    event = make_event(agency, staff)

    response = client.post(f"/events/{event.pk}/", {"name": "Ana", "party_size": "1", "submission_token": "x"})

    assert response.status_code == 302
    assert uuid.UUID(Rsvp.objects.get().idempotency_key)


def test_a_cancelled_event_takes_no_replies_and_says_why(client, agency, staff):
    event = make_event(agency, staff)
    services.cancel_event(staff, event)

    shown = page(client.get(f"/events/{event.pk}/"))
    refused = reply(client, event)

    assert "This event has been cancelled" in shown
    assert "Replies are closed because this event has been cancelled." in shown
    assert 'name="party_size"' not in shown
    assert refused.status_code == 200 and "Replies are closed because this event has been cancelled." in page(refused)
    assert Rsvp.objects.count() == 0


def test_a_past_event_takes_no_replies_and_says_why(client, agency, staff):
    event = make_event(agency, staff, days=-1)

    shown = page(client.get(f"/events/{event.pk}/"))
    refused = reply(client, event)

    assert "Replies are closed because this event has taken place." in shown
    assert 'name="party_size"' not in shown
    assert "Replies are closed because this event has taken place." in page(refused)
    assert Rsvp.objects.count() == 0


def test_an_unknown_reply_link_says_it_is_not_valid(client, agency):
    response = client.get("/events/rsvp/0123456789abcdef0123456789abcdef/")

    assert response.status_code == 404
    assert "<h1>This link is not valid</h1>" in page(response)
    assert response["Cache-Control"] == "no-store"
    assert client.post("/events/rsvp/0123456789abcdef0123456789abcdef/").status_code == 404


def test_another_agencys_reply_link_is_not_valid_on_alphas_site(client, agency, other_agency):
    beta_staff = make_user(other_agency, Role.ENGAGEMENT_STAFF, "beta_staff")
    starts = timezone.now() + timedelta(days=3)
    theirs = services.create_event(beta_staff, other_agency, services.EventDetails(
        kind=services.event_kinds(other_agency).get(slug="fair"), title={"en": "Beta fair"}, starts_at=starts,
        ends_at=starts + timedelta(hours=2), address="2 Beta Rd", organiser="Beta"))
    token = services.rsvp(other_agency, theirs, name="Bo").token

    assert client.get(f"/events/rsvp/{token}/", HTTP_HOST="alpha.test").status_code == 404
    assert client.post(f"/events/rsvp/{token}/", HTTP_HOST="alpha.test").status_code == 404
    assert Rsvp.objects.get().status == RsvpStatus.CONFIRMED
    assert client.get(f"/events/rsvp/{token}/", HTTP_HOST="beta.test").status_code == 200


def test_reply_links_cannot_be_guessed_at_speed(client, agency, monkeypatch):
    monkeypatch.setattr(public, "RSVP_LOOKUPS", Limit("rsvp-lookup-test", limit=3, window_seconds=900))

    codes = [client.get(f"/events/rsvp/{'0' * 31}{n}/").status_code for n in range(4)]

    assert codes == [404, 404, 404, 429]
    assert "Too many attempts" in page(client.get("/events/rsvp/whatever/"))


def test_the_qr_code_holds_the_absolute_staff_check_in_address(agency):
    request = RequestFactory().get("/")
    request.agency = agency

    with translation.override("es"):
        url = public._check_in_url(request, "abc123")

    assert url == "https://alpha.test/console/events/check-in/abc123/"


def test_a_resident_checked_in_can_no_longer_cancel(client, agency, staff, cast):
    event = make_event(agency, staff)
    result = services.rsvp(agency, event, name="Ana")
    services.check_in(cast[Role.OFFICER], result.rsvp)

    body = page(client.get(f"/events/rsvp/{result.token}/"))
    refused = client.post(f"/events/rsvp/{result.token}/", follow=True)

    assert "Cancel my reply" not in body
    assert "You have already been checked in at this event." in page(refused)
    assert Rsvp.objects.get().status == RsvpStatus.CONFIRMED
