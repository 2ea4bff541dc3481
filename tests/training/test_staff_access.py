"""Who may open each training page: anonymous visitors are sent to sign in, other roles are refused, and another
agency's courses, sessions, imports and officers are not found."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Officer
from commonbeat.training import services
from commonbeat.training.models import ImportBatch, Requirement, TrainingSession

from ..factories import make_user, signed_in_client

MANAGE_PAGES = ["staff_courses", "staff_course_new", "staff_requirements", "staff_requirement_new", "staff_sessions",
                "staff_session_new", "staff_records", "staff_record_new", "staff_import"]
COMPLIANCE_PAGES = ["staff_compliance"]


@pytest.fixture
def beta_objects(other_agency):
    """A course, requirement, session, import and officer of the other agency."""
    courses = services.standard_courses(other_agency)
    requirement = Requirement.objects.create(agency=other_agency, course=courses[0], hours_required=4, every_months=12)
    start = timezone.now() - timedelta(days=1)
    session = TrainingSession.objects.create(agency=other_agency, course=courses[0], starts_at=start,
                                             ends_at=start + timedelta(hours=4), place="Beta academy")
    batch = ImportBatch.objects.create(agency=other_agency, source_system="lms", content="", uploaded_at=start)
    officer = Officer.objects.get(agency=other_agency)
    return {"staff_course_edit": courses[0].pk, "staff_requirement_edit": requirement.pk,
            "staff_session": session.pk, "staff_session_roster": session.pk,
            "staff_session_attendance": session.pk, "staff_import_batch": batch.pk, "staff_import_run": batch.pk,
            "staff_officer": officer.pk}


@pytest.mark.parametrize("name", MANAGE_PAGES + COMPLIANCE_PAGES + ["mine"])
def test_anonymous_visitors_are_sent_to_sign_in(db, agency, name):
    response = Client().get(reverse(f"training:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ENGAGEMENT_STAFF, Role.OVERSIGHT_REVIEWER, Role.BOARD_MEMBER])
@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_only_coordinators_and_admins_manage_training(cast, role, name):
    assert signed_in_client(cast[role]).get(reverse(f"training:{name}")).status_code == 403


@pytest.mark.parametrize("role,status", [(Role.TRAINING_COORDINATOR, 200), (Role.OVERSIGHT_REVIEWER, 200),
                                         (Role.AGENCY_ADMIN, 200), (Role.OFFICER, 403), (Role.INVESTIGATOR, 403)])
def test_compliance_is_read_by_coordinators_reviewers_and_admins(cast, role, status):
    response = signed_in_client(cast[role]).get(reverse("training:staff_compliance"))
    assert response.status_code == status
    if status == 200:
        assert "Training compliance" in response.content.decode()


@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_the_coordinator_opens_every_console_page(cast, name):
    response = signed_in_client(cast[Role.TRAINING_COORDINATOR]).get(reverse(f"training:{name}"))
    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


@pytest.mark.parametrize("name", ["staff_course_edit", "staff_requirement_edit", "staff_session", "staff_import_batch",
                                  "staff_officer"])
def test_another_agencys_objects_are_not_found_on_pages(cast, beta_objects, name):
    client = signed_in_client(cast[Role.AGENCY_ADMIN])
    assert client.get(reverse(f"training:{name}", args=[beta_objects[name]])).status_code == 404


@pytest.mark.parametrize("name", ["staff_course_edit", "staff_requirement_edit", "staff_session_roster",
                                  "staff_session_attendance", "staff_import_run", "staff_officer"])
def test_another_agencys_objects_are_not_found_by_forms(cast, beta_objects, name):
    client = signed_in_client(cast[Role.AGENCY_ADMIN])
    assert client.post(reverse(f"training:{name}", args=[beta_objects[name]]), {}).status_code == 404


def test_a_reviewer_reads_an_officers_training_but_cannot_move_them(cast, agency):
    officer = Officer.objects.get(agency=agency)
    client = signed_in_client(cast[Role.OVERSIGHT_REVIEWER])
    page = client.get(reverse("training:staff_officer", args=[officer.pk])).content.decode()
    assert "Required training" in page and "Record a move" not in page
    client.post(reverse("training:staff_officer", args=[officer.pk]), {"assignment": "crisis",
                                                                        "effective_on": "2026-01-01"})
    officer.refresh_from_db()
    assert officer.assignment == ""


def test_the_own_training_page_is_for_officers(cast, agency):
    assert signed_in_client(cast[Role.ENGAGEMENT_STAFF]).get(reverse("training:mine")).status_code == 403
    assert signed_in_client(cast[Role.OFFICER]).get(reverse("training:mine")).status_code == 200


def test_the_console_asks_for_the_second_factor(agency):
    user = make_user(agency, Role.TRAINING_COORDINATOR, "no_device", with_device=False)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("training:staff_courses"))
    assert response.status_code == 302 and "authenticator" in response["Location"]
