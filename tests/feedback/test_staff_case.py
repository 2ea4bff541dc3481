"""The case page: every move of the workflow made through its form, and every refusal explained.

A refused move shows the service's reason on the form, keeps what was typed and changes nothing.
"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Officer
from commonbeat.feedback import services
from commonbeat.feedback.models import Allegation, CaseEntry, Classification, Message, Status

from ..factories import make_user, signed_in_client
from .factories import category, file, finding, in_review, investigating, triaged


def form_data(prefix: str, **fields) -> dict:
    return {f"{prefix}-{name}": value for name, value in fields.items()}


def triage_data(classification: str, rows: list[dict] | None = None) -> dict:
    data = {"triage-classification": classification, "triage-allegation-TOTAL_FORMS": "5",
            "triage-allegation-INITIAL_FORMS": "0", "triage-allegation-MIN_NUM_FORMS": "0",
            "triage-allegation-MAX_NUM_FORMS": "5"}
    for number, row in enumerate(rows or []):
        data |= {f"triage-allegation-{number}-{name}": value for name, value in row.items()}
    return data


def act(client, report, action: str, data: dict | None = None, follow: bool = True):
    return client.post(f"/console/reports/{report.id}/{action}/", data or {}, follow=follow)


@pytest.fixture
def investigator_client(cast):
    return signed_in_client(cast[Role.INVESTIGATOR])


@pytest.fixture
def second_investigator(agency):
    return make_user(agency, Role.INVESTIGATOR, "second_investigator")


def officer_of(agency) -> Officer:
    return Officer.objects.filter(agency=agency).first()


def test_the_case_page_shows_the_report_as_filed(agency, cast, investigator_client):
    upload = SimpleUploadedFile("photo.png", b"\x89PNG fake image", content_type="image/png")
    report = file(agency, occurred_on=date(2026, 3, 14), officers_described="Tall, badge started with 10",
                  files=[upload]).report
    body = investigator_client.get(f"/console/reports/{report.id}/").content.decode()
    assert f"Case {report.reference}" in body
    assert "The officer shouted at me and pushed my brother." in body
    assert "2026-03-14" in body and "5th and Main" in body and "Alpha North End" in body
    assert "Tall, badge started with 10" in body
    attachment = report.attachments.get()
    assert f'href="/console/reports/{report.id}/attachments/{attachment.id}/"' in body and "photo.png" in body


def test_attachments_download_only_through_the_case(agency, cast, investigator_client):
    report = file(agency, files=[SimpleUploadedFile("note.txt", b"what I saw", content_type="text/plain")]).report
    attachment = report.attachments.get()
    response = investigator_client.get(f"/console/reports/{report.id}/attachments/{attachment.id}/")
    assert b"".join(response.streaming_content) == b"what I saw"
    assert response["Content-Disposition"].startswith("attachment;") and "note.txt" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    opened = AuditEvent.objects.get(action="feedback.attachment_opened")
    assert opened.actor == cast[Role.INVESTIGATOR] and opened.changes == {"attachment": attachment.id}
    other = file(agency).report
    assert investigator_client.get(f"/console/reports/{other.id}/attachments/{attachment.id}/").status_code == 404


# ---------------------------------------------------------------- triage

def test_investigator_triages_a_complaint_into_allegations(agency, cast, investigator_client):
    report = file(agency).report
    officer = officer_of(agency)
    response = act(investigator_client, report, "triage", triage_data("formal_complaint", [
        {"category": category(agency).id, "officer": officer.id, "description": "Pushed the brother"},
        {"category": category(agency, "discourtesy").id, "officer": "", "description": "Shouted"},
    ]))
    assert "The report is triaged." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.TRIAGED and report.classification == Classification.FORMAL_COMPLAINT
    assert report.acknowledged_at is not None
    assert [(a.category.code, a.officer, a.description) for a in report.allegations.all()] == [
        ("force", officer, "Pushed the brother"), ("discourtesy", None, "Shouted")]
    assert "Unidentified officer" in response.content.decode()


def test_a_formal_complaint_without_allegations_is_refused_and_keeps_the_classification(
        agency, cast, investigator_client):
    report = file(agency).report
    response = act(investigator_client, report, "triage", triage_data("formal_complaint"))
    body = response.content.decode()
    assert "A formal complaint needs at least one allegation." in body
    assert '<option value="formal_complaint" selected>' in body
    report.refresh_from_db()
    assert report.status == Status.RECEIVED and not report.allegations.exists()


def test_an_allegation_row_without_a_category_is_a_form_error(agency, cast, investigator_client):
    report = file(agency).report
    response = act(investigator_client, report, "triage", triage_data("formal_complaint", [
        {"category": "", "officer": officer_of(agency).id, "description": "Something"}]))
    body = response.content.decode()
    assert "Choose a category for this allegation, or clear the row." in body
    assert "Something</textarea>" in body
    assert not Allegation.objects.exists()


def test_up_to_five_allegation_rows_are_offered_without_javascript(agency, cast, investigator_client):
    report = file(agency).report
    body = investigator_client.get(f"/console/reports/{report.id}/").content.decode()
    assert 'name="triage-allegation-4-category"' in body and 'name="triage-allegation-5-category"' not in body
    assert "<details" in body and "More allegations" in body


def test_triaging_twice_gives_the_state_machine_reason(agency, cast, investigator_client):
    report = triaged(agency, cast)
    response = act(investigator_client, report, "triage", triage_data("inquiry"))
    assert "A case that is “Triaged” cannot go to “Triaged”." in response.content.decode()
    report.refresh_from_db()
    assert report.classification == Classification.FORMAL_COMPLAINT and report.allegations.count() == 1


# ---------------------------------------------------------------- commendations and inquiries

def test_a_commendation_is_triaged_and_verified_for_recognition(agency, cast, investigator_client):
    report = file(agency, kind="commendation", narrative="Officer Pat stayed with my father until help came.").report
    body = investigator_client.get(f"/console/reports/{report.id}/").content.decode()
    assert '<option value="commendation" selected>' in body
    act(investigator_client, report, "triage", triage_data("commendation"))
    body = investigator_client.get(f"/console/reports/{report.id}/").content.decode()
    assert "Verify the commendation" in body and "Assign an investigator" not in body
    officer = officer_of(agency)
    response = act(investigator_client, report, "verify", form_data(
        "verify", officers=[officer.id], note="Confirmed by the dispatch log.", put_forward_for_recognition="on"))
    assert "The commendation is verified" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.CLOSED and list(report.commended_officers.all()) == [officer]
    assert report.outcome_summary == "Confirmed by the dispatch log." and report.put_forward_for_recognition_at
    assert "Put forward for recognition on" in response.content.decode()


def test_verifying_without_an_officer_is_a_form_error(agency, cast, investigator_client):
    report = services.triage(cast[Role.INVESTIGATOR], file(agency, kind="commendation").report,
                             Classification.COMMENDATION, [])
    response = act(investigator_client, report, "verify", form_data("verify", note="Kept note"))
    body = response.content.decode()
    assert "This field is required." in body and "Kept note</textarea>" in body
    report.refresh_from_db()
    assert report.status == Status.TRIAGED


def test_an_inquiry_is_closed_with_an_outcome_for_the_resident(agency, cast, investigator_client):
    report = services.triage(cast[Role.INVESTIGATOR], file(agency).report, Classification.INQUIRY, [])
    body = investigator_client.get(f"/console/reports/{report.id}/").content.decode()
    assert "Close the case" in body and "Assign an investigator" not in body
    act(investigator_client, report, "close", form_data("close", outcome_summary="We explained the stop policy."))
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.outcome_summary == "We explained the stop policy."


# ---------------------------------------------------------------- assignment and investigation

def test_a_triaged_complaint_is_assigned_with_the_default_due_date(agency, cast, admin_client):
    report = triaged(agency, cast)
    investigator = cast[Role.INVESTIGATOR]
    body = admin_client.get(f"/console/reports/{report.id}/").content.decode()
    assert f'<option value="{investigator.id}">Investigator Tester</option>' in body
    assert f'<option value="{cast[Role.OFFICER].id}"' not in body  # only investigators are offered
    response = act(admin_client, report, "assign", form_data("assign", investigator=investigator.id, due_on=""))
    assert "The case is assigned." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED and report.assigned_to == investigator
    assert (report.due_at - report.received_at).days in (89, 90)


def test_a_chosen_due_date_is_the_end_of_that_day_in_the_agencys_time_zone(agency, cast, admin_client):
    report = triaged(agency, cast)
    act(admin_client, report, "assign", form_data("assign", investigator=cast[Role.INVESTIGATOR].id,
                                                  due_on="2027-01-31"))
    report.refresh_from_db()
    assert report.due_at.isoformat() == "2027-02-01T05:59:00+00:00"  # 23:59 in Chicago


def test_a_case_is_reassigned_to_another_investigator(agency, cast, admin_client, second_investigator):
    report = services.assign(cast[Role.AGENCY_ADMIN], triaged(agency, cast), cast[Role.INVESTIGATOR])
    act(admin_client, report, "assign", form_data("assign", investigator=second_investigator.id))
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED and report.assigned_to == second_investigator


def test_the_assigned_investigator_starts_the_investigation(agency, cast, investigator_client):
    report = services.assign(cast[Role.AGENCY_ADMIN], triaged(agency, cast), cast[Role.INVESTIGATOR])
    response = act(investigator_client, report, "start")
    assert "The investigation has started." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.INVESTIGATING


def test_another_investigator_cannot_start_someone_elses_case(agency, cast, second_investigator):
    report = services.assign(cast[Role.AGENCY_ADMIN], triaged(agency, cast), cast[Role.INVESTIGATOR])
    response = act(signed_in_client(second_investigator), report, "start")
    assert response.status_code == 403
    assert "Only the assigned investigator can work on this case." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED


def test_mediation_in_and_out_with_reasons_on_the_timeline(agency, cast, investigator_client):
    report = investigating(agency, cast)
    act(investigator_client, report, "mediation", form_data("mediation", reason="Both agreed to meet."))
    report.refresh_from_db()
    assert report.status == Status.MEDIATION
    response = act(investigator_client, report, "end-mediation", form_data("end-mediation", reason="No agreement."))
    report.refresh_from_db()
    assert report.status == Status.INVESTIGATING
    body = response.content.decode()
    assert "Both agreed to meet." in body and "No agreement." in body
    assert "Under investigation → In mediation" in body and "Investigator Tester" in body


def test_mediation_needs_a_reason(agency, cast, investigator_client):
    report = investigating(agency, cast)
    response = act(investigator_client, report, "mediation", form_data("mediation", reason=""))
    assert "This field is required." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.INVESTIGATING


def test_the_investigator_adds_notes_evidence_and_interviews_to_the_file(agency, cast, investigator_client):
    report = investigating(agency, cast)
    response = act(investigator_client, report, "entry", form_data("entry", kind="interview",
                                                                    text="Spoke with the brother."))
    assert "Spoke with the brother." in response.content.decode()
    entry = CaseEntry.objects.get(report=report)
    assert (entry.kind, entry.written_by) == ("interview", cast[Role.INVESTIGATOR])


def test_an_entry_on_a_closed_case_is_refused_with_the_reason(agency, cast, admin_client):
    report = services.triage(cast[Role.INVESTIGATOR], file(agency).report, Classification.INQUIRY, [])
    report = services.close(cast[Role.INVESTIGATOR], report, "Answered.")
    response = act(admin_client, report, "entry", form_data("entry", kind="note", text="Late note"))
    body = response.content.decode()
    assert "Entries can be added only while the case is open for investigation." in body
    assert "Late note</textarea>" in body
    assert not CaseEntry.objects.exists()


# ---------------------------------------------------------------- findings and review

def test_findings_are_recorded_per_allegation_and_then_submitted(agency, cast, investigator_client):
    report = investigating(agency, cast)
    allegation = report.allegations.get()
    response = investigator_client.post(
        f"/console/reports/{report.id}/allegations/{allegation.id}/finding/",
        form_data(f"finding-{allegation.id}", finding=finding(agency, "exonerated").id,
                  reason="Lawful use of force."), follow=True)
    assert "The finding is recorded." in response.content.decode()
    allegation.refresh_from_db()
    assert allegation.finding.code == "exonerated" and allegation.finding_reason == "Lawful use of force."
    act(investigator_client, report, "submit")
    report.refresh_from_db()
    assert report.status == Status.REVIEW


def test_submitting_for_review_without_findings_is_refused_with_the_count(agency, cast, investigator_client):
    report = investigating(agency, cast)
    response = act(investigator_client, report, "submit")
    assert "Record a finding for every allegation first (1 missing)." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.INVESTIGATING


def test_a_finding_needs_a_reason(agency, cast, investigator_client):
    report = investigating(agency, cast)
    allegation = report.allegations.get()
    response = investigator_client.post(f"/console/reports/{report.id}/allegations/{allegation.id}/finding/",
                                        form_data(f"finding-{allegation.id}", finding=finding(agency).id, reason=""))
    assert "This field is required." in response.content.decode()
    allegation.refresh_from_db()
    assert allegation.finding is None


def test_a_finding_for_an_allegation_of_another_case_is_not_found(agency, cast, investigator_client):
    report, other = investigating(agency, cast), investigating(agency, cast)
    allegation = other.allegations.get()
    response = investigator_client.post(f"/console/reports/{report.id}/allegations/{allegation.id}/finding/",
                                        form_data(f"finding-{allegation.id}", finding=finding(agency).id, reason="x"))
    assert response.status_code == 404


def test_another_investigator_returns_the_findings_for_more_work(agency, cast, second_investigator):
    report = in_review(agency, cast)
    client = signed_in_client(second_investigator)
    response = act(client, report, "return", form_data("return", reason="Interview the bus driver."))
    assert "The case is back under investigation." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.INVESTIGATING
    assert report.status_changes.last().reason == "Interview the bus driver."


def test_the_reviewer_closes_the_case_with_the_outcome(agency, cast, second_investigator):
    report = in_review(agency, cast)
    response = act(signed_in_client(second_investigator), report, "close",
                   form_data("close", outcome_summary="The officer was disciplined."))
    assert "The case is closed." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.outcome_summary == "The officer was disciplined."
    assert report.closed_at is not None


def test_the_investigator_cannot_close_their_own_case(agency, cast, investigator_client):
    report = in_review(agency, cast)
    response = act(investigator_client, report, "close", form_data("close", outcome_summary="I approve myself."))
    body = response.content.decode()
    assert response.status_code == 403
    assert "Findings are reviewed by someone other than the case&#x27;s investigator." in body
    assert "I approve myself.</textarea>" in body
    report.refresh_from_db()
    assert report.status == Status.REVIEW and report.outcome_summary == ""


def test_closing_a_formal_complaint_before_review_is_refused(agency, cast, admin_client):
    report = triaged(agency, cast)
    response = act(admin_client, report, "close", form_data("close", outcome_summary="Quick close."))
    assert "A formal complaint is closed after its findings are reviewed." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.TRIAGED


def test_an_unknown_action_is_not_found(agency, cast, admin_client):
    report = file(agency).report
    assert act(admin_client, report, "delete", follow=False).status_code == 404


def test_actions_only_accept_post(agency, cast, admin_client):
    report = file(agency).report
    assert admin_client.get(f"/console/reports/{report.id}/triage/").status_code == 405


# ---------------------------------------------------------------- messages and what each role is offered

def test_staff_write_to_the_resident(agency, cast, investigator_client):
    report = investigating(agency, cast)
    services.resident_message(report, "Any news about my case?")
    response = act(investigator_client, report, "message", form_data("message", body="We have interviewed a witness."))
    body = response.content.decode()
    assert "The message is sent." in body
    assert "Any news about my case?" in body and "From the resident" in body
    assert "We have interviewed a witness." in body and "From Investigator Tester" in body
    message = Message.objects.get(from_resident=False)
    assert message.sent_by == cast[Role.INVESTIGATOR]
    assert AuditEvent.objects.filter(action="feedback.staff_message", object_id=str(report.id)).exists()


def test_only_the_moves_allowed_now_are_offered(agency, cast, investigator_client):
    received = file(agency).report
    body = investigator_client.get(f"/console/reports/{received.id}/").content.decode()
    assert "/triage/" in body
    for action in ("/assign/", "/start/", "/submit/", "/close/", "/verify/", "/return/"):
        assert action not in body
    reviewing = in_review(agency, cast)
    body = investigator_client.get(f"/console/reports/{reviewing.id}/").content.decode()
    assert "/return/" in body and "/close/" in body and "/triage/" not in body and "/submit/" not in body


def test_an_oversight_reviewer_reads_the_case_but_is_offered_no_action(agency, cast):
    report = investigating(agency, cast)
    client = signed_in_client(cast[Role.OVERSIGHT_REVIEWER])
    body = client.get(f"/console/reports/{report.id}/").content.decode()
    assert report.reference in body and "Use of force" in body
    assert "Nothing for you to do on this case at this stage." in body
    assert "<form method=\"post\" action=\"/console/reports/" not in body


def test_an_oversight_reviewer_who_posts_a_move_is_refused_with_the_reason(agency, cast):
    report = file(agency).report
    client = signed_in_client(cast[Role.OVERSIGHT_REVIEWER])
    response = act(client, report, "triage", triage_data("inquiry"))
    assert response.status_code == 403 and "Your role does not allow this." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.RECEIVED
