"""A minor is enrolled only with a guardian's recorded consent: the public form, the services and the database
each refuse a minor's enrolment without one. Adults apply for themselves."""

import pytest
from django.db import IntegrityError, connection, transaction

from commonbeat.programs import services
from commonbeat.programs.models import Enrolment, EnrolmentStatus, GuardianConsent, Participant

from .conftest import adult_year, application, minor_year


def test_a_minor_without_guardian_consent_is_refused_and_nothing_is_stored(agency, program):
    with pytest.raises(services.ProgramsError, match="consent of a parent or guardian"):
        services.apply(agency, program, application(agency, consent=False))
    assert not Participant.objects.exists()
    assert not Enrolment.objects.exists()


def test_a_minor_with_consent_applies_and_the_consent_is_recorded_encrypted(agency, program):
    result = services.apply(agency, program, application(agency))
    enrolment = result.enrolment
    assert enrolment.is_minor and enrolment.status == EnrolmentStatus.APPLIED
    consent = enrolment.consent
    assert consent.guardian_name == "Wilhelmina Guardianson"
    assert consent.relationship == "parent" and consent.method == "online"
    assert consent.text_version == services.CONSENT_TEXT_VERSION
    with connection.cursor() as cursor:
        cursor.execute("SELECT guardian_name, guardian_contact FROM programs_guardianconsent")
        stored = cursor.fetchone()
    assert "Wilhelmina" not in stored[0] and "wilhelmina" not in stored[1]


def test_only_a_display_name_and_year_of_birth_are_kept_about_a_participant(agency, program):
    participant = services.apply(agency, program, application(agency)).enrolment.participant
    assert participant.display_name == "Zorabel Q."
    assert participant.birth_year == minor_year(agency)
    assert participant.contact == ""
    assert not hasattr(participant, "address") and not hasattr(participant, "date_of_birth")


def test_an_adult_applies_for_themselves_without_a_guardian(agency, program):
    enrolment = services.apply(agency, program, application(agency, consent=False,
                                                            birth_year=adult_year(agency))).enrolment
    assert not enrolment.is_minor and enrolment.consent is None


def test_someone_turning_18_this_year_still_needs_consent(agency, program):
    year = agency.today().year - 18
    with pytest.raises(services.ProgramsError, match="consent"):
        services.apply(agency, program, application(agency, consent=False, birth_year=year))


def test_staff_cannot_enrol_a_minor_whose_consent_is_missing(agency, program, staff):
    enrolment = services.apply(agency, program, application(agency)).enrolment
    Enrolment.objects.filter(pk=enrolment.pk).update(is_minor=False, consent=None)  # as if written around the rules
    enrolment.refresh_from_db()
    with pytest.raises(services.ProgramsError, match="without a parent's or guardian's consent"):
        services.enrol(staff, enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.APPLIED


def test_the_database_refuses_a_minors_enrolment_without_consent(agency, program):
    participant = services.apply(agency, program, application(agency)).enrolment.participant
    other = type(program).objects.create(
        agency=agency, slug="other", kind=program.kind, title={"en": "Other"}, min_age=1, max_age=20,
        season_starts_on=program.season_starts_on, season_ends_on=program.season_ends_on)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(agency=agency, program=other, participant=participant, is_minor=True,
                                 consent=None, applied_at=participant.created_at)


def test_staff_record_a_paper_consent_and_then_enrol(agency, program, staff, staff_client):
    enrolment = services.apply(agency, program, application(agency)).enrolment
    Enrolment.objects.filter(pk=enrolment.pk).update(is_minor=False, consent=None)
    enrolment.refresh_from_db()
    response = staff_client.post(f"/console/programs/enrolments/{enrolment.pk}/consent/", {
        "guardian_name": "Paper Parent", "guardian_contact": "555-0100", "relationship": "legal_guardian",
        "method": "signed_form"})
    assert response.status_code == 302
    response = staff_client.post(f"/console/programs/enrolments/{enrolment.pk}/enrol/", follow=True)
    assert "Zorabel Q. is enrolled." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED and enrolment.is_minor
    assert enrolment.consent.method == "signed_form"
    assert GuardianConsent.objects.count() == 2


def test_enrolling_from_the_console_with_consent_on_record(agency, program, staff_client):
    enrolment = services.apply(agency, program, application(agency)).enrolment
    page = staff_client.get(f"/console/programs/{program.pk}/").content.decode()
    assert "Zorabel Q." in page and "On record" in page
    staff_client.post(f"/console/programs/enrolments/{enrolment.pk}/enrol/")
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_a_full_program_enrols_nobody_more(agency, staff):
    from .conftest import make_program

    small = make_program(staff, agency, slug="tiny", capacity=1)
    first = services.apply(agency, small, application(agency, first_name="Ann")).enrolment
    second = services.apply(agency, small, application(agency, first_name="Bea")).enrolment
    services.enrol(staff, first)
    with pytest.raises(services.ProgramsError, match="full"):
        services.enrol(staff, second)


def public_form(**changes) -> dict:
    data = {"first_name": "Zorabel", "last_initial": "Q", "birth_year": "2014", "school": "Mill Creek",
            "contact": "", "guardian_name": "Wilhelmina Guardianson", "guardian_contact": "wilhelmina@example.org",
            "relationship": "parent", "consent": "on", "submission_token": "0" * 32}
    data.update(changes)
    return data


def test_the_public_form_refuses_a_minor_without_consent_and_keeps_what_was_typed(client, agency, program):
    data = public_form(birth_year=str(minor_year(agency)))
    del data["consent"]
    response = client.post(f"/programs/{program.slug}/apply/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "can only be enrolled with the consent of a parent or guardian" in page
    assert 'value="Zorabel"' in page and 'value="Wilhelmina Guardianson"' in page
    assert 'href="#id_consent"' in page
    assert not Enrolment.objects.exists()


def test_a_guardian_applies_on_the_public_form_once_even_if_sent_twice(client, agency, program):
    data = public_form(birth_year=str(minor_year(agency)))
    first = client.post(f"/programs/{program.slug}/apply/", data, follow=True)
    client.post(f"/programs/{program.slug}/apply/", data)
    assert "Application received" in first.content.decode()
    assert "Zorabel" not in first.content.decode()
    enrolment = Enrolment.objects.get()
    assert enrolment.consent.guardian_name == "Wilhelmina Guardianson"


def test_a_private_program_takes_no_applications(client, agency, staff):
    from .conftest import make_program

    hidden = make_program(staff, agency, slug="hidden", is_public=False)
    assert client.get(f"/programs/{hidden.slug}/apply/").status_code == 404
    assert client.get(f"/programs/{hidden.slug}/").status_code == 404
