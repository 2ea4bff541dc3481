"""No minor's data appears in any export or public page: only aggregate counts, and counts from 1 to 10 are
suppressed."""

import csv
import io

import pytest

from commonbeat.programs import services

from .conftest import application


@pytest.fixture
def enrolled(agency, program, staff):
    """Twelve enrolled minors with memorable names, guardians and schools."""
    enrolments = []
    for number in range(12):
        enrolment = services.apply(agency, program, application(
            agency, first_name=f"Quillonia{number}", school="Xanthe Academy" if number < 3 else "Mill Creek")
        ).enrolment
        enrolments.append(services.enrol(staff, enrolment))
    session = services.add_session(staff, program, starts_at=program.created_at, ends_at=program.created_at
                                   + __import__("datetime").timedelta(hours=2), place="Gym")
    services.record_attendance(staff, session, enrolments[:5])
    return enrolments


SECRETS = ["Quillonia", "Wilhelmina", "Guardianson", "wilhelmina@example.org", "Q."]


def assert_no_personal_data(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize("language", ["", "/es"])
def test_public_pages_show_no_participant_and_only_counts(client, program, enrolled, language):
    for url in ("/programs/", f"/programs/{program.slug}/", f"/programs/{program.slug}/apply/",
                f"/programs/{program.slug}/apply/thanks/"):
        response = client.get(language + url)
        assert response.status_code == 200
        assert_no_personal_data(response.content.decode())
    page = client.get(f"{language}/programs/{program.slug}/").content.decode()
    assert "12" in page


def test_the_public_page_shows_the_count_of_people_taking_part(client, program, enrolled):
    page = client.get(f"/programs/{program.slug}/").content.decode()
    assert "12 people are taking part." in page
    assert "Xanthe Academy" not in page  # schools of participants are not broken down in public


def test_a_public_count_under_11_is_suppressed(client, agency, program, staff):
    for number in range(4):
        services.enrol(staff, services.apply(agency, program, application(agency, first_name=f"Few{number}"))
                       .enrolment)
    page = client.get(f"/programs/{program.slug}/").content.decode()
    assert "Fewer than 11 young people are taking part." in page
    assert "4 people" not in page and "Few0" not in page


def test_the_figures_export_holds_aggregates_only(staff_client, program, enrolled):
    response = staff_client.get(f"/console/programs/{program.pk}/figures.csv")
    text = response.content.decode()
    assert response["Content-Disposition"].startswith("attachment")
    assert_no_personal_data(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert set(rows[0]) == {"program", "table", "group", "count", "suppressed"}
    by = {(row["table"], row["group"]): row for row in rows}
    assert by[("enrolled", "all")]["count"] == "12"
    assert by[("age_band", "10-12")]["count"] == "12"
    assert by[("school", "Xanthe Academy")]["count"] == ""  # 3 people: suppressed
    assert by[("school", "Xanthe Academy")]["suppressed"] == "True"
    assert by[("school", "Mill Creek")]["suppressed"] == "True"  # 9 people: under 11 too
    assert all(row["table"] != "participant" for row in rows)


def test_the_audit_log_keeps_no_names_of_minors_or_guardians(agency, program, enrolled):
    from commonbeat.core.models import AuditEvent

    for event in AuditEvent.objects.filter(action__startswith="programs."):
        assert_no_personal_data(str(event.changes))
