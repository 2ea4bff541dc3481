"""Two advisory boards for the demo city: members with terms and declared make-up, a few applications waiting,
two years of monthly meetings with bilingual agendas and minutes, and recommendations across every response
status, some with responses or milestones overdue. The demo `board` user holds a seat on the first board.

Written in bulk, as the services would have stored it. Names are made up.
"""

import zoneinfo
from datetime import datetime, time, timedelta

from django.utils import timezone

from commonbeat.accounts.models import Membership
from commonbeat.accounts.roles import Role
from commonbeat.core import audit
from commonbeat.core.models import Neighbourhood
from commonbeat.core.seeding import AGE_BANDS, FIRST_NAMES, GENDERS, LAST_NAMES, RACES, SeedContext
from commonbeat.core.tenancy import scoped

from .models import (
    ApplicationStatus,
    Board,
    BoardApplication,
    BoardMember,
    ImplementationMilestone,
    Meeting,
    MeetingStatus,
    MemberStatus,
    Recommendation,
    RecommendationResponse,
    RecommendationStatus,
)
from .services import RESPONSE_DAYS, add_months

ORDER = 90

BOARDS = [
    ("community-advisory-board", "Community Advisory Board", "Consejo Asesor Comunitario", 11, 24,
     "Residents from every neighbourhood who advise the chief on policing priorities, policies and how the "
     "department engages with the community.",
     "Residentes de todos los barrios que asesoran al jefe sobre prioridades, políticas y la relación del "
     "departamento con la comunidad."),
    ("youth-advisory-council", "Youth Advisory Council", "Consejo Asesor Juvenil", 7, 12,
     "Young people aged 16 to 24 who advise the department on youth programs and how officers and young "
     "residents get along.",
     "Jóvenes de 16 a 24 años que asesoran al departamento sobre programas juveniles y la relación entre "
     "agentes y jóvenes."),
]
AGENDA_TOPICS = [
    ("Quarterly complaint and commendation figures", "Cifras trimestrales de quejas y felicitaciones"),
    ("Draft use-of-force policy: public comments", "Borrador de la política de uso de la fuerza: comentarios"),
    ("Body-worn camera release timelines", "Plazos de publicación de videos de cámaras corporales"),
    ("Youth summer program planning", "Planificación del programa juvenil de verano"),
    ("Patrol presence in under-served neighbourhoods", "Presencia de patrullas en barrios desatendidos"),
    ("Crisis intervention team referrals", "Derivaciones al equipo de intervención en crisis"),
    ("Community survey results", "Resultados de la encuesta comunitaria"),
    ("Training on de-escalation: update", "Capacitación en desescalada: novedades"),
]
RECOMMENDATIONS = [
    ("Publish stop data by neighbourhood every quarter", "Publicar datos de paradas por barrio cada trimestre"),
    ("Hold town halls in Spanish as well as English", "Celebrar asambleas en español además de en inglés"),
    ("Add a civilian to use-of-force reviews", "Incluir a un civil en las revisiones de uso de la fuerza"),
    ("Release body-camera footage within 45 days", "Publicar videos de cámaras corporales en 45 días"),
    ("Expand the youth mentoring program to two more schools", "Ampliar la mentoría juvenil a dos escuelas más"),
    ("Require annual de-escalation refreshers", "Exigir cursos anuales de repaso en desescalada"),
    ("Create a language access line for reports", "Crear una línea de acceso lingüístico para denuncias"),
    ("Track and publish response times by neighbourhood", "Registrar y publicar tiempos de respuesta por barrio"),
    ("Fund crisis counsellors on weekend shifts", "Financiar consejeros de crisis en turnos de fin de semana"),
    ("Post foot-patrol schedules in advance", "Publicar con antelación los horarios de patrullas a pie"),
    ("Translate the complaint form into Vietnamese", "Traducir el formulario de quejas al vietnamita"),
    ("Invite youth to recruit-academy panels", "Invitar a jóvenes a los paneles de la academia"),
    ("Report traffic stop searches by outcome", "Informar registros en paradas de tráfico por resultado"),
    ("Open the training curriculum to public review", "Abrir el plan de capacitación a revisión pública"),
    ("Meet with tenant associations twice a year", "Reunirse con asociaciones de inquilinos dos veces al año"),
]
# (status, days after made_on the response came, or None) — covering every status, with some overdue.
PLAN = ["accepted", "partly_accepted", "declined", "under_review", "awaiting", "accepted", "accepted",
        "partly_accepted", "declined", "under_review", "awaiting", "accepted", "under_review", "declined", "awaiting"]
