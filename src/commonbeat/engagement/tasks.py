"""E-mails to residents about their RSVP, in the language they replied in."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

MESSAGES = ("rsvp_confirmed", "rsvp_waitlisted", "rsvp_promoted", "reminder", "event_cancelled", "feedback")


@task()
def email_rsvp(rsvp_id: int, message: str) -> bool:
    """One of MESSAGES to the resident. Confirmations, promotions and reminders carry the event's .ics file
    and the resident's own link (to see the QR code for the door, or cancel)."""
    from . import calendar, services
    from .models import Rsvp

    if message not in MESSAGES:
        raise ValueError(message)
    reply = Rsvp.objects.select_related("event", "event__agency", "event__kind").get(pk=rsvp_id)
    if not reply.email:
        return False
    event, agency = reply.event, reply.event.agency
    with translation.override(reply.language):
        context = {
            "message": message,
            "rsvp": reply,
            "event": event,
            "title": event.title_in(reply.language),
            "agency_name": agency.display_name(reply.language),
            "rsvp_url": agency.absolute_url(reverse("engagement:rsvp", args=[services.rsvp_token(reply)])),
            "event_url": agency.absolute_url(reverse("engagement:event", args=[event.pk])),
            "survey_url": (agency.absolute_url(reverse("surveys:answer", args=[event.feedback_survey_slug]))
                           if event.feedback_survey_slug else ""),
        }
        subject = render_to_string("engagement/email/subject.txt", context).strip()
        body = render_to_string("engagement/email/rsvp.txt", context)
    email = EmailMessage(subject, body, None, [reply.email])
    if message in ("rsvp_confirmed", "rsvp_promoted", "reminder"):
        email.attach("event.ics", calendar.calendar_file(agency, [event], name=context["title"],
                                                         language=reply.language), "text/calendar")
    email.send()
    return True
