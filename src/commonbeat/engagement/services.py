"""Every change to events, RSVPs, attendance, officer participation, concerns and problem-solving projects.

Each service takes the acting user and the agency explicitly, checks the role, runs in one transaction and
writes its audit event there. Residents' RSVPs are anonymous to the audit log (actor "anonymous") and never
put their name or e-mail in it.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from commonbeat.accounts.roles import Action, can
from commonbeat.core import audit, geo
from commonbeat.core.models import Agency, Neighbourhood, Officer, Unit
from commonbeat.core.tenancy import scoped

from .models import (
    Attendance,
    CheckInMethod,
    Concern,
    Event,
    EventKind,
    EventStatus,
    Milestone,
    OfficerParticipation,
    ParticipationRole,
    Problem,
    ProblemStatus,
    ProblemUpdate,
    Rsvp,
    RsvpStatus,
    Stage,
)

MAX_PARTY_SIZE = 10
MAX_EVENT_HOURS = 24
FEEDBACK_SURVEY_DAYS = 30
RESIDENT = AnonymousUser()  # the audit log's actor for what a resident does without an account

# The kinds every agency starts with: (slug, English, Spanish, is a public workshop).
STANDARD_KINDS = [
    ("community-meeting", "Community meeting or forum", "Reunión o foro comunitario", False),
    ("town-hall", "Town hall", "Asamblea pública", False),
    ("focus-group", "Focus group", "Grupo de discusión", False),
    ("block-party", "Block party", "Fiesta de cuadra", False),
    ("fair", "Fair", "Feria", False),
    ("safety-workshop", "Safety workshop", "Taller de seguridad", True),
    ("education-workshop", "Community education workshop", "Taller de educación comunitaria", True),
    ("youth-activity", "Youth activity", "Actividad juvenil", False),
    ("coffee-with-officers", "Coffee with officers", "Café con agentes", False),
]


class EngagementError(Exception):
    """A change that cannot be made, with a message a person can read."""


def _require(actor, agency: Agency, action: Action) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _texts(texts: dict | None) -> dict:
    return {language: text.strip() for language, text in (texts or {}).items() if text and text.strip()}


# ---------------------------------------------------------------- kinds

def event_kinds(agency: Agency):
    """The agency's event kinds, creating the standard ones the first time they are asked for."""
    kinds = scoped(EventKind, agency)
    if not kinds.exists():
        EventKind.objects.bulk_create(
            [EventKind(agency=agency, slug=slug, name={"en": en, "es": es}, is_workshop=workshop, position=position)
             for position, (slug, en, es, workshop) in enumerate(STANDARD_KINDS)],
            ignore_conflicts=True,
        )
    return scoped(EventKind, agency)


@transaction.atomic
def add_event_kind(actor, agency: Agency, *, slug: str, name: dict, is_workshop: bool = False) -> EventKind:
    """A kind of event of the agency's own. Short names are unique in the agency."""
    _require(actor, agency, Action.MANAGE_EVENTS)
    name = _texts(name)
    if not name.get("en"):
        raise EngagementError(_("Give the kind a name in English."))
    if event_kinds(agency).filter(slug=slug).exists():
        raise EngagementError(_("There is already a kind of event with that short name."))
    kind = EventKind.objects.create(agency=agency, slug=slug, name=name, is_workshop=is_workshop)
    audit.record("engagement.event_kind_added", actor=actor, agency=agency, target=kind,
                 changes={"slug": slug, "name": name})
    return kind


# ---------------------------------------------------------------- events

@dataclass
class EventDetails:
    """What staff fill in for an event. Times are aware datetimes (the form reads them in the agency's zone)."""

    kind: EventKind
    title: dict
    starts_at: datetime
    ends_at: datetime
    address: str
    organiser: str
    description: dict | None = None
    place_name: str = ""
    latitude: float | None = None
    longitude: float | None = None
    accessibility_notes: dict | None = None
    language_notes: dict | None = None
    capacity: int | None = None
    organising_unit: Unit | None = None
    partner_organisations: str = ""


