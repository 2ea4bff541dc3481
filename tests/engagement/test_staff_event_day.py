"""At the event: check people in from the list or by the QR code on their confirmation, count walk-ins, log the
officers who took part, write down concerns, and afterwards ask attendees for feedback."""

import json
import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Officer
from commonbeat.engagement import services
from commonbeat.engagement.models import Attendance, CheckInMethod, Concern, Event, OfficerParticipation, Rsvp

from ..factories import signed_in_client


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


@pytest.fixture
def officer_client(cast):
    return signed_in_client(cast[Role.OFFICER])


@pytest.fixture
def staff_client(staff):
    return signed_in_client(staff)


@pytest.fixture
def event(agency, staff) -> Event:
    starts = timezone.now() + timedelta(days=2)
    return services.create_event(staff, agency, services.EventDetails(
        kind=services.event_kinds(agency).get(slug="community-meeting"),
        title={"en": "Mill Creek forum", "es": "Foro de Mill Creek"}, starts_at=starts,
        ends_at=starts + timedelta(hours=2), address="1 Main St", organiser="Engagement",
        latitude=40.005, longitude=-89.995, capacity=3))


@pytest.fixture
def replies(agency, event) -> dict:
    """Ana has a place for two, Ben is waiting, Cy cancelled."""
    ana = services.rsvp(agency, event, name="Ana Alvarez", email="ana@example.org", party_size=2)
    ben = services.rsvp(agency, event, name="Ben Brown", email="ben@example.org", party_size=2)
    cy = services.rsvp(agency, event, name="Cy Chen", email="cy@example.org")
    services.cancel_rsvp(agency, cy.token)
    return {"ana": ana, "ben": ben, "cy": cy}


def page(client, event) -> str:
    return client.get(f"/console/events/{event.pk}/").content.decode()


def end(event) -> None:
    """Move the event into the past (residents cannot reply to past events, so it is set up ahead first)."""
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=3),
                                             ends_at=timezone.now() - timedelta(hours=1))
    event.refresh_from_db()


def test_the_event_page_lists_who_replied_for_those_who_run_events(officer_client, event, replies):
    body = page(officer_client, event)
    assert "Ana Alvarez" in body and "ana@example.org" in body and "Ben Brown" in body
    assert "On the waiting list (number 1)" in body and "Cancelled" in body
    assert "2 places confirmed, 1 free." in body and "2 people waiting." in body
    assert body.count('>Check in<span class="usa-sr-only">') == 2  # not for the cancelled reply
    assert f'action="/console/events/rsvps/{replies["cy"].rsvp.pk}/check-in/"' not in body


