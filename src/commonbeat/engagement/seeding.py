"""Two years of community events for the demo city, the next six weeks of them, and the problem-solving
projects that grew out of what residents said there.

Everything is written in bulk, as the services would have stored it, following a plan drawn up beforehand:
each event's replies arrive over the weeks before it and are confirmed, put on the waiting list, cancelled
and promoted by the same rules as `services.rsvp` and `services.cancel_rsvp`; reminders went the day before;
people who came were checked in (and walk-ins counted) only at events that are over; officers took part
for about the length of the event; concerns were written down at meetings, and some became projects that
went through the SARA stages with milestones and public updates in English and Spanish.

The events are uneven across neighbourhoods, in step with the patrols (see `patrols.seeding.presence_plan`):
well-patrolled neighbourhoods have several events a month, a couple have hardly any, and one has more and
more. Ahead, replies are open, one focus group is already full with a waiting list, and one event has been
cancelled. The two latest events that are over asked for feedback through `services.request_feedback`, which
opened their surveys. Names and e-mail addresses of the residents who replied are made up (example.org).
"""

import hashlib
import uuid
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from shapely.geometry import Point, shape
from shapely.prepared import prep

from commonbeat.accounts.models import Membership
from commonbeat.accounts.roles import Role
from commonbeat.core import audit
from commonbeat.core.models import Agency, Neighbourhood, Officer
from commonbeat.core.seeding import FIRST_NAMES, LAST_NAMES, SeedContext
from commonbeat.core.tenancy import scoped
from commonbeat.patrols.seeding import Presence, presence_plan