def _check_details(agency: Agency, details: EventDetails) -> None:
    if details.kind.agency_id != agency.id:
        raise EngagementError(_("Choose one of the agency's kinds of event."))
    if details.organising_unit is not None and details.organising_unit.agency_id != agency.id:
        raise EngagementError(_("Choose one of the agency's units."))
    if not _texts(details.title).get("en"):
        raise EngagementError(_("Give the event a title in English."))
    if details.ends_at <= details.starts_at:
        raise EngagementError(_("The event must end after it starts."))
    if details.ends_at - details.starts_at > timedelta(hours=MAX_EVENT_HOURS):
        raise EngagementError(_("An event can last at most %(hours)s hours; enter each day as its own event.")
                              % {"hours": MAX_EVENT_HOURS})
    if (details.latitude is None) != (details.longitude is None):
        raise EngagementError(_("Give both the latitude and the longitude of the place, or neither."))
    if details.latitude is not None and not (-90 <= details.latitude <= 90 and -180 <= details.longitude <= 180):
        raise EngagementError(_("The map point is not a valid latitude and longitude."))


def _apply(event: Event, agency: Agency, details: EventDetails) -> None:
    event.kind = details.kind
    event.title = _texts(details.title)
    event.description = _texts(details.description)
    event.starts_at, event.ends_at = details.starts_at, details.ends_at
    event.place_name, event.address = details.place_name.strip(), details.address.strip()
    event.latitude, event.longitude = details.latitude, details.longitude
    event.neighbourhood = (geo.neighbourhood_at(agency, details.longitude, details.latitude)
                           if details.latitude is not None else None)
    event.accessibility_notes = _texts(details.accessibility_notes)
    event.language_notes = _texts(details.language_notes)
    event.capacity = details.capacity
    event.organiser = details.organiser.strip()
    event.organising_unit = details.organising_unit
    event.partner_organisations = "\n".join(
        line.strip() for line in details.partner_organisations.splitlines() if line.strip())


def _summary(event: Event) -> dict:
    return {"title": event.title, "starts_at": event.starts_at, "ends_at": event.ends_at, "address": event.address,
            "neighbourhood": event.neighbourhood.slug if event.neighbourhood else None, "capacity": event.capacity,
            "kind": event.kind.slug}


@transaction.atomic
def create_event(actor, agency: Agency, details: EventDetails) -> Event:
    """A new event, published at once. The neighbourhood is the one the map point falls in."""
    _require(actor, agency, Action.MANAGE_EVENTS)
    _check_details(agency, details)
    event = Event(agency=agency, created_by=actor)
    _apply(event, agency, details)
    event.save()
    audit.record("engagement.event_created", actor=actor, agency=agency, target=event, changes=_summary(event))
    return event


@transaction.atomic
def update_event(actor, event: Event, details: EventDetails) -> Event:
    """Change an event. Raising the capacity gives waiting residents their places; lowering it below the places
    already confirmed is refused (nobody loses a confirmed place)."""
    _require(actor, event.agency, Action.MANAGE_EVENTS)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise EngagementError(_("This event has been cancelled and can no longer be changed."))
    _check_details(event.agency, details)
    if details.capacity is not None and details.capacity < places_taken(event):
        raise EngagementError(_("%(count)s places are already confirmed; the capacity cannot be lower.")
                              % {"count": places_taken(event)})
    before = _summary(event)
    _apply(event, event.agency, details)
    event.save()
    audit.record("engagement.event_updated", actor=actor, agency=event.agency, target=event,
                 changes={"before": before, "after": _summary(event)})
    _promote_waiting(event)
    return event


@transaction.atomic
def cancel_event(actor, event: Event, *, reason: str = "") -> Event:
    """Cancel an event; everyone with a place or on the waiting list is told by e-mail."""
    from . import tasks

    _require(actor, event.agency, Action.MANAGE_EVENTS)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise EngagementError(_("This event is already cancelled."))
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status", "updated_at"])
    audit.record("engagement.event_cancelled", actor=actor, agency=event.agency, target=event,
                 changes={"reason": reason})
    for rsvp_id in event.rsvps.exclude(status=RsvpStatus.CANCELLED).values_list("id", flat=True):
        transaction.on_commit(lambda rsvp_id=rsvp_id: tasks.email_rsvp.enqueue(rsvp_id, "event_cancelled"))
    return event


