"""Programs from the console: create and edit one, add sessions, take attendance (counted per participant),
withdraw a participant."""

import uuid

from commonbeat.programs import services
from commonbeat.programs.models import EnrolmentStatus, Program, ProgramSession, SessionAttendance

from .conftest import application


def program_data(**changes) -> dict:
    data = {"title_en": "Night hoops", "title_es": "Baloncesto nocturno", "description_en": "Friday basketball.",
            "description_es": "", "slug": "night-hoops", "kind": "sports_league", "min_age": "12", "max_age": "17",
            "season_starts_on": "2026-01-10", "season_ends_on": "2026-12-20", "capacity": "30", "neighbourhood": "",
            "schools": "Mill Creek Middle School\nNorthgate High", "partner_organisations": "YMCA",
            "is_public": "on", "submission_token": uuid.uuid4().hex}
    data.update(changes)
    return data


def test_staff_create_a_program_once_even_if_the_form_is_sent_twice(staff_client):
    data = program_data()
    first = staff_client.post("/console/programs/new/", data, follow=True)
    staff_client.post("/console/programs/new/", data)
    program = Program.objects.get()
    assert "Night hoops" in first.content.decode()
    assert program.title == {"en": "Night hoops", "es": "Baloncesto nocturno"}
    assert program.school_list == ["Mill Creek Middle School", "Northgate High"]


def test_a_program_whose_oldest_age_is_below_its_youngest_is_refused_with_what_was_typed(staff_client):
    response = staff_client.post("/console/programs/new/", program_data(min_age="15", max_age="10"))
    page = response.content.decode()
    assert "The oldest age must be at least the youngest age." in page
    assert 'value="Night hoops"' in page
    assert not Program.objects.exists()


def test_staff_edit_a_program(staff_client, program):
    staff_client.post(f"/console/programs/{program.pk}/edit/", program_data(slug=program.slug, title_en="Renamed"))
    program.refresh_from_db()
    assert program.title["en"] == "Renamed"


def test_a_session_is_added_and_attendance_counted_per_participant(agency, staff, staff_client, program):
    first = services.enrol(staff, services.apply(agency, program, application(agency, first_name="Ann")).enrolment)
    second = services.enrol(staff, services.apply(agency, program, application(agency, first_name="Bea")).enrolment)
    response = staff_client.post(f"/console/programs/{program.pk}/sessions/", {
        "day": "2026-03-03", "start_time": "17:00", "end_time": "19:00", "place": "Mill Creek gym"})
    assert response.status_code == 302
    session = ProgramSession.objects.get()
    assert session.place == "Mill Creek gym"
    page = staff_client.get(f"/console/programs/sessions/{session.pk}/attendance/").content.decode()
    assert "Ann Q." in page and "Bea Q." in page
    staff_client.post(f"/console/programs/sessions/{session.pk}/attendance/", {"present": [first.pk]})
    assert list(SessionAttendance.objects.values_list("enrolment_id", flat=True)) == [first.pk]
    staff_client.post(f"/console/programs/sessions/{session.pk}/attendance/", {"present": [first.pk, second.pk]})
    assert SessionAttendance.objects.count() == 2
    assert services.attendance_by_participant(program) == {first.pk: 1, second.pk: 1}


def test_a_session_that_ends_before_it_starts_is_refused(staff_client, program):
    response = staff_client.post(f"/console/programs/{program.pk}/sessions/", {
        "day": "2026-03-03", "start_time": "19:00", "end_time": "17:00", "place": "Gym"})
    assert response.status_code == 400
    assert "The session must end after it starts." in response.content.decode()


def test_staff_withdraw_a_participant(agency, staff, staff_client, program):
    enrolment = services.enrol(staff, services.apply(agency, program, application(agency)).enrolment)
    response = staff_client.post(f"/console/programs/enrolments/{enrolment.pk}/withdraw/", follow=True)
    assert "Zorabel Q. is withdrawn." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
