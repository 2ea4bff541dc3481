"""Every change to advisory boards: boards and their seats, residents' applications and appointments, meetings
and their notice, agendas, minutes and documents, and recommendations with the department's response and the
milestones of carrying them out.

Each service takes the acting user and the agency explicitly (or an object that carries it), checks the role,
runs in one transaction and writes its audit event there. Applicants' names, e-mail addresses and statements
never go into the audit log.
"""

import mimetypes
import uuid
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from commonbeat.accounts.roles import Action, can
from commonbeat.core import audit
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.core.tenancy import scoped

from .models import (
    ApplicationStatus,
    Board,
    BoardApplication,
    BoardMember,
    ImplementationMilestone,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    MemberStatus,
    Recommendation,
    RecommendationResponse,
    RecommendationStatus,
    ResponseStatus,
)

RESIDENT = AnonymousUser()
# The department answers a recommendation within this many days of the board making it, unless a response
# "under review" sets a later date for the final answer.
RESPONSE_DAYS = 90
# A meeting's notice is due this long before it starts; publishing later needs a recorded reason.
NOTICE_HOURS = 72
MAX_DOCUMENT_MB = 20
ALLOWED_DOCUMENT_TYPES = {
    "application/pdf": ".pdf", "text/plain": ".txt", "image/jpeg": ".jpg", "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "text/csv": ".csv",
}
RESERVED_SLUGS = {"meetings", "recommendations", "apply"}
FINAL_STATUSES = (RecommendationStatus.ACCEPTED, RecommendationStatus.PARTLY_ACCEPTED, RecommendationStatus.DECLINED)
AWAITING_STATUSES = (RecommendationStatus.AWAITING, RecommendationStatus.UNDER_REVIEW)
IMPLEMENTING_STATUSES = (RecommendationStatus.ACCEPTED, RecommendationStatus.PARTLY_ACCEPTED)


class BoardError(Exception):
    """A change that cannot be made, with a message a person can read."""


def _require(actor, agency: Agency, action: Action) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _texts(texts: dict | None) -> dict:
    return {language: text.strip() for language, text in (texts or {}).items() if text and text.strip()}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


# ---------------------------------------------------------------- boards

@dataclass
class BoardDetails:
    slug: str
    name: dict
    seat_count: int
    term_months: int
    purpose: dict | None = None
    is_accepting_applications: bool = True


def _check_board(agency: Agency, details: BoardDetails, board: Board | None = None) -> None:
    if not _texts(details.name).get("en"):
        raise BoardError(_("Give the board a name in English."))
    if details.slug in RESERVED_SLUGS:
        raise BoardError(_("That short name is used by the site; choose another."))
    if scoped(Board, agency).filter(slug=details.slug).exclude(pk=getattr(board, "pk", None)).exists():
        raise BoardError(_("There is already a board with that short name."))
    if not 1 <= details.seat_count <= 99:
        raise BoardError(_("A board has from 1 to 99 seats."))
    if not 1 <= details.term_months <= 120:
        raise BoardError(_("A term lasts from 1 to 120 months."))
    if board is not None:
        serving = board.members.filter(status=MemberStatus.ACTIVE, seat__gt=details.seat_count).exists()
        if serving:
            raise BoardError(_("Someone holds a seat above the new number of seats; end that term first."))


@transaction.atomic
def create_board(actor, agency: Agency, details: BoardDetails) -> Board:
    """A new board. Short names are unique in the agency and cannot be one the site uses for its own pages."""
    _require(actor, agency, Action.MANAGE_BOARDS)
    _check_board(agency, details)
    board = Board.objects.create(agency=agency, slug=details.slug, name=_texts(details.name),
                                 purpose=_texts(details.purpose), seat_count=details.seat_count,
                                 term_months=details.term_months,
                                 is_accepting_applications=details.is_accepting_applications)
    audit.record("boards.board_created", actor=actor, agency=agency, target=board,
                 changes={"slug": board.slug, "name": board.name, "seats": board.seat_count})
    return board


@transaction.atomic
def update_board(actor, board: Board, details: BoardDetails) -> Board:
    """Change a board; seats cannot drop below a seat someone holds."""
    _require(actor, board.agency, Action.MANAGE_BOARDS)
    _check_board(board.agency, details, board)
    board.slug, board.name, board.purpose = details.slug, _texts(details.name), _texts(details.purpose)
    board.seat_count, board.term_months = details.seat_count, details.term_months
    board.is_accepting_applications = details.is_accepting_applications
    board.save()
    audit.record("boards.board_updated", actor=actor, agency=board.agency, target=board,
                 changes={"slug": board.slug, "seats": board.seat_count, "term_months": board.term_months,
                          "accepting": board.is_accepting_applications})
    return board