# ---------------------------------------------------------------- RSVPs

def rsvp_token(rsvp: Rsvp) -> str:
    """The secret in the resident's link: derived from the RSVP's random uid and the site's secret key."""
    return salted_hmac("commonbeat.engagement.rsvp", str(rsvp.uid), algorithm="sha256").hexdigest()[:32]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_rsvp(agency: Agency, token: str) -> Rsvp | None:
    if not token or len(token) > 64:
        return None
    return scoped(Rsvp, agency).select_related("event", "event__kind").filter(token_hash=_hash(token)).first()


def places_taken(event: Event) -> int:
    return event.rsvps.filter(status=RsvpStatus.CONFIRMED).aggregate(total=Sum("party_size"))["total"] or 0


def places_left(event: Event) -> int | None:
    """Places still free, or None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - places_taken(event), 0)


def accepts_rsvps(event: Event, now: datetime | None = None) -> bool:
    return not event.is_cancelled and event.starts_at > (now or timezone.now())


@dataclass
class RsvpResult:
    rsvp: Rsvp
    token: str
    created: bool


@transaction.atomic
def rsvp(agency: Agency, event: Event, *, name: str, email: str = "", party_size: int = 1, language: str = "en",
         idempotency_key: str | None = None) -> RsvpResult:
    """A resident's reply. A place is confirmed while the event has room for the whole party; otherwise the
    party joins the waiting list. Sending the same form twice (same idempotency key) returns the first reply."""
    from . import tasks

    if event.agency_id != agency.id:
        raise EngagementError(_("This event does not exist."))
    event = Event.objects.select_for_update().get(pk=event.pk)
    if idempotency_key:
        earlier = event.rsvps.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return RsvpResult(earlier, rsvp_token(earlier), created=False)
    if not accepts_rsvps(event):
        raise EngagementError(_("This event is no longer taking replies."))
    name = name.strip()
    if not name:
        raise EngagementError(_("Tell us your name, so we can welcome you at the door."))
    if not 1 <= party_size <= MAX_PARTY_SIZE:
        raise EngagementError(_("A reply can be for 1 to %(max)s people.") % {"max": MAX_PARTY_SIZE})
    left = places_left(event)
    status = RsvpStatus.CONFIRMED if left is None or left >= party_size else RsvpStatus.WAITLISTED
    reply = Rsvp(agency=agency, event=event, name=name, email=email.strip(), party_size=party_size,
                 language=language, status=status, idempotency_key=idempotency_key or None,
                 created_at=timezone.now())
    reply.token_hash = _hash(rsvp_token(reply))
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:
        earlier = event.rsvps.get(idempotency_key=idempotency_key)
        return RsvpResult(earlier, rsvp_token(earlier), created=False)
    audit.record("engagement.rsvp_received", actor=RESIDENT, agency=agency, target=reply,
                 changes={"event": event.pk, "status": status, "party_size": party_size})
    if reply.email:
        transaction.on_commit(lambda: tasks.email_rsvp.enqueue(reply.pk, "rsvp_" + status))
    return RsvpResult(reply, rsvp_token(reply), created=True)


@transaction.atomic
def cancel_rsvp(agency: Agency, token: str) -> Rsvp:
    """The resident gives up their place (or leaves the waiting list); the first people waiting whose party
    fits are given the places freed, in the order they replied."""
    found = find_rsvp(agency, token)
    if found is None:
        raise EngagementError(_("This link is not valid."))
    event = Event.objects.select_for_update().get(pk=found.event_id)
    reply = Rsvp.objects.get(pk=found.pk)
    if reply.status == RsvpStatus.CANCELLED:
        return reply
    if hasattr(reply, "attendance"):
        raise EngagementError(_("You have already been checked in at this event."))
    was = reply.status
    reply.status, reply.cancelled_at = RsvpStatus.CANCELLED, timezone.now()
    reply.save(update_fields=["status", "cancelled_at"])
    audit.record("engagement.rsvp_cancelled", actor=RESIDENT, agency=agency, target=reply, changes={"was": was})
    if accepts_rsvps(event):
        _promote_waiting(event)
    return reply


def _promote_waiting(event: Event) -> list[Rsvp]:
    """Give free places to waiting parties, in order of reply, each party whole. Call inside a transaction that
    holds the event's row lock."""
    from . import tasks

    promoted = []
    left = places_left(event)
    for waiting in event.rsvps.filter(status=RsvpStatus.WAITLISTED).order_by("created_at", "id"):
        if left is not None and waiting.party_size > left:
            continue
        waiting.status, waiting.promoted_at = RsvpStatus.CONFIRMED, timezone.now()
        waiting.save(update_fields=["status", "promoted_at"])
        audit.record("engagement.rsvp_promoted", agency=event.agency, target=waiting, changes={"event": event.pk})
        if waiting.email:
            transaction.on_commit(lambda rsvp_id=waiting.pk: tasks.email_rsvp.enqueue(rsvp_id, "rsvp_promoted"))
        promoted.append(waiting)
        if left is not None:
            left -= waiting.party_size
    return promoted


