"""Recognition in the demo city: about thirty positive stories (a few residents' stories waiting for moderation,
one with a photo), two award programs (officer of the year, community champion) taking nominations now, with
nominations from residents, staff and commendations, the panel's scores, and last year's announced awards.

Everyone named is made up; submitters and nominators use example.org addresses and 555 numbers.
"""

import io
from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from commonbeat.accounts.models import User
from commonbeat.accounts.roles import PERMISSIONS, Action, Role
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.core.seeding import FIRST_NAMES, LAST_NAMES, SeedContext
from commonbeat.core.tenancy import scoped

from .models import (
    Award,
    AwardProgram,
    Nomination,
    NominationSource,
    NomineeKind,
    PanelScore,
    Story,
    StorySource,
    StoryStatus,
)
from .services import commendations_to_put_forward

ORDER = 98
STORIES = 30
PENDING = 5

# (English title, Spanish title, English body, Spanish body); {officer} and {place} are filled in.
STORY_TEXTS = [
    ("A bike returned before breakfast", "Una bicicleta devuelta antes del desayuno",
     "When a boy's bike went missing outside the library in {place}, {officer} spent the early shift checking "
     "the alleys. It was back at his door before breakfast.",
     "Cuando desapareció la bicicleta de un niño frente a la biblioteca de {place}, {officer} recorrió los "
     "callejones en el primer turno. Estaba de vuelta antes del desayuno."),
    ("Basketball at the Friday court", "Baloncesto en la cancha del viernes",
     "Every Friday {officer} joins the pick-up game at the {place} court. Neighbours say the evenings feel "
     "different now: more families stay out, and the kids know the officers by name.",
     "Cada viernes {officer} se une al partido en la cancha de {place}. Los vecinos dicen que las tardes han "
     "cambiado: más familias se quedan afuera y los niños conocen a los agentes por su nombre."),
    ("Helping a lost grandmother home", "Ayudando a una abuela perdida a volver a casa",
     "A resident of {place} with dementia walked away from home on a cold night. {officer} found her, spoke "
     "with her in Spanish, and waited with her until her family arrived.",
     "Una vecina de {place} con demencia salió de casa en una noche fría. {officer} la encontró, habló con ella "
     "en español y esperó a su lado hasta que llegó su familia."),
    ("A block party that brought a street together", "Una fiesta de barrio que unió a una calle",
     "Residents of {place} and {officer} organised the first block party in years: a grill, a bouncy castle and "
     "a table where neighbours signed up to look out for older residents.",
     "Los vecinos de {place} y {officer} organizaron la primera fiesta de barrio en años: parrilla, castillo "
     "inflable y una mesa donde los vecinos se apuntaron para cuidar a los mayores."),
    ("Calm words on a hard night", "Palabras tranquilas en una noche difícil",
     "Called to a man in crisis on a bridge in {place}, {officer} and a clinician from the mobile crisis team "
     "talked with him for an hour. He walked off the bridge and into care.",
     "Ante un hombre en crisis sobre un puente de {place}, {officer} y una clínica del equipo de crisis hablaron "
     "con él durante una hora. Bajó del puente y recibió atención."),
    ("Reading buddies at Las Palmas", "Compañeros de lectura en Las Palmas",
     "Once a week {officer} reads with second-graders near {place}. The school says attendance is up on "
     "reading-buddy days.",
     "Una vez por semana {officer} lee con alumnos de segundo grado cerca de {place}. La escuela dice que la "
     "asistencia sube esos días."),
    ("Snow shovels for the seniors' building", "Palas de nieve para el edificio de mayores",
     "After the storm, {officer} and volunteers from {place} cleared the paths of the seniors' building so "
     "residents could get to the pharmacy.",
     "Tras la tormenta, {officer} y voluntarios de {place} despejaron los caminos del edificio de mayores para "
     "que pudieran ir a la farmacia."),
    ("A found wallet, and a thank-you note", "Una cartera encontrada y una nota de agradecimiento",
     "A teenager in {place} handed in a wallet with a month's rent inside. {officer} traced the owner the same "
     "afternoon, who left a thank-you note at the station.",
     "Un adolescente de {place} entregó una cartera con el alquiler de un mes. {officer} encontró al dueño esa "
     "misma tarde, que dejó una nota de agradecimiento en la comisaría."),
]

