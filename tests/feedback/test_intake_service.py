import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from commonbeat.core.models import AuditEvent
from commonbeat.feedback import services, tracking
from commonbeat.feedback.models import Attachment, Report, Status

from .factories import file, submission


def test_an_anonymous_complaint_needs_only_what_happened(agency):
    filed = services.file_report(agency, services.Submission(kind="complaint", narrative="Stopped for no reason."),
                                 channel="web")
    report = filed.report
    assert filed.created and report.is_anonymous and report.status == Status.RECEIVED
    assert report.reference.startswith("C") and report.neighbourhood is None
    assert list(report.status_changes.values_list("to_status", flat=True)) == ["received"]
    assert AuditEvent.objects.get(action="feedback.report_filed").changes["anonymous"] is True


def test_the_neighbourhood_is_derived_from_the_point(agency):
    assert file(agency).report.neighbourhood.slug == "alpha-north-end"


def test_the_tracking_code_finds_the_report_and_is_never_stored_in_clear(agency):
    filed = file(agency)
    assert services.find_by_tracking_code(agency, filed.tracking_code) == filed.report
    assert services.find_by_tracking_code(agency, filed.tracking_code.lower().replace("-", " ")) == filed.report
    row = Report.objects.filter(pk=filed.report.pk).values().get()
    assert filed.tracking_code not in str(row)
    assert filed.tracking_code not in str(list(AuditEvent.objects.values()))


def test_wrong_codes_find_nothing(agency, other_agency):
    filed = file(agency)
    assert services.find_by_tracking_code(agency, "0000-0000-0000-0000") is None
    assert services.find_by_tracking_code(agency, "not a code") is None
    assert services.find_by_tracking_code(agency, "") is None
    assert services.find_by_tracking_code(other_agency, filed.tracking_code) is None


def test_tracking_codes_are_long_random_and_easy_to_write_down(agency):
    codes = {tracking.new_code(agency.id) for _ in range(500)}
    assert len(codes) == 500
    for code in list(codes)[:20]:
        assert len(code) == 19 and code.count("-") == 3
        assert not set(code) & set("ILOU")
    assert tracking.normalise("k7qm 3xhd 9paw tr2f") == "K7QM-3XHD-9PAW-TR2F"
    assert tracking.normalise("O0I1-LLLL-0000-0000") == "0011-1111-0000-0000"


def test_a_retried_submission_returns_the_first_report_and_the_same_code(agency):
    first = services.file_report(agency, submission(), channel="api", idempotency_key="key-1")
    again = services.file_report(agency, submission(), channel="api", idempotency_key="key-1")
    assert first.created and not again.created
    assert again.report == first.report and again.tracking_code == first.tracking_code
    assert Report.objects.count() == 1


def test_a_reused_key_with_a_different_report_is_refused(agency):
    services.file_report(agency, submission(), channel="api", idempotency_key="key-1")
    with pytest.raises(services.FeedbackError, match="already used for a different report"):
        services.file_report(agency, submission(narrative="Something else entirely."), channel="api",
                             idempotency_key="key-1")


def test_the_same_key_in_two_agencies_files_two_reports(agency, other_agency):
    a = services.file_report(agency, submission(), channel="api", idempotency_key="shared")
    b = services.file_report(other_agency, submission(), channel="api", idempotency_key="shared")
    assert a.report != b.report and a.tracking_code != b.tracking_code


def test_identity_and_contact_are_encrypted_at_rest(agency):
    report = file(agency, name="Zelda Quixote", email="zelda@example.org", phone="555-0199",
                  consent_to_contact=True).report
    with connection.cursor() as cursor:
        cursor.execute("SELECT complainant_name, complainant_email, complainant_phone FROM feedback_report")
        stored = cursor.fetchone()
    assert not any("Zelda" in value or "zelda@" in value or "555-0199" in value for value in stored)
    report.refresh_from_db()
    assert report.complainant_name == "Zelda Quixote" and report.consent_to_contact


def test_consent_needs_a_way_to_contact(agency):
    assert file(agency, consent_to_contact=True).report.consent_to_contact is False


def test_attachments_are_checked_and_stored(agency):
    photo = SimpleUploadedFile("scene.jpg", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")
    report = file(agency, files=[photo]).report
    attachment = Attachment.objects.get(report=report)
    assert attachment.original_name == "scene.jpg" and attachment.content_type == "image/jpeg"
    assert attachment.file.name.endswith(".jpg") and "scene" not in attachment.file.name


def test_a_file_of_the_wrong_type_is_refused_with_its_name(agency):
    program = SimpleUploadedFile("run.exe", b"MZ", content_type="application/x-msdownload")
    with pytest.raises(services.FeedbackError, match="run.exe is not a photo"):
        file(agency, files=[program])
    assert not Report.objects.exists()


def test_a_file_too_large_is_refused(agency):
    big = SimpleUploadedFile("big.pdf", b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf")
    with pytest.raises(services.FeedbackError, match="larger than 10 MB"):
        file(agency, files=[big])


def test_a_narrative_is_required(agency):
    with pytest.raises(services.FeedbackError, match="Tell us what happened"):
        file(agency, narrative="   ")


def test_case_numbers_count_up_per_kind(agency):
    assert file(agency).report.reference.endswith("-00001")
    assert file(agency).report.reference.endswith("-00002")
    assert file(agency, kind="commendation").report.reference.startswith("K")


def test_agency_defaults_are_created_once(agency):
    services.settings_for(agency)
    services.settings_for(agency)
    assert agency.allegationcategory_set.count() == 6
    assert agency.findingtype_set.filter(sustained=True).count() == 1