def waiting_position(reply: Rsvp) -> int | None:
    """1 for the first party waiting, and so on; None when not waiting."""
    if reply.status != RsvpStatus.WAITLISTED:
        return None
    earlier = reply.event.rsvps.filter(status=RsvpStatus.WAITLISTED, created_at__lt=reply.created_at).count()
    return earlier + 1


def reminders_due(now: datetime | None = None):
    """Confirmed RSVPs with an e-mail address for events that start tomorrow (in the agency's time zone) and
    have not been reminded. Runs hourly; the marker makes each reminder go once."""
    now = now or timezone.now()
    window_start, window_end = now + timedelta(hours=12), now + timedelta(hours=36)
    return (Rsvp.objects.filter(status=RsvpStatus.CONFIRMED, reminder_sent_at__isnull=True,
                                event__status=EventStatus.SCHEDULED, event__starts_at__gte=window_start,
                                event__starts_at__lt=window_end)
            .exclude(email="").select_related("event", "event__agency"))


def send_reminders(now: datetime | None = None) -> int:
    """E-mail the reminder the day before, once per RSVP."""
    from . import tasks

    now = now or timezone.now()
    sent = 0
    for reply in reminders_due(now):
        tomorrow = (reply.event.starts_at.astimezone(reply.event.agency.zone).date()
                    - now.astimezone(reply.event.agency.zone).date())
        if tomorrow != timedelta(days=1):
            continue
        with transaction.atomic():
            claimed = Rsvp.objects.filter(pk=reply.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now)
            if claimed:
                transaction.on_commit(lambda rsvp_id=reply.pk: tasks.email_rsvp.enqueue(rsvp_id, "reminder"))
                sent += 1
    return sent


# ---------------------------------------------------------------- at the event

def _attendance_summary(event: Event) -> dict:
    return {"event": event.pk, "attendance": attendance_count(event)}


def attendance_count(event: Event) -> int:
    return event.attendance.aggregate(total=Sum("people"))["total"] or 0


@transaction.atomic
def check_in(actor, reply: Rsvp, *, method: str = CheckInMethod.RSVP_LIST) -> Attendance:
    """Check in a resident who replied (from the list, or by the QR code on their confirmation). Someone on
    the waiting list who comes anyway is welcome and checked in too."""
    _require(actor, reply.agency, Action.RUN_EVENTS)
    reply = Rsvp.objects.select_for_update().select_related("event").get(pk=reply.pk)
    if method not in (CheckInMethod.RSVP_LIST, CheckInMethod.QR_CODE):
        raise EngagementError(_("Walk-ins are counted, not checked in by name."))
    if reply.status == RsvpStatus.CANCELLED:
        raise EngagementError(_("This reply was cancelled."))
    if Attendance.objects.filter(rsvp=reply).exists():
        raise EngagementError(_("Already checked in."))
    if reply.event.is_cancelled:
        raise EngagementError(_("This event has been cancelled."))
    attendance = Attendance.objects.create(agency=reply.agency, event=reply.event, rsvp=reply,
                                           people=reply.party_size, method=method, recorded_by=actor,
                                           recorded_at=timezone.now())
    audit.record("engagement.checked_in", actor=actor, agency=reply.agency, target=attendance,
                 changes={"rsvp": reply.pk, "method": method, "people": reply.party_size})
    return attendance


