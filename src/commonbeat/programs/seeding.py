"""Youth programs for the demo city: a sports league, a mentorship program, a school partnership, cadets, a
summer camp and a teen leadership programme, spread across neighbourhoods, with their sessions, participants
(made-up first names and initials, years of birth and schools only), a guardian consent for every enrolled minor,
attendance, officer mentors from the Community Engagement unit (one whose background check has expired, with a
match the console flags), matches, meeting logs and one outcome survey opened through the surveys app.

Rows are written in bulk as the services would have stored them; the outcome survey goes through
`services.open_outcome_survey`, so the surveys app builds it.
"""

import zoneinfo
from datetime import datetime, time, timedelta

from django.utils import timezone

from commonbeat.accounts.models import Membership
from commonbeat.accounts.roles import Role
from commonbeat.core import audit
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.core.seeding import FIRST_NAMES, LAST_NAMES, SeedContext
from commonbeat.core.tenancy import scoped

from . import services
from .models import (
    ConsentMethod,
    Enrolment,
    EnrolmentStatus,
    GuardianConsent,
    GuardianRelationship,
    Match,
    Mentor,
    MentoringMeeting,
    Participant,
    Program,
    ProgramKind,
    ProgramSession,
    SessionAttendance,
    is_minor,
)

ORDER = 85

SCHOOLS = ["Mill Creek Middle School", "Northgate High School", "Las Palmas Elementary", "Riverside Academy",
           "Cedar Flats High School"]
PARTNERS = ["Boys & Girls Club", "YMCA", "Public Library", "Parks and Recreation", "Big Brothers Big Sisters"]

# (slug, kind, English title, Spanish title, English description, Spanish description, ages, participants,
#  weekday, start hour, sessions)
PLANS = [
    ("police-athletic-league", ProgramKind.SPORTS_LEAGUE, "Police Athletic League basketball",
     "Liga atlética de la policía: baloncesto",
     "Weekly basketball with officers as coaches. All skill levels welcome; shoes and kit provided.",
     "Baloncesto semanal con agentes como entrenadores. Todos los niveles; se prestan zapatillas y equipo.",
     (10, 15), 34, 2, 17, 12),
    ("youth-mentoring", ProgramKind.MENTORSHIP, "Officer mentoring", "Mentoría con agentes",
     "One-to-one mentoring: an officer and a young person meet twice a month for a school year.",
     "Mentoría individual: un agente y un joven se reúnen dos veces al mes durante el año escolar.",
     (12, 17), 14, 3, 16, 8),
    ("safe-schools-partnership", ProgramKind.SCHOOL_PARTNERSHIP, "Safe schools partnership",
     "Alianza de escuelas seguras",
     "Classroom visits on online safety, conflict resolution and knowing your rights.",
     "Visitas a las aulas sobre seguridad en línea, resolución de conflictos y sus derechos.",
     (11, 14), 48, 1, 10, 6),
    ("police-cadets", ProgramKind.CADETS, "Police cadets", "Cadetes de la policía",
     "For young people thinking about a career in public safety: drills, first aid and ride-alongs (16+).",
     "Para jóvenes que piensan en una carrera en seguridad pública: prácticas, primeros auxilios y patrullas "
     "acompañadas (16+).",
     (14, 20), 22, 4, 18, 10),
    ("summer-camp", ProgramKind.CAMP, "Summer day camp", "Campamento de verano",
     "Two weeks of outdoor games, swimming and team challenges with officers and camp counsellors.",
     "Dos semanas de juegos al aire libre, natación y retos en equipo con agentes y monitores.",
     (8, 12), 40, 0, 9, 10),
    ("teen-voices", ProgramKind.OTHER, "Teen voices", "Voces jóvenes",
     "A youth council that advises the department on how it works with young people.",
     "Un consejo juvenil que asesora al departamento sobre su trabajo con los jóvenes.",
     (14, 18), 9, 3, 18, 6),
]


