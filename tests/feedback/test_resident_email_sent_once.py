"""A notice to a resident goes out once per queued task, even when a worker dies and the task runs again."""

from unittest import mock

from django.core import mail
from django_tasks import TaskContext

from commonbeat.core.models import AuditEvent
from commonbeat.feedback import tasks

from . import factories


def queued_receipt(agency, django_capture_on_commit_callbacks):
    """File a report with an e-mail address; the receipt task runs once (immediate backend)."""
    with django_capture_on_commit_callbacks(execute=True):
        report = factories.file(agency, email="rosa@example.org").report
    return report, tasks.notify_resident.enqueue(report.id, "received")


def test_a_task_run_again_after_a_crash_does_not_send_the_receipt_twice(agency, django_capture_on_commit_callbacks):
    report, result = queued_receipt(agency, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    tasks.notify_resident.enqueue(report.id, "received")  # a second, distinct notice is sent
    assert len(mail.outbox) == 1
    mail.outbox.clear()

    sent_again = tasks.notify_resident.call(TaskContext(task_result=result), report.id, "received")

    assert sent_again is False
    assert mail.outbox == []
    recorded = AuditEvent.objects.filter(action=tasks.RESIDENT_EMAILED, object_id=str(report.id))
    assert recorded.filter(changes__task=str(result.id)).count() == 1
    assert recorded.count() == 3  # the on-commit receipt, the first enqueue, the second enqueue


def test_every_attempt_of_one_task_carries_the_same_message_id(agency, django_capture_on_commit_callbacks):
    report, result = queued_receipt(agency, django_capture_on_commit_callbacks)
    sent = mail.outbox[-1]

    assert sent.extra_headers["Message-ID"] == tasks.message_id(str(result.id))
    assert str(result.id) in sent.extra_headers["Message-ID"]
    assert sent.message()["Message-ID"] == tasks.message_id(str(result.id))


def test_a_send_that_fails_leaves_no_record_so_the_next_attempt_sends(agency, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = factories.file(agency, email="rosa@example.org").report
    mail.outbox.clear()
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("SMTP is down")):
        failed = tasks.notify_resident.enqueue(report.id, "message")
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action=tasks.RESIDENT_EMAILED, changes__task=str(failed.id)).exists()

    assert tasks.notify_resident.call(TaskContext(task_result=failed), report.id, "message") is True
    assert tasks.notify_resident.call(TaskContext(task_result=failed), report.id, "message") is False

    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action=tasks.RESIDENT_EMAILED, changes__task=str(failed.id)).count() == 1


def test_a_report_without_an_email_address_records_nothing(agency):
    report = factories.file(agency).report
    result = tasks.notify_resident.enqueue(report.id, "received")

    assert result.return_value is False
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action=tasks.RESIDENT_EMAILED).exists()