@transaction.atomic
def record_walk_ins(actor, event: Event, people: int) -> Attendance:
    """Count people who came without replying."""
    _require(actor, event.agency, Action.RUN_EVENTS)
    if event.is_cancelled:
        raise EngagementError(_("This event has been cancelled."))
    if not 1 <= people <= 10_000:
        raise EngagementError(_("Enter how many people came in, from 1 to 10,000."))
    attendance = Attendance.objects.create(agency=event.agency, event=event, people=people,
                                           method=CheckInMethod.WALK_IN, recorded_by=actor,
                                           recorded_at=timezone.now())
    audit.record("engagement.walk_ins_counted", actor=actor, agency=event.agency, target=attendance,
                 changes={"event": event.pk, "people": people})
    return attendance


@transaction.atomic
def log_participation(actor, event: Event, officer: Officer, *, role: str, hours: Decimal) -> OfficerParticipation:
    """Record that an officer took part (or correct the record): the role and the hours spent."""
    _require(actor, event.agency, Action.RUN_EVENTS)
    if officer.agency_id != event.agency_id:
        raise EngagementError(_("Choose one of the agency's officers."))
    if role not in ParticipationRole.values:
        raise EngagementError(_("Choose a role."))
    hours = Decimal(hours)
    if not Decimal("0.25") <= hours <= Decimal(MAX_EVENT_HOURS):
        raise EngagementError(_("Enter the hours spent, from 0.25 to %(max)s.") % {"max": MAX_EVENT_HOURS})
    participation, created = OfficerParticipation.objects.update_or_create(
        event=event, officer=officer,
        defaults={"agency": event.agency, "role": role, "hours": hours, "recorded_by": actor,
                  "recorded_at": timezone.now()})
    audit.record("engagement.participation_logged", actor=actor, agency=event.agency, target=participation,
                 changes={"event": event.pk, "officer": officer.pk, "role": role, "hours": hours,
                          "corrected": not created})
    return participation


@transaction.atomic
def remove_participation(actor, participation: OfficerParticipation) -> None:
    _require(actor, participation.agency, Action.RUN_EVENTS)
    audit.record("engagement.participation_removed", actor=actor, agency=participation.agency,
                 target=participation, changes={"event": participation.event_id,
                                                "officer": participation.officer_id})
    participation.delete()


@transaction.atomic
def record_concern(actor, event: Event, text: str, *, neighbourhood: Neighbourhood | None = None) -> Concern:
    """Write down a concern residents raised at the event (in the neighbourhood of the event unless told)."""
    _require(actor, event.agency, Action.RUN_EVENTS)
    text = text.strip()
    if not text:
        raise EngagementError(_("Write down the concern."))
    if neighbourhood is not None and neighbourhood.agency_id != event.agency_id:
        raise EngagementError(_("Choose one of the agency's neighbourhoods."))
    concern = Concern.objects.create(agency=event.agency, event=event, text=text,
                                     neighbourhood=neighbourhood or event.neighbourhood, recorded_by=actor,
                                     recorded_at=timezone.now())
    audit.record("engagement.concern_recorded", actor=actor, agency=event.agency, target=concern,
                 changes={"event": event.pk})
    return concern


