"""Every change to programs, sessions, applications and enrolments, attendance, mentors, matches and meetings.

Each service takes the acting user and the agency explicitly, checks the role (MANAGE_PROGRAMS), runs in one
transaction and writes its audit event there. Audit events never carry a participant's or guardian's name or
contact: only record ids. An application from the public site is recorded with the actor "anonymous".
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from commonbeat.accounts.roles import Action, can
from commonbeat.core import audit
from commonbeat.core.disclosure import suppress_counts, suppress_total
from commonbeat.core.models import Agency, Neighbourhood, Officer
from commonbeat.core.tenancy import scoped

from .models import (
    AGE_BANDS,
    ConsentMethod,
    Enrolment,
    EnrolmentStatus,
    GuardianConsent,
    GuardianRelationship,
    Match,
    Mentor,
    MentoringMeeting,
    OutcomeSurvey,
    Participant,
    Program,
    ProgramKind,
    ProgramSession,
    SessionAttendance,
    age_band,
    is_minor,
)

CONSENT_TEXT_VERSION = "2026-01"
RESIDENT = AnonymousUser()
OLDEST_BIRTH_YEAR = 1900


class ProgramsError(Exception):
    """A change that cannot be made, with a message a person can read (and the form field it is about)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _require(actor, agency: Agency, action: Action = Action.MANAGE_PROGRAMS) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _texts(texts: dict | None) -> dict:
    return {language: text.strip() for language, text in (texts or {}).items() if text and text.strip()}


def _lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


# ---------------------------------------------------------------- programs

@dataclass
class ProgramDetails:
    slug: str
    kind: str
    title: dict
    min_age: int
    max_age: int
    season_starts_on: date
    season_ends_on: date
    description: dict | None = None
    schools: str = ""
    partner_organisations: str = ""
    neighbourhood: Neighbourhood | None = None
    capacity: int | None = None
    is_public: bool = True


def _check_program(agency: Agency, details: ProgramDetails, program: Program | None) -> None:
    if details.kind not in ProgramKind.values:
        raise ProgramsError(_("Choose a kind of program."))
    if not _texts(details.title).get("en"):
        raise ProgramsError(_("Give the program a title in English."))
    if details.max_age < details.min_age:
        raise ProgramsError(_("The oldest age must be at least the youngest age."))
    if details.season_ends_on < details.season_starts_on:
        raise ProgramsError(_("The season must end on or after the day it starts."))
    if details.neighbourhood is not None and details.neighbourhood.agency_id != agency.id:
        raise ProgramsError(_("Choose one of the agency's neighbourhoods."))
    same = scoped(Program, agency).filter(slug=details.slug)
    if program is not None:
        same = same.exclude(pk=program.pk)
    if same.exists():
        raise ProgramsError(_("There is already a program with that short name."))


def _apply_program(program: Program, details: ProgramDetails) -> None:
    program.slug, program.kind = details.slug, details.kind
    program.title, program.description = _texts(details.title), _texts(details.description)
    program.min_age, program.max_age = details.min_age, details.max_age
    program.season_starts_on, program.season_ends_on = details.season_starts_on, details.season_ends_on
    program.schools, program.partner_organisations = _lines(details.schools), _lines(details.partner_organisations)
    program.neighbourhood, program.capacity, program.is_public = (details.neighbourhood, details.capacity,
                                                                  details.is_public)


@transaction.atomic
def create_program(actor, agency: Agency, details: ProgramDetails) -> Program:
    _require(actor, agency)
    _check_program(agency, details, None)
    program = Program(agency=agency)
    _apply_program(program, details)
    program.save()
    audit.record("programs.program_created", actor=actor, agency=agency, target=program,
                 changes={"slug": program.slug, "kind": program.kind, "title": program.title})
    return program


@transaction.atomic
def update_program(actor, program: Program, details: ProgramDetails) -> Program:
    """Change a program. Its capacity cannot go below the participants already enrolled."""
    _require(actor, program.agency)
    _check_program(program.agency, details, program)
    enrolled = enrolled_count(program)
    if details.capacity is not None and details.capacity < enrolled:
        raise ProgramsError(_("%(count)s participants are already enrolled; the capacity cannot be lower.")
                            % {"count": enrolled})
    _apply_program(program, details)
    program.save()
    audit.record("programs.program_updated", actor=actor, agency=program.agency, target=program,
                 changes={"slug": program.slug, "kind": program.kind, "is_public": program.is_public})
    return program


