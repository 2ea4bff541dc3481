"""Engagement staff plan events from the console: in the agency's time zone, kept when refused, once per form."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood, Unit
from commonbeat.engagement import services
from commonbeat.engagement.models import Event, EventKind, EventStatus

from ..factories import signed_in_client


@pytest.fixture(autouse=True)
def forget_submission_tokens():
    cache.clear()


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


@pytest.fixture
def staff_client(staff):
    return signed_in_client(staff)


def make_event(agency, user, *, days=3, title="Mill Creek forum", capacity=None, hours=2) -> Event:
    starts = timezone.now() + timedelta(days=days)
    return services.create_event(user, agency, services.EventDetails(
        kind=services.event_kinds(agency).get(slug="community-meeting"), title={"en": title, "es": f"{title} (es)"},
        starts_at=starts, ends_at=starts + timedelta(hours=hours), address="1 Main St", organiser="Engagement",
        latitude=40.005, longitude=-89.995, capacity=capacity))


def form_data(agency, **changes) -> dict:
    data = {"kind": str(services.event_kinds(agency).get(slug="town-hall").pk),
            "title_en": "Spring town hall", "title_es": "Asamblea de primavera",
            "description_en": "Meet the new captain.", "description_es": "Conozca a la nueva capitana.",
            "day": "2030-03-09", "start_time": "18:00", "end_time": "20:00", "place_name": "Mill Creek Library",
            "address": "12 Mill Creek Rd", "latitude": "40.005", "longitude": "-89.995",
            "accessibility_en": "Step-free entrance", "accessibility_es": "Entrada sin escalones",
            "languages_en": "English, Spanish", "languages_es": "Inglés, español", "capacity": "80",
            "organiser": "Community Engagement Unit", "organising_unit": "",
            "partner_organisations": "Mill Creek Library\n\n  Youth League  ",
            "submission_token": uuid.uuid4().hex}
    data.update(changes)
    return data


def test_the_new_event_form_states_the_agency_time_zone_and_offers_the_kinds(staff_client, agency):
    body = staff_client.get("/console/events/new/").content.decode()
    assert "America/Chicago" in body
    assert "Town hall" in body and "Coffee with officers" in body
    for name in ["title_en", "title_es", "description_en", "day", "start_time", "end_time", "latitude",
                 "longitude", "accessibility_es", "languages_en", "capacity", "organising_unit",
                 "partner_organisations", "submission_token"]:
        assert f'name="{name}"' in body, name
    assert "the neighbourhood is worked out from it" in body


def test_staff_publish_an_event_with_times_read_in_the_agency_zone(staff_client, agency, staff):
    response = staff_client.post("/console/events/new/", form_data(agency), follow=True)
    event = Event.objects.get(agency=agency)
    assert response.redirect_chain[-1][0] == f"/console/events/{event.pk}/"
    assert "The event is published" in response.content.decode()
    # 18:00 in Chicago on 9 March 2030 is standard time (UTC-6).
    assert event.starts_at == datetime(2030, 3, 10, 0, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2030, 3, 10, 2, 0, tzinfo=UTC)
    assert event.title == {"en": "Spring town hall", "es": "Asamblea de primavera"}
    assert event.accessibility_notes["es"] == "Entrada sin escalones"
    assert event.language_notes == {"en": "English, Spanish", "es": "Inglés, español"}
    assert event.partners == ["Mill Creek Library", "Youth League"]
    assert event.capacity == 80 and event.kind.slug == "town-hall" and event.created_by == staff
    assert event.neighbourhood == Neighbourhood.objects.get(agency=agency, slug="alpha-north-end")


def test_the_day_after_clocks_spring_forward_is_read_in_summer_time(staff_client, agency):
    staff_client.post("/console/events/new/", form_data(agency, day="2030-03-10"))
    event = Event.objects.get(agency=agency)
    # Daylight saving time began at 02:00 that morning: 18:00 is UTC-5.
    assert event.starts_at == datetime(2030, 3, 10, 23, 0, tzinfo=UTC)
    assert event.duration == timedelta(hours=2)


def test_an_event_across_the_clock_change_lasts_the_hours_that_really_pass(staff_client, agency):
    staff_client.post("/console/events/new/", form_data(agency, day="2030-03-10", start_time="01:00",
                                                        end_time="04:00"))
    event = Event.objects.get(agency=agency)
    assert event.starts_at == datetime(2030, 3, 10, 7, 0, tzinfo=UTC)
    assert event.duration == timedelta(hours=2)


def test_a_time_the_clocks_skip_is_refused_on_its_field(staff_client, agency):
    response = staff_client.post("/console/events/new/", form_data(agency, day="2030-03-10", start_time="02:30",
                                                                   end_time="04:00"))
    body = response.content.decode()
    assert response.status_code == 200 and not Event.objects.exists()
    assert "The clocks skip this time that day" in body
    assert 'href="#id_start_time"' in body and 'value="02:30"' in body


def test_a_time_that_happens_twice_is_read_as_the_first(staff_client, agency):
    staff_client.post("/console/events/new/", form_data(agency, day="2030-11-03", start_time="01:30",
                                                        end_time="03:00"))
    event = Event.objects.get(agency=agency)
    # Clocks went back at 02:00 daylight time: 01:30 is first in daylight time (UTC-5), and 03:00 is UTC-6.
    assert event.starts_at == datetime(2030, 11, 3, 6, 30, tzinfo=UTC)
    assert event.ends_at == datetime(2030, 11, 3, 9, 0, tzinfo=UTC)


def test_mistakes_are_shown_beside_their_fields_and_keep_what_was_typed(staff_client, agency):
    response = staff_client.post("/console/events/new/", form_data(
        agency, title_en="", longitude="", end_time="17:00", capacity="0"))
    body = response.content.decode()
    assert response.status_code == 200 and not Event.objects.exists()
    assert 'href="#id_title_en"' in body and 'href="#id_longitude"' in body and 'href="#id_capacity"' in body
    assert "Give the longitude too, or leave both empty." in body
    assert "The event must end after it starts, on the same day." in body
    assert 'value="Asamblea de primavera"' in body and 'value="12 Mill Creek Rd"' in body
    assert "Meet the new captain." in body and 'value="40.005"' in body


def test_a_kind_the_agency_added_can_be_chosen(staff_client, agency, staff):
    kind = services.add_event_kind(staff, agency, slug="bike-rodeo", name={"en": "Bike rodeo"})
    staff_client.post("/console/events/new/", form_data(agency, kind=str(kind.pk)))
    assert Event.objects.get(agency=agency).kind == kind


def test_the_same_form_sent_twice_publishes_one_event(staff_client, agency):
    data = form_data(agency)
    first = staff_client.post("/console/events/new/", data)
    second = staff_client.post("/console/events/new/", data, follow=True)
    event = Event.objects.get(agency=agency)
    assert first["Location"] == f"/console/events/{event.pk}/"
    assert second.redirect_chain[-1][0] == f"/console/events/{event.pk}/"
    assert "This was already saved; here it is." in second.content.decode()


def test_a_form_sent_without_its_token_still_publishes(staff_client, agency):
    data = form_data(agency)
    del data["submission_token"]
    staff_client.post("/console/events/new/", data)
    assert Event.objects.filter(agency=agency).count() == 1


def test_an_organising_unit_of_another_agency_cannot_be_chosen(staff_client, agency, other_agency):
    foreign = Unit.objects.get(agency=other_agency)
    response = staff_client.post("/console/events/new/", form_data(agency, organising_unit=str(foreign.pk)))
    assert response.status_code == 200 and not Event.objects.exists()
    assert 'href="#id_organising_unit"' in response.content.decode()


def test_staff_edit_an_event_and_see_its_times_in_the_agency_zone(staff_client, agency):
    staff_client.post("/console/events/new/", form_data(agency))
    event = Event.objects.get(agency=agency)
    body = staff_client.get(f"/console/events/{event.pk}/edit/").content.decode()
    assert 'value="2030-03-09"' in body and 'value="18:00"' in body and 'value="Spring town hall"' in body
    response = staff_client.post(f"/console/events/{event.pk}/edit/", form_data(
        agency, title_en="Spring town hall (moved)", start_time="19:00", end_time="21:00"), follow=True)
    event.refresh_from_db()
    assert "The event is saved." in response.content.decode()
    assert event.title["en"] == "Spring town hall (moved)"
    assert event.starts_at == datetime(2030, 3, 10, 1, 0, tzinfo=UTC)


def test_lowering_the_capacity_below_the_places_confirmed_is_refused_with_the_input_kept(
        staff_client, agency, staff):
    event = make_event(agency, staff, capacity=10)
    services.rsvp(agency, event, name="Ana", party_size=4)
    data = form_data(agency, capacity="3", title_en="Smaller forum")
    response = staff_client.post(f"/console/events/{event.pk}/edit/", data)
    body = response.content.decode()
    assert "4 places are already confirmed; the capacity cannot be lower." in body
    assert 'value="Smaller forum"' in body
    event.refresh_from_db()
    assert event.capacity == 10


def test_staff_cancel_an_event_with_a_reason_and_residents_are_told(
        staff_client, agency, staff, django_capture_on_commit_callbacks):
    event = make_event(agency, staff)
    services.rsvp(agency, event, name="Ana", email="ana@example.org")
    mail.outbox.clear()
    body = staff_client.get(f"/console/events/{event.pk}/cancel/").content.decode()
    assert "1 resident who replied is told by e-mail." in body and 'name="reason"' in body
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/console/events/{event.pk}/cancel/", {"reason": "Venue flooded"},
                                     follow=True)
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    assert "The event is cancelled." in response.content.decode()
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    again = staff_client.get(f"/console/events/{event.pk}/cancel/", follow=True)
    assert "This event is already cancelled." in again.content.decode()
    assert staff_client.get(f"/console/events/{event.pk}/edit/", follow=True).redirect_chain


def test_the_list_shows_upcoming_and_past_events_with_their_figures(staff_client, agency, staff):
    coming = make_event(agency, staff, title="Coffee on Main", capacity=20)
    services.rsvp(agency, coming, name="Ana", party_size=3)
    past = make_event(agency, staff, title="Winter forum")
    Event.objects.filter(pk=past.pk).update(starts_at=timezone.now() - timedelta(days=10),
                                            ends_at=timezone.now() - timedelta(days=10) + timedelta(hours=2))
    services.record_walk_ins(staff, past, 12)
    body = staff_client.get("/console/events/").content.decode()
    assert "Coffee on Main" in body and "Winter forum" not in body
    assert "3 / 20" in body and "New event" in body
    body = staff_client.get("/console/events/?when=past").content.decode()
    assert "Winter forum" in body and "Coffee on Main" not in body
    assert "<td data-label=\"Attendance\">12</td>" in body


def test_officers_see_the_events_but_not_the_new_event_button(cast, agency, staff):
    make_event(agency, staff, title="Coffee on Main")
    body = signed_in_client(cast[Role.OFFICER]).get("/console/events/").content.decode()
    assert "Coffee on Main" in body and "/console/events/new/" not in body


def test_staff_add_a_kind_of_event(staff_client, agency):
    response = staff_client.post("/console/events/kinds/", {
        "slug": "bike-rodeo", "name_en": "Bike rodeo", "name_es": "Rodeo de bicicletas", "is_workshop": "on"},
        follow=True)
    kind = EventKind.objects.get(agency=agency, slug="bike-rodeo")
    assert kind.name == {"en": "Bike rodeo", "es": "Rodeo de bicicletas"} and kind.is_workshop
    assert "The kind “Bike rodeo” is added." in response.content.decode()
    again = staff_client.post("/console/events/kinds/", {"slug": "bike-rodeo", "name_en": "Other rodeo"})
    body = again.content.decode()
    assert "There is already a kind of event with that short name." in body and 'value="Other rodeo"' in body


def test_the_event_form_is_in_spanish_for_spanish_staff(staff_client, agency):
    body = staff_client.get("/es/console/events/new/").content.decode()
    assert 'lang="es"' in body and "Asamblea pública" in body
