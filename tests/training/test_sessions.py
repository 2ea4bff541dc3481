"""Sessions, rosters and attendance: officers marked as attending get a training record, once."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.training import services
from commonbeat.training.models import SessionSeat, Source, TrainingRecord, TrainingSession

from ..factories import signed_in_client
from .conftest import make_officer


@pytest.fixture
def coordinator(cast):
    return cast[Role.TRAINING_COORDINATOR]


def held_session(agency, course, days_ago=2, capacity=None):
    start = timezone.now() - timedelta(days=days_ago)
    return TrainingSession.objects.create(agency=agency, course=course, starts_at=start,
                                          ends_at=start + timedelta(hours=8), place="Academy", capacity=capacity)


def test_a_coordinator_schedules_a_session_in_the_agencys_time(agency, courses, coordinator):
    client = signed_in_client(coordinator)
    day = (timezone.now() + timedelta(days=10)).date()
    response = client.post(reverse("training:staff_session_new"), {
        "course": courses["DEESC-8"].pk, "day": day.isoformat(), "start_time": "08:30", "end_time": "16:30",
        "place": "Academy Room 2", "instructors": "Sgt. Alvarez", "capacity": "20"}, follow=True)
    session = TrainingSession.objects.get()
    assert session.starts_at == datetime(day.year, day.month, day.day, 8, 30,
                                         tzinfo=zoneinfo.ZoneInfo(agency.timezone))
    assert "Academy Room 2" in response.content.decode()


def test_a_session_that_ends_before_it_starts_is_refused_with_what_was_typed(agency, courses, coordinator):
    response = signed_in_client(coordinator).post(reverse("training:staff_session_new"), {
        "course": courses["DEESC-8"].pk, "day": "2026-12-01", "start_time": "16:00", "end_time": "08:00",
        "place": "Academy Room 9"})
    page = response.content.decode()
    assert "The session must end after it starts." in page and "Academy Room 9" in page
    assert not TrainingSession.objects.exists()


def test_officers_are_added_to_the_roster_within_its_places(agency, courses, coordinator, patrol):
    session = held_session(agency, courses["DEESC-8"], capacity=1)
    first, second = make_officer(agency, "401", unit=patrol), make_officer(agency, "402", unit=patrol)
    client = signed_in_client(coordinator)
    client.post(reverse("training:staff_session_roster", args=[session.pk]), {"officers": [first.pk]})
    response = client.post(reverse("training:staff_session_roster", args=[session.pk]), {"officers": [second.pk]})
    assert "The session has 0 places left." in response.content.decode()
    assert list(SessionSeat.objects.values_list("officer__badge_number", flat=True)) == ["401"]


def test_marking_attendance_records_the_course_for_those_who_came_once(agency, courses, coordinator, patrol):
    session = held_session(agency, courses["DEESC-8"])
    came, missed = make_officer(agency, "403", unit=patrol), make_officer(agency, "404", unit=patrol)
    services.add_to_roster(coordinator, agency, session, [came, missed])
    client = signed_in_client(coordinator)
    response = client.post(reverse("training:staff_session_attendance", args=[session.pk]),
                           {"attended": [came.pk]}, follow=True)
    assert "1 training record created." in response.content.decode()
    client.post(reverse("training:staff_session_attendance", args=[session.pk]), {"attended": [came.pk]})
    record = TrainingRecord.objects.get()
    local_day = session.starts_at.astimezone(zoneinfo.ZoneInfo(agency.timezone)).date()
    assert (record.officer, record.source, record.session, record.hours, record.completed_on) == (
        came, Source.SESSION, session, courses["DEESC-8"].hours, local_day)
    assert SessionSeat.objects.get(officer=came).attended and not SessionSeat.objects.get(officer=missed).attended


def test_unmarking_an_officer_removes_the_record_the_session_gave(agency, courses, coordinator, patrol):
    session = held_session(agency, courses["DEESC-8"])
    officer = make_officer(agency, "405", unit=patrol)
    services.add_to_roster(coordinator, agency, session, [officer])
    services.record_attendance(coordinator, agency, session, {officer.pk})
    services.record_attendance(coordinator, agency, session, set())
    assert not TrainingRecord.objects.exists()


def test_attendance_waits_for_the_session_to_start(agency, courses, coordinator, patrol):
    session = held_session(agency, courses["DEESC-8"], days_ago=-3)
    officer = make_officer(agency, "406", unit=patrol)
    services.add_to_roster(coordinator, agency, session, [officer])
    with pytest.raises(services.TrainingError):
        services.record_attendance(coordinator, agency, session, {officer.pk})


def test_only_officers_on_the_roster_can_be_marked(agency, courses, coordinator, patrol):
    session = held_session(agency, courses["DEESC-8"])
    stranger = make_officer(agency, "407", unit=patrol)
    with pytest.raises(services.TrainingError):
        services.record_attendance(coordinator, agency, session, {stranger.pk})
    assert not TrainingRecord.objects.exists()


def test_a_completion_entered_by_hand_is_listed_with_its_source(agency, courses, coordinator, patrol):
    officer = make_officer(agency, "408", unit=patrol)
    client = signed_in_client(coordinator)
    response = client.post(reverse("training:staff_record_new"), {
        "officer": officer.pk, "course": courses["PJ-4"].pk, "completed_on": "2026-02-03", "hours": "4",
        "note": "State academy"}, follow=True)
    page = response.content.decode()
    assert "The completion is recorded." in page and "Entered by hand" in page and "2026-02-03" in page


def test_a_completion_in_the_future_is_refused_on_the_form(agency, courses, coordinator, patrol):
    officer = make_officer(agency, "409", unit=patrol)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = signed_in_client(coordinator).post(reverse("training:staff_record_new"), {
        "officer": officer.pk, "course": courses["PJ-4"].pk, "completed_on": future, "hours": "4"})
    assert "cannot be dated in the future" in response.content.decode()
    assert not TrainingRecord.objects.exists()


def test_courses_and_requirements_are_made_on_their_forms(agency, courses, coordinator, patrol):
    client = signed_in_client(coordinator)
    client.post(reverse("training:staff_course_new"), {
        "code": "ride-1", "title_en": "Riding along", "title_es": "", "category": "other", "hours": "2",
        "recurrence_months": "", "is_active": "on"})
    page = client.get(reverse("training:staff_courses")).content.decode()
    assert "RIDE-1" in page and "Riding along" in page
    course = courses["PJ-4"]
    response = client.post(reverse("training:staff_requirement_new"), {
        "course": course.pk, "hours_required": "4", "every_months": "36", "applies_to": "unit", "unit": "",
        "assignment": "", "grace_days": "60", "is_active": "on"})
    assert "Choose the unit the requirement applies to." in response.content.decode()
    client.post(reverse("training:staff_requirement_new"), {
        "course": course.pk, "hours_required": "4", "every_months": "36", "applies_to": "unit", "unit": patrol.pk,
        "assignment": "", "grace_days": "60", "is_active": "on"})
    page = client.get(reverse("training:staff_requirements")).content.decode()
    assert "PJ-4 Procedural justice: 4 hours every 36 months, officers of Alpha Patrol" in page
