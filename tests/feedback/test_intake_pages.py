"""Residents file complaints and commendations from the public pages, without an account."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from commonbeat.core.models import AuditEvent
from commonbeat.core.tenancy import scoped
from commonbeat.feedback import services
from commonbeat.feedback.models import Attachment, Report

NARRATIVE = "The officer shouted at me at the bus stop on Main Street and took my phone."


def page(response) -> str:
    return response.content.decode()


def shown_code(response) -> str:
    match = re.search(r'id="tracking-code">([0-9A-Z-]+)<', page(response))
    assert match, "the confirmation shows no tracking code"
    return match.group(1)


def token_in(response) -> str:
    return re.search(r'name="submission_token" value="([^"]+)"', page(response)).group(1)


def answers(**overrides) -> dict:
    return {"narrative": NARRATIVE, "submission_token": uuid.uuid4().hex} | overrides


def photo(name="photo.jpg", content_type="image/jpeg", size=2048) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xff" * size, content_type=content_type)


def test_report_page_explains_complaints_and_commendations(client, agency):
    body = page(client.get("/report/"))
    assert "<h1>Report a concern or a thank-you</h1>" in body
    assert 'href="/report/complaint/"' in body and 'href="/report/commendation/"' in body
    assert "An officer did something well" in body
    assert "In an emergency, call 911." in body
    assert "within 7 days" in body


def test_navigation_links_to_reporting_and_following_a_report(client, agency):
    body = page(client.get("/"))
    assert 'href="/report/"><span>Report a concern or a thank-you</span>' in body
    assert 'href="/track/"><span>Follow your report</span>' in body


def test_complaint_form_explains_anonymity_and_file_limits(client, agency):
    body = page(client.get("/report/complaint/"))
    assert "<h1>File a complaint</h1>" in body
    assert "Leave these blank to file anonymously" in body
    assert "you can still follow yours with the tracking code" in body
    assert "Up to 5 files of at most 10 MB each" in body
    assert 'class="usa-file-input" type="file" id="id_attachments" name="attachments" multiple' in body
    assert 'type="date" name="occurred_on"' in body  # a plain date input: works without the date-picker script
    assert 'enctype="multipart/form-data"' in body


def test_commendation_form_asks_what_the_officers_did_well(client, agency):
    body = page(client.get("/report/commendation/"))
    assert "<h1>Send a commendation</h1>" in body
    assert "What the officer or officers did well" in body


def test_an_unknown_kind_of_report_is_not_found(client, agency):
    assert client.get("/report/grievance/").status_code == 404


def test_each_empty_form_carries_a_new_random_submission_token_and_is_never_cached(client, agency):
    response = client.get("/report/complaint/")
    first, second = token_in(response), token_in(client.get("/report/complaint/"))
    assert first != second
    assert uuid.UUID(first)
    assert response["Cache-Control"] == "no-store"  # a shared cache must not hand one token to many residents


def test_map_is_offered_only_when_a_tile_server_is_configured(client, agency, settings):
    assert 'id="report-map"' not in page(client.get("/report/complaint/"))
    settings.COMMONBEAT_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    body = page(client.get("/report/complaint/"))
    assert 'id="report-map"' in body and "feedback/report_map.js" in body
    assert 'class="js-only' in body  # hidden without JavaScript; the address field is enough


def test_anonymous_resident_files_a_complaint_in_spanish(client, agency):
    response = client.post("/es/report/complaint/", answers(location_text="Calle 5 y Main"))

    report = scoped(Report, agency).get()
    assert report.language == "es"
    assert report.kind == "complaint" and report.channel == "web"
    assert report.is_anonymous and not report.consent_to_contact
    assert (report.complainant_name, report.complainant_email, report.complainant_phone) == ("", "", "")
    assert report.narrative == NARRATIVE and report.location_text == "Calle 5 y Main"
    assert '<html lang="es"' in page(response)
    assert report.reference in page(response)
    assert services.find_by_tracking_code(agency, shown_code(response)) == report


def test_resident_who_leaves_contact_details_has_them_stored(client, agency):
    client.post("/report/complaint/", answers(name="Rosa Díaz", email="rosa@example.org", phone="555 0100",
                                              consent_to_contact="on", occurred_on="2024-05-01",
                                              occurred_time="14:30", officers_described="Badge 101, tall"))
    report = scoped(Report, agency).get()
    assert (report.complainant_name, report.complainant_email, report.complainant_phone) == (
        "Rosa Díaz", "rosa@example.org", "555 0100")
    assert report.consent_to_contact
    assert str(report.occurred_on) == "2024-05-01" and report.occurred_time.strftime("%H:%M") == "14:30"
    assert report.officers_described == "Badge 101, tall"


def test_a_point_from_the_map_places_the_report_in_its_neighbourhood(client, agency):
    client.post("/report/complaint/", answers(latitude="40.005", longitude="-89.995"))
    report = scoped(Report, agency).get()
    assert (report.latitude, report.longitude) == (40.005, -89.995)
    assert report.neighbourhood.name == "Alpha North End"


def test_a_point_that_is_not_on_earth_is_ignored(client, agency):
    client.post("/report/complaint/", answers(latitude="400", longitude="-89.995"))
    report = scoped(Report, agency).get()
    assert report.latitude is None and report.neighbourhood is None


def test_a_complaint_with_a_photo_stores_the_attachment(client, agency):
    response = client.post("/report/complaint/", answers(attachments=[photo(), photo("receipt.pdf",
                                                                                    "application/pdf")]))
    assert shown_code(response)
    report = scoped(Report, agency).get()
    stored = {a.original_name: a for a in Attachment.objects.filter(report=report)}
    assert set(stored) == {"photo.jpg", "receipt.pdf"}
    assert stored["photo.jpg"].content_type == "image/jpeg" and stored["photo.jpg"].size == 2048
    assert stored["photo.jpg"].file.read() == b"\xff" * 2048


def test_a_file_of_the_wrong_type_is_refused_and_the_typed_text_is_kept(client, agency):
    response = client.post("/report/complaint/", answers(
        location_text="5th and Main", name="Rosa", attachments=[photo("run.exe", "application/x-msdownload")]))

    body = page(response)
    assert not Report.objects.exists()
    assert "run.exe is not a photo, PDF, text, video or audio file we can accept." in body
    assert '<a href="#id_attachments">' in body  # the list at the top links to the field
    assert NARRATIVE in body and 'value="5th and Main"' in body and 'value="Rosa"' in body
    assert "the files you attached must be chosen again" in body
    assert response["Cache-Control"] == "no-store"


def test_a_file_too_large_is_refused_with_the_limit(client, agency):
    settings = services.settings_for(agency)
    settings.max_attachment_mb = 1
    settings.save()

    body = page(client.post("/report/complaint/", answers(attachments=[photo(size=1024 * 1024 + 1)])))

    assert not Report.objects.exists()
    assert "photo.jpg is larger than 1 MB." in body
    assert "Up to 5 files of at most 1 MB each" in body
    assert NARRATIVE in body


def test_more_than_five_files_are_refused(client, agency):
    body = page(client.post("/report/complaint/", answers(attachments=[photo(f"p{n}.jpg") for n in range(6)])))
    assert not Report.objects.exists()
    assert "Attach at most 5 files." in body


def test_mistakes_are_listed_at_the_top_linked_to_their_fields_and_the_answers_kept(client, agency):
    token = uuid.uuid4().hex
    response = client.post("/report/complaint/", {"narrative": "Rude", "occurred_on": "2999-01-01",
                                                  "consent_to_contact": "on", "submission_token": token})
    body = page(response)
    assert not Report.objects.exists()
    assert 'id="form-errors"' in body
    assert '<a href="#id_narrative">What happened: Tell us what happened, in a sentence or more.</a>' in body
    assert '<a href="#id_occurred_on">Date it happened: The date cannot be in the future.</a>' in body
    assert "To be contacted, give an e-mail address or a phone number." in body
    assert ">\nRude</textarea>" in body and 'value="2999-01-01"' in body
    assert token_in(response) == token  # the same token, so sending the corrected form twice still files once
    assert "must be chosen again" not in body  # no files were attached


def test_a_form_sent_without_a_usable_token_is_given_one(client, agency):
    response = client.post("/report/complaint/", {"narrative": "Rude", "submission_token": "not-a-token"})
    assert uuid.UUID(token_in(response))


def test_confirmation_shows_a_code_that_finds_the_report_and_is_stored_nowhere_in_clear(client, agency):
    response = client.post("/report/complaint/", answers(email="rosa@example.org"))

    code = shown_code(response)
    report = services.find_by_tracking_code(agency, code)
    assert report is not None and report.reference in page(response)
    assert response["Cache-Control"] == "no-store"
    assert "Write this code down" in page(response)
    assert "Within 7 days, someone will read your report and acknowledge it." in page(response)
    assert 'href="/track/"' in page(response)
    assert code not in response.get("Location", "") and not response.cookies  # not in a URL or a cookie

    forms_of_the_code = {code, code.replace("-", ""), code.lower()}
    for field in Report._meta.concrete_fields:
        assert not any(form in str(getattr(report, field.attname)) for form in forms_of_the_code), field.name
    for event in AuditEvent.objects.all():
        assert not any(form in str(event.changes) for form in forms_of_the_code)
    with connection.cursor() as cursor:  # every table, as stored
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from the schema
            for row in cursor.fetchall():
                assert not any(form in str(value) for value in row for form in forms_of_the_code), table


def test_a_double_post_with_the_same_token_files_once_and_shows_the_same_code(client, agency):
    sent = answers()
    first = client.post("/report/complaint/", sent)
    second = client.post("/report/complaint/", sent)

    assert scoped(Report, agency).count() == 1
    assert shown_code(first) == shown_code(second)
    assert "This report had already reached us, so it was not filed twice." in page(second)


def test_a_different_token_files_a_second_report(client, agency):
    first = client.post("/report/complaint/", answers())
    second = client.post("/report/complaint/", answers())

    assert scoped(Report, agency).count() == 2
    assert shown_code(first) != shown_code(second)


def test_a_used_token_sent_with_different_answers_gets_a_fresh_token_to_file_anew(client, agency):
    token = uuid.uuid4().hex
    client.post("/report/complaint/", answers(submission_token=token))
    response = client.post("/report/complaint/", answers(submission_token=token, narrative=NARRATIVE + " Again."))

    assert scoped(Report, agency).count() == 1
    assert "This submission key was already used for a different report." in page(response)
    fresh = token_in(response)
    assert fresh != token
    client.post("/report/complaint/", answers(submission_token=fresh, narrative=NARRATIVE + " Again."))
    assert scoped(Report, agency).count() == 2


def test_filing_stores_no_address_and_sets_no_cookie(client, agency):
    response = client.post("/report/commendation/", answers(), REMOTE_ADDR="203.0.113.7")
    report = scoped(Report, agency).get()
    assert report.kind == "commendation"
    assert not response.cookies
    assert "203.0.113.7" not in str(list(Report.objects.values())) + str(list(AuditEvent.objects.values()))


@pytest.mark.parametrize("path", ["/es/report/", "/es/report/complaint/", "/es/report/commendation/"])
def test_report_pages_are_served_in_spanish(client, agency, path):
    body = page(client.get(path))
    assert '<html lang="es"' in body
    assert f'href="{path[3:]}" lang="en" hreflang="en">English</a>' in body
    assert "Departamento de Policía de Alpha" in body


def test_the_choice_page_only_answers_reads(client, agency):
    assert client.post("/report/").status_code == 405