def active_members(board: Board) -> QuerySet:
    return board.members.filter(status=MemberStatus.ACTIVE).order_by("seat")


def vacant_seats(board: Board) -> list[int]:
    taken = set(active_members(board).values_list("seat", flat=True))
    return [seat for seat in range(1, board.seat_count + 1) if seat not in taken]


# ---------------------------------------------------------------- applications

@dataclass
class ApplicationDetails:
    name: str
    email: str
    statement: str
    neighbourhood: Neighbourhood | None = None
    age_band: str = ""
    gender: str = ""
    race_ethnicity: str = ""
    language: str = "en"


@dataclass
class Applied:
    application: BoardApplication
    created: bool


def apply(agency: Agency, board: Board, details: ApplicationDetails, *, idempotency_key: str | None = None) -> Applied:
    """A resident applies for a seat. The form's one-time token makes a repeat return the first application."""
    if board.agency_id != agency.id:
        raise BoardError(_("This board is not one of this agency's."))
    if idempotency_key:
        earlier = board.applications.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return Applied(earlier, False)
    if not board.is_accepting_applications:
        raise BoardError(_("This board is not taking applications at the moment."))
    if not details.name.strip() or not details.email.strip() or not details.statement.strip():
        raise BoardError(_("Give your name, your e-mail address and why you would like to serve."))
    if details.neighbourhood is not None and details.neighbourhood.agency_id != agency.id:
        raise BoardError(_("Choose one of the neighbourhoods listed."))
    try:
        with transaction.atomic():
            application = BoardApplication.objects.create(
                agency=agency, board=board, name=details.name.strip(), email=details.email.strip(),
                statement=details.statement.strip(), neighbourhood=details.neighbourhood,
                age_band=details.age_band, gender=details.gender, race_ethnicity=details.race_ethnicity,
                language=details.language, idempotency_key=idempotency_key or None, submitted_at=timezone.now())
            audit.record("boards.application_received", actor=RESIDENT, agency=agency, target=application,
                         changes={"board": board.slug})
    except IntegrityError:
        return Applied(board.applications.get(idempotency_key=idempotency_key), False)
    return Applied(application, True)


def _pending(application: BoardApplication) -> BoardApplication:
    locked = BoardApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != ApplicationStatus.PENDING:
        raise BoardError(_("This application has already been decided."))
    return locked


@transaction.atomic
def appoint(actor, application: BoardApplication, *, term_start: date, seat: int | None = None,
            user=None) -> BoardMember:
    """Appoint an applicant to a vacant seat for one term from `term_start`. The roster shows the name the
    applicant gave; the declared make-up goes with them, for the board's make-up figures only."""
    _require(actor, application.agency, Action.MANAGE_BOARDS)
    application = _pending(application)
    board = Board.objects.select_for_update().get(pk=application.board_id)
    member = _seat(actor, board, name=application.name, seat=seat, term_start=term_start, user=user,
                   age_band=application.age_band, gender=application.gender,
                   race_ethnicity=application.race_ethnicity)
    application.status = ApplicationStatus.APPOINTED
    application.decided_at, application.decided_by, application.member = timezone.now(), actor, member
    application.save(update_fields=["status", "decided_at", "decided_by", "member"])
    audit.record("boards.applicant_appointed", actor=actor, agency=board.agency, target=member,
                 changes={"application": application.pk, "board": board.slug, "seat": member.seat,
                          "term_start": str(member.term_start), "term_end": str(member.term_end)})
    return member


def _seat(actor, board: Board, *, name: str, seat: int | None, term_start: date, user=None, age_band="", gender="",
          race_ethnicity="") -> BoardMember:
    free = vacant_seats(board)
    if not free:
        raise BoardError(_("Every seat on this board is taken; end a term before appointing someone."))
    if seat is None:
        seat = free[0]
    elif seat not in free:
        raise BoardError(_("Seat %(seat)s is not vacant. Vacant seats: %(free)s.")
                         % {"seat": seat, "free": ", ".join(map(str, free))})
    if user is not None and not can(user, board.agency, Action.RUN_BOARD_MEETINGS):
        raise BoardError(_("Only a user with the board member role can be linked to a seat."))
    return BoardMember.objects.create(
        agency=board.agency, board=board, name=name.strip(), user=user, seat=seat, term_start=term_start,
        term_end=add_months(term_start, board.term_months) - timedelta(days=1), appointed_by=actor,
        appointed_at=timezone.now(), age_band=age_band, gender=gender, race_ethnicity=race_ethnicity)


