"""Who may open each console page of youth programs: engagement staff and admins; anonymous visitors are sent
to sign in, other roles (officers, board members, investigators) are refused, and another agency's programs,
sessions, enrolments and matches are not found (404) — and posting to them changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Officer
from commonbeat.programs import services
from commonbeat.programs.models import Enrolment, EnrolmentStatus, ProgramKind

from ..factories import make_user, signed_in_client
from .conftest import application, days_ago, make_program


def world(agency, user) -> dict:
    program = make_program(user, agency, slug=f"{agency.slug}-mentoring", kind=ProgramKind.MENTORSHIP)
    session = services.add_session(user, program, starts_at=timezone.now(),
                                   ends_at=timezone.now() + timedelta(hours=1), place="Gym")
    enrolment = services.enrol(user, services.apply(agency, program, application(agency)).enrolment)
    mentor = services.register_mentor(user, agency, Officer.objects.filter(agency=agency).first(),
                                      background_check_on=days_ago(agency, 3))
    match = services.match_mentor(user, mentor, enrolment)
    return {"program": program.pk, "session": session.pk, "enrolment": enrolment.pk, "match": match.pk}


def pages(ids: dict) -> list[tuple[str, str]]:
    p, s, e, m = ids["program"], ids["session"], ids["enrolment"], ids["match"]
    return [
        ("get", "/console/programs/"), ("get", "/console/programs/new/"), ("get", "/console/programs/mentors/"),
        ("get", f"/console/programs/{p}/"), ("get", f"/console/programs/{p}/edit/"),
        ("post", f"/console/programs/{p}/sessions/"), ("get", f"/console/programs/{p}/figures.csv"),
        ("post", f"/console/programs/{p}/outcome-survey/"), ("post", f"/console/programs/{p}/matches/"),
        ("get", f"/console/programs/sessions/{s}/attendance/"), ("post", f"/console/programs/enrolments/{e}/enrol/"),
        ("post", f"/console/programs/enrolments/{e}/withdraw/"), ("get", f"/console/programs/enrolments/{e}/consent/"),
        ("get", f"/console/programs/matches/{m}/"), ("post", f"/console/programs/matches/{m}/end/"),
    ]


@pytest.fixture
def alpha(agency, cast):
    return world(agency, cast[Role.ENGAGEMENT_STAFF])


def test_anonymous_visitors_are_sent_to_sign_in(client, alpha):
    for method, url in pages(alpha):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"], url


@pytest.mark.parametrize("role", [Role.OFFICER, Role.BOARD_MEMBER, Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER])
def test_other_roles_are_refused(cast, alpha, role):
    client = signed_in_client(cast[role])
    for method, url in pages(alpha):
        assert getattr(client, method)(url).status_code == 403, url
    assert Enrolment.objects.get(pk=alpha["enrolment"]).status == EnrolmentStatus.ENROLLED


@pytest.mark.parametrize("role", [Role.ENGAGEMENT_STAFF, Role.AGENCY_ADMIN])
def test_program_staff_and_admins_open_every_page(cast, alpha, role):
    client = signed_in_client(cast[role])
    for method, url in pages(alpha):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_another_agencys_records_are_not_found(other_agency, other_admin, alpha):
    beta_staff = make_user(other_agency, Role.ENGAGEMENT_STAFF, "beta_staff")
    world(other_agency, beta_staff)
    client = signed_in_client(other_admin, host="beta.test")
    for method, url in pages(alpha)[3:]:
        assert getattr(client, method)(url).status_code == 404, url
    assert Enrolment.objects.get(pk=alpha["enrolment"]).status == EnrolmentStatus.ENROLLED
    assert "alpha-mentoring" not in client.get("/console/programs/").content.decode()
    assert client.get("/programs/alpha-mentoring/").status_code == 404
