"""Officer mentors: a background check is current until its validity runs out; a mentor whose check has expired
cannot be matched or log meetings, and running matches are flagged "Check expired" in the console. Matches,
the meeting log and the end-of-year outcome survey."""

from datetime import date, timedelta

import pytest

from commonbeat.core.models import Officer
from commonbeat.programs import services
from commonbeat.programs.models import Match, Mentor, MentoringMeeting
from commonbeat.surveys.models import Survey, SurveyStatus

from .conftest import application, days_ago


@pytest.fixture
def officer(agency):
    return Officer.objects.filter(agency=agency).first()


@pytest.fixture
def mentee(agency, mentorship, staff):
    return services.enrol(staff, services.apply(agency, mentorship, application(agency)).enrolment)


def test_a_check_is_current_until_the_day_its_validity_runs_out():
    mentor = Mentor(background_check_on=date(2024, 3, 15), background_check_valid_months=24)
    assert mentor.check_expires_on == date(2026, 3, 15)
    assert mentor.check_is_current(date(2026, 3, 14))
    assert not mentor.check_is_current(date(2026, 3, 15))


def test_a_check_done_on_the_last_day_of_a_long_month_expires_on_the_last_day_of_a_short_one():
    mentor = Mentor(background_check_on=date(2024, 8, 31), background_check_valid_months=6)
    assert mentor.check_expires_on == date(2025, 2, 28)


def test_a_mentor_with_a_current_check_is_matched(agency, staff, officer, mentee):
    mentor = services.register_mentor(staff, agency, officer, background_check_on=days_ago(agency, 30))
    match = services.match_mentor(staff, mentor, mentee)
    assert match.mentee == mentee and match.started_on == agency.today()


def test_a_mentor_with_an_expired_check_cannot_be_matched(agency, staff, officer, mentee):
    mentor = services.register_mentor(staff, agency, officer, background_check_on=days_ago(agency, 800))
    with pytest.raises(services.ProgramsError, match="background check expired"):
        services.match_mentor(staff, mentor, mentee)
    assert not Match.objects.exists()


def test_renewing_the_check_lets_the_mentor_be_matched_again(agency, staff, officer, mentee):
    services.register_mentor(staff, agency, officer, background_check_on=days_ago(agency, 800))
    mentor = services.register_mentor(staff, agency, officer, background_check_on=days_ago(agency, 1))
    assert Mentor.objects.count() == 1
    services.match_mentor(staff, mentor, mentee)


def test_the_console_refuses_a_match_with_an_expired_mentor_and_says_why(agency, staff, staff_client, officer,
                                                                         mentee, mentorship):
    mentor = services.register_mentor(staff, agency, officer, background_check_on=days_ago(agency, 800))
    response = staff_client.post(f"/console/programs/{mentorship.pk}/matches/",
                                 {"mentor": mentor.pk, "mentee": mentee.pk})
    assert response.status_code == 400
    assert "background check expired" in response.content.decode()
    assert not Match.objects.exists()


def test_running_matches_of_an_expired_mentor_are_flagged_in_the_console(agency, staff, staff_client, officer,
                                                                         mentee, mentorship):
    mentor = services.register_mentor(staff, agency, officer, background_check_on=days_ago(agency, 30))
    match = services.match_mentor(staff, mentor, mentee)
    Mentor.objects.filter(pk=mentor.pk).update(background_check_on=days_ago(agency, 731))
    program_page = staff_client.get(f"/console/programs/{mentorship.pk}/").content.decode()
    assert "Check expired" in program_page
    assert "Check expired" in staff_client.get("/console/programs/").content.decode()
    assert "Check expired" in staff_client.get("/console/programs/mentors/").content.decode()
    match_page = staff_client.get(f"/console/programs/matches/{match.pk}/").content.decode()
    assert "No meetings can be logged until a new check is recorded" in match_page
    with pytest.raises(services.ProgramsError, match="expired"):
        services.log_meeting(staff, match, met_on=days_ago(agency, 0), minutes=60)


def test_only_mentees_enrolled_in_a_mentorship_program_can_be_matched(agency, staff, officer, program):
    other = services.enrol(staff, services.apply(agency, program, application(agency)).enrolment)
    mentor = services.register_mentor(staff, agency, officer, background_check_on=days_ago(agency, 3))
    with pytest.raises(services.ProgramsError, match="mentorship program"):
        services.match_mentor(staff, mentor, other)


def test_a_meeting_is_logged_from_the_match_page(agency, staff, staff_client, officer, mentee):
    mentor = services.register_mentor(staff, agency, officer, background_check_on=days_ago(agency, 3))
    match = services.match_mentor(staff, mentor, mentee, started_on=days_ago(agency, 10))
    response = staff_client.post(f"/console/programs/matches/{match.pk}/", {
        "met_on": days_ago(agency, 2).isoformat(), "minutes": "60", "note": "Homework help"}, follow=True)
    assert "Homework help" in response.content.decode()
    assert MentoringMeeting.objects.get().minutes == 60


def test_a_meeting_before_the_match_began_is_refused(agency, staff, officer, mentee):
    mentor = services.register_mentor(staff, agency, officer, background_check_on=days_ago(agency, 3))
    match = services.match_mentor(staff, mentor, mentee)
    with pytest.raises(services.ProgramsError, match="while the match was running"):
        services.log_meeting(staff, match, met_on=days_ago(agency, 5), minutes=30)


def test_a_future_background_check_is_refused(agency, staff, officer):
    with pytest.raises(services.ProgramsError, match="future"):
        services.register_mentor(staff, agency, officer, background_check_on=days_ago(agency, -1))


def test_registering_a_mentor_from_the_console(agency, staff_client, officer):
    response = staff_client.post("/console/programs/mentors/", {
        "officer": officer.pk, "background_check_on": days_ago(agency, 10).isoformat(), "valid_months": "24"},
        follow=True)
    assert "Current" in response.content.decode()
    assert Mentor.objects.get().officer == officer


def test_the_outcome_survey_is_opened_once_a_year_and_shown_with_its_qr_code(agency, staff, staff_client,
                                                                              mentorship):
    staff_client.post(f"/console/programs/{mentorship.pk}/outcome-survey/")
    staff_client.post(f"/console/programs/{mentorship.pk}/outcome-survey/")
    survey = Survey.objects.get()
    assert survey.status == SurveyStatus.OPEN and not survey.counts_toward_trust_index
    assert survey.questions.count() == 4
    page = staff_client.get(f"/console/programs/{mentorship.pk}/").content.decode()
    assert f"/s/{survey.slug}/" in page and "<svg" in page


def test_outcome_surveys_are_for_mentorship_programs(staff, program):
    with pytest.raises(services.ProgramsError):
        services.open_outcome_survey(staff, program, 2026)


def test_withdrawing_a_mentee_ends_their_match(agency, staff, officer, mentee):
    mentor = services.register_mentor(staff, agency, officer, background_check_on=days_ago(agency, 3))
    match = services.match_mentor(staff, mentor, mentee, started_on=days_ago(agency, 20))
    services.withdraw(staff, mentee)
    match.refresh_from_db()
    assert match.ended_on == agency.today()
    assert timedelta(0) <= agency.today() - match.started_on
