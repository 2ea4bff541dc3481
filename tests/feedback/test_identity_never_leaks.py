"""The complainant's identity stays in the encrypted fields: not in the audit log, logs or e-mails to staff."""

import logging

from django.core import mail

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Officer
from commonbeat.feedback import services
from commonbeat.feedback.models import Classification

from .factories import closed, file

IDENTITY = {"name": "Zebulon Featherstonehaugh", "email": "zebulon.f@example.org", "phone": "555-0142",
            "consent_to_contact": True}


def test_a_whole_case_leaves_no_identity_in_the_audit_log_or_logs(agency, cast, caplog):
    caplog.set_level(logging.DEBUG)
    report = closed(agency, cast, **IDENTITY)
    services.staff_message(cast[Role.INVESTIGATOR], report, "Thank you for your patience.")
    audit_text = str(list(AuditEvent.objects.values()))
    for value in ("Zebulon", "zebulon.f@", "555-0142"):
        assert value not in audit_text
        assert value not in caplog.text
    assert report.status == "closed"


def test_only_the_resident_gets_e_mail_about_their_report(agency, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        closed(agency, cast, **IDENTITY)
    assert len(mail.outbox) == 3  # received, acknowledged, closed
    assert {tuple(message.to) for message in mail.outbox} == {("zebulon.f@example.org",)}
    for message in mail.outbox:
        assert "Zebulon" not in message.body


def test_commendations_reach_the_officer_and_their_supervisor_without_the_residents_identity(
        agency, cast, django_capture_on_commit_callbacks):
    officer_user, sergeant_user = cast[Role.OFFICER], cast[Role.TRAINING_COORDINATOR]
    sergeant = Officer.objects.create(agency=agency, badge_number="900", first_name="Sam", last_name="Sarge",
                                      rank="Sergeant", active_from="2015-01-01", user=sergeant_user)
    officer = Officer.objects.filter(agency=agency).first()
    officer.user, officer.supervisor = officer_user, sergeant
    officer.save()
    report = file(agency, kind="commendation", narrative="Officer Pat helped my mother home.", **IDENTITY).report
    services.triage(cast[Role.INVESTIGATOR], report, Classification.COMMENDATION, [])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.verify_commendation(cast[Role.INVESTIGATOR], report, [officer], note="Verified with the CAD log.",
                                     put_forward_for_recognition=True)
    staff_mail = [m for m in mail.outbox if "commended" in m.subject]
    assert len(staff_mail) == 1
    assert set(staff_mail[0].to) == {officer_user.email, sergeant_user.email}
    assert "helped my mother home" in staff_mail[0].body
    assert "put forward for recognition" in staff_mail[0].body
    assert "Zebulon" not in staff_mail[0].body and "zebulon.f@" not in staff_mail[0].body
    report.refresh_from_db()
    assert report.status == "closed" and report.put_forward_for_recognition_at is not None
