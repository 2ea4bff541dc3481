"""Residents who leave an e-mail address hear about their report in their language, without the code or details."""

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation

from commonbeat.accounts.roles import Role
from commonbeat.core.tenancy import scoped
from commonbeat.feedback import services
from commonbeat.feedback.models import Classification, Report

from . import factories

NARRATIVE = "The officer shouted at me at the bus stop on Main Street and took my phone."


def forms_of(code: str) -> set[str]:
    return {code, code.replace("-", ""), code.lower()}


def assert_private(message, code: str) -> None:
    """An intercepted e-mail reveals nothing of the case: no tracking code, no narrative."""
    text = message.subject + message.body
    assert not any(form in text for form in forms_of(code))
    assert NARRATIVE not in text and "bus stop" not in text


def filed_with_email(agency, language="en", consent=True) -> services.Filed:
    return factories.file(agency, narrative=NARRATIVE, email="rosa@example.org", language=language,
                          consent_to_contact=consent)


def test_filing_from_the_spanish_page_sends_a_receipt_in_spanish(client, agency, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/es/report/complaint/", {"narrative": NARRATIVE, "email": "rosa@example.org",
                                                         "submission_token": "0" * 32})
    report = scoped(Report, agency).get()
    code = response.content.decode().split('id="tracking-code">')[1].split("<")[0]

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rosa@example.org"]
    assert report.reference in message.subject
    assert "https://alpha.test/es/track/" in message.body  # the tracking page, in Spanish
    assert "Departamento de Policía de Alpha" in message.body
    assert_private(message, code)


def test_an_anonymous_report_sends_no_email(client, agency, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/report/complaint/", {"narrative": NARRATIVE, "submission_token": "1" * 32})
    assert Report.objects.count() == 1 and mail.outbox == []


def test_acknowledgement_is_sent_when_the_report_is_triaged(agency, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        filed = filed_with_email(agency)
        services.triage(cast[Role.INVESTIGATOR], filed.report, Classification.INQUIRY, [])

    received, acknowledged = mail.outbox
    assert received.subject == f"Alpha Police Department: We received your report {filed.report.reference}"
    assert "We aim to acknowledge it within 7 days." in received.body
    assert acknowledged.subject == f"Alpha Police Department: Your report {filed.report.reference} is being handled"
    assert "has been read and is being handled" in acknowledged.body
    assert "https://alpha.test/track/" in acknowledged.body and "/es/" not in acknowledged.body
    for message in mail.outbox:
        assert_private(message, filed.tracking_code)


def test_a_staff_message_is_announced_only_to_residents_who_agreed_to_be_contacted(
        agency, cast, django_capture_on_commit_callbacks):
    investigator = cast[Role.INVESTIGATOR]
    with django_capture_on_commit_callbacks(execute=True):
        agreed = filed_with_email(agency, consent=True)
        declined = filed_with_email(agency, consent=False)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.staff_message(investigator, agreed.report, "Which bus stop was it?")
        services.staff_message(investigator, declined.report, "Which bus stop was it?")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == f"Alpha Police Department: A new message about your report {agreed.report.reference}"
    assert "Which bus stop was it?" not in message.body  # read on the tracking page, not in the e-mail
    assert_private(message, agreed.tracking_code)


def test_closing_tells_the_resident_in_their_language(agency, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        filed = filed_with_email(agency, language="es")
        report = services.triage(cast[Role.INVESTIGATOR], filed.report, Classification.INQUIRY, [])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.close(cast[Role.AGENCY_ADMIN], report, "We spoke to the officer's supervisor.")

    (message,) = mail.outbox
    assert filed.report.reference in message.subject
    assert "https://alpha.test/es/track/" in message.body
    assert "Departamento de Policía de Alpha" in message.body
    assert "We spoke to the officer's supervisor." not in message.body
    assert_private(message, filed.tracking_code)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("event", ["received", "acknowledged", "message", "closed"])
def test_every_email_renders_in_both_languages(agency, language, event):
    agency.name, agency.name_es = "St. Mary's Police & Fire", "Policía y Bomberos de St. Mary's"
    agency.save()
    report = factories.file(agency, language=language, email="rosa@example.org").report
    context = {"report": report, "event": event, "agency_name": agency.display_name(language),
               "tracking_url": f"https://alpha.test{'/es' if language == 'es' else ''}/track/"}
    with translation.override(language):
        subject = render_to_string("feedback/email/subject.txt", context).strip()
        body = render_to_string("feedback/email/resident.txt", context)

    assert "\n" not in subject and report.reference in subject
    assert subject.startswith(agency.display_name(language) + ": ")  # not HTML-escaped
    assert report.reference in body and context["tracking_url"] in body
    assert agency.display_name(language) in body
    assert "{%" not in body and "{{" not in body and "&#x27;" not in body and "&amp;" not in body