from . import services
from .models import (
    Attendance,
    CheckInMethod,
    Concern,
    Event,
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

ORDER = 70

WEEKS_BACK = 104
WEEKS_AHEAD = 6
EVENTS_PER_WEEK = [2, 3, 3, 3, 4]  # main city, per unit of scale
SMALL_AGENCY_WEEKLY_CHANCE = 0.3  # the second agency holds an event about one week in three
CANCELLED = 0.03
SPANISH = 0.2
NO_EMAIL = 0.2
CANCELS_REPLY = 0.1
RANDOM_PROBLEMS = 20  # main city, per unit of scale, besides one in every stage and two closed

STREETS = ["Main St", "Harbor Ave", "Cedar St", "Mill Rd", "5th St", "Union Ave", "Palm Dr", "River Rd",
           "Hill St", "Market St", "Oak Ave", "Lake Blvd", "2nd Ave", "Station Rd", "Church St", "Elm St"]
CAFES = ["Daily Grind Café", "La Esquina Coffee", "Harbor Bean", "Café Luna", "Morning Star Bakery",
         "Corner Cup", "Panadería La Estrella", "Second Shift Coffee"]
VENUE_KINDS = {  # venue kind -> (name template, accessibility notes in English and Spanish)
    "library": ("{n} Branch Library", (
        "Step-free entrance and accessible restrooms. ASL interpretation on request, one week ahead.",
        "Entrada sin escalones y baños accesibles. Interpretación en lengua de señas (ASL) a petición, con una "
        "semana de antelación.")),
    "centre": ("{n} Community Center", (
        "Step-free entrance, accessible restrooms and a hearing loop in the main hall.",
        "Entrada sin escalones, baños accesibles y bucle magnético en el salón principal.")),
    "school": ("{n} Elementary School", (
        "Enter by the gym doors on the side street; step-free. Accessible restrooms.",
        "Entre por las puertas del gimnasio en la calle lateral; sin escalones. Baños accesibles.")),
    "park": ("{n} Park", (
        "Paved paths; an accessible portable restroom on site.",
        "Caminos pavimentados; baño portátil accesible en el lugar.")),
    "cafe": ("", (
        "Step-free entrance; limited seating.",
        "Entrada sin escalones; asientos limitados.")),
}
LANGUAGE_NOTES = [("English and Spanish spoken.", "Se habla inglés y español."),
                  ("English and Spanish spoken; Vietnamese on request.",
                   "Se habla inglés y español; vietnamita a petición.")]


@dataclass(frozen=True)
class KindPlan:
    weight: float
    venues: tuple[str, ...]
    capacities: tuple[int | None, ...]
    demand: int  # people replying to a typical one
    officers: tuple[int, int]
    lead_role: str
    walk_ins: tuple[int, int, int]  # rows, fewest and most people per row
    concerns: tuple[int, int]
    titles: tuple[tuple[str, str], ...]
    description: tuple[str, str]


KINDS = {
    "community-meeting": KindPlan(
        20, ("library", "centre", "school"), (60, None), 24, (2, 4), ParticipationRole.HOST, (1, 2, 15), (1, 3),
        (("{n} community meeting", "Reunión comunitaria de {n}"),
         ("{n} neighbourhood safety forum", "Foro de seguridad vecinal de {n}")),
        ("Meet the officers who work in {n}, hear what has happened in the last month and raise what matters to "
         "you. Light refreshments.",
         "Conozca a los agentes que trabajan en {n}, entérese de lo ocurrido en el último mes y plantee lo que le "
         "importa. Habrá refrigerios.")),
    "town-hall": KindPlan(
        5, ("school", "centre"), (150,), 70, (3, 6), ParticipationRole.HOST, (1, 5, 30), (2, 4),
        (("Town hall: public safety in {n}", "Asamblea pública: seguridad en {n}"),
         ("Town hall with the Chief of Police", "Asamblea pública con la jefatura de policía")),
        ("The Chief and the district commanders answer residents' questions about policing in {n} and across "
         "{city}. Questions can also be sent in advance.",
         "La jefatura y los comandantes de distrito responden a las preguntas de los residentes sobre la labor "
         "policial en {n} y en todo {city}. También puede enviar sus preguntas con antelación.")),
    "focus-group": KindPlan(
        6, ("library", "centre"), (12,), 16, (1, 2), ParticipationRole.FACILITATOR, (0, 0, 0), (1, 3),
        (("Focus group: policing priorities in {n}", "Grupo de discusión: prioridades policiales en {n}"),
         ("Focus group: young adults and the police", "Grupo de discusión: adultos jóvenes y la policía")),
        ("A small, facilitated conversation of about 90 minutes. What you say is summarised without names. "
         "Places are limited.",
         "Una conversación pequeña y moderada de unos 90 minutos. Lo que diga se resume sin nombres. Las plazas "
         "son limitadas.")),
    "block-party": KindPlan(
        8, ("park",), (None,), 18, (3, 6), ParticipationRole.HOST, (3, 10, 60), (0, 0),
        (("{n} block party", "Fiesta de cuadra en {n}"),
         ("Summer block party on {street}", "Fiesta de cuadra de verano en {street}")),
        ("Food, music, games for children and a chance to meet your neighbours and the officers who patrol "
         "your streets.",
         "Comida, música, juegos para niños y la oportunidad de conocer a sus vecinos y a los agentes que "
         "patrullan sus calles.")),
    "fair": KindPlan(
        4, ("park", "school"), (None,), 25, (4, 8), ParticipationRole.HOST, (4, 15, 90), (0, 0),
        (("{n} community safety fair", "Feria comunitaria de seguridad en {n}"),
         ("Family resource fair", "Feria de recursos para familias")),
        ("Stalls from city services and local organisations, child car-seat checks, bike registration and free "
         "smoke alarms.",
         "Puestos de servicios municipales y organizaciones locales, revisión de sillas infantiles para el auto, "
         "registro de bicicletas y detectores de humo gratuitos.")),
    "safety-workshop": KindPlan(
        11, ("library", "centre"), (20, 25, 30), 24, (1, 2), ParticipationRole.PRESENTER, (1, 1, 8), (0, 1),
        (("Home security workshop", "Taller de seguridad en el hogar"),
         ("Preventing car break-ins", "Cómo prevenir robos de autos"),
         ("Personal safety for older adults", "Seguridad personal para personas mayores"),
         ("Spotting scams and fraud", "Cómo reconocer estafas y fraudes")),
        ("A practical session with a crime prevention officer: what works, what does not, and time for your "
         "questions.",
         "Una sesión práctica con un agente de prevención del delito: qué funciona, qué no, y tiempo para sus "
         "preguntas.")),
    "education-workshop": KindPlan(
        8, ("library", "centre", "school"), (30, 40), 28, (1, 2), ParticipationRole.PRESENTER, (1, 1, 8), (0, 1),
        (("Know your rights: traffic stops", "Conozca sus derechos: paradas de tráfico"),
         ("How to file a complaint or a commendation", "Cómo presentar una queja o un elogio"),
         ("When to call 911, 311 or the crisis line", "Cuándo llamar al 911, al 311 o a la línea de crisis"),
         ("Citizens' police academy: evening session", "Academia ciudadana de policía: sesión nocturna")),
        ("An open session on how policing works in {city} and what residents are entitled to. Materials in "
         "English and Spanish.",
         "Una sesión abierta sobre cómo funciona la policía en {city} y cuáles son los derechos de los residentes. "
         "Materiales en inglés y español.")),
    "youth-activity": KindPlan(
        12, ("school", "centre", "park"), (30, None), 24, (2, 4), ParticipationRole.HOST, (1, 3, 20), (0, 0),
        (("Youth basketball night", "Noche de básquetbol juvenil"),
         ("Youth soccer clinic", "Clínica juvenil de fútbol"),
         ("Teen leadership workshop", "Taller de liderazgo para adolescentes"),
         ("Bike safety rodeo for kids", "Circuito de seguridad en bicicleta para niños")),
        ("For ages 10 to 17, free. Officers and volunteer coaches take part; a parent or guardian signs the "
         "consent form at the door.",
         "Para edades de 10 a 17 años, gratis. Participan agentes y entrenadores voluntarios; un padre, madre o "
         "tutor firma el formulario de consentimiento en la entrada.")),
    "coffee-with-officers": KindPlan(
        15, ("cafe",), (None,), 6, (2, 4), ParticipationRole.HOST, (1, 5, 30), (0, 2),
        (("Coffee with officers at {venue}", "Café con agentes en {venue}"),),
        ("No speeches, no agenda: the coffee is on us. Drop in and talk with the officers who work in {n}.",
         "Sin discursos ni agenda: el café corre por nuestra cuenta. Pase y converse con los agentes que trabajan "
         "en {n}.")),
}


@dataclass(frozen=True)
class Topic:
    concerns: tuple[str, ...]
    concerns_es: tuple[str, ...]
    title: tuple[str, str]
    summary: tuple[str, str]
    responses: tuple[tuple[str, str], tuple[str, str]]
    partners: str


TOPICS = {
    "speeding": Topic(
        ("Cars speed on {street} every evening; someone will get hurt near the school.",
         "Drivers race down {street} late at night.", "Nobody stops for the crosswalk on {street}."),
        ("Los coches van muy rápido por {street} todas las tardes.", "Hay carreras de autos en {street} de noche."),
        ("Speeding on {street}", "Exceso de velocidad en {street}"),
        ("Residents report cars speeding on {street}, especially near the school at drop-off and in the "
         "evenings.",
         "Los residentes denuncian autos a exceso de velocidad en {street}, sobre todo cerca de la escuela a la "
         "hora de entrada y por las tardes."),
        (("Speed trailer and focused enforcement for four weeks",
          "Radar de velocidad visible y controles focalizados durante cuatro semanas"),
         ("Ask the city for a raised crosswalk", "Pedir a la ciudad un paso de peatones elevado")),
        "City Traffic Engineering\n{n} Neighbourhood Association"),
    "break-ins": Topic(
        ("Three cars on our block were broken into last month.", "Car break-ins near {venue} almost every week.",
         "Packages are stolen from porches on {street}."),
        ("Robaron tres autos en nuestra cuadra el mes pasado.", "Roban paquetes de los porches en {street}."),
        ("Car break-ins near {venue}", "Robos de autos cerca de {venue}"),
        ("Car break-ins and thefts from porches have risen around {venue} and {street}.",
         "Los robos de autos y de paquetes han aumentado alrededor de {venue} y {street}."),
        (("Lighting check of the parking areas with the owners", "Revisión del alumbrado de los estacionamientos "
          "con los propietarios"),
         ("\"Lock it or lose it\" leaflets and evening foot patrols", "Folletos \"Ciérrelo o piérdalo\" y "
          "patrullas a pie por la tarde")),
        "{n} Business Association"),
    "lighting": Topic(
        ("The blocks around {park} are completely dark at night.", "Half the streetlights on {street} are out."),
        ("Las cuadras alrededor de {park} están completamente oscuras de noche.",),
        ("Dark blocks around {park}", "Cuadras oscuras alrededor de {park}"),
        ("Broken and missing streetlights leave the blocks around {park} dark, and residents avoid walking there.",
         "Faroles rotos o inexistentes dejan a oscuras las cuadras alrededor de {park}, y los residentes evitan "
         "caminar por allí."),
        (("Night walk with residents to list every light out", "Recorrido nocturno con residentes para anotar "
          "cada farol apagado"),
         ("Repairs by the city's lighting crew", "Reparaciones por el equipo de alumbrado de la ciudad")),
        "City Public Works"),
    "drugs": Topic(
        ("People are dealing drugs in {park} in the afternoon, next to the playground.",
         "Needles left on the path through {park}."),
        ("Venden drogas en {park} por la tarde, junto a los juegos infantiles.",),
        ("Drug dealing in {park}", "Venta de drogas en {park}"),
        ("Residents see drug dealing near the playground in {park} and find needles on the paths.",
         "Los residentes ven venta de drogas junto a los juegos de {park} y encuentran jeringas en los caminos."),
        (("Evening foot patrols in the park", "Patrullas a pie por la tarde en el parque"),
         ("Outreach with the health department's harm-reduction team", "Acercamiento con el equipo de reducción "
          "de daños del departamento de salud")),
        "County Health Department\n{city} Parks and Recreation"),
    "noise": Topic(
        ("Street racing and loud music on {street} until 3 in the morning.",
         "Loud parties every weekend on {street}."),
        ("Carreras y música a todo volumen en {street} hasta las 3 de la mañana.",),
        ("Late-night noise and street racing on {street}", "Ruido nocturno y carreras en {street}"),
        ("Residents near {street} lose sleep to street racing and loud parties on weekend nights.",
         "Los vecinos de {street} pierden el sueño por las carreras y las fiestas ruidosas los fines de semana."),
        (("Weekend evening patrols and a noise log kept by residents", "Patrullas los fines de semana por la "
          "noche y un registro de ruido llevado por los residentes"),
         ("Speed humps requested from the city", "Reductores de velocidad solicitados a la ciudad")),
        "{n} Neighbourhood Association"),
    "youth": Topic(
        ("There is nothing for teenagers to do after school in {n}.", "Kids hang around {venue} with nowhere to go."),
        ("No hay nada que hacer para los adolescentes después de clases en {n}.",),
        ("Somewhere to go after school in {n}", "Un lugar adonde ir después de clases en {n}"),
        ("Parents and young people say there is nowhere for teenagers to go after school in {n}.",
         "Madres, padres y jóvenes dicen que no hay adónde ir para los adolescentes después de clases en {n}."),
        (("Open the school gym two evenings a week", "Abrir el gimnasio de la escuela dos tardes por semana"),
         ("Youth basketball nights with officers and coaches", "Noches de básquetbol juvenil con agentes y "
          "entrenadores")),
        "Boys & Girls Club\n{n} Elementary School"),
    "encampment": Topic(
        ("The encampment by the creek keeps growing; people there need help.",
         "Tents along the creek path in {n}; we worry about fires."),
        ("El campamento junto al arroyo sigue creciendo; esas personas necesitan ayuda.",),
        ("Encampment by the creek in {n}", "Campamento junto al arroyo en {n}"),
        ("An encampment along the creek path in {n} has grown; residents worry about fires and about the people "
         "living there.",
         "Un campamento junto al arroyo en {n} ha crecido; a los residentes les preocupan los incendios y las "
         "personas que viven allí."),
        (("Weekly visits by outreach workers with officers", "Visitas semanales de trabajadores sociales con "
          "agentes"),
         ("Shelter beds and storage offered to everyone there", "Camas en albergues y almacenamiento ofrecidos a "
          "todas las personas")),
        "Homeless Outreach Coalition"),
    "graffiti": Topic(
        ("Graffiti on every wall along {street}, and nobody cleans it.", "Windows smashed at the shops on {street}."),
        ("Grafitis en todas las paredes de {street} y nadie los limpia.",),
        ("Graffiti and vandalism on {street}", "Grafitis y vandalismo en {street}"),
        ("Shop owners and residents report graffiti and broken windows along {street}.",
         "Comerciantes y residentes denuncian grafitis y ventanas rotas a lo largo de {street}."),
        (("Clean-up days with volunteers", "Jornadas de limpieza con voluntarios"),
         ("Murals with local artists on the worst walls", "Murales con artistas locales en las peores paredes")),
        "{city} Arts Council\n{n} Business Association"),
}
MEETING_KINDS = ("community-meeting", "town-hall", "focus-group", "coffee-with-officers", "safety-workshop",
                 "education-workshop")
STAGE_UPDATES = {
    Stage.SCANNING: ("Residents raised this at community meetings. We have opened a problem-solving project and "
                     "will post what we do here.",
                     "Los residentes plantearon este tema en reuniones comunitarias. Abrimos un proyecto de "
                     "resolución de problemas y publicaremos aquí lo que hagamos."),
    Stage.ANALYSIS: ("We looked at six months of calls and reports and walked the area with residents. The problem "
                     "is concentrated in a few blocks and at certain times of day.",
                     "Revisamos seis meses de llamadas y denuncias y recorrimos la zona con los residentes. El "
                     "problema se concentra en pocas cuadras y en ciertas horas del día."),
    Stage.RESPONSE: ("The response has started. First step: {response}.",
                     "La respuesta ha comenzado. Primer paso: {response_es}."),
    Stage.ASSESSMENT: ("We are now measuring whether it worked, comparing the eight weeks after the response with "
                       "the eight weeks before.",
                       "Ahora medimos si funcionó, comparando las ocho semanas posteriores a la respuesta con las "
                       "ocho anteriores."),
}
REVISIT = ("The first response did not change enough. We are going back to the analysis with residents.",
           "La primera respuesta no cambió lo suficiente. Volvemos al análisis con los residentes.")
INTERNAL_UPDATES = [
    "Hotspot analysis shared with the district sergeants; the addresses of repeat callers stay out of public "
    "updates.",
    "Waiting on the city for a date; follow up in two weeks.",
    "Partner asked that their staff not be named in public updates.",
]
MILESTONES = [
    ("Map where and when it happens (calls, reports, residents' accounts)",
     "Mapear dónde y cuándo ocurre (llamadas, denuncias, relatos de residentes)"),
    ("Meet residents and partners to agree on the causes", "Reunirse con residentes y socios para acordar las causas"),
    None,  # the topic's two responses
    ("Compare the eight weeks after with the eight weeks before",
     "Comparar las ocho semanas posteriores con las ocho anteriores"),
]
RESOLVED = ("Reports fell by about {percent}% in the eight weeks after the response, and residents at the last "
            "meeting said the difference is noticeable. The project is closed; tell us if the problem comes back.",
            "Las denuncias bajaron alrededor de un {percent}% en las ocho semanas posteriores a la respuesta, y los "
            "residentes en la última reunión dijeron que se nota la diferencia. El proyecto se cierra; avísenos si "
            "el problema vuelve.")
UNRESOLVED = ("The response did not reduce the problem enough, and the partner we needed could not commit "
              "funding this year. We have closed the project without a resolution and will raise it again in next "
              "year's plan.",
              "La respuesta no redujo el problema lo suficiente y el socio que necesitábamos no pudo comprometer "
              "fondos este año. Cerramos el proyecto sin resolución y lo volveremos a plantear en el plan del "
              "próximo año.")


# ---------------------------------------------------------------- places

@dataclass
class Venue:
    kind: str
    name: str
    address: str
    longitude: float
    latitude: float
    accessibility: tuple[str, str]


@dataclass
class Area:
    """A neighbourhood's story and the places its events are held."""

    presence: Presence
    venues: dict[str, Venue]  # by venue kind
    streets: list[str]
    topics: list[float]  # weight of each topic, in the order of TOPICS

    @property
    def neighbourhood(self) -> Neighbourhood:
        return self.presence.neighbourhood


def _areas(context: SeedContext, plan: dict[int, Presence]) -> dict[int, Area]:
    rng = context.rng
    areas = {}
    for pk, presence in plan.items():
        polygon = shape(presence.neighbourhood.boundary)
        inner = polygon.buffer(-0.0015)
        if inner.is_empty or inner.area < polygon.area * 0.2:
            inner = polygon.buffer(-0.0003)
        prepared = prep(inner)
        min_x, min_y, max_x, max_y = inner.bounds

        def point(prepared=prepared, inner=inner, min_x=min_x, min_y=min_y, max_x=max_x, max_y=max_y) -> Point:
            for _ in range(500):
                candidate = Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
                if prepared.contains(candidate):
                    return candidate
            return inner.representative_point()

        name = presence.neighbourhood.name
        streets = rng.sample(STREETS, 4)
        venues = {}
        for kind, (template, accessibility) in VENUE_KINDS.items():
            spot = point()
            venue_name = template.format(n=name) if template else rng.choice(CAFES)
            venues[kind] = Venue(kind, venue_name, f"{rng.randrange(100, 2999)} {rng.choice(streets)}",
                                 round(spot.x, 6), round(spot.y, 6), accessibility)
        weights = [rng.uniform(0.3, 1.0) for _ in TOPICS]
        for favourite in rng.sample(range(len(TOPICS)), 2):
            weights[favourite] *= 6
        areas[pk] = Area(presence, venues, streets, weights)
    return areas


# ---------------------------------------------------------------- the plan

@dataclass
class EventPlan:
    event: Event
    area: Area
    spec: KindPlan
    created_at: datetime
    cancelled_at: datetime | None = None
    demand: float = 0.0
    full_with_waitlist: bool = False
    rsvps: list[Rsvp] = field(default_factory=list)


@dataclass
class ProblemPlan:
    problem: Problem
    topic: Topic
    steps: list[tuple[datetime, str]]  # (when, stage) from opening on; "close" last when it closes
    resolved: bool
    concerns: list[Concern] = field(default_factory=list)


class Planner:
    def __init__(self, context: SeedContext, areas: dict[int, Area], now: datetime):
        self.context = context
        self.rng = context.rng
        self.agency = context.agency
        self.main = context.agency.slug == "port-alder"
        self.areas = areas
        self.now = now
        self.tz = zoneinfo.ZoneInfo(context.agency.timezone)
        self.today = timezone.localdate(now, self.tz)
        self.this_monday = self.today - timedelta(days=self.today.weekday())
        self.first_monday = self.this_monday - timedelta(weeks=WEEKS_BACK)
        self.city = _city(context.agency)
        self.kinds = {kind.slug: kind for kind in services.event_kinds(context.agency)}
        self.officers = list(scoped(Officer, context.agency).select_related("unit", "user").order_by("id"))
        self.staff = _staff(context.agency)
        self.demo_officer = next((o for o in self.officers if o.user_id and _is_officer(o)), None)
        self.people = 0
        self._weights: dict[str, list[float]] = {}

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    # ------------------------------------------------------------ events

    def progress(self, day: date) -> float:
        return min(max((day - self.first_monday).days / (WEEKS_BACK * 7), 0.0), 1.0)

    def kind_for(self, day: date, number: int) -> str:
        if not self.main:  # a few events: every kind in turn, outdoor ones in the warmer months
            slug = list(KINDS)[number % len(KINDS)]
            return slug if slug not in ("block-party", "fair") or 5 <= day.month <= 9 else "community-meeting"
        weights = []
        for slug, spec in KINDS.items():
            weight = spec.weight
            if slug == "block-party":
                weight *= 3 if day.month in (6, 7, 8) else 1 if day.month in (5, 9) else 0.1
            if slug == "fair":
                weight *= 2 if 4 <= day.month <= 10 else 0.1
            weights.append(weight)
        return self.rng.choices(list(KINDS), weights)[0]

    def when(self, slug: str, monday: date) -> tuple[datetime, datetime]:
        rng = self.rng
        if slug in ("block-party", "fair") or (slug == "youth-activity" and rng.random() < 0.6):
            day = monday + timedelta(days=5 if slug != "block-party" or rng.random() < 0.7 else 6)
            hour = {"fair": 10, "block-party": rng.choice([12, 15])}.get(slug, 10)
            hours = {"fair": 5, "block-party": rng.choice([3, 4])}.get(slug, 3)
            starts = self.at(day, hour)
        elif slug == "coffee-with-officers":
            starts, hours = self.at(monday + timedelta(days=rng.randrange(5)), rng.choice([8, 9])), 1.5
        elif slug == "youth-activity":
            starts, hours = self.at(monday + timedelta(days=rng.randrange(5)), 16), 2
        elif slug == "safety-workshop" and rng.random() < 0.3:
            starts, hours = self.at(monday + timedelta(days=5), 10), 2
        else:
            starts = self.at(monday + timedelta(days=rng.randrange(4)), 18, rng.choice([0, 0, 30]))
            hours = {"focus-group": 1.5, "town-hall": 2}.get(slug, rng.choice([1.5, 2]))
        return starts, starts + timedelta(minutes=round(hours * 60))

    def event(self, slug: str, monday: date) -> EventPlan:
        rng = self.rng
        spec = KINDS[slug]
        starts, ends = self.when(slug, monday)
        progress = self.progress(monday)
        areas = list(self.areas.values())
        area = rng.choices(areas, [a.presence.event_weight(progress) for a in areas])[0]
        venue = area.venues[rng.choice(spec.venues)]
        name, street = area.neighbourhood.name, rng.choice(area.streets)
        titles = spec.titles if slug != "block-party" or starts.month in (6, 7, 8) else spec.titles[:1]
        en, es = rng.choice(titles)
        fill = {"n": name, "venue": venue.name, "street": street, "city": self.city}
        units = {o.unit.code: o.unit for o in self.officers if o.unit}
        unit = units.get("CE") if rng.random() < 0.7 or slug in ("focus-group", "town-hall") else units.get(
            area.presence.district)
        partners = rng.sample([f"{name} Neighbourhood Association", f"{self.city} Public Library",
                               "Boys & Girls Club", "Iglesia San José", "Centro Latino", f"{name} Business Association",
                               "Neighbors for Safer Streets"], rng.choice([0, 0, 1, 1, 2]))
        language = rng.choice(LANGUAGE_NOTES) if rng.random() < 0.85 else None
        event = Event(
            agency=self.agency, kind=self.kinds[slug], title={"en": en.format(**fill), "es": es.format(**fill)},
            description={"en": spec.description[0].format(**fill), "es": spec.description[1].format(**fill)},
            starts_at=starts, ends_at=ends, place_name=venue.name, address=venue.address,
            latitude=venue.latitude, longitude=venue.longitude, neighbourhood=area.neighbourhood,
            accessibility_notes={"en": venue.accessibility[0], "es": venue.accessibility[1]},
            language_notes={"en": language[0], "es": language[1]} if language else {},
            capacity=rng.choice(spec.capacities),
            organiser=unit.name if unit else f"{self.city} community engagement", organising_unit=unit,
            partner_organisations="\n".join(partners), created_by=self.staff)
        created = min(starts - timedelta(days=rng.randrange(14, 43), hours=rng.randrange(8)),
                      self.now - timedelta(hours=rng.randrange(2, 48)))
        plan = EventPlan(event, area, spec, created)
        level = min(area.presence.level(progress), 1.2)
        plan.demand = max(0.0, spec.demand * (0.55 + 0.45 * level) * rng.gauss(1, 0.25))
        if rng.random() < CANCELLED:
            plan.cancelled_at = starts - timedelta(days=rng.uniform(0.5, 6))
            if plan.cancelled_at < created:
                plan.cancelled_at = None
        if plan.cancelled_at and plan.cancelled_at <= self.now:
            event.status = EventStatus.CANCELLED
        return plan

    def events(self) -> list[EventPlan]:
        plans = []
        number = 0
        for week in range(WEEKS_BACK + WEEKS_AHEAD + 1):
            monday = self.first_monday + timedelta(weeks=week)
            if self.main:
                count = sum(self.rng.choice(EVENTS_PER_WEEK) for _ in range(self.context.scale))
            else:
                count = 1 if self.rng.random() < SMALL_AGENCY_WEEKLY_CHANCE else 0
            for _ in range(count):
                plans.append(self.event(self.kind_for(monday, number), monday))
                number += 1
        horizon = self.now + timedelta(weeks=WEEKS_AHEAD)
        plans = [plan for plan in plans if plan.event.starts_at <= horizon]
        self.upcoming_highlights(plans)
        return sorted(plans, key=lambda plan: plan.event.starts_at)

    def upcoming_highlights(self, plans: list[EventPlan]) -> None:
        """Ahead: a focus group already full with a waiting list, and one event cancelled."""
        ahead = [plan for plan in plans if plan.event.starts_at > self.now + timedelta(days=2)]
        monday = self.this_monday + timedelta(weeks=1)
        full = self.event("focus-group", monday)
        full.event.capacity = 12
        full.event.status, full.cancelled_at = EventStatus.SCHEDULED, None
        full.created_at = self.now - timedelta(days=20)
        full.full_with_waitlist = True
        plans.append(full)
        candidates = [plan for plan in ahead if plan.event.status == EventStatus.SCHEDULED
                      and plan.event.starts_at < self.now + timedelta(weeks=3)
                      and plan.created_at < self.now - timedelta(days=10)]
        if candidates:  # one that people had replied to, so they were told
            cancelled = self.rng.choice([plan for plan in candidates if plan.spec.demand >= 15] or candidates)
            cancelled.demand = max(cancelled.demand, 24.0)
            cancelled.cancelled_at = max(self.now - timedelta(hours=self.rng.randrange(3, 40)),
                                         cancelled.created_at + (self.now - cancelled.created_at) / 2)
            cancelled.event.status = EventStatus.CANCELLED

    # ------------------------------------------------------------ replies

    def person(self) -> tuple[str, str, str]:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = "" if rng.random() < NO_EMAIL else f"{first}.{last}{rng.randrange(100)}@example.org".lower()
        return f"{first} {last}", email, "es" if rng.random() < SPANISH else "en"

    def replies(self, plan: EventPlan) -> None:
        """The replies to one event, confirmed, waiting, cancelled and promoted as the services would."""
        rng = self.rng
        event = plan.event
        opened = plan.created_at + timedelta(hours=2)
        closes = event.starts_at - timedelta(hours=2)
        until = min(closes, self.now, plan.cancelled_at or closes)
        if until <= opened:
            return
        arrivals: list[tuple[datetime, int]] = []
        if plan.full_with_waitlist:
            sizes, total = [], 0
            while total < event.capacity:
                size = min(rng.choices([1, 2, 3], [70, 22, 8])[0], event.capacity - total)
                sizes.append(size)
                total += size
            sizes += [rng.choice([1, 2]), 3, 1]
            span = (self.now - timedelta(hours=1) - opened) / (len(sizes) + 1)
            arrivals = [(opened + span * (index + 1), size) for index, size in enumerate(sizes)]
        else:
            people = 0
            while people < plan.demand:
                size = rng.choices([1, 2, 3, 4], [62, 26, 8, 4])[0]
                people += size
                moment = opened + (closes - opened) * rng.betavariate(2, 1.2)
                if moment < until:
                    arrivals.append((moment, size))
        actions = []
        for index, (moment, size) in enumerate(sorted(arrivals)):
            name, email, language = self.person()
            reply = Rsvp(agency=self.agency, event=event, name=name, email=email, party_size=size,
                         language=language, created_at=moment,
                         uid=uuid.UUID(int=rng.getrandbits(128), version=4))
            actions.append((moment, 0, index, reply))
            if not plan.full_with_waitlist and rng.random() < CANCELS_REPLY:
                cancel = moment + (closes - moment) * rng.random()
                if cancel < until:
                    actions.append((cancel, 1, index, reply))
        left = event.capacity
        waiting: list[Rsvp] = []
        confirmed: dict[int, datetime] = {}  # when each reply had its place
        for moment, cancelling, _index, reply in sorted(actions, key=lambda action: action[:3]):
            if not cancelling:
                fits = left is None or reply.party_size <= left
                reply.status = RsvpStatus.CONFIRMED if fits else RsvpStatus.WAITLISTED
                if fits:
                    confirmed[id(reply)] = moment
                if fits and left is not None:
                    left -= reply.party_size
                if not fits:
                    waiting.append(reply)
                plan.rsvps.append(reply)
                continue
            was = reply.status
            reply.status, reply.cancelled_at = RsvpStatus.CANCELLED, moment
            if was == RsvpStatus.WAITLISTED:
                waiting.remove(reply)
            elif left is not None:
                left += reply.party_size
            for party in list(waiting):  # `_promote_waiting`: in order of reply, each party whole
                if left is not None and party.party_size > left:
                    continue
                party.status, party.promoted_at = RsvpStatus.CONFIRMED, moment
                confirmed[id(party)] = moment
                waiting.remove(party)
                if left is not None:
                    left -= party.party_size
        for reply in plan.rsvps:
            reply.token_hash = hashlib.sha256(services.rsvp_token(reply).encode()).hexdigest()  # as `rsvp` does
            self.remind(plan, reply, confirmed)

    def remind(self, plan: EventPlan, reply: Rsvp, confirmed: dict[int, datetime]) -> None:
        """`send_reminders` runs hourly and reminds confirmed replies the day before (agency time)."""
        event = plan.event
        if event.status == EventStatus.CANCELLED or not reply.email:
            return
        day_before = self.at(event.starts_at.astimezone(self.tz).date() - timedelta(days=1), 0)
        due = max(day_before, event.starts_at - timedelta(hours=35))
        due = due.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=self.rng.randrange(1, 5))
        confirmed_since = confirmed.get(id(reply))
        if confirmed_since is None or confirmed_since > due or due > self.now:
            return
        if reply.cancelled_at is not None and reply.cancelled_at <= due:
            return
        reply.reminder_sent_at = due

    # ------------------------------------------------------------ at the event

    def attendance(self, plan: EventPlan) -> list[Attendance]:
        rng = self.rng
        event = plan.event
        if event.status == EventStatus.CANCELLED or event.ends_at > self.now:
            return []
        recorders = [user for user in (self.staff, self.demo_officer.user if self.demo_officer else None) if user]
        rows = []
        level = min(plan.area.presence.level(self.progress(event.starts_at.date())), 1.2)
        for reply in plan.rsvps:
            shows = {RsvpStatus.CONFIRMED: 0.72 + 0.1 * level, RsvpStatus.WAITLISTED: 0.12}.get(reply.status, 0)
            if rng.random() < shows:
                method = CheckInMethod.QR_CODE if reply.email and rng.random() < 0.45 else CheckInMethod.RSVP_LIST
                rows.append(Attendance(agency=self.agency, event=event, rsvp=reply, people=reply.party_size,
                                       method=method, recorded_by=rng.choice(recorders),
                                       recorded_at=event.starts_at + timedelta(minutes=rng.randrange(-15, 30))))
        count, fewest, most = plan.spec.walk_ins
        for _ in range(rng.randrange(count + 1) if count <= 1 else rng.randrange(1, count + 1)):
            people = max(1, round(rng.randrange(fewest, most + 1) * (0.5 + 0.5 * level)))
            rows.append(Attendance(agency=self.agency, event=event, people=people, method=CheckInMethod.WALK_IN,
                                   recorded_by=rng.choice(recorders),
                                   recorded_at=event.starts_at + (event.ends_at - event.starts_at) * rng.random()))
        self.people += sum(row.people for row in rows)
        return rows

    def participation(self, plan: EventPlan) -> list[OfficerParticipation]:
        """Officers who took part: the Community Engagement unit most often, then the district's patrol unit."""
        rng = self.rng
        event = plan.event
        if event.status == EventStatus.CANCELLED or event.ends_at > self.now or not self.officers:
            return []
        weights = self.officer_weights(plan.area.presence.district)
        wanted = rng.randint(*plan.spec.officers)
        chosen: list[Officer] = []
        for _ in range(wanted * 4):
            officer = rng.choices(self.officers, weights)[0]
            if officer not in chosen and officer.active_from <= event.starts_at.date():
                chosen.append(officer)
            if len(chosen) == wanted:
                break
        hours = (event.ends_at - event.starts_at).total_seconds() / 3600
        rows = []
        for position, officer in enumerate(chosen):
            if position == 0:
                role, spent = plan.spec.lead_role, hours + rng.choice([0.5, 0.75, 1])
            else:
                role = rng.choices([ParticipationRole.PARTICIPANT, ParticipationRole.SUPPORT], [6, 4])[0]
                spent = hours + rng.choice([-0.5, 0, 0, 0.25])
            spent = min(max(round(spent * 4) / 4, 0.25), services.MAX_EVENT_HOURS)
            rows.append(OfficerParticipation(
                agency=self.agency, event=event, officer=officer, role=role, hours=Decimal(str(spent)),
                recorded_by=self.staff,
                recorded_at=min(event.ends_at + timedelta(hours=rng.randrange(1, 48)), self.now)))
        return rows

    def officer_weights(self, district: str) -> list[float]:
        if district not in self._weights:
            weights = []
            for officer in self.officers:
                code = officer.unit.code if officer.unit else ""
                weight = 10 if code == "CE" else 3 if code == district else 0.3
                if officer == self.demo_officer:
                    weight = 25 if code == district else 6
                weights.append(weight)
            self._weights[district] = weights
        return self._weights[district]

    def concerns(self, plan: EventPlan) -> list[tuple[str, Concern]]:
        rng = self.rng
        event = plan.event
        slug = event.kind.slug
        if slug not in MEETING_KINDS or event.status == EventStatus.CANCELLED or event.ends_at > self.now:
            return []
        area = plan.area
        made = []
        for _ in range(rng.randint(*KINDS[slug].concerns)):
            name = rng.choices(list(TOPICS), area.topics)[0]
            topic = TOPICS[name]
            texts = topic.concerns_es if rng.random() < 0.15 else topic.concerns
            text = rng.choice(texts).format(**self.fill(area))
            recorder = self.demo_officer.user if self.demo_officer and rng.random() < 0.2 else self.staff
            made.append((name, Concern(agency=self.agency, event=event, neighbourhood=area.neighbourhood, text=text,
                                       recorded_by=recorder,
                                       recorded_at=min(event.ends_at + timedelta(minutes=rng.randrange(10, 120)),
                                                       self.now))))
        return made

    def fill(self, area: Area) -> dict:
        return {"n": area.neighbourhood.name, "street": area.streets[0], "park": area.venues["park"].name,
                "venue": area.venues["library"].name, "city": self.city}

    # ------------------------------------------------------------ problem-solving projects

    def problems(self, concerns: list[tuple[str, Concern]]) -> list[ProblemPlan]:
        rng = self.rng
        now = self.now
        day = timedelta(days=1)
        # (days ago opened, the stage it is in now or "resolved"/"unresolved")
        anchors = [(9, Stage.SCANNING), (45, Stage.ANALYSIS), (120, Stage.RESPONSE), (240, Stage.ASSESSMENT),
                   (480, "resolved"), (400, "unresolved")]
        if not self.main:
            anchors = [(12, Stage.SCANNING), (150, Stage.RESPONSE), (420, "resolved")]
            randoms = 0
        else:
            randoms = RANDOM_PROBLEMS * self.context.scale
        wanted = anchors + [(rng.randrange(15, 700), None) for _ in range(randoms)]
        plans = []
        for days_ago, fate in wanted:
            opened = now - day * days_ago - timedelta(hours=rng.randrange(0, 9))
            steps = self.steps(opened, fate)
            plans.append(self.problem(opened, steps, fate, concerns))
        if self.main and plans:
            plans[min(3, len(plans) - 1)].problem.is_public = False  # one project kept internal
        return plans

    def steps(self, opened: datetime, fate: str | None) -> list[tuple[datetime, str]]:
        rng = self.rng
        days = lambda low, high: timedelta(days=rng.uniform(low, high))  # noqa: E731
        if fate in Stage.values:  # pack the walk so the project is in that stage now
            order = Stage.values[:Stage.values.index(fate) + 1]
            span = (self.now - opened) * 0.85
            steps = [(opened + span * index / max(len(order) - 1, 1) if index else opened, stage)
                     for index, stage in enumerate(order)]
            return steps
        at = opened
        steps = [(at, Stage.SCANNING)]
        walk = [Stage.ANALYSIS, Stage.RESPONSE, Stage.ASSESSMENT]
        if rng.random() < 0.15:
            walk += [Stage.ANALYSIS, Stage.RESPONSE, Stage.ASSESSMENT]
        gaps = {Stage.ANALYSIS: (14, 35), Stage.RESPONSE: (21, 56), Stage.ASSESSMENT: (56, 140)}
        for stage in walk:
            at += days(*gaps[stage])
            steps.append((at, stage))
        at += days(21, 56)
        steps.append((at, "close"))
        if fate in ("resolved", "unresolved") and at > self.now:
            shift = at - self.now + days(5, 30)
            steps = [(steps[0][0], steps[0][1])] + [(moment - shift, stage) for moment, stage in steps[1:]]
            steps = [(max(moment, opened + timedelta(days=index)), stage)
                     for index, (moment, stage) in enumerate(steps)]
        return steps

    def problem(self, opened: datetime, steps: list[tuple[datetime, str]], fate: str | None,
                concerns: list[tuple[str, Concern]]) -> ProblemPlan:
        rng = self.rng
        earlier = [(name, concern) for name, concern in concerns
                   if concern.recorded_at <= opened and concern.problem is None and concern.neighbourhood]
        if earlier:
            name, first = rng.choice(earlier)
            area = self.areas[first.neighbourhood.pk]
        else:
            areas = list(self.areas.values())
            area = rng.choices(areas, [a.presence.event_weight(self.progress(opened.date())) for a in areas])[0]
            name = rng.choices(list(TOPICS), area.topics)[0]
        topic = TOPICS[name]
        fill = self.fill(area)
        engagement = [o for o in self.officers if o.unit and o.unit.code in ("CE", area.presence.district)]
        owner = (self.demo_officer if self.demo_officer and rng.random() < 0.15
                 else rng.choice(engagement or self.officers) if self.officers else None)
        resolved = fate == "resolved" or (fate is None and rng.random() < 0.75)
        problem = Problem(
            agency=self.agency, title={"en": topic.title[0].format(**fill), "es": topic.title[1].format(**fill)},
            summary={"en": topic.summary[0].format(**fill), "es": topic.summary[1].format(**fill)},
            neighbourhood=area.neighbourhood, owner=owner,
            partner_organisations=topic.partners.format(**fill), opened_at=opened,
            created_by=owner.user if owner and owner.user_id else self.staff)
        plan = ProblemPlan(problem, topic, steps, resolved)
        for concern_name, concern in concerns:
            if (concern_name == name and concern.neighbourhood_id == area.neighbourhood.pk
                    and concern.problem is None
                    and (concern.recorded_at <= opened or (concern.recorded_at <= steps[-1][0]
                                                           and rng.random() < 0.5))):
                concern.problem = problem
                plan.concerns.append(concern)
        return plan

    def problem_history(self, plan: ProblemPlan) -> tuple[list[Milestone], list[ProblemUpdate]]:
        rng = self.rng
        problem, topic = plan.problem, plan.topic
        writer = problem.created_by
        past = [(moment, stage) for moment, stage in plan.steps if moment <= self.now]
        closing = next((moment for moment, stage in past if stage == "close"), None)
        stages = [(moment, stage) for moment, stage in past if stage != "close"]
        problem.stage = stages[-1][1]
        if closing:
            problem.status = ProblemStatus.RESOLVED if plan.resolved else ProblemStatus.CLOSED_UNRESOLVED
            problem.closed_at = closing
            text = RESOLVED if plan.resolved else UNRESOLVED
            percent = rng.randrange(30, 65)
            problem.outcome = {"en": text[0].format(percent=percent), "es": text[1].format(percent=percent)}

        updates = []
        seen = set()
        for moment, stage in stages:
            if stage in seen and stage == Stage.ANALYSIS:
                text = REVISIT
            else:
                en, es = STAGE_UPDATES[stage]
                text = (en.format(response=topic.responses[0][0]), es.format(response_es=topic.responses[0][1]))
            seen.add(stage)
            updates.append(ProblemUpdate(problem=problem, stage=stage, text={"en": text[0], "es": text[1]},
                                         written_by=writer,
                                         written_at=min(moment + timedelta(minutes=rng.randrange(5, 90)),
                                                        self.now)))
        if len(stages) >= 3 and rng.random() < 0.5:
            moment = stages[-1][0] - (stages[-1][0] - stages[-2][0]) / 2
            updates.append(ProblemUpdate(problem=problem, stage=stages[-2][1], is_public=False,
                                         text={"en": rng.choice(INTERNAL_UPDATES)}, written_by=writer,
                                         written_at=moment))

        # When each milestone was reached: mapping halfway through the first analysis, the causes at the
        # first response, the responses during it, the comparison at closing.
        first = {}
        for moment, stage in plan.steps:
            first.setdefault(stage, moment)
        response_at = first.get(Stage.RESPONSE)
        assessment_at = first.get(Stage.ASSESSMENT)
        reached = [
            first[Stage.ANALYSIS] + (response_at - first[Stage.ANALYSIS]) / 2
            if Stage.ANALYSIS in first and response_at else None,
            response_at,
            response_at + (assessment_at - response_at) / 3 if response_at and assessment_at else None,
            assessment_at,
            first.get("close"),
        ]
        titles = [MILESTONES[0], MILESTONES[1], topic.responses[0], topic.responses[1], MILESTONES[3]]
        milestones = []
        for position, (title, when) in enumerate(zip(titles, reached, strict=True)):
            if when is None and position > 2 and len(milestones) >= 3:
                continue
            done = when is not None and when <= self.now
            if not plan.resolved and position == 3:
                done = False  # the second response never happened
            planned = when or (problem.opened_at + timedelta(days=30 * (position + 1)))
            due = (planned + timedelta(days=rng.randrange(-10, 6))).astimezone(self.tz).date()
            milestones.append(Milestone(problem=problem, title={"en": title[0], "es": title[1]}, due_on=due,
                                        done_on=when.astimezone(self.tz).date() if done else None,
                                        position=len(milestones)))
        return milestones, updates


