"""The recording registry: investigators register and change recordings (MANAGE_RECORDINGS), oversight reviewers
read it (VIEW_RECORDINGS); every change and every opening of a recording's page is an audit event."""

import pytest
from django.urls import reverse

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Officer
from commonbeat.transparency.models import BodyCamRecording, RecordingCategory
from commonbeat.transparency.services import bodycams

from ..factories import signed_in_client
from .test_bodycams_support import SHA, recording, report

NEW = reverse("transparency:staff_recording_new")


def form_data(agency, **changes) -> dict:
    officer = Officer.objects.filter(agency=agency).first()
    return {"officer": officer.pk, "start_date": "2026-03-14", "start_time": "21:05", "duration": "12:30",
            "category": "arrest", "sha256": SHA.upper(), "evidence_location": "EVD-2026-000123",
            "complaint_reference": "", "case_number": "26-48211", **changes}


def test_an_investigator_registers_a_recording(agency, cast):
    client = signed_in_client(cast[Role.INVESTIGATOR])
    token = client.get(NEW).context["form"].initial["submission_token"]
    response = client.post(NEW, {**form_data(agency), "submission_token": token}, follow=True)
    saved = BodyCamRecording.objects.get()
    assert saved.sha256 == SHA and saved.duration_seconds == 750 and saved.category == RecordingCategory.ARREST
    local = saved.started_at.astimezone(agency.zone)
    assert (local.hour, local.minute) == (21, 5)
    assert "EVD-2026-000123" in response.content.decode()
    event = AuditEvent.objects.get(action="transparency.recording_registered")
    assert event.changes["sha256"] == SHA and event.actor == cast[Role.INVESTIGATOR]


def test_a_retried_registration_is_stored_once(agency, cast):
    client = signed_in_client(cast[Role.INVESTIGATOR])
    token = client.get(NEW).context["form"].initial["submission_token"]
    client.post(NEW, {**form_data(agency), "submission_token": token})
    client.post(NEW, {**form_data(agency), "submission_token": token})
    assert BodyCamRecording.objects.count() == 1


@pytest.mark.parametrize(("field", "value", "error"), [
    ("sha256", "z" * 64, "64 characters"),
    ("sha256", "ab" * 31, "64"),
    ("duration", "twelve", "12:30"),
    ("complaint_reference", "C-1999-00001", "no complaint case"),
])
def test_bad_input_is_refused_and_kept(agency, cast, field, value, error):
    client = signed_in_client(cast[Role.INVESTIGATOR])
    token = client.get(NEW).context["form"].initial["submission_token"]
    response = client.post(NEW, {**form_data(agency, **{field: value}), "submission_token": token})
    assert response.status_code == 200 and error in response.content.decode()
    assert "EVD-2026-000123" in response.content.decode()
    assert not BodyCamRecording.objects.exists()


def test_a_recording_links_to_a_complaint_by_its_case_number(agency, cast):
    case = report(agency, reference="C-2026-00042")
    client = signed_in_client(cast[Role.INVESTIGATOR])
    token = client.get(NEW).context["form"].initial["submission_token"]
    client.post(NEW, {**form_data(agency, complaint_reference="c-2026-00042"), "submission_token": token})
    assert BodyCamRecording.objects.get().report == case


def test_a_commendation_is_not_a_complaint_case(agency, cast):
    from commonbeat.feedback.models import Kind

    praise = report(agency, reference="C-2026-00043")
    praise.kind = Kind.COMMENDATION
    praise.save(update_fields=["kind"])
    client = signed_in_client(cast[Role.INVESTIGATOR])
    token = client.get(NEW).context["form"].initial["submission_token"]
    response = client.post(NEW, {**form_data(agency, complaint_reference="C-2026-00043"), "submission_token": token})
    assert "There is no complaint case with that number." in response.content.decode()
    assert not BodyCamRecording.objects.exists()
    details = bodycams.RecordingDetails(officer=Officer.objects.filter(agency=agency).first(),
                                        started_at=praise.received_at, duration_seconds=60, category="arrest",
                                        sha256=SHA, evidence_location="EVD-1", report=praise)
    with pytest.raises(bodycams.BodycamError):
        bodycams.register_recording(cast[Role.INVESTIGATOR], agency, details)