def _staff(agency):
    for role in (Role.ENGAGEMENT_STAFF, Role.AGENCY_ADMIN):
        membership = Membership.objects.filter(agency=agency, role=role).select_related("user").order_by("id").first()
        if membership:
            return membership.user
    return None


def seed(context: SeedContext) -> None:
    agency, rng, today = context.agency, context.rng, context.today
    neighbourhoods = list(scoped(Neighbourhood, agency).order_by("id"))
    if not neighbourhoods:
        return
    zone = zoneinfo.ZoneInfo(agency.timezone)
    plans = PLANS[:3] if len(neighbourhoods) < 6 else PLANS  # a small agency runs fewer programs
    now = timezone.now()
    season_start = today - timedelta(days=90)
    programs = []
    for number, (slug, kind, title_en, title_es, text_en, text_es, ages, _people, _day, _hour, _count) in \
            enumerate(plans):
        programs.append(Program(
            agency=agency, slug=slug, kind=kind, title={"en": title_en, "es": title_es},
            description={"en": text_en, "es": text_es}, min_age=ages[0], max_age=ages[1],
            schools="\n".join(rng.sample(SCHOOLS, 2)), partner_organisations="\n".join(rng.sample(PARTNERS, 2)),
            neighbourhood=(neighbourhoods[(number * 5 + 1) % len(neighbourhoods)]
                           if kind != ProgramKind.MENTORSHIP else None),
            season_starts_on=season_start if kind != ProgramKind.CAMP else today + timedelta(days=30),
            season_ends_on=today + timedelta(days=180) if kind != ProgramKind.CAMP else today + timedelta(days=44),
            capacity=None if kind == ProgramKind.SCHOOL_PARTNERSHIP else ages[1] * 3 + 10, is_public=True))
    programs = Program.objects.bulk_create(programs)

    sessions, participants, consents, enrolments = [], [], [], []
    for program, plan in zip(programs, plans, strict=True):
        people, weekday, hour, count = plan[7] * context.scale, plan[8], plan[9], plan[10]
        first = program.season_starts_on + timedelta(days=(weekday - program.season_starts_on.weekday()) % 7)
        camp = program.kind == ProgramKind.CAMP  # a camp meets every day for two weeks, the rest weekly
        place = program.school_list[0] if program.kind == ProgramKind.SCHOOL_PARTNERSHIP else "Community Center"
        for week in range(count):
            day = first + (timedelta(days=week) if camp else timedelta(weeks=week))
            starts = datetime.combine(day, time(hour), tzinfo=zone)
            sessions.append(ProgramSession(agency=agency, program=program, starts_at=starts,
                                           ends_at=starts + timedelta(hours=7 if camp else 2), place=place))
        for _person in range(people):
            age = rng.randint(program.min_age, program.max_age)
            participant = Participant(agency=agency, birth_year=today.year - age,
                                      display_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)[0]}.",
                                      school=rng.choice(program.school_list + [""]),
                                      created_at=now - timedelta(days=rng.randint(20, 100)))
            participants.append(participant)
            status = EnrolmentStatus.ENROLLED if rng.random() < 0.85 else rng.choice(
                [EnrolmentStatus.APPLIED, EnrolmentStatus.WITHDRAWN])
            minor = is_minor(participant.birth_year, today)
            consent = None
            if minor:  # an application for a minor always comes with consent
                consent = GuardianConsent(
                    agency=agency, participant=participant,
                    guardian_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    guardian_contact=f"guardian{len(consents) + 1}@example.org",
                    relationship=rng.choice(GuardianRelationship.values), given_at=participant.created_at,
                    method=rng.choice(ConsentMethod.values), text_version=services.CONSENT_TEXT_VERSION)
                consents.append(consent)
            enrolments.append(Enrolment(
                agency=agency, program=program, participant=participant, status=status, is_minor=minor,
                consent=consent, applied_at=participant.created_at,
                enrolled_at=participant.created_at + timedelta(days=3) if status != EnrolmentStatus.APPLIED else None,
                withdrawn_at=now - timedelta(days=5) if status == EnrolmentStatus.WITHDRAWN else None))
    ProgramSession.objects.bulk_create(sessions)
    Participant.objects.bulk_create(participants)
    for consent in consents:
        consent.participant_id = consent.participant.pk
    GuardianConsent.objects.bulk_create(consents)
    for enrolment in enrolments:
        enrolment.participant_id = enrolment.participant.pk
        enrolment.consent_id = enrolment.consent.pk if enrolment.consent else None
    Enrolment.objects.bulk_create(enrolments)

    attendance = []
    for session in sessions:
        if session.starts_at >= now:
            continue
        for enrolment in enrolments:
            if enrolment.program_id == session.program_id and enrolment.status == EnrolmentStatus.ENROLLED \
                    and rng.random() < 0.75:
                attendance.append(SessionAttendance(agency=agency, session=session, enrolment=enrolment))
    SessionAttendance.objects.bulk_create(attendance, batch_size=1000)

    mentoring = _mentoring(context, programs, enrolments)
    context.log.append(
        f"{agency.name}: {len(programs)} youth programs, {len(sessions)} sessions, {len(participants)} participants "
        f"({len(consents)} guardian consents), {len(attendance)} attendances; {mentoring}.")