@transaction.atomic
def add_session(actor, program: Program, *, starts_at: datetime, ends_at: datetime, place: str) -> ProgramSession:
    _require(actor, program.agency)
    if ends_at <= starts_at:
        raise ProgramsError(_("The session must end after it starts."))
    if not place.strip():
        raise ProgramsError(_("Say where the session takes place."))
    session = ProgramSession.objects.create(agency=program.agency, program=program, starts_at=starts_at,
                                            ends_at=ends_at, place=place.strip())
    audit.record("programs.session_added", actor=actor, agency=program.agency, target=session,
                 changes={"program": program.pk, "starts_at": starts_at, "ends_at": ends_at})
    return session


def enrolled_count(program: Program) -> int:
    return program.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()


# ---------------------------------------------------------------- applications and consent

@dataclass
class Application:
    """What a guardian (or an adult participant) sends. Guardian details are needed for a minor."""

    first_name: str
    last_initial: str
    birth_year: int
    school: str = ""
    contact: str = ""  # an adult participant's own phone or e-mail
    guardian_name: str = ""
    guardian_contact: str = ""
    relationship: str = ""
    consent_given: bool = False
    consent_method: str = ConsentMethod.ONLINE


@dataclass
class ApplyResult:
    enrolment: Enrolment
    created: bool


def accepts_applications(program: Program, today: date) -> bool:
    return program.is_public and program.season_ends_on >= today


def _check_application(program: Program, application: Application, today: date) -> bool:
    """Whether the applicant is a minor, or the reason the application is refused."""
    first, initial = application.first_name.strip(), application.last_initial.strip().rstrip(".")
    if not first or not initial:
        raise ProgramsError(_("Give the participant's first name and the first letter of their last name."))
    if not OLDEST_BIRTH_YEAR <= application.birth_year <= today.year:
        raise ProgramsError(_("Enter the participant's year of birth, for example 2012."), field="birth_year")
    age = today.year - application.birth_year
    if not program.min_age <= age <= program.max_age + 1:  # the year alone leaves a year's doubt
        raise ProgramsError(_("This program is for ages %(low)s to %(high)s.")
                            % {"low": program.min_age, "high": program.max_age}, field="birth_year")
    minor = is_minor(application.birth_year, today)
    if minor:
        if not application.consent_given:
            raise ProgramsError(_("A participant under 18 can only be enrolled with the consent of a parent or "
                                  "guardian. Tick the consent box and give the guardian's details."), field="consent")
        if not application.guardian_name.strip():
            raise ProgramsError(_("Give the parent's or guardian's name."), field="guardian_name")
        if not application.guardian_contact.strip():
            raise ProgramsError(_("Give the parent's or guardian's phone number or e-mail address."),
                                field="guardian_contact")
        if application.relationship not in GuardianRelationship.values:
            raise ProgramsError(_("Say how the person giving consent is related to the participant."),
                                field="relationship")
        if application.consent_method not in ConsentMethod.values:
            raise ProgramsError(_("Say how consent was given."))
    return minor


@transaction.atomic
def apply(agency: Agency, program: Program, application: Application, *, idempotency_key: str | None = None,
          actor=None) -> ApplyResult:
    """An application to a program: from a guardian for a minor (with their consent, recorded with the text
    version they agreed to) or from an adult for themselves. A minor without consent is refused. Sending the same
    form twice (same idempotency key) returns the first application. Staff entering a paper form pass `actor`."""
    if program.agency_id != agency.id:
        raise ProgramsError(_("This program does not exist."))
    if actor is not None:
        _require(actor, agency)
    program = Program.objects.select_for_update().get(pk=program.pk)
    if idempotency_key:
        earlier = program.enrolments.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return ApplyResult(earlier, created=False)
    today = agency.today()
    if actor is None and not accepts_applications(program, today):
        raise ProgramsError(_("This program is not taking applications."))
    minor = _check_application(program, application, today)
    now = timezone.now()
    initial = application.last_initial.strip().rstrip(".")[:1].upper()
    participant = Participant.objects.create(
        agency=agency, display_name=f"{application.first_name.strip()[:50]} {initial}.",
        birth_year=application.birth_year, school=application.school.strip()[:120],
        contact="" if minor else application.contact.strip(), created_at=now)
    consent = None
    if minor:
        consent = GuardianConsent.objects.create(
            agency=agency, participant=participant, guardian_name=application.guardian_name.strip(),
            guardian_contact=application.guardian_contact.strip(), relationship=application.relationship,
            given_at=now, method=application.consent_method, text_version=CONSENT_TEXT_VERSION)
    enrolment = Enrolment(agency=agency, program=program, participant=participant, is_minor=minor, consent=consent,
                          applied_at=now, idempotency_key=idempotency_key or None)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        return ApplyResult(program.enrolments.get(idempotency_key=idempotency_key), created=False)
    audit.record("programs.application_received", actor=actor or RESIDENT, agency=agency, target=enrolment,
                 changes={"program": program.pk, "minor": minor, "consent": consent.pk if consent else None,
                          "consent_version": CONSENT_TEXT_VERSION if consent else None})
    return ApplyResult(enrolment, created=True)