def test_the_event_page_is_not_kept_by_browsers(officer_client, event, replies):
    response = officer_client.get(f"/console/events/{event.pk}/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_officers_see_no_edit_cancel_or_feedback_buttons(officer_client, event):
    end(event)
    body = page(officer_client, event)
    assert f"/console/events/{event.pk}/edit/" not in body and f"/console/events/{event.pk}/cancel/" not in body
    assert f"/console/events/{event.pk}/feedback/" not in body


def test_an_officer_checks_a_resident_in_from_the_list(officer_client, event, replies, cast):
    rsvp = replies["ana"].rsvp
    response = officer_client.post(f"/console/events/rsvps/{rsvp.pk}/check-in/", follow=True)
    attendance = Attendance.objects.get(rsvp=rsvp)
    assert attendance.people == 2 and attendance.method == CheckInMethod.RSVP_LIST
    assert attendance.recorded_by == cast[Role.OFFICER]
    assert response.redirect_chain[-1][0] == f"/console/events/{event.pk}/#rsvp-{rsvp.pk}"
    body = response.content.decode()
    assert "Checked in: a party of 2." in body and "From the RSVP list" in body


def test_names_stay_out_of_messages_logs_and_the_audit_log(officer_client, event, replies, caplog):
    caplog.set_level(logging.DEBUG)
    response = officer_client.post(f"/console/events/rsvps/{replies['ana'].rsvp.pk}/check-in/")
    officer_client.post(f"/console/events/check-in/{replies['ben'].token}/")
    assert [str(message) for message in get_messages(response.wsgi_request)] == ["Checked in: a party of 2."]
    assert "Ana" not in caplog.text and "ana@example.org" not in caplog.text and "Ben" not in caplog.text
    logged = json.dumps(list(AuditEvent.objects.values_list("changes", flat=True)), default=str)
    assert "Ana" not in logged and "Ben" not in logged and "example.org" not in logged


def test_checking_in_twice_is_refused_with_a_message(officer_client, event, replies):
    rsvp = replies["ana"].rsvp
    officer_client.post(f"/console/events/rsvps/{rsvp.pk}/check-in/")
    response = officer_client.post(f"/console/events/rsvps/{rsvp.pk}/check-in/", follow=True)
    assert "Already checked in." in response.content.decode()
    assert Attendance.objects.filter(rsvp=rsvp).count() == 1


def test_a_cancelled_reply_cannot_be_checked_in(officer_client, event, replies):
    response = officer_client.post(f"/console/events/rsvps/{replies['cy'].rsvp.pk}/check-in/", follow=True)
    assert "This reply was cancelled." in response.content.decode()
    assert not Attendance.objects.exists()


def test_opening_the_qr_code_link_shows_the_reply_and_changes_nothing(officer_client, event, replies):
    token = replies["ben"].token
    response = officer_client.get(f"/console/events/check-in/{token}/")
    body = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Mill Creek forum" in body and "Ben Brown" in body and "On the waiting list" in body
    assert "Check in 2 people" in body
    assert not Attendance.objects.exists()


def test_the_check_in_button_on_the_qr_code_page_checks_in(officer_client, event, replies):
    token, rsvp = replies["ben"].token, replies["ben"].rsvp
    response = officer_client.post(f"/console/events/check-in/{token}/", follow=True)
    attendance = Attendance.objects.get(rsvp=rsvp)
    assert attendance.method == CheckInMethod.QR_CODE and attendance.people == 2
    assert response.redirect_chain[-1][0] == f"/console/events/{event.pk}/#rsvp-{rsvp.pk}"
    assert "Checked in: a party of 2." in response.content.decode()


def test_the_qr_code_page_says_when_someone_is_already_checked_in(officer_client, event, replies):
    token = replies["ana"].token
    officer_client.post(f"/console/events/check-in/{token}/")
    body = officer_client.get(f"/console/events/check-in/{token}/").content.decode()
    assert "Already checked in, at" in body and "Check in 2 people" not in body
    again = officer_client.post(f"/console/events/check-in/{token}/", follow=True)
    assert again.redirect_chain[-1][0] == f"/console/events/check-in/{token}/"
    assert "Already checked in." in again.content.decode()
    assert Attendance.objects.count() == 1


def test_an_unknown_code_is_not_found(officer_client, event, replies):
    assert officer_client.get("/console/events/check-in/0123456789abcdef0123456789abcdef/").status_code == 404
    assert officer_client.post("/console/events/check-in/0123456789abcdef0123456789abcdef/").status_code == 404
    assert not Attendance.objects.exists()


def test_staff_type_or_paste_a_code_to_find_the_reply(officer_client, event, replies):
    token = replies["ana"].token
    for typed in [token, f" {token} ", f"https://alpha.test/events/rsvp/{token}/",
                  f"https://alpha.test/console/events/check-in/{token}/?x=1"]:
        response = officer_client.get(f"/console/events/{event.pk}/check-in-code/", {"code": typed})
        assert response["Location"] == f"/console/events/check-in/{token}/", typed
    response = officer_client.get(f"/console/events/{event.pk}/check-in-code/", {"code": "not a code!"})
    body = response.content.decode()
    assert response.status_code == 200 and "This is not a check-in code." in body and 'href="#id_code"' in body


def test_walk_ins_are_counted_and_added_to_the_attendance(officer_client, event, replies):
    officer_client.post(f"/console/events/rsvps/{replies['ana'].rsvp.pk}/check-in/")
    officer_client.post(f"/console/events/{event.pk}/walk-ins/", {"people": "5"})
    response = officer_client.post(f"/console/events/{event.pk}/walk-ins/", {"people": "1"}, follow=True)
    body = response.content.decode()
    assert "1 walk-in counted." in body
    assert sum(Attendance.objects.filter(event=event, method=CheckInMethod.WALK_IN)
               .values_list("people", flat=True)) == 6
    assert services.attendance_count(event) == 8
    assert 'People who came</dt><dd class="margin-left-0 margin-bottom-1">8</dd>' in body


def test_a_walk_in_count_that_is_not_a_number_keeps_what_was_typed(officer_client, event):
    response = officer_client.post(f"/console/events/{event.pk}/walk-ins/", {"people": "0"})
    body = response.content.decode()
    assert response.status_code == 200 and 'href="#id_people"' in body and 'value="0"' in body
    assert not Attendance.objects.exists()


def test_officer_participation_is_logged_then_corrected_then_removed(officer_client, event, agency):
    officer = Officer.objects.get(agency=agency)
    response = officer_client.post(f"/console/events/{event.pk}/participation/", {
        "officer": str(officer.pk), "role": "host", "hours": "2"}, follow=True)
    assert "The officer&#x27;s participation is saved." in response.content.decode()
    entry = OfficerParticipation.objects.get(event=event, officer=officer)
    assert entry.role == "host" and entry.hours == Decimal("2")
    officer_client.post(f"/console/events/{event.pk}/participation/", {
        "officer": str(officer.pk), "role": "presenter", "hours": "1.5"})
    entry = OfficerParticipation.objects.get(event=event, officer=officer)
    assert entry.role == "presenter" and entry.hours == Decimal("1.5")
    body = page(officer_client, event)
    assert "Presenter" in body and "1.50 officer-hours in all" in body
    officer_client.post(f"/console/events/participation/{entry.pk}/remove/")
    assert not OfficerParticipation.objects.exists()


def test_participation_hours_out_of_range_are_refused_with_the_choice_kept(officer_client, event, agency):
    officer = Officer.objects.get(agency=agency)
    response = officer_client.post(f"/console/events/{event.pk}/participation/", {
        "officer": str(officer.pk), "role": "host", "hours": "30"})
    body = response.content.decode()
    assert 'href="#id_hours"' in body and f'<option value="{officer.pk}" selected>' in body
    assert not OfficerParticipation.objects.exists()


def test_an_officer_of_another_agency_cannot_be_logged(officer_client, event, other_agency):
    foreign = Officer.objects.get(agency=other_agency)
    response = officer_client.post(f"/console/events/{event.pk}/participation/", {
        "officer": str(foreign.pk), "role": "host", "hours": "1"})
    assert 'href="#id_officer"' in response.content.decode() and not OfficerParticipation.objects.exists()


def test_a_concern_is_recorded_in_the_events_neighbourhood(officer_client, event, cast):
    response = officer_client.post(f"/console/events/{event.pk}/concerns/",
                                   {"text": "Speeding on Mill Creek Rd at school time", "neighbourhood": ""},
                                   follow=True)
    concern = Concern.objects.get(event=event)
    assert concern.neighbourhood == event.neighbourhood and concern.recorded_by == cast[Role.OFFICER]
    body = response.content.decode()
    assert "The concern is recorded." in body and "Speeding on Mill Creek Rd at school time" in body
    assert f"/console/problems/new/?concern={concern.pk}" in body


def test_an_empty_concern_is_refused(officer_client, event):
    response = officer_client.post(f"/console/events/{event.pk}/concerns/", {"text": "  "})
    assert 'href="#id_text"' in response.content.decode() and not Concern.objects.exists()


def test_feedback_cannot_be_asked_for_before_the_event_is_over(staff_client, event, replies):
    body = page(staff_client, event)
    assert "Once the event is over, you can ask" in body
    assert f'action="/console/events/{event.pk}/feedback/"' not in body
    response = staff_client.post(f"/console/events/{event.pk}/feedback/", follow=True)
    assert "Ask for feedback once the event is over." in response.content.decode()
    event.refresh_from_db()
    assert event.feedback_survey_slug == ""


def test_asking_for_feedback_opens_a_survey_and_emails_the_people_checked_in(
        staff_client, officer_client, event, replies, django_capture_on_commit_callbacks):
    officer_client.post(f"/console/events/check-in/{replies['ana'].token}/")
    end(event)
    mail.outbox.clear()
    assert f'action="/console/events/{event.pk}/feedback/"' in page(staff_client, event)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/console/events/{event.pk}/feedback/", follow=True)
    body = response.content.decode()
    event.refresh_from_db()
    assert event.feedback_survey_slug == f"event-{event.pk}-feedback"
    assert "The feedback survey is open; 1 attendee was e-mailed its link." in body
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    assert f"/s/{event.feedback_survey_slug}/" in mail.outbox[0].body
    assert "Read the feedback survey's responses" in body and "/responses/" in body
    assert Rsvp.objects.get(pk=replies["ana"].rsvp.pk).feedback_requested_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        again = staff_client.post(f"/console/events/{event.pk}/feedback/", follow=True)
    assert "0 attendees were e-mailed its link." in again.content.decode()
    assert len(mail.outbox) == 1


def test_the_event_page_is_in_spanish_for_spanish_staff(officer_client, event):
    body = officer_client.get(f"/es/console/events/{event.pk}/").content.decode()
    assert 'lang="es"' in body and "Foro de Mill Creek" in body