PENDING_TEXTS = [
    ("Thank you Officer", "My name is Rosa Delgado and I live at 418 Harbor Street. The officer who came when my "
     "car was broken into was so kind. Call me at 555-201-4433 if you want to hear more."),
    ("Great help at the festival", "I'm Tom Becker. At the street festival the officers helped my son find us "
     "when he got lost. You can reach me at tom.becker@example.org."),
    ("The bike patrol", "The bike patrol in our park stops to talk to everyone. Mrs. Alvarez from our building "
     "says she feels safer walking to church."),
    ("Flat tyre help", "An officer helped me change a flat tyre on the highway at night. My plate is 7ABC 123 "
     "if you want to find the report."),
    ("Coffee with a cop", "Coffee with a cop at the bakery was the first time I ever talked to an officer "
     "without being nervous. Please do it again."),
]

PROGRAMS = [
    ("officer-of-the-year", NomineeKind.OFFICER, "Officer of the Year", "Agente del Año",
     "For an officer whose work over the year built trust: respect in every contact, problems solved with "
     "residents, and service beyond the call.",
     "Para un agente cuyo trabajo durante el año generó confianza: respeto en cada contacto, problemas resueltos "
     "con los vecinos y un servicio que va más allá del deber."),
    ("community-champion", NomineeKind.COMMUNITY, "Community Champion", "Campeón de la Comunidad",
     "For a resident who brought neighbours and police together: organising, mentoring, or simply showing up.",
     "Para un vecino que unió a la comunidad y la policía: organizando, siendo mentor o simplemente estando ahí."),
]

REASONS = [
    "Always takes the time to explain what is happening and why.",
    "Organised the youth league that now runs every summer.",
    "Knows every shop owner on the avenue and checks in after every incident.",
    "Stayed with a family for hours after a fire until housing was found.",
    "Started the neighbourhood walk that now meets every Tuesday.",
    "Speaks three languages and translates at every community meeting.",
]


