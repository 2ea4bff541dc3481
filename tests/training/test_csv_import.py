"""Importing completions from a learning system's CSV export: the dry run reports every bad row with its line
number and reason and imports nothing; a clean file is imported on request, once, by the learning system's ids."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent
from commonbeat.training import services
from commonbeat.training.models import ImportBatch, Source, TrainingRecord

from ..factories import signed_in_client
from .conftest import make_officer

HEADER = "badge_number,course_code,completed_on,hours,record_id\n"


@pytest.fixture
def coordinator(cast):
    return cast[Role.TRAINING_COORDINATOR]


@pytest.fixture
def officers(agency, patrol):
    return [make_officer(agency, "501", unit=patrol), make_officer(agency, "502", unit=patrol)]


def bad_file() -> str:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    return HEADER + (
        "501,DEESC-8,2026-01-10,8,R-1\n"         # line 2: good
        "999,DEESC-8,2026-01-10,8,R-2\n"         # line 3: unknown badge
        "502,NOPE-1,2026-01-10,8,R-3\n"          # line 4: unknown course code
        "502,BIAS-4,10/01/2026,4,R-4\n"          # line 5: bad date
        "502,BIAS-4,2026-01-10,four,R-5\n"       # line 6: hours not a number
        "501,CULT-4,2026-01-11,4,R-1\n"          # line 7: duplicate record id
        f"501,CULT-4,{tomorrow},4,R-7\n"         # line 8: in the future
        "501,CULT-4,2026-01-11,4,\n"             # line 9: no record id
        "777,XX,yesterday,-2,R-9\n"              # line 10: four reasons at once
    )


def test_the_dry_run_reports_every_bad_row_with_its_line_and_reason(agency, courses, officers):
    check = services.check_csv(agency, bad_file(), "lms")
    reasons = {error.row: error.reason for error in check.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "unknown badge number “999”" in reasons[3]
    assert "unknown course code “NOPE-1”" in reasons[4]
    assert "not a date written YYYY-MM-DD" in reasons[5]
    assert "hours “four” are not a number" in reasons[6]
    assert "duplicate: record id “R-1” is also on line 2" in reasons[7]
    assert "in the future" in reasons[8]
    assert "record id is missing" in reasons[9]
    assert all(part in reasons[10] for part in ("badge", "course code", "date", "hours"))
    assert not check.is_clean and check.rows == 9


def test_a_file_without_the_columns_is_refused_at_the_header(agency, courses):
    check = services.check_csv(agency, "badge_number,course\n1,2\n", "lms")
    assert len(check.errors) == 1
    assert check.errors[0].row == 1
    assert "missing: course_code, completed_on, hours, record_id" in check.errors[0].reason


def test_uploading_a_file_with_bad_rows_imports_nothing_and_lists_them(agency, courses, officers, coordinator):
    client = signed_in_client(coordinator)
    response = client.post(reverse("training:staff_import"), {
        "source_system": "lms", "file": SimpleUploadedFile("export.csv", bad_file().encode())}, follow=True)
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "8 rows cannot be imported" in page
    assert "unknown course code “NOPE-1”" in page
    assert "Import " not in page.split("Rows that cannot be imported")[0].split("Nothing was imported")[1]
    assert TrainingRecord.objects.count() == 0
    batch = ImportBatch.objects.get()
    assert (batch.row_count, batch.error_count, batch.imported_at) == (9, 8, None)
    # Asking to import it anyway is refused: nothing is imported.
    response = client.post(reverse("training:staff_import_run", args=[batch.pk]), follow=True)
    assert "nothing was imported" in response.content.decode()
    assert TrainingRecord.objects.count() == 0


def test_a_clean_file_shows_its_summary_and_imports_on_request(agency, courses, officers, coordinator):
    client = signed_in_client(coordinator)
    content = HEADER + "501,deesc-8,2026-01-10,8,R-1\n502,BIAS-4,2025-11-03,3.5,R-2\n\n"
    response = client.post(reverse("training:staff_import"), {
        "source_system": "lms", "file": SimpleUploadedFile("export.csv", content.encode("utf-8-sig"))}, follow=True)
    page = response.content.decode()
    assert "Every row is good" in page
    assert "Import 2 records" in page
    assert TrainingRecord.objects.count() == 0
    batch = ImportBatch.objects.get()
    response = client.post(reverse("training:staff_import_run", args=[batch.pk]), follow=True)
    assert "2 records imported." in response.content.decode()
    stored = {(record.officer.badge_number, record.course.code, record.completed_on, float(record.hours),
               record.source, record.external_id) for record in TrainingRecord.objects.all()}
    assert stored == {("501", "DEESC-8", date(2026, 1, 10), 8.0, Source.IMPORTED, "R-1"),
                      ("502", "BIAS-4", date(2025, 11, 3), 3.5, Source.IMPORTED, "R-2")}
    assert AuditEvent.objects.filter(action="training.records_imported").count() == 1


def test_importing_the_same_export_again_skips_the_records_already_imported(agency, courses, officers,
                                                                            coordinator):
    content = (HEADER + "501,DEESC-8,2026-01-10,8,R-1\n").encode()
    first = services.upload_import(coordinator, agency, source_system="lms", filename="a.csv", content=content)
    assert services.run_import(coordinator, agency, first) == 1
    again = (HEADER + "501,DEESC-8,2026-01-10,8,R-1\n502,DEESC-8,2026-02-01,8,R-2\n").encode()
    second = services.upload_import(coordinator, agency, source_system="lms", filename="b.csv", content=again)
    check = services.check_csv(agency, second.content, "lms")
    assert [row.record_id for row in check.already_imported] == ["R-1"]
    assert services.run_import(coordinator, agency, second) == 1
    assert TrainingRecord.objects.count() == 2
    with pytest.raises(services.TrainingError):
        services.run_import(coordinator, agency, second)
    assert TrainingRecord.objects.count() == 2


def test_the_same_record_id_from_another_learning_system_is_another_record(agency, courses, officers,
                                                                           coordinator):
    content = (HEADER + "501,DEESC-8,2026-01-10,8,R-1\n").encode()
    for system in ("lms", "academy"):
        batch = services.upload_import(coordinator, agency, source_system=system, filename="a.csv", content=content)
        services.run_import(coordinator, agency, batch)
    assert TrainingRecord.objects.count() == 2


def test_the_import_checks_the_file_again_before_importing(agency, courses, officers, coordinator):
    content = (HEADER + "501,DEESC-8,2026-01-10,8,R-1\n").encode()
    batch = services.upload_import(coordinator, agency, source_system="lms", filename="a.csv", content=content)
    officers[0].badge_number = "601"
    officers[0].save()
    with pytest.raises(services.TrainingError):
        services.run_import(coordinator, agency, batch)
    assert TrainingRecord.objects.count() == 0


def test_badges_and_courses_of_another_agency_are_unknown(agency, other_agency, courses, officers):
    services.standard_courses(other_agency)
    check = services.check_csv(other_agency, HEADER + "501,DEESC-8,2026-01-10,8,R-1\n", "lms")
    assert "unknown badge number" in check.errors[0].reason


def test_a_file_that_is_not_utf8_is_refused_on_the_form(agency, courses, coordinator):
    client = signed_in_client(coordinator)
    response = client.post(reverse("training:staff_import"), {
        "source_system": "lms", "file": SimpleUploadedFile("export.csv", "é".encode("utf-16"))})
    assert "not a CSV file in UTF-8" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_the_import_page_explains_the_columns(coordinator):
    page = signed_in_client(coordinator).get(reverse("training:staff_import")).content.decode()
    for column in ("badge_number", "course_code", "completed_on", "hours", "record_id", "YYYY-MM-DD"):
        assert column in page