@transaction.atomic
def request_feedback(actor, event: Event) -> int:
    """After the event: open a short feedback survey for it (once) and e-mail its link to everyone checked in
    who gave an address and has not been asked yet. Returns how many were asked."""
    from commonbeat.surveys import services as surveys

    from . import tasks

    _require(actor, event.agency, Action.MANAGE_EVENTS)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.ends_at > timezone.now():
        raise EngagementError(_("Ask for feedback once the event is over."))
    if event.is_cancelled:
        raise EngagementError(_("This event was cancelled."))
    if not event.feedback_survey_slug:
        event.feedback_survey_slug = f"event-{event.pk}-feedback"
        survey = surveys.create_survey(actor, event.agency, slug=event.feedback_survey_slug, standard=False,
                                       title={"en": f"Feedback: {event.title_in('en')}",
                                              "es": f"Opinión: {event.title_in('es')}"},
                                       introduction={"en": "Two questions about the event you came to.",
                                                     "es": "Dos preguntas sobre el evento al que asistió."})
        surveys.add_question(actor, survey, code="useful", kind="scale_0_10", required=True,
                             text={"en": "How useful was this event to you?",
                                   "es": "¿Qué tan útil le resultó este evento?"},
                             help_text={"en": "0 is not at all, 10 is very useful.",
                                        "es": "0 es nada útil, 10 es muy útil."})
        surveys.add_question(actor, survey, code="improve", kind="free_text",
                             text={"en": "What should we do differently next time?",
                                   "es": "¿Qué deberíamos hacer diferente la próxima vez?"})
        survey = surveys.set_schedule(actor, survey, opens_at=None,
                             closes_at=timezone.now() + timedelta(days=FEEDBACK_SURVEY_DAYS))
        surveys.open_survey(actor, survey)
        event.save(update_fields=["feedback_survey_slug", "updated_at"])
    asked = list(event.rsvps.filter(attendance__isnull=False, feedback_requested_at__isnull=True).exclude(email="")
                 .values_list("id", flat=True))
    Rsvp.objects.filter(pk__in=asked).update(feedback_requested_at=timezone.now())
    for rsvp_id in asked:
        transaction.on_commit(lambda rsvp_id=rsvp_id: tasks.email_rsvp.enqueue(rsvp_id, "feedback"))
    audit.record("engagement.feedback_requested", actor=actor, agency=event.agency, target=event,
                 changes={"survey": event.feedback_survey_slug, "asked": len(asked)})
    return len(asked)


# ---------------------------------------------------------------- problem-solving projects

@dataclass
class ProblemDetails:
    title: dict
    summary: dict | None = None
    neighbourhood: Neighbourhood | None = None
    owner: Officer | None = None
    partner_organisations: str = ""
    is_public: bool = True


def _check_problem(agency: Agency, details: ProblemDetails) -> None:
    if not _texts(details.title).get("en"):
        raise EngagementError(_("Give the project a title in English."))
    for related in (details.neighbourhood, details.owner):
        if related is not None and related.agency_id != agency.id:
            raise EngagementError(_("Choose from the agency's own neighbourhoods and officers."))


def _apply_problem(problem: Problem, details: ProblemDetails) -> None:
    problem.title, problem.summary = _texts(details.title), _texts(details.summary)
    problem.neighbourhood, problem.owner = details.neighbourhood, details.owner
    problem.partner_organisations = "\n".join(
        line.strip() for line in details.partner_organisations.splitlines() if line.strip())
    problem.is_public = details.is_public


@transaction.atomic
def open_problem(actor, agency: Agency, details: ProblemDetails, *, concerns: list[Concern] = ()) -> Problem:
    """Start a problem-solving project (in scanning), optionally from concerns residents raised."""
    _require(actor, agency, Action.MANAGE_PROBLEMS)
    _check_problem(agency, details)
    if any(concern.agency_id != agency.id for concern in concerns):
        raise EngagementError(_("Choose from the agency's own concerns."))
    problem = Problem(agency=agency, opened_at=timezone.now(), created_by=actor)
    _apply_problem(problem, details)
    if problem.neighbourhood is None and concerns:
        problem.neighbourhood = concerns[0].neighbourhood
    problem.save()
    Concern.objects.filter(pk__in=[concern.pk for concern in concerns]).update(problem=problem)
    audit.record("engagement.problem_opened", actor=actor, agency=agency, target=problem,
                 changes={"title": problem.title, "concerns": [concern.pk for concern in concerns]})
    return problem


@transaction.atomic
def update_problem(actor, problem: Problem, details: ProblemDetails) -> Problem:
    _require(actor, problem.agency, Action.MANAGE_PROBLEMS)
    _check_problem(problem.agency, details)
    _apply_problem(problem, details)
    problem.save()
    audit.record("engagement.problem_updated", actor=actor, agency=problem.agency, target=problem,
                 changes={"title": problem.title, "is_public": problem.is_public})
    return problem


