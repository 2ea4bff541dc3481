"""Messages that leave the building: to residents (in their language) and to commended officers."""

from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import TaskContext, task

from commonbeat.core import audit
from commonbeat.core.models import AuditEvent

RESIDENT_EMAILED = "feedback.resident_emailed"


def message_id(task_id: str) -> str:
    """The same Message-ID for every attempt of one task, so a mail system that sees a resend drops it."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "commonbeat.invalid"
    return f"<resident-{task_id}@{domain}>"


@task(takes_context=True)
def notify_resident(context: TaskContext, report_id: int, event: str) -> bool:
    """E-mail the resident about their report: received, acknowledged, a new message, or closed.

    The e-mail never contains the tracking code or the narrative, only the case number and a reminder to
    look at the tracking page, so an intercepted e-mail reveals nothing of the case.

    Each queued notice goes out once, even when a worker dies and the task runs again: the report's row is
    locked, a notice already recorded for this task is skipped, and the record of the sending is written in
    the same transaction as the send. The one gap left is a worker dying after the mail server accepted the
    message and before that transaction commits: the notice is then sent again, with the same Message-ID.
    """
    from .models import Report

    task_id = str(context.task_result.id)
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("agency").get(pk=report_id)
        if not report.complainant_email:
            return False
        already_sent = AuditEvent.objects.filter(
            agency=report.agency, object_type=report._meta.label_lower, object_id=str(report.pk),
            action=RESIDENT_EMAILED, changes__task=task_id).exists()
        if already_sent:
            return False
        with translation.override(report.language):
            tracking_path = reverse("feedback:track")
            values = {"report": report, "event": event,
                      "agency_name": report.agency.display_name(report.language),
                      "tracking_url": report.agency.absolute_url(tracking_path)}
            subject = render_to_string("feedback/email/subject.txt", values).strip()
            body = render_to_string("feedback/email/resident.txt", values)
        audit.record(RESIDENT_EMAILED, agency=report.agency, target=report,
                     changes={"event": event, "task": task_id})
        EmailMessage(subject, body, None, [report.complainant_email],
                     headers={"Message-ID": message_id(task_id)}).send()
    return True


@task()
def route_commendation(report_id: int) -> int:
    """Tell each commended officer, and the officer's supervisor, about the commendation."""
    from .models import Report

    report = Report.objects.select_related("agency").get(pk=report_id)
    sent = 0
    for officer in report.commended_officers.select_related("user", "supervisor__user"):
        recipients = {person.user.email for person in (officer, officer.supervisor)
                      if person is not None and person.user_id and person.user.email}
        if not recipients:
            continue
        body = render_to_string("feedback/email/commendation.txt", {"report": report, "officer": officer})
        send_mail(f"{report.agency.name}: a resident commended {officer}", body, None, sorted(recipients))
        sent += 1
    return sent