RATIONALE = {
    "accepted": ("The department agrees and will carry this out.",
                 "El departamento está de acuerdo y lo llevará a cabo."),
    "partly_accepted": ("The department agrees in part; budget allows a first phase this year.",
                        "El departamento está de acuerdo en parte; el presupuesto permite una primera fase este año."),
    "declined": ("State law does not allow this; the department will explain the constraint at the next meeting.",
                 "La ley estatal no lo permite; el departamento explicará la limitación en la próxima reunión."),
    "under_review": ("Legal and budget staff are reviewing the cost and the options.",
                     "El personal jurídico y de presupuesto está revisando el costo y las opciones."),
}


def _declared(rng) -> dict:
    """Most members answer; some prefer not to say one question or all."""
    if rng.random() < 0.12:
        return {"age_band": "", "gender": "", "race_ethnicity": ""}
    return {"age_band": rng.choices(AGE_BANDS, [30, 30, 28, 12])[0] if rng.random() > 0.05 else "",
            "gender": rng.choices(GENDERS, [50, 48, 2])[0],
            "race_ethnicity": rng.choices(RACES, [30, 33, 24, 8, 5])[0] if rng.random() > 0.08 else ""}


def _name(rng) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def seed(context: SeedContext) -> None:
    agency, rng, today = context.agency, context.rng, context.today
    zone = zoneinfo.ZoneInfo(agency.timezone)
    now = timezone.now()
    staff = (Membership.objects.filter(agency=agency, role=Role.AGENCY_ADMIN).select_related("user").first())
    admin = staff.user if staff else None
    board_user = (Membership.objects.filter(agency=agency, role=Role.BOARD_MEMBER).select_related("user").first())
    neighbourhoods = list(scoped(Neighbourhood, agency).order_by("id"))
    main = agency.slug == "port-alder"
    specs = BOARDS if main else BOARDS[:1]

    boards = Board.objects.bulk_create([
        Board(agency=agency, slug=slug, name={"en": en, "es": es}, purpose={"en": p_en, "es": p_es},
              seat_count=seats, term_months=months, is_accepting_applications=True)
        for slug, en, es, seats, months, p_en, p_es in specs])

    members, applications, meetings = [], [], []
    for board_index, board in enumerate(boards):
        # Serving members: all seats but one or two, terms staggered; plus a few whose terms ended.
        filled = board.seat_count - (1 if board_index == 0 else 2)
        for seat in range(1, filled + 1):
            start = add_months(today.replace(day=1), -rng.randint(1, board.term_months - 1))
            user = board_user.user if (board_index == 0 and seat == 1 and board_user) else None
            name = f"{user.first_name} {user.last_name}" if user else _name(rng)
            members.append(BoardMember(
                agency=agency, board=board, name=name, user=user, seat=seat, term_start=start,
                term_end=add_months(start, board.term_months) - timedelta(days=1), appointed_by=admin,
                appointed_at=datetime.combine(start, time(12), tzinfo=zone), **_declared(rng)))
        for seat in range(1, 4):
            start = add_months(today.replace(day=1), -board.term_months - rng.randint(2, 10))
            end = add_months(start, board.term_months) - timedelta(days=1)
            members.append(BoardMember(
                agency=agency, board=board, name=_name(rng), seat=seat, term_start=start, term_end=end,
                status=MemberStatus.ENDED, ended_on=end, appointed_by=admin,
                appointed_at=datetime.combine(start, time(12), tzinfo=zone), **_declared(rng)))
        for number in range(3 if main else 1):
            name = _name(rng)
            applications.append(BoardApplication(
                agency=agency, board=board, name=name, email=f"{name.lower().replace(' ', '.')}@example.org",
                neighbourhood=rng.choice(neighbourhoods) if neighbourhoods else None,
                statement="I have lived here for years and want to help residents and officers understand each "
                          "other better.", status=ApplicationStatus.PENDING,
                submitted_at=now - timedelta(days=rng.randint(1, 40), hours=number), **_declared(rng)))

        # Monthly meetings for two years, and the next two months; the second Tuesday at 6 pm.
        first = add_months(today.replace(day=1), -24)
        for month in range(27):
            day = add_months(first, month)
            day = day + timedelta(days=(1 - day.weekday()) % 7 + 7)
            starts = datetime.combine(day, time(18), tzinfo=zone)
            topics = rng.sample(AGENDA_TOPICS, 3)
            agenda = {"en": "\n".join(["1. Welcome and public comment"] + [f"{i + 2}. {en}" for i, (en, _es) in
                                                                           enumerate(topics)]),
                      "es": "\n".join(["1. Bienvenida y comentarios del público"] + [f"{i + 2}. {es}" for i, (_en, es)
                                                                                    in enumerate(topics)])}
            past = starts < now
            cancelled = past and rng.random() < 0.05
            held = past and not cancelled
            minutes = {"en": f"Quorum present. Discussed: {topics[0][0].lower()}. Members asked for follow-up "
                             "figures at the next meeting. Public comment from residents.",
                       "es": f"Hubo quórum. Se trató: {topics[0][1].lower()}. Los miembros pidieron cifras de "
                             "seguimiento para la próxima reunión. Comentarios del público."} if held else {}
            # Notice goes out one to two weeks ahead; the next meeting's is already out.
            published = (min(starts - timedelta(days=rng.randint(7, 14)), now - timedelta(hours=1))
                         if starts - timedelta(days=21) < now else None)
            meetings.append(Meeting(
                agency=agency, board=board, starts_at=starts, ends_at=starts + timedelta(hours=2),
                place="City Hall, Community Room B, 200 Main St", agenda=agenda, minutes=minutes,
                status=(MeetingStatus.CANCELLED if cancelled else MeetingStatus.HELD if held
                        else MeetingStatus.SCHEDULED),
                notice_published_at=published))

    BoardMember.objects.bulk_create(members)
    BoardApplication.objects.bulk_create(applications)
    Meeting.objects.bulk_create(meetings)

    held = [meeting for meeting in meetings if meeting.status == MeetingStatus.HELD]
    recommendations, statuses = [], []
    count = len(RECOMMENDATIONS) if main else 4
    numbers: dict[int, int] = {}
    for index in range(count):
        board = boards[index % len(boards)]
        board_meetings = [meeting for meeting in held if meeting.board_id == board.id]
        # Spread over the two years, the latest few recent enough that the response is not yet due.
        meeting = board_meetings[int(len(board_meetings) * index / count)] if board_meetings else None
        made_on = meeting.starts_at.astimezone(zone).date() if meeting else today - timedelta(days=30 * (count - index))
        numbers[board.id] = numbers.get(board.id, 0) + 1
        en, es = RECOMMENDATIONS[index]
        recommendations.append(Recommendation(
            agency=agency, board=board, number=numbers[board.id], title={"en": en, "es": es},
            text={"en": f"The board recommends that the department {en[0].lower() + en[1:]}, and reports on "
                        "progress at the board's meetings.",
                  "es": f"El consejo recomienda que el departamento se comprometa a: {es[0].lower() + es[1:]}, e "
                        "informe de los avances en las reuniones del consejo."},
            made_on=made_on, meeting=meeting, response_due_on=made_on + timedelta(days=RESPONSE_DAYS),
            recorded_by=board_user.user if board_user else None))
        statuses.append(PLAN[index % len(PLAN)])
    Recommendation.objects.bulk_create(recommendations)

    responses, milestones = [], []
    for recommendation, status in zip(recommendations, statuses, strict=True):
        if status == "awaiting":
            continue  # older ones are overdue: the response was due 90 days after
        responded_on = min(recommendation.made_on + timedelta(days=rng.randint(20, 80)), today)
        if status == "under_review":
            due_on = responded_on + timedelta(days=60)
            recommendation.response_due_on = due_on  # older ones have passed it: response overdue
        elif status in ("accepted", "partly_accepted"):
            due_on = responded_on + timedelta(days=rng.choice([120, 180, 365]))
            recommendation.implementation_due_on = due_on
            for step, (m_en, m_es) in enumerate([("Plan and budget agreed", "Plan y presupuesto acordados"),
                                                  ("First phase in place", "Primera fase en marcha"),
                                                  ("Report to the board", "Informe al consejo")]):
                milestone_due = responded_on + timedelta(days=45 * (step + 1))
                # Mostly on time; about one in four of the steps now due is late and not done.
                done = milestone_due <= today and rng.random() > 0.25
                milestones.append(ImplementationMilestone(
                    agency=agency, recommendation=recommendation, title={"en": m_en, "es": m_es},
                    due_on=milestone_due, done_on=milestone_due - timedelta(days=rng.randint(0, 10)) if done else None))
        else:
            due_on = None
        recommendation.status = status
        en, es = RATIONALE[status]
        responses.append(RecommendationResponse(
            agency=agency, recommendation=recommendation, status=status, rationale={"en": en, "es": es},
            responded_on=responded_on, due_on=due_on, responded_by=admin))
    Recommendation.objects.bulk_update(recommendations, ["status", "response_due_on", "implementation_due_on"])
    RecommendationResponse.objects.bulk_create(responses)
    ImplementationMilestone.objects.bulk_create(milestones)

    awaiting = sum(1 for item in recommendations if item.status == RecommendationStatus.AWAITING)
    audit.record("boards.demo_history_loaded", agency=agency, changes={
        "boards": len(boards), "members": len(members), "applications": len(applications),
        "meetings": len(meetings), "recommendations": len(recommendations),
        "note": "Demo boards, members, meetings and recommendations, loaded in bulk."})
    context.log.append(
        f"{agency.name}: {len(boards)} advisory boards, {len(members)} members past and present, "
        f"{len(applications)} applications waiting, {len(meetings)} meetings, {len(recommendations)} recommendations "
        f"({awaiting} awaiting a response).")