@transaction.atomic
def decline(actor, application: BoardApplication, note: str = "") -> BoardApplication:
    """Decline an application; the note is for staff only."""
    _require(actor, application.agency, Action.MANAGE_BOARDS)
    application = _pending(application)
    application.status = ApplicationStatus.DECLINED
    application.decided_at, application.decided_by, application.decision_note = timezone.now(), actor, note.strip()
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    audit.record("boards.application_declined", actor=actor, agency=application.agency, target=application,
                 changes={"board": application.board.slug})
    return application


@transaction.atomic
def end_term(actor, member: BoardMember, *, ended_on: date) -> BoardMember:
    """A member leaves the board (term over, or stepping down); the seat becomes vacant."""
    _require(actor, member.agency, Action.MANAGE_BOARDS)
    member = BoardMember.objects.select_for_update().get(pk=member.pk)
    if member.status != MemberStatus.ACTIVE:
        raise BoardError(_("This member has already left the board."))
    if ended_on < member.term_start:
        raise BoardError(_("A term cannot end before it starts."))
    member.status, member.ended_on = MemberStatus.ENDED, ended_on
    member.save(update_fields=["status", "ended_on"])
    audit.record("boards.term_ended", actor=actor, agency=member.agency, target=member,
                 changes={"board": member.board.slug, "seat": member.seat, "ended_on": str(ended_on)})
    return member


# ---------------------------------------------------------------- meetings

@dataclass
class MeetingDetails:
    starts_at: datetime
    ends_at: datetime
    place: str
    agenda: dict | None = None


def _check_meeting(details: MeetingDetails) -> None:
    if details.ends_at <= details.starts_at:
        raise BoardError(_("The meeting must end after it starts."))
    if details.ends_at - details.starts_at > timedelta(hours=12):
        raise BoardError(_("A meeting can last at most 12 hours."))
    if not details.place.strip():
        raise BoardError(_("Say where the meeting is (a place, or how to join online)."))


@transaction.atomic
def schedule_meeting(actor, board: Board, details: MeetingDetails) -> Meeting:
    """A meeting is planned; it is not public until its notice is published."""
    _require(actor, board.agency, Action.RUN_BOARD_MEETINGS)
    _check_meeting(details)
    meeting = Meeting.objects.create(agency=board.agency, board=board, starts_at=details.starts_at,
                                     ends_at=details.ends_at, place=details.place.strip(),
                                     agenda=_texts(details.agenda), created_by=actor)
    audit.record("boards.meeting_scheduled", actor=actor, agency=board.agency, target=meeting,
                 changes={"board": board.slug, "starts_at": meeting.starts_at.isoformat()})
    return meeting


@transaction.atomic
def update_meeting(actor, meeting: Meeting, details: MeetingDetails) -> Meeting:
    """Change the time, place or agenda of a meeting that has not been held or cancelled."""
    _require(actor, meeting.agency, Action.RUN_BOARD_MEETINGS)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise BoardError(_("Only a scheduled meeting can be changed."))
    _check_meeting(details)
    meeting.starts_at, meeting.ends_at = details.starts_at, details.ends_at
    meeting.place, meeting.agenda = details.place.strip(), _texts(details.agenda)
    meeting.save()
    audit.record("boards.meeting_updated", actor=actor, agency=meeting.agency, target=meeting,
                 changes={"starts_at": meeting.starts_at.isoformat(), "place": meeting.place})
    return meeting


def is_short_notice(meeting: Meeting, now: datetime | None = None) -> bool:
    return meeting.starts_at - (now or timezone.now()) < timedelta(hours=NOTICE_HOURS)


@transaction.atomic
def publish_notice(actor, meeting: Meeting, *, reason: str = "") -> Meeting:
    """Publish the meeting's notice (and agenda). Notice is due 72 hours ahead; later than that, the reason for
    the short notice must be given, and it is shown with the notice."""
    _require(actor, meeting.agency, Action.RUN_BOARD_MEETINGS)
    if meeting.is_published:
        raise BoardError(_("The notice of this meeting is already published."))
    if meeting.status != MeetingStatus.SCHEDULED:
        raise BoardError(_("Only a scheduled meeting can be announced."))
    now = timezone.now()
    if meeting.starts_at <= now:
        raise BoardError(_("The meeting has already started; notice can only be given ahead."))
    if is_short_notice(meeting, now) and not reason.strip():
        raise BoardError(_("The meeting starts in less than %(hours)s hours: give the reason for the short notice.")
                         % {"hours": NOTICE_HOURS})
    meeting.notice_published_at, meeting.short_notice_reason = now, reason.strip()
    meeting.save(update_fields=["notice_published_at", "short_notice_reason", "updated_at"])
    audit.record("boards.meeting_notice_published", actor=actor, agency=meeting.agency, target=meeting,
                 changes={"starts_at": meeting.starts_at.isoformat(),
                          "short_notice_reason": meeting.short_notice_reason})
    return meeting