@transaction.atomic
def record_consent(actor, enrolment: Enrolment, *, guardian_name: str, guardian_contact: str, relationship: str,
                   method: str = ConsentMethod.SIGNED_FORM) -> GuardianConsent:
    """Record a guardian's consent given on paper, for an application that has none (or replaces an old one)."""
    _require(actor, enrolment.agency)
    if not guardian_name.strip() or not guardian_contact.strip():
        raise ProgramsError(_("Give the parent's or guardian's name and a phone number or e-mail address."))
    if relationship not in GuardianRelationship.values or method not in ConsentMethod.values:
        raise ProgramsError(_("Say how the guardian is related and how consent was given."))
    consent = GuardianConsent.objects.create(
        agency=enrolment.agency, participant=enrolment.participant, guardian_name=guardian_name.strip(),
        guardian_contact=guardian_contact.strip(), relationship=relationship, given_at=timezone.now(),
        method=method, text_version=CONSENT_TEXT_VERSION)
    enrolment.consent = consent
    enrolment.save(update_fields=["consent"])
    audit.record("programs.consent_recorded", actor=actor, agency=enrolment.agency, target=enrolment,
                 changes={"consent": consent.pk, "method": method, "version": CONSENT_TEXT_VERSION})
    return consent


@transaction.atomic
def enrol(actor, enrolment: Enrolment) -> Enrolment:
    """Enrol an applicant. A minor is enrolled only with a guardian's consent on record, and only while the
    program has room."""
    _require(actor, enrolment.agency)
    program = Program.objects.select_for_update().get(pk=enrolment.program_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status == EnrolmentStatus.ENROLLED:
        raise ProgramsError(_("Already enrolled."))
    minor = enrolment.is_minor or enrolment.participant.is_minor(enrolment.agency.today())
    if minor and enrolment.consent_id is None:
        raise ProgramsError(_("A minor cannot be enrolled without a parent's or guardian's consent on record."))
    if program.capacity is not None and enrolled_count(program) >= program.capacity:
        raise ProgramsError(_("The program is full."))
    enrolment.status, enrolment.enrolled_at, enrolment.withdrawn_at = EnrolmentStatus.ENROLLED, timezone.now(), None
    enrolment.is_minor = minor
    enrolment.save(update_fields=["status", "enrolled_at", "withdrawn_at", "is_minor"])
    audit.record("programs.enrolled", actor=actor, agency=enrolment.agency, target=enrolment,
                 changes={"program": program.pk})
    return enrolment


@transaction.atomic
def withdraw(actor, enrolment: Enrolment) -> Enrolment:
    """Withdraw an applicant or participant; an open mentoring match of theirs ends today."""
    _require(actor, enrolment.agency)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise ProgramsError(_("Already withdrawn."))
    was = enrolment.status
    enrolment.status, enrolment.withdrawn_at = EnrolmentStatus.WITHDRAWN, timezone.now()
    enrolment.save(update_fields=["status", "withdrawn_at"])
    enrolment.matches.filter(ended_on__isnull=True).update(ended_on=enrolment.agency.today())
    audit.record("programs.withdrawn", actor=actor, agency=enrolment.agency, target=enrolment, changes={"was": was})
    return enrolment


@transaction.atomic
def record_attendance(actor, session: ProgramSession, present: list[Enrolment]) -> int:
    """Set who came to a session (replacing what was recorded before). Only enrolled participants count."""
    _require(actor, session.agency)
    ids = {enrolment.pk for enrolment in present}
    allowed = set(session.program.enrolments.filter(status=EnrolmentStatus.ENROLLED, pk__in=ids)
                  .values_list("pk", flat=True))
    if ids - allowed:
        raise ProgramsError(_("Only participants enrolled in the program can be marked present."))
    session.attendance.exclude(enrolment_id__in=ids).delete()
    have = set(session.attendance.values_list("enrolment_id", flat=True))
    SessionAttendance.objects.bulk_create([SessionAttendance(agency=session.agency, session=session, enrolment_id=pk)
                                           for pk in sorted(ids - have)])
    audit.record("programs.attendance_recorded", actor=actor, agency=session.agency, target=session,
                 changes={"present": len(ids)})
    return len(ids)


# ---------------------------------------------------------------- mentoring

@transaction.atomic
def register_mentor(actor, agency: Agency, officer: Officer, *, background_check_on: date,
                    valid_months: int = 24) -> Mentor:
    """An officer becomes a mentor, with the date of their background check (or the check is renewed)."""
    _require(actor, agency)
    if officer.agency_id != agency.id:
        raise ProgramsError(_("Choose one of the agency's officers."))
    if background_check_on > agency.today():
        raise ProgramsError(_("The background check date cannot be in the future."))
    if not 1 <= valid_months <= 120:
        raise ProgramsError(_("A check is valid for 1 to 120 months."))
    mentor, created = Mentor.objects.update_or_create(
        agency=agency, officer=officer,
        defaults={"background_check_on": background_check_on, "background_check_valid_months": valid_months})
    audit.record("programs.mentor_registered" if created else "programs.background_check_renewed", actor=actor,
                 agency=agency, target=mentor, changes={"officer": officer.pk, "checked_on": background_check_on,
                                                        "valid_months": valid_months})
    return mentor


@transaction.atomic
def match_mentor(actor, mentor: Mentor, mentee: Enrolment, *, started_on: date | None = None) -> Match:
    """Match a mentor with a mentee. The mentor's background check must be current, and the mentee enrolled in a
    mentorship program of the same agency, without another open match."""
    _require(actor, mentor.agency)
    today = mentor.agency.today()
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    if mentee.agency_id != mentor.agency_id:
        raise ProgramsError(_("Choose one of the agency's mentees."))
    if not mentor.check_is_current(today):
        raise ProgramsError(_("%(mentor)s's background check expired on %(day)s. Record a new check before "
                              "matching.") % {"mentor": mentor.officer, "day": mentor.check_expires_on})
    if mentee.program.kind != ProgramKind.MENTORSHIP or mentee.status != EnrolmentStatus.ENROLLED:
        raise ProgramsError(_("A mentee must be enrolled in a mentorship program."))
    if mentee.matches.filter(ended_on__isnull=True).exists():
        raise ProgramsError(_("This mentee already has a mentor."))
    match = Match.objects.create(agency=mentor.agency, mentor=mentor, mentee=mentee, started_on=started_on or today)
    audit.record("programs.matched", actor=actor, agency=mentor.agency, target=match,
                 changes={"mentor": mentor.pk, "mentee": mentee.pk})
    return match


@transaction.atomic
def end_match(actor, match: Match, *, ended_on: date | None = None) -> Match:
    _require(actor, match.agency)
    if match.ended_on:
        raise ProgramsError(_("This match has already ended."))
    match.ended_on = ended_on or match.agency.today()
    if match.ended_on < match.started_on:
        raise ProgramsError(_("A match cannot end before it started."))
    match.save(update_fields=["ended_on"])
    audit.record("programs.match_ended", actor=actor, agency=match.agency, target=match,
                 changes={"ended_on": match.ended_on})
    return match


@transaction.atomic
def log_meeting(actor, match: Match, *, met_on: date, minutes: int, note: str = "") -> MentoringMeeting:
    """Log a mentoring meeting. Not while the mentor's background check has expired."""
    _require(actor, match.agency)
    today = match.agency.today()
    match = Match.objects.select_related("mentor").get(pk=match.pk)
    if not match.mentor.check_is_current(today):
        raise ProgramsError(_("The mentor's background check has expired; record a new check first."))
    if match.ended_on and met_on > match.ended_on or met_on < match.started_on:
        raise ProgramsError(_("The meeting date must fall while the match was running."))
    if met_on > today:
        raise ProgramsError(_("A meeting cannot be logged before it happens."))
    if not 5 <= minutes <= 600:
        raise ProgramsError(_("Enter the length of the meeting, from 5 to 600 minutes."))
    meeting = MentoringMeeting.objects.create(agency=match.agency, match=match, met_on=met_on, minutes=minutes,
                                              note=note.strip()[:280])
    audit.record("programs.meeting_logged", actor=actor, agency=match.agency, target=meeting,
                 changes={"match": match.pk, "met_on": met_on, "minutes": minutes})
    return meeting


@transaction.atomic
def open_outcome_survey(actor, program: Program, year: int) -> OutcomeSurvey:
    """The end-of-year outcome survey of a mentorship program, created and opened once a year through the
    surveys app (whose responses are anonymous). Asking again returns the one already open."""
    from commonbeat.surveys import services as surveys

    _require(actor, program.agency)
    if program.kind != ProgramKind.MENTORSHIP:
        raise ProgramsError(_("Outcome surveys are for mentorship programs."))
    existing = program.outcome_surveys.filter(year=year).first()
    if existing is not None:
        return existing
    slug = f"{program.slug}-outcomes-{year}"[:50]
    title_en, title_es = program.title_in("en"), program.title_in("es")
    try:
        survey = surveys.create_survey(
            actor, program.agency, slug=slug, standard=False,
            title={"en": f"{title_en}: how did {year} go?", "es": f"{title_es}: ¿cómo fue {year}?"},
            introduction={"en": "A few questions for mentees and their families. Answers are anonymous.",
                          "es": "Unas preguntas para los participantes y sus familias. Las respuestas son "
                                "anónimas."})
        surveys.add_question(actor, survey, code="helpful", kind="scale_0_10", required=True,
                             text={"en": "How helpful was mentoring this year?",
                                   "es": "¿Qué tan útil fue la mentoría este año?"},
                             help_text={"en": "0 is not at all, 10 is very helpful.",
                                        "es": "0 es nada útil, 10 es muy útil."})
        surveys.add_question(actor, survey, code="trust", kind="agreement_5",
                             text={"en": "I trust police officers more than I did a year ago.",
                                   "es": "Confío en los agentes de policía más que hace un año."})
        surveys.add_question(actor, survey, code="goals", kind="agreement_5",
                             text={"en": "Mentoring helped me towards my goals at school or work.",
                                   "es": "La mentoría me ayudó a avanzar hacia mis metas en la escuela o el "
                                         "trabajo."})
        surveys.add_question(actor, survey, code="change", kind="free_text",
                             text={"en": "What should change next year? Please do not write names.",
                                   "es": "¿Qué debería cambiar el próximo año? Por favor, no escriba nombres."})
        surveys.open_survey(actor, survey)
    except surveys.SurveyError as error:
        raise ProgramsError(str(error)) from error
    outcome = OutcomeSurvey.objects.create(agency=program.agency, program=program, year=year, survey_slug=slug)
    audit.record("programs.outcome_survey_opened", actor=actor, agency=program.agency, target=program,
                 changes={"survey": slug, "year": year})
    return outcome


# ---------------------------------------------------------------- figures (aggregates only)

def figures(program: Program, today: date) -> dict:
    """Counts of enrolled participants by age band and school, and attendance by session. No names or ids."""
    enrolled = list(program.enrolments.filter(status=EnrolmentStatus.ENROLLED)
                    .values_list("participant__birth_year", "participant__school"))
    bands = {key: 0 for key, *_rest in AGE_BANDS}
    schools: dict[str, int] = {}
    for birth_year, school in enrolled:
        bands[age_band(birth_year, today)] += 1
        label = school or _("Not given")
        schools[label] = schools.get(label, 0) + 1
    sessions = (program.sessions.annotate(present=Count("attendance")).order_by("starts_at", "id"))
    return {"enrolled": len(enrolled), "age_bands": bands, "schools": dict(sorted(schools.items())),
            "sessions": [(session, session.present) for session in sessions],
            "applied": program.enrolments.filter(status=EnrolmentStatus.APPLIED).count()}


def public_figures(program: Program, today: date) -> dict:
    """What a public page may show: the number taking part and by age band, small counts suppressed."""
    counted = figures(program, today)
    return {"enrolled": suppress_total(counted["enrolled"]),
            "age_bands": suppress_counts(counted["age_bands"])}


def attendance_by_participant(program: Program) -> dict[int, int]:
    """Sessions attended, per enrolment (for the console)."""
    return dict(program.enrolments.annotate(sessions=Count("attendance")).values_list("pk", "sessions"))


def open_matches_expired(agency: Agency, today: date):
    """Running matches whose mentor's background check has expired, for the console to flag."""
    running = scoped(Match, agency).filter(ended_on__isnull=True).select_related("mentor__officer")
    return [match for match in running if not match.mentor.check_is_current(today)]


def mentees(program: Program):
    """Enrolled participants of the program without a running match: who can be matched."""
    running = Match.objects.filter(ended_on__isnull=True).values("mentee_id")
    return (program.enrolments.filter(status=EnrolmentStatus.ENROLLED).exclude(pk__in=running)
            .select_related("participant"))