def test_the_same_file_cannot_be_registered_twice(agency, admin):
    recording(agency, number=7)
    details = bodycams.RecordingDetails(
        officer=Officer.objects.filter(agency=agency).first(), started_at=recording(agency, number=8).started_at,
        duration_seconds=10, category="arrest", sha256=f"{7:064x}", evidence_location="EVD")
    with pytest.raises(bodycams.BodycamError, match="already registered"):
        bodycams.register_recording(admin, agency, details)


def test_every_view_of_a_recording_is_audited(agency, cast):
    seen = recording(agency)
    client = signed_in_client(cast[Role.OVERSIGHT_REVIEWER])
    for _ in range(2):
        page = client.get(reverse("transparency:staff_recording", args=[seen.pk]))
        assert seen.sha256 in page.content.decode()
    events = AuditEvent.objects.filter(action="transparency.recording_viewed", object_id=str(seen.pk))
    assert events.count() == 2 and {event.actor for event in events} == {cast[Role.OVERSIGHT_REVIEWER]}
    assert "no-store" in page["Cache-Control"]


def test_a_change_is_audited_with_what_changed(agency, cast):
    changed = recording(agency)
    client = signed_in_client(cast[Role.INVESTIGATOR])
    client.post(reverse("transparency:staff_recording_edit", args=[changed.pk]),
                form_data(agency, category="use_of_force", sha256=changed.sha256))
    changed.refresh_from_db()
    assert changed.category == RecordingCategory.USE_OF_FORCE
    event = AuditEvent.objects.get(action="transparency.recording_updated")
    assert event.changes["category"] == {"from": "call_for_service", "to": "use_of_force"}


def test_legal_hold_through_the_page(agency, cast):
    held = recording(agency)
    client = signed_in_client(cast[Role.INVESTIGATOR])
    refused = client.post(reverse("transparency:staff_recording_hold", args=[held.pk]), {"reason": ""})
    assert refused.status_code == 400
    client.post(reverse("transparency:staff_recording_hold", args=[held.pk]), {"reason": "Lawsuit filed"})
    held.refresh_from_db()
    assert held.legal_hold and held.legal_hold_reason == "Lawsuit filed"
    assert AuditEvent.objects.filter(action="transparency.legal_hold_placed").exists()


def test_marking_deleted_from_the_due_list(agency, cast):
    gone = recording(agency, days_ago=400, category=RecordingCategory.NON_EVIDENTIARY)
    client = signed_in_client(cast[Role.INVESTIGATOR])
    listed = client.get(reverse("transparency:staff_recordings_due"))
    assert f"#{gone.pk}" in listed.content.decode()
    client.post(reverse("transparency:staff_recording_deleted", args=[gone.pk]), {"next": "due"})
    gone.refresh_from_db()
    assert gone.deleted_on is not None
    assert client.get(reverse("transparency:staff_recordings_due")).context["rows"] == []


def test_the_due_list_takes_the_same_queries_however_many_are_due(agency, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    recording(agency, days_ago=400, category=RecordingCategory.NON_EVIDENTIARY, number=1)
    client = signed_in_client(cast[Role.INVESTIGATOR])
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("transparency:staff_recordings_due"))
    for number in range(2, 6):
        recording(agency, days_ago=400, category=RecordingCategory.NON_EVIDENTIARY, number=number)
    with CaptureQueriesContext(connection) as five:
        page = client.get(reverse("transparency:staff_recordings_due"))
    assert len(page.context["rows"]) == 5
    assert len(five) == len(one)


def test_the_empty_due_list_spans_the_columns_the_reader_sees(agency, cast):
    page = signed_in_client(cast[Role.OVERSIGHT_REVIEWER]).get(reverse("transparency:staff_recordings_due"))
    body = page.content.decode()
    assert 'colspan="5">' in body and "Nothing is due for deletion." in body
    assert '<th scope="col"><span class="usa-sr-only">' not in body