@transaction.atomic
def record_minutes(actor, meeting: Meeting, minutes: dict) -> Meeting:
    """The minutes of a meeting that has taken place; the meeting is then marked held."""
    _require(actor, meeting.agency, Action.RUN_BOARD_MEETINGS)
    if meeting.is_cancelled:
        raise BoardError(_("The meeting was cancelled; it has no minutes."))
    if meeting.starts_at > timezone.now():
        raise BoardError(_("Minutes can be recorded once the meeting has started."))
    minutes = _texts(minutes)
    if not minutes.get("en"):
        raise BoardError(_("Write the minutes in English (and Spanish if you can)."))
    meeting.minutes, meeting.status = minutes, MeetingStatus.HELD
    meeting.save(update_fields=["minutes", "status", "updated_at"])
    audit.record("boards.minutes_recorded", actor=actor, agency=meeting.agency, target=meeting,
                 changes={"languages": sorted(minutes)})
    return meeting


@transaction.atomic
def cancel_meeting(actor, meeting: Meeting) -> Meeting:
    """A scheduled meeting is called off; it stays in feeds as cancelled."""
    _require(actor, meeting.agency, Action.RUN_BOARD_MEETINGS)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise BoardError(_("Only a scheduled meeting can be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    audit.record("boards.meeting_cancelled", actor=actor, agency=meeting.agency, target=meeting, changes={})
    return meeting


def check_document(upload) -> str:
    """The content type of an acceptable document; raises BoardError saying what is wrong."""
    content_type = (getattr(upload, "content_type", "") or mimetypes.guess_type(upload.name)[0] or "").lower()
    if content_type not in ALLOWED_DOCUMENT_TYPES:
        raise BoardError(_("%(name)s is not a PDF, text, Word, PowerPoint, CSV or image file we can accept.")
                         % {"name": upload.name})
    if upload.size > MAX_DOCUMENT_MB * 1024 * 1024:
        raise BoardError(_("%(name)s is larger than %(limit)s MB.") % {"name": upload.name, "limit": MAX_DOCUMENT_MB})
    return content_type


@transaction.atomic
def add_document(actor, meeting: Meeting, *, title: str, upload) -> MeetingDocument:
    """A paper for the meeting, public with it. Stored under a random name with the extension of its type."""
    _require(actor, meeting.agency, Action.RUN_BOARD_MEETINGS)
    if not title.strip():
        raise BoardError(_("Give the document a title."))
    content_type = check_document(upload)
    document = MeetingDocument(agency=meeting.agency, meeting=meeting, title=title.strip(),
                               content_type=content_type, size=upload.size, uploaded_by=actor,
                               uploaded_at=timezone.now())
    document.file.save(f"{uuid.uuid4().hex}{ALLOWED_DOCUMENT_TYPES[content_type]}", upload, save=False)
    document.save()
    audit.record("boards.document_added", actor=actor, agency=meeting.agency, target=document,
                 changes={"meeting": meeting.pk, "title": document.title, "content_type": content_type})
    return document


# ---------------------------------------------------------------- recommendations

@transaction.atomic
def record_recommendation(actor, board: Board, *, title: dict, text: dict, made_on: date,
                          meeting: Meeting | None = None) -> Recommendation:
    """The board makes a recommendation. It is numbered in order per board, and the department's response is
    due RESPONSE_DAYS days later."""
    _require(actor, board.agency, Action.RUN_BOARD_MEETINGS)
    title, text = _texts(title), _texts(text)
    if not title.get("en") or not text.get("en"):
        raise BoardError(_("Give the recommendation a title and its text in English."))
    if meeting is not None and meeting.board_id != board.id:
        raise BoardError(_("Choose one of this board's meetings."))
    if made_on > board.agency.today():
        raise BoardError(_("A recommendation cannot be dated in the future."))
    Board.objects.select_for_update().filter(pk=board.pk).first()
    number = (board.recommendations.aggregate(last=Max("number"))["last"] or 0) + 1
    recommendation = Recommendation.objects.create(
        agency=board.agency, board=board, number=number, title=title, text=text, made_on=made_on, meeting=meeting,
        response_due_on=made_on + timedelta(days=RESPONSE_DAYS), recorded_by=actor)
    audit.record("boards.recommendation_recorded", actor=actor, agency=board.agency, target=recommendation,
                 changes={"board": board.slug, "number": number, "title": title})
    return recommendation


@transaction.atomic
def respond(actor, recommendation: Recommendation, *, status: str, rationale: dict, responded_on: date,
            due_on: date | None = None) -> RecommendationResponse:
    """The department's response. Every response gives its reasons. "Under review" promises a final response by
    `due_on`; an accepted or partly accepted one may say when it will be carried out; a declined one ends it. A
    final response cannot be replaced by "under review"."""
    _require(actor, recommendation.agency, Action.RESPOND_TO_RECOMMENDATIONS)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    rationale = _texts(rationale)
    if status not in ResponseStatus.values:
        raise BoardError(_("Choose a response."))
    if not rationale.get("en"):
        raise BoardError(_("Give the reasons for the response in English."))
    if responded_on < recommendation.made_on:
        raise BoardError(_("The response cannot be dated before the recommendation was made."))
    if responded_on > recommendation.agency.today():
        raise BoardError(_("The response cannot be dated in the future."))
    if status == ResponseStatus.UNDER_REVIEW:
        if recommendation.status in FINAL_STATUSES:
            raise BoardError(_("The department has already given its final response."))
        if due_on is None or due_on <= responded_on:
            raise BoardError(_("Say by when the final response will be given (a date after this response)."))
    elif status == ResponseStatus.DECLINED:
        due_on = None
    elif due_on is not None and due_on < responded_on:
        raise BoardError(_("The implementation date cannot be before the response."))
    response = RecommendationResponse.objects.create(
        agency=recommendation.agency, recommendation=recommendation, status=status, rationale=rationale,
        responded_on=responded_on, due_on=due_on, responded_by=actor)
    recommendation.status = status
    if status == ResponseStatus.UNDER_REVIEW:
        recommendation.response_due_on = due_on
    else:
        recommendation.implementation_due_on = due_on
    recommendation.save(update_fields=["status", "response_due_on", "implementation_due_on"])
    audit.record("boards.recommendation_answered", actor=actor, agency=recommendation.agency, target=recommendation,
                 changes={"status": status, "due_on": str(due_on) if due_on else None, "rationale": rationale})
    return response


@transaction.atomic
def add_milestone(actor, recommendation: Recommendation, *, title: dict, due_on: date) -> ImplementationMilestone:
    """A step in carrying out a recommendation the department accepted (wholly or in part)."""
    _require(actor, recommendation.agency, Action.RESPOND_TO_RECOMMENDATIONS)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if recommendation.status not in IMPLEMENTING_STATUSES:
        raise BoardError(_("Milestones are set once the department has accepted the recommendation."))
    title = _texts(title)
    if not title.get("en"):
        raise BoardError(_("Give the milestone a title in English."))
    milestone = ImplementationMilestone.objects.create(agency=recommendation.agency, recommendation=recommendation,
                                                       title=title, due_on=due_on)
    audit.record("boards.milestone_added", actor=actor, agency=recommendation.agency, target=milestone,
                 changes={"recommendation": recommendation.pk, "title": title, "due_on": str(due_on)})
    return milestone


@transaction.atomic
def complete_milestone(actor, milestone: ImplementationMilestone, *, done_on: date) -> ImplementationMilestone:
    """A milestone is reached."""
    _require(actor, milestone.agency, Action.RESPOND_TO_RECOMMENDATIONS)
    milestone = ImplementationMilestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_on is not None:
        raise BoardError(_("This milestone is already done."))
    if done_on > milestone.agency.today():
        raise BoardError(_("A milestone cannot be done in the future."))
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    audit.record("boards.milestone_done", actor=actor, agency=milestone.agency, target=milestone,
                 changes={"done_on": str(done_on)})
    return milestone


def with_overdue_flags(recommendations: QuerySet, today: date) -> QuerySet:
    """The one rule for lateness, as two annotations:

    - `response_overdue`: no final response yet (none, or only "under review") and the date it is due by — the
      made-on date plus RESPONSE_DAYS, or the date an "under review" response promised — has passed;
    - `implementation_overdue`: accepted or partly accepted, and a milestone is past its due date and not done.
    """
    late_milestone = ImplementationMilestone.objects.filter(recommendation=OuterRef("pk"), done_on__isnull=True,
                                                            due_on__lt=today)
    return recommendations.annotate(
        response_overdue=ExpressionWrapper(Q(status__in=AWAITING_STATUSES, response_due_on__lt=today),
                                           output_field=BooleanField()),
        implementation_overdue=ExpressionWrapper(Q(status__in=IMPLEMENTING_STATUSES) & Q(Exists(late_milestone)),
                                                 output_field=BooleanField()),
    )
