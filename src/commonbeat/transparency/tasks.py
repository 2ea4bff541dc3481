"""Background work of the transparency portal: e-mails to people who asked for body-worn camera footage (in
their language), and the daily check of recordings due for deletion."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

REQUESTER_EVENTS = ("received", "status", "extended", "message")


@task()
def email_requester(request_id: int, event: str, message_id: int | None = None, status: str | None = None) -> bool:
    """Tell the requester about their footage request: received, a new step, a longer deadline or a message.

    The e-mail never carries the tracking code; it gives the request number and the status page's address."""
    from .models import FootageRequest, FootageRequestStatus

    if event not in REQUESTER_EVENTS:
        raise ValueError(event)
    request = FootageRequest.objects.select_related("agency").get(pk=request_id)
    if not request.requester_email:
        return False
    with translation.override(request.language):
        context = {"request": request, "event": event, "agency_name": request.agency.display_name(request.language),
                   "message": _message(request, message_id) if event == "message" else None,
                   "status": status or request.status,
                   "status_label": FootageRequestStatus(status or request.status).label,
                   "status_url": request.agency.absolute_url(reverse("transparency:footage_request_status"))}
        subject = render_to_string("transparency/bodycams/email/subject.txt", context).strip()
        body = render_to_string("transparency/bodycams/email/requester.txt", context)
    send_mail(subject, body, None, [request.requester_email])
    return True


def _message(request, message_id: int | None):
    """The message the e-mail is about (the latest, for a task queued before messages had their id)."""
    messages = request.messages.order_by("-sent_at", "-id")
    return messages.filter(pk=message_id).first() if message_id else messages.first()


@task()
def check_recordings_due_for_deletion(agency_id: int | None = None) -> int:
    """E-mail each agency's registry managers how many recordings are due for deletion; returns the total."""
    from commonbeat.core.models import Agency

    from .services import bodycams

    agencies = Agency.objects.order_by("id")
    if agency_id is not None:
        agencies = agencies.filter(pk=agency_id)
    return sum(bodycams.send_deletion_notice(agency) for agency in agencies)
