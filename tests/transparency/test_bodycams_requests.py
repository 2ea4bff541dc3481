"""Footage requests: a resident asks (once, however often the form is sent), follows the request with a tracking
code, and is e-mailed in their language at each step; staff work it through the steps or deny it on a legal
basis, within 10 business days, extendable once by 10 more."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent
from commonbeat.transparency.models import FootageRequest, FootageRequestStatus
from commonbeat.transparency.services import bodycams

from ..factories import signed_in_client
from .test_bodycams_support import footage_request, recording, submission

FORM = {"name": "Rosalind Quill", "email": "rosalind.quill@example.org", "incident_date": "2026-01-05",
        "place": "400 block of Harbor Avenue", "reason": "I was stopped and want to see the stop.", "language": "es"}


@pytest.mark.parametrize(("received", "due"), [
    (date(2026, 11, 2), date(2026, 11, 16)),  # Monday -> Monday two weeks later
    (date(2026, 11, 6), date(2026, 11, 20)),  # Friday -> Friday two weeks later
    (date(2026, 11, 7), date(2026, 11, 20)),  # Saturday: counting starts on Monday
])
def test_the_deadline_is_ten_business_days(received, due):
    assert bodycams.add_business_days(received, 10) == due


def test_a_request_is_due_ten_business_days_after_receipt(agency):
    request = footage_request(agency)
    assert request.received_on == agency.today()
    assert request.due_on == bodycams.add_business_days(agency.today(), 10)
    assert request.status == FootageRequestStatus.RECEIVED and request.reference.startswith("FR-")


def test_the_deadline_is_extended_once_with_a_reason(agency, admin):
    request = footage_request(agency)
    first_due = request.due_on
    bodycams.extend_deadline(admin, request, "Many recordings to redact.")
    request.refresh_from_db()
    assert request.due_on == bodycams.add_business_days(first_due, 10)
    assert request.extension_reason == "Many recordings to redact."
    with pytest.raises(bodycams.BodycamError, match="already extended"):
        bodycams.extend_deadline(admin, request, "Again")
    request.refresh_from_db()
    assert request.due_on == bodycams.add_business_days(first_due, 10)


def test_an_open_request_past_its_deadline_is_overdue_and_one_near_it_due_soon(agency):
    today = agency.today()
    late = footage_request(agency)
    FootageRequest.objects.filter(pk=late.pk).update(due_on=today - timedelta(days=1))
    soon = footage_request(agency, name="Other Person")
    FootageRequest.objects.filter(pk=soon.pk).update(due_on=bodycams.add_business_days(today, 1))
    late.refresh_from_db()
    soon.refresh_from_db()
    assert late.is_overdue(today) and not bodycams.is_due_soon(late, today)
    assert bodycams.is_due_soon(soon, today) and not soon.is_overdue(today)
    assert list(bodycams.overdue_requests(agency, today)) == [late]
    FootageRequest.objects.filter(pk=late.pk).update(status=FootageRequestStatus.DENIED)
    assert list(bodycams.overdue_requests(agency, today)) == []


def test_the_staff_list_flags_overdue_and_due_soon_requests(agency, cast):
    today = agency.today()
    late = footage_request(agency)
    FootageRequest.objects.filter(pk=late.pk).update(due_on=today - timedelta(days=3))
    page = signed_in_client(cast[Role.INVESTIGATOR]).get(reverse("transparency:staff_footage_requests"))
    rows = page.context["rows"]
    assert [(item.pk, overdue) for item, overdue, _soon in rows] == [(late.pk, True)]
    assert "Overdue" in page.content.decode()


def test_the_steps_go_in_order_and_release_needs_linked_recordings(agency, admin):
    request = footage_request(agency)
    with pytest.raises(bodycams.BodycamError):
        bodycams.advance_request(admin, request, FootageRequestStatus.REVIEWING)
    bodycams.advance_request(admin, request, FootageRequestStatus.SEARCHING)
    bodycams.advance_request(admin, request, FootageRequestStatus.REVIEWING)
    with pytest.raises(bodycams.BodycamError, match="Link"):
        bodycams.advance_request(admin, request, FootageRequestStatus.RELEASED)
    bodycams.link_recordings(admin, request, [recording(agency)])
    bodycams.advance_request(admin, request, FootageRequestStatus.REDACTING)
    released = bodycams.advance_request(admin, request, FootageRequestStatus.RELEASED)
    assert released.status == FootageRequestStatus.RELEASED and released.closed_on == agency.today()
    with pytest.raises(bodycams.BodycamError, match="closed"):
        bodycams.deny_request(admin, request, "privacy", "Too late")


def test_a_denial_needs_a_legal_basis_and_an_explanation(agency, admin):
    request = footage_request(agency)
    with pytest.raises(bodycams.BodycamError):
        bodycams.deny_request(admin, request, "", "Because")
    with pytest.raises(bodycams.BodycamError):
        bodycams.deny_request(admin, request, "privacy", " ")
    denied = bodycams.deny_request(admin, request, "privacy", "Recorded inside a home.")
    assert denied.status == FootageRequestStatus.DENIED and denied.denial_basis == "privacy"
    event = AuditEvent.objects.get(action="transparency.footage_request_denied")
    assert event.changes == {"from": "received", "basis": "privacy"}


def test_only_footage_request_handlers_work_requests(agency, cast):
    request = footage_request(agency)
    for role in (Role.OVERSIGHT_REVIEWER, Role.ENGAGEMENT_STAFF, Role.OFFICER):
        with pytest.raises(PermissionDenied):
            bodycams.advance_request(cast[role], request, FootageRequestStatus.SEARCHING)
    bodycams.advance_request(cast[Role.INVESTIGATOR], request, FootageRequestStatus.SEARCHING)


def test_the_resident_sends_a_request_once_and_gets_a_tracking_code(agency, client, django_capture_on_commit_callbacks):
    page = client.get(reverse("transparency:footage_request"))
    assert page["Cache-Control"].count("no-store")
    token = page.context["form"].initial["submission_token"]
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("transparency:footage_request"), {**FORM, "submission_token": token})
        again = client.post(reverse("transparency:footage_request"), {**FORM, "submission_token": token})
    assert FootageRequest.objects.count() == 1
    code = first.context["tracking_code"]
    assert again.context["tracking_code"] == code and again.context["already_sent"]
    assert code in first.content.decode()
    request = FootageRequest.objects.get()
    assert request.requester_name == "Rosalind Quill" and request.language == "es"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rosalind.quill@example.org"]
    assert "Departamento de Policía de Alpha" in mail.outbox[0].body  # written in Spanish, as asked
    assert request.reference in mail.outbox[0].body
    assert code not in mail.outbox[0].body


def test_bad_input_keeps_what_was_typed(agency, client):
    token = client.get(reverse("transparency:footage_request")).context["form"].initial["submission_token"]
    response = client.post(reverse("transparency:footage_request"), {**FORM, "email": "not-an-address",
                                                                      "submission_token": token})
    assert response.status_code == 200 and not FootageRequest.objects.exists()
    assert 'value="Rosalind Quill"' in response.content.decode()


def test_the_requester_follows_the_request_with_the_code_and_reads_messages(agency, admin, client):
    submitted = bodycams.submit_footage_request(agency, submission(language="en"), idempotency_key="k" * 32)
    bodycams.send_message(admin, submitted.request, "We found two recordings.")
    page = client.post(reverse("transparency:footage_request_status"), {"code": submitted.tracking_code.lower()})
    body = page.content.decode()
    assert page.status_code == 200 and submitted.request.reference in body
    assert "We found two recordings." in body
    assert "Rosalind" not in body and "rosalind.quill@example.org" not in body
    wrong = client.post(reverse("transparency:footage_request_status"), {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert "could not find a request" in wrong.content.decode()


def test_another_agencys_code_finds_nothing(agency, other_agency, client):
    submitted = bodycams.submit_footage_request(other_agency, submission(), idempotency_key="b" * 32)
    page = client.post(reverse("transparency:footage_request_status"), {"code": submitted.tracking_code})
    assert "could not find a request" in page.content.decode()


def test_each_step_and_message_is_emailed_in_the_requesters_language(agency, admin,
                                                                      django_capture_on_commit_callbacks):
    request = footage_request(agency, language="es")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        bodycams.advance_request(admin, request, FootageRequestStatus.SEARCHING)
        bodycams.extend_deadline(admin, request, "Muchas grabaciones.")
        bodycams.send_message(admin, request, "Hemos encontrado una grabación.")
    assert len(mail.outbox) == 3
    assert all(message.to == ["rosalind.quill@example.org"] for message in mail.outbox)
    assert "Hemos encontrado una grabación." in mail.outbox[2].body
    assert "Muchas grabaciones." in mail.outbox[1].body


def test_each_message_is_emailed_with_its_own_text(agency, admin, django_capture_on_commit_callbacks):
    request = footage_request(agency, language="en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        bodycams.send_message(admin, request, "First: we are searching.")
        bodycams.send_message(admin, request, "Second: we found one recording.")
    assert len(mail.outbox) == 2
    assert "First: we are searching." in mail.outbox[0].body
    assert "Second: we found one recording." not in mail.outbox[0].body
    assert "Second: we found one recording." in mail.outbox[1].body


def test_each_step_is_emailed_with_the_step_it_reached(agency, admin, django_capture_on_commit_callbacks):
    request = footage_request(agency, language="en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        bodycams.advance_request(admin, request, FootageRequestStatus.SEARCHING)
        bodycams.advance_request(admin, request, FootageRequestStatus.REVIEWING)
    assert len(mail.outbox) == 2
    assert "new status: Searching for recordings." in mail.outbox[0].body
    assert "new status: Reviewing the recordings." in mail.outbox[1].body


def test_the_requesters_identity_never_reaches_the_audit_log(agency, admin):
    request = footage_request(agency)
    bodycams.send_message(admin, request, "Message text")
    bodycams.extend_deadline(admin, request, "Extension text")
    bodycams.deny_request(admin, request, "privacy", "Explanation text")
    logged = str(list(AuditEvent.objects.values_list("changes", "actor_label")))
    for secret in ("Rosalind", "rosalind.quill", "Harbor Avenue", "stopped", "Message text", "Extension text",
                   "Explanation text"):
        assert secret not in logged


def test_staff_work_a_request_through_the_pages(agency, cast, django_capture_on_commit_callbacks):
    request = footage_request(agency)
    linked = recording(agency, days_ago=(agency.today() - request.incident_date).days)
    client = signed_in_client(cast[Role.INVESTIGATOR])
    page = client.get(reverse("transparency:staff_footage_request", args=[request.pk]))
    assert "Rosalind Quill" in page.content.decode() and f"#{linked.pk}" in page.content.decode()
    assert AuditEvent.objects.filter(action="transparency.footage_request_viewed").count() == 1
    client.post(reverse("transparency:staff_footage_request_recordings", args=[request.pk]),
                {"recordings": [linked.pk]})
    assert list(request.recordings.all()) == [linked]
    skipped = client.post(reverse("transparency:staff_footage_request_advance", args=[request.pk]),
                          {"status": "reviewing"})
    assert skipped.status_code == 400
    request.refresh_from_db()
    assert request.status == FootageRequestStatus.RECEIVED
    client.post(reverse("transparency:staff_footage_request_advance", args=[request.pk]), {"status": "searching"})
    request.refresh_from_db()
    assert request.status == FootageRequestStatus.SEARCHING
    refused = client.post(reverse("transparency:staff_footage_request_deny", args=[request.pk]),
                          {"basis": "privacy", "explanation": ""})
    assert refused.status_code == 400
    listing = client.get(reverse("transparency:staff_footage_requests"))
    assert request.reference in listing.content.decode()


def test_a_message_sent_twice_from_the_same_page_is_sent_once(agency, cast, django_capture_on_commit_callbacks):
    request = footage_request(agency)
    client = signed_in_client(cast[Role.INVESTIGATOR])
    page = client.get(reverse("transparency:staff_footage_request", args=[request.pk]))
    token = page.context["message_form"].initial["submission_token"]
    url = reverse("transparency:staff_footage_request_message", args=[request.pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"body": "We found the recording.", "submission_token": token})
        again = client.post(url, {"body": "We found the recording.", "submission_token": token})
    assert first.status_code == again.status_code == 302
    assert list(request.messages.values_list("body", flat=True)) == ["We found the recording."]
    assert len(mail.outbox) == 1
    empty = client.post(url, {"body": " ", "submission_token": token})
    assert empty.status_code == 400 and request.messages.count() == 1


def test_status_lookups_are_rate_limited(agency, client):
    from django.core.cache import cache

    cache.clear()
    url = reverse("transparency:footage_request_status")
    answers = [client.post(url, {"code": "AAAA-BBBB-CCCC-DDDD"}).status_code for _ in range(11)]
    assert answers[:10] == [200] * 10 and answers[10] == 429
    cache.clear()


def test_the_request_form_is_in_spanish_too(agency, client):
    page = client.get("/es" + reverse("transparency:footage_request"))
    assert page.status_code == 200 and 'lang="es"' in page.content.decode()
    assert page.context["form"].fields["language"].initial == "es"