def test_retention_rules_are_edited_in_the_console(agency, cast):
    client = signed_in_client(cast[Role.INVESTIGATOR])
    days = {category.value: 100 for category in RecordingCategory}
    client.post(reverse("transparency:staff_retention_settings"), {**days, "arrest": 700})
    assert bodycams.retention_days(agency)["arrest"] == 700
    refused = client.post(reverse("transparency:staff_retention_settings"), {**days, "arrest": 0})
    assert refused.status_code == 400 and bodycams.retention_days(agency)["arrest"] == 700


def test_anonymous_visitors_are_sent_to_sign_in(agency, client):
    seen = recording(agency)
    for url in (reverse("transparency:staff_recordings"), reverse("transparency:staff_recording", args=[seen.pk]),
                reverse("transparency:staff_footage_requests")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(("role", "url_name", "status"), [
    (Role.OVERSIGHT_REVIEWER, "staff_recordings", 200),
    (Role.OVERSIGHT_REVIEWER, "staff_recording_new", 403),
    (Role.OVERSIGHT_REVIEWER, "staff_bodycam_settings", 403),
    (Role.OVERSIGHT_REVIEWER, "staff_footage_requests", 403),
    (Role.ENGAGEMENT_STAFF, "staff_recordings", 403),
    (Role.OFFICER, "staff_recordings_due", 403),
    (Role.INVESTIGATOR, "staff_recording_new", 200),
    (Role.INVESTIGATOR, "staff_footage_requests", 200),
])
def test_roles_see_what_their_actions_allow(agency, cast, role, url_name, status):
    assert signed_in_client(cast[role]).get(reverse(f"transparency:{url_name}")).status_code == status


def test_the_oversight_reviewer_reads_but_cannot_change(agency, cast):
    seen = recording(agency, days_ago=400, category=RecordingCategory.NON_EVIDENTIARY)
    client = signed_in_client(cast[Role.OVERSIGHT_REVIEWER])
    page = client.get(reverse("transparency:staff_recording", args=[seen.pk]))
    assert page.status_code == 200 and "Mark as deleted" not in page.content.decode()
    assert client.post(reverse("transparency:staff_recording_deleted", args=[seen.pk])).status_code == 403
    assert client.get(reverse("transparency:staff_recording_edit", args=[seen.pk])).status_code == 403


def test_another_agencys_recording_and_request_are_not_found(agency, other_agency, admin):
    theirs = recording(other_agency)
    from .test_bodycams_support import footage_request

    their_request = footage_request(other_agency)
    client = signed_in_client(admin)
    assert client.get(reverse("transparency:staff_recording", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("transparency:staff_footage_request", args=[their_request.pk])).status_code == 404
    assert client.post(reverse("transparency:staff_recording_deleted", args=[theirs.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="transparency.recording_viewed").exists()


def test_no_beta_object_shows_on_any_of_alphas_pages(agency, admin, other_agency, other_admin):
    from .isolation_bodycams import beta_bodycams, bodycams_routes

    beta_bodycams(other_agency, other_admin)
    client = signed_in_client(admin)
    routes = bodycams_routes(other_agency)
    assert len(routes) == 10
    pages = list(routes.values()) + [reverse(f"transparency:{name}") for name in (
        "bodycams", "bodycams_csv", "staff_recordings", "staff_recordings_due", "staff_footage_requests",
        "staff_bodycam_settings")]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404, 405), url
        assert b"Beta" not in response.content, url


def test_the_settings_and_edit_pages_show_what_is_stored(agency, cast):
    kept = recording(agency)
    client = signed_in_client(cast[Role.INVESTIGATOR])
    settings_page = client.get(reverse("transparency:staff_bodycam_settings"))
    assert settings_page.status_code == 200 and 'value="90"' in settings_page.content.decode()
    client.post(reverse("transparency:staff_bodycam_settings"), {
        "about_en": "Cameras on every officer.", "about_es": "Cámaras en cada agente.",
        "policy_url": "https://alpha.test/policies/GO-310/"})
    assert bodycams.program_for(agency).about == {"en": "Cameras on every officer.",
                                                  "es": "Cámaras en cada agente."}
    edit = client.get(reverse("transparency:staff_recording_edit", args=[kept.pk]))
    assert edit.status_code == 200 and kept.sha256 in edit.content.decode() and "5:00" in edit.content.decode()
