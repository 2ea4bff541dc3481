from datetime import timedelta

import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood
from commonbeat.engagement import services
from commonbeat.engagement.models import RsvpStatus


@pytest.fixture
def event(agency, cast):
    starts = timezone.now() + timedelta(days=3)
    details = services.EventDetails(
        kind=services.event_kinds(agency).get(slug="community-meeting"),
        title={"en": "Mill Creek forum", "es": "Foro de Mill Creek"}, starts_at=starts,
        ends_at=starts + timedelta(hours=2), address="1 Main St", organiser="Community Engagement",
        latitude=40.005, longitude=-89.995, capacity=2)
    return services.create_event(cast[Role.ENGAGEMENT_STAFF], agency, details)


def test_event_takes_the_neighbourhood_its_map_point_falls_in(event, agency):
    assert event.neighbourhood == Neighbourhood.objects.get(agency=agency, slug="alpha-north-end")


def test_a_full_event_puts_residents_on_the_waiting_list_and_promotes_them_when_a_place_frees(
        event, agency, django_capture_on_commit_callbacks):
    first = services.rsvp(agency, event, name="Ana", email="ana@example.org", party_size=2)
    waiting = services.rsvp(agency, event, name="Ben", email="ben@example.org")
    assert first.rsvp.status == RsvpStatus.CONFIRMED
    assert waiting.rsvp.status == RsvpStatus.WAITLISTED
    assert services.waiting_position(waiting.rsvp) == 1

    with django_capture_on_commit_callbacks() as callbacks:
        services.cancel_rsvp(agency, first.token)

    waiting.rsvp.refresh_from_db()
    assert waiting.rsvp.status == RsvpStatus.CONFIRMED
    assert len(callbacks) == 1  # the e-mail telling Ben he has a place


def test_the_same_form_sent_twice_replies_once(event, agency):
    one = services.rsvp(agency, event, name="Ana", idempotency_key="k1")
    two = services.rsvp(agency, event, name="Ana", idempotency_key="k1")
    assert one.rsvp.pk == two.rsvp.pk and one.token == two.token and not two.created
