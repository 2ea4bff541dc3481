"""The coordinator's pages for one course, requirement, session and officer, with what they show."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.training import services
from commonbeat.training.models import AssignmentChange, TrainingSession

from ..factories import signed_in_client
from .conftest import make_officer


def test_a_course_is_changed_on_its_form(agency, cast, courses):
    client = signed_in_client(cast[Role.TRAINING_COORDINATOR])
    course = courses["DEESC-8"]
    page = client.get(reverse("training:staff_course_edit", args=[course.pk])).content.decode()
    assert 'value="De-escalation"' in page and 'value="Desescalada"' in page
    client.post(reverse("training:staff_course_edit", args=[course.pk]), {
        "code": "DEESC-8", "title_en": "De-escalation and tactics", "title_es": "Desescalada", "category":
        "de_escalation", "hours": "8", "recurrence_months": "12", "is_active": "on"})
    course.refresh_from_db()
    assert course.title == {"en": "De-escalation and tactics", "es": "Desescalada"}


def test_a_requirement_is_changed_on_its_form(agency, cast, de_escalation):
    client = signed_in_client(cast[Role.TRAINING_COORDINATOR])
    page = client.get(reverse("training:staff_requirement_edit", args=[de_escalation.pk])).content.decode()
    assert "DEESC-8 De-escalation: 8 hours every 12 months, every sworn officer" in page
    client.post(reverse("training:staff_requirement_edit", args=[de_escalation.pk]), {
        "course": de_escalation.course_id, "hours_required": "6", "every_months": "", "applies_to": "assignment",
        "assignment": "patrol", "grace_days": "30", "is_active": "on"})
    de_escalation.refresh_from_db()
    assert (de_escalation.hours_required, de_escalation.every_months, de_escalation.assignment) == (6, None,
                                                                                                    "patrol")


def test_the_session_page_lists_the_roster_with_attendance_boxes(agency, cast, courses, patrol):
    coordinator = cast[Role.TRAINING_COORDINATOR]
    start = timezone.now() - timedelta(hours=3)
    session = TrainingSession.objects.create(agency=agency, course=courses["BIAS-4"], starts_at=start,
                                             ends_at=start + timedelta(hours=4), place="Academy", capacity=10)
    officer = make_officer(agency, "951", unit=patrol, last_name="Rostered")
    services.add_to_roster(coordinator, agency, session, [officer])
    page = signed_in_client(coordinator).get(reverse("training:staff_session", args=[session.pk])).content.decode()
    assert "Rostered, Sam" in page
    assert f'name="attended" value="{officer.pk}"' in page
    assert "Save attendance" in page and "10 (9 left)" in page


def test_a_coordinator_records_an_officers_move_on_their_page(agency, cast, crisis_training, patrol, crisis_unit):
    officer = make_officer(agency, "952", unit=patrol, assignment="patrol")
    client = signed_in_client(cast[Role.TRAINING_COORDINATOR])
    moved_on = date.today() - timedelta(days=3)
    response = client.post(reverse("training:staff_officer", args=[officer.pk]), {
        "unit": crisis_unit.pk, "assignment": "crisis", "effective_on": moved_on.isoformat()}, follow=True)
    page = response.content.decode()
    assert "The officer&#x27;s unit and assignment are saved." in page
    assert "CIT-40" in page and "Due soon" in page
    assert AssignmentChange.objects.get(officer=officer).effective_on == moved_on
    response = client.post(reverse("training:staff_officer", args=[officer.pk]), {
        "unit": patrol.pk, "assignment": "patrol", "effective_on": (moved_on - timedelta(days=5)).isoformat()})
    assert "cannot be dated before the last recorded change" in response.content.decode()