def _city(agency: Agency) -> str:
    for suffix in (" Police Department", " Sheriff's Office", " Police"):
        if agency.name.endswith(suffix):
            return agency.name[: -len(suffix)]
    return agency.name


def _staff(agency: Agency):
    for role in (Role.ENGAGEMENT_STAFF, Role.AGENCY_ADMIN):
        membership = (Membership.objects.filter(agency=agency, role=role).select_related("user").order_by("id")
                      .first())
        if membership:
            return membership.user
    return None


def _is_officer(officer: Officer) -> bool:
    return Membership.objects.filter(agency_id=officer.agency_id, user_id=officer.user_id, role=Role.OFFICER).exists()


def seed(context: SeedContext) -> None:
    agency = context.agency
    now = timezone.now()
    neighbourhoods = list(scoped(Neighbourhood, agency).order_by("id"))
    if not neighbourhoods:
        return
    areas = _areas(context, presence_plan(agency, neighbourhoods))
    planner = Planner(context, areas, now)
    plans = planner.events()
    events = Event.objects.bulk_create([plan.event for plan in plans], batch_size=500)
    for plan in plans:  # created weeks ahead; cancelled ones changed when cancelled
        plan.event.created_at = plan.created_at
        plan.event.updated_at = plan.cancelled_at if plan.event.is_cancelled else plan.created_at
    Event.objects.bulk_update(events, ["created_at", "updated_at"], batch_size=500)

    attendance, participation, concerns = [], [], []
    for plan in plans:
        planner.replies(plan)
        attendance += planner.attendance(plan)
        participation += planner.participation(plan)
        concerns += planner.concerns(plan)
    # The two latest events that are over asked for feedback the day after. Their replies are marked as asked
    # here, so `request_feedback` below opens the surveys without sending e-mail from the demo.
    came = {id(row.rsvp) for row in attendance if row.rsvp is not None}
    feedback = [plan for plan in plans if plan.event.status == EventStatus.SCHEDULED
                and plan.event.ends_at < now - timedelta(days=1)
                and any(id(reply) in came and reply.email for reply in plan.rsvps)][-2:]
    for plan in feedback:
        for reply in plan.rsvps:
            if id(reply) in came and reply.email:
                reply.feedback_requested_at = plan.event.ends_at + timedelta(days=1)

    rsvps = Rsvp.objects.bulk_create([reply for plan in plans for reply in plan.rsvps], batch_size=1000)
    Attendance.objects.bulk_create(attendance, batch_size=1000)
    OfficerParticipation.objects.bulk_create(participation, batch_size=1000)

    problem_plans = planner.problems(concerns)
    milestones, updates = [], []
    for plan in problem_plans:
        made_milestones, made_updates = planner.problem_history(plan)
        milestones += made_milestones
        updates += made_updates
    Problem.objects.bulk_create([plan.problem for plan in problem_plans])
    Concern.objects.bulk_create([concern for _name, concern in concerns], batch_size=1000)
    Milestone.objects.bulk_create(milestones, batch_size=1000)
    ProblemUpdate.objects.bulk_create(updates, batch_size=1000)
    for plan in feedback:
        services.request_feedback(planner.staff, plan.event)

    past = [plan for plan in plans if plan.event.starts_at <= now]
    upcoming = len(plans) - len(past)
    audit.record("engagement.demo_history_loaded", agency=agency, changes={
        "events": len(plans), "rsvps": len(rsvps), "attendance_rows": len(attendance),
        "participation": len(participation), "concerns": len(concerns), "problems": len(problem_plans),
        "note": "Demo events, replies, attendance and problem-solving projects, loaded in bulk."})
    context.log.append(
        f"{agency.name}: {len(past)} events over two years and {upcoming} in the next six weeks; {len(rsvps)} RSVPs, "
        f"{planner.people} people came, {len(participation)} officer participations; {len(concerns)} concerns, "
        f"{len(problem_plans)} problem-solving projects.")