@transaction.atomic
def link_concern(actor, concern: Concern, problem: Problem | None) -> Concern:
    _require(actor, concern.agency, Action.MANAGE_PROBLEMS)
    if problem is not None and problem.agency_id != concern.agency_id:
        raise EngagementError(_("Choose one of the agency's projects."))
    concern.problem = problem
    concern.save(update_fields=["problem"])
    audit.record("engagement.concern_linked", actor=actor, agency=concern.agency, target=concern,
                 changes={"problem": problem.pk if problem else None})
    return concern


def _require_open(problem: Problem) -> None:
    if problem.status != ProblemStatus.OPEN:
        raise EngagementError(_("This project is closed."))


@transaction.atomic
def post_update(actor, problem: Problem, text: dict, *, stage: str | None = None,
                is_public: bool = True) -> ProblemUpdate:
    """A progress note; giving a stage moves the project to it (the SARA stages may be revisited, as
    assessment often sends a project back to analysis)."""
    _require(actor, problem.agency, Action.MANAGE_PROBLEMS)
    _require_open(problem)
    text = _texts(text)
    if not text.get("en"):
        raise EngagementError(_("Write the update in English (and in Spanish if you can)."))
    if stage is not None and stage not in Stage.values:
        raise EngagementError(_("Choose a stage."))
    before = problem.stage
    if stage:
        problem.stage = stage
        problem.save(update_fields=["stage"])
    update = ProblemUpdate.objects.create(problem=problem, stage=problem.stage, text=text, is_public=is_public,
                                          written_by=actor, written_at=timezone.now())
    audit.record("engagement.problem_update_posted", actor=actor, agency=problem.agency, target=problem,
                 changes={"update": update.pk, "stage": [before, problem.stage], "public": is_public})
    return update


@transaction.atomic
def add_milestone(actor, problem: Problem, title: dict, *, due_on: date | None = None) -> Milestone:
    _require(actor, problem.agency, Action.MANAGE_PROBLEMS)
    _require_open(problem)
    title = _texts(title)
    if not title.get("en"):
        raise EngagementError(_("Name the milestone in English."))
    milestone = Milestone.objects.create(problem=problem, title=title, due_on=due_on,
                                         position=problem.milestones.count())
    audit.record("engagement.milestone_added", actor=actor, agency=problem.agency, target=problem,
                 changes={"milestone": milestone.pk, "title": title, "due_on": due_on})
    return milestone


@transaction.atomic
def complete_milestone(actor, milestone: Milestone, *, done_on: date | None = None) -> Milestone:
    problem = milestone.problem
    _require(actor, problem.agency, Action.MANAGE_PROBLEMS)
    _require_open(problem)
    if milestone.done_on:
        raise EngagementError(_("This milestone is already done."))
    milestone.done_on = done_on or timezone.localdate()
    milestone.save(update_fields=["done_on"])
    audit.record("engagement.milestone_done", actor=actor, agency=problem.agency, target=problem,
                 changes={"milestone": milestone.pk, "done_on": milestone.done_on})
    return milestone


def progress(problem: Problem) -> int | None:
    """Per cent of milestones done, or None when the project has none."""
    milestones = list(problem.milestones.all())
    if not milestones:
        return None
    return round(100 * sum(1 for m in milestones if m.done_on) / len(milestones))


@transaction.atomic
def close_problem(actor, problem: Problem, *, resolved: bool, outcome: dict) -> Problem:
    """Close a project, saying what came of it. Only after assessment: the SARA model closes a project once
    the response has been assessed."""
    _require(actor, problem.agency, Action.MANAGE_PROBLEMS)
    _require_open(problem)
    if problem.stage != Stage.ASSESSMENT:
        raise EngagementError(_("Assess the response before closing the project."))
    outcome = _texts(outcome)
    if not outcome.get("en"):
        raise EngagementError(_("Say what came of the project, in English (and in Spanish if you can)."))
    problem.status = ProblemStatus.RESOLVED if resolved else ProblemStatus.CLOSED_UNRESOLVED
    problem.outcome, problem.closed_at = outcome, timezone.now()
    problem.save(update_fields=["status", "outcome", "closed_at"])
    audit.record("engagement.problem_closed", actor=actor, agency=problem.agency, target=problem,
                 changes={"status": problem.status, "outcome": outcome})
    return problem
