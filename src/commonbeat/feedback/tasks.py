"""Messages that leave the building: to residents (in their language) and to commended officers."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


@task()
def notify_resident(report_id: int, event: str) -> bool:
    """E-mail the resident about their report: received, acknowledged, a new message, or closed.

    The e-mail never contains the tracking code or the narrative, only the case number and a reminder to
    look at the tracking page, so an intercepted e-mail reveals nothing of the case.
    """
    from .models import Report

    report = Report.objects.select_related("agency").get(pk=report_id)
    if not report.complainant_email:
        return False
    with translation.override(report.language):
        tracking_path = reverse("feedback:track")
        context = {"report": report, "event": event, "agency_name": report.agency.display_name(report.language),
                   "tracking_url": report.agency.absolute_url(tracking_path)}
        subject = render_to_string("feedback/email/subject.txt", context).strip()
        body = render_to_string("feedback/email/resident.txt", context)
    send_mail(subject, body, None, [report.complainant_email])
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