def _photo() -> ContentFile:
    """A small made-up picture (a sunny park) drawn with Pillow; it carries no metadata."""
    image = Image.new("RGB", (480, 320), (135, 190, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 220, 480, 320), fill=(90, 160, 80))
    draw.ellipse((360, 30, 430, 100), fill=(250, 215, 70))
    for left in (60, 200, 320):
        draw.rectangle((left + 18, 150, left + 30, 230), fill=(110, 75, 40))
        draw.ellipse((left - 10, 90, left + 58, 170), fill=(50, 130, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name="demo-park.jpg")


def _officer_name(officer: Officer) -> str:
    return f"{officer.rank} {officer.last_name}"


def seed(context: SeedContext) -> None:
    agency, rng, today = context.agency, context.rng, context.today
    zone = agency.zone
    officers = list(scoped(Officer, agency).filter(active_until__isnull=True).order_by("id"))
    neighbourhoods = list(scoped(Neighbourhood, agency).order_by("slug"))
    if not officers or not neighbourhoods:
        return
    staff = (User.objects.filter(memberships__agency=agency,
                                 memberships__role__in=[Role.ENGAGEMENT_STAFF, Role.AGENCY_ADMIN])
             .distinct().order_by("id").first())

    def moment(days_ago: int) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(rng.randint(8, 18), rng.randint(0, 59)),
                                tzinfo=zone)

    stories = []
    for number in range(STORIES - PENDING):
        en_title, es_title, en_body, es_body = STORY_TEXTS[number % len(STORY_TEXTS)]
        officer, place = rng.choice(officers), rng.choice(neighbourhoods)
        fill = {"officer": _officer_name(officer), "place": place.name}
        days_ago = 5 + number * rng.randint(8, 14)
        resident = number % 3 == 1
        suffix = f" ({number // len(STORY_TEXTS) + 1})" if number >= len(STORY_TEXTS) else ""
        stories.append(Story(
            agency=agency, slug=f"story-{number + 1}", status=StoryStatus.PUBLISHED,
            source=StorySource.RESIDENT if resident else StorySource.STAFF,
            title={"en": en_title + suffix, "es": es_title + suffix},
            body={"en": en_body.format(**fill), "es": es_body.format(**fill)},
            submitted_title=en_title if resident else "", submitted_text=en_body.format(**fill) if resident else "",
            submitter_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if resident else "",
            submitter_email=f"neighbour{number}@example.org" if resident else "",
            officer=officer, neighbourhood=place, written_by=None if resident else staff,
            created_at=moment(days_ago + 2), published_at=moment(days_ago)))
    for number, (title, text) in enumerate(PENDING_TEXTS):
        stories.append(Story(
            agency=agency, slug=f"shared-{number + 1}", status=StoryStatus.PENDING, source=StorySource.RESIDENT,
            submitted_title=title, submitted_text=text, submitted_language="en",
            submitter_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            submitter_email=f"sharer{number}@example.org", neighbourhood=rng.choice(neighbourhoods),
            created_at=moment(number + 1)))
    Story.objects.bulk_create(stories)
    pictured = scoped(Story, agency).get(slug="story-2")
    pictured.photo.save("demo-park.jpg", _photo(), save=False)
    pictured.photo_consent = True
    pictured.photo_description = {"en": "A sunny park with three trees.", "es": "Un parque soleado con tres árboles."}
    pictured.save(update_fields=["photo", "photo_consent", "photo_description"])

    scorer_roles = PERMISSIONS[Action.SCORE_NOMINATIONS] | {Role.AGENCY_ADMIN}
    panel = list(User.objects.filter(memberships__agency=agency, memberships__role__in=scorer_roles)
                 .distinct().order_by("id")[:4])
    commendations = [(report, list(report.commended_officers.all()))
                     for report in commendations_to_put_forward(agency)[:4]]
    nominations, awards_made, score_rows = 0, 0, []
    for slug, kind, en, es, criteria_en, criteria_es in PROGRAMS:
        program = AwardProgram.objects.create(
            agency=agency, slug=slug, nominee_kind=kind, name={"en": en, "es": es},
            criteria={"en": criteria_en, "es": criteria_es},
            opens_on=today - timedelta(days=30), closes_on=today + timedelta(days=30))
        program.panel.set(panel)
        for year in (program.year - 1, program.year):
            rows = []
            for number in range(6 if year < program.year else 5):
                officer = rng.choice(officers) if kind == NomineeKind.OFFICER else None
                from_staff = number % 3 == 2
                rows.append(Nomination(
                    agency=agency, program=program, year=year, officer=officer,
                    nominee_name="" if officer else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    reason=REASONS[number % len(REASONS)],
                    source=NominationSource.STAFF if from_staff else NominationSource.PUBLIC,
                    nominated_by=staff if from_staff else None,
                    nominator_name="" if from_staff else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    nominator_contact="" if from_staff else f"555-01{rng.randint(10, 99)}",
                    created_at=moment(rng.randint(1, 25) + (365 if year < program.year else 0))))
            if kind == NomineeKind.OFFICER and year == program.year:
                for report, commended in commendations:
                    if commended:
                        rows.append(Nomination(
                            agency=agency, program=program, year=year, officer=commended[0],
                            reason=f"Commended by a resident (case {report.reference}).",
                            source=NominationSource.COMMENDATION, commendation=report, nominated_by=staff,
                            created_at=moment(rng.randint(1, 20))))
            created = Nomination.objects.bulk_create(rows)
            nominations += len(created)
            for nomination in created:
                for member in panel:
                    if year < program.year or rng.random() < 0.6:
                        score_rows.append(PanelScore(agency=agency, nomination=nomination, member=member,
                                                     score=rng.randint(2, 5)))
            if year < program.year:
                totals: dict[int, int] = {}
                for row in score_rows:
                    totals[row.nomination.pk] = totals.get(row.nomination.pk, 0) + row.score
                PanelScore.objects.bulk_create(score_rows)
                score_rows = []
                best = max(created, key=lambda n: (totals.get(n.pk, 0), -n.pk))
                Award.objects.create(
                    agency=agency, program=program, year=year, nomination=best, announced_by=staff,
                    announced_at=datetime.combine(program.closes_on - timedelta(days=345),
                                                  time(12), tzinfo=zone),
                    citation={"en": f"For {best.reason[0].lower()}{best.reason[1:]}",
                              "es": "Por su dedicación constante a la comunidad y su trato respetuoso con todos."})
                awards_made += 1
    PanelScore.objects.bulk_create(score_rows)
    context.log.append(f"{agency.name}: {len(stories)} stories ({PENDING} waiting for moderation), "
                       f"{len(PROGRAMS)} award programs, {nominations} nominations, {awards_made} awards announced")