def _mentoring(context: SeedContext, programs: list[Program], enrolments: list[Enrolment]) -> str:
    agency, rng, today = context.agency, context.rng, context.today
    program = next((p for p in programs if p.kind == ProgramKind.MENTORSHIP), None)
    officers = list(scoped(Officer, agency).filter(unit__code="CE", active_until__isnull=True).order_by("id")[:5])
    if program is None or not officers:
        return "no mentoring"
    mentors = Mentor.objects.bulk_create([
        Mentor(agency=agency, officer=officer,
               background_check_on=today - timedelta(days=rng.randint(30, 600)) if number else
               today - timedelta(days=800), background_check_valid_months=24)
        for number, officer in enumerate(officers)])  # the first one's check has expired
    mentees = [e for e in enrolments if e.program_id == program.pk and e.status == EnrolmentStatus.ENROLLED]
    matches, meetings = [], []
    for number, mentee in enumerate(mentees[: len(mentors) * 2]):
        mentor = mentors[number % len(mentors)]
        started = program.season_starts_on + timedelta(days=rng.randint(0, 20))
        matches.append(Match(agency=agency, mentor=mentor, mentee=mentee, started_on=started))
    Match.objects.bulk_create(matches)
    notes = ["Homework help and a walk round the park.", "Talked about high-school choices.",
             "Visited the fire station open day.", "Planned a college campus visit.", ""]
    for match in matches:
        met = match.started_on + timedelta(days=rng.randint(1, 7))
        last = min(today - timedelta(days=1), match.mentor.check_expires_on - timedelta(days=1))
        while met <= last:
            meetings.append(MentoringMeeting(agency=agency, match=match, met_on=met, minutes=rng.choice([45, 60, 90]),
                                             note=rng.choice(notes)))
            met += timedelta(days=rng.randint(12, 18))
    MentoringMeeting.objects.bulk_create(meetings)
    staff = _staff(agency)
    surveyed = ""
    if staff is not None:
        services.open_outcome_survey(staff, program, today.year)
        surveyed = ", one outcome survey"
    audit.record("programs.demo_history_loaded", agency=agency, changes={
        "mentors": len(mentors), "matches": len(matches), "meetings": len(meetings),
        "note": "Demo programs, participants, consents and mentoring, loaded in bulk."})
    return f"{len(mentors)} mentors (one with an expired check), {len(matches)} matches, {len(meetings)} meetings" \
           f"{surveyed}"
