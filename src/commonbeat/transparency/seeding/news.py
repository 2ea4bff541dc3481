"""The demo city's news page: about twenty-five published updates spread over the last year (news, public
meeting notices and safety alerts, in English and Spanish), three public meetings still ahead, one safety alert
active now, and one draft waiting to be published."""

from datetime import datetime, time, timedelta

from django.utils.text import slugify

from commonbeat.core import audit
from commonbeat.core.models import Neighbourhood
from commonbeat.core.seeding import SeedContext
from commonbeat.core.tenancy import scoped

from ..models import Update, UpdateKind

NEWS, MEETING, SAFETY = UpdateKind.NEWS, UpdateKind.MEETING, UpdateKind.SAFETY

# (kind, days ago published, English title, Spanish title, English summary, Spanish summary); a meeting's day is
# `MEETING_DAYS` after publishing. "{place}" is a neighbourhood's name.
UPDATES = [
    (NEWS, 350, "New community liaison officers start work", "Comienzan los nuevos agentes de enlace comunitario",
     "Four officers now work full time with neighbourhood groups, schools and businesses.",
     "Cuatro agentes trabajan ahora a tiempo completo con grupos vecinales, escuelas y comercios."),
    (MEETING, 330, "Public meeting on the department's budget", "Reunión pública sobre el presupuesto del departamento",
     "Hear how the budget is spent and say what matters to you.",
     "Conozca cómo se gasta el presupuesto y diga qué le importa."),
    (SAFETY, 310, "Scam calls claiming to be from the department",
     "Llamadas fraudulentas que dicen ser del departamento",
     "Officers never ask for payment by phone or gift card. Hang up and call the non-emergency line.",
     "Los agentes nunca piden pagos por teléfono ni con tarjetas de regalo. Cuelgue y llame a la línea de "
     "no emergencia."),
    (NEWS, 290, "Body-worn camera policy updated", "Actualizada la política de cámaras corporales",
     "The updated policy says when cameras are switched on and how residents can request footage.",
     "La política actualizada indica cuándo se encienden las cámaras y cómo pedir grabaciones."),
    (NEWS, 270, "Annual report on complaints and commendations", "Informe anual de quejas y felicitaciones",
     "The year's figures on complaints, findings and commendations are now online.",
     "Las cifras del año sobre quejas, resoluciones y felicitaciones ya están en línea."),
    (MEETING, 250, "Listening session in {place}", "Sesión de escucha en {place}",
     "Officers and neighbours talk about traffic, lighting and safety in {place}.",
     "Agentes y vecinos hablan del tráfico, el alumbrado y la seguridad en {place}."),
    (NEWS, 230, "Youth summer league signs up record numbers", "Récord de inscripciones en la liga juvenil de verano",
     "More than 300 young people joined the summer sports league run with our partners.",
     "Más de 300 jóvenes se unieron a la liga deportiva de verano organizada con nuestros socios."),
    (SAFETY, 210, "Heat advisory: check on your neighbours", "Aviso de calor: visite a sus vecinos",
     "Cooling centres are open. Check on older neighbours and never leave children or pets in a car.",
     "Los centros de enfriamiento están abiertos. Visite a los vecinos mayores y no deje niños ni mascotas "
     "en el auto."),
    (NEWS, 190, "Crisis team now answers calls around the clock", "El equipo de crisis atiende ahora las 24 horas",
     "Clinicians ride with officers on mental-health calls at any hour.",
     "Clínicos acompañan a los agentes en llamadas de salud mental a cualquier hora."),
    (MEETING, 175, "Community advisory board open house", "Jornada de puertas abiertas del consejo asesor",
     "Meet the board members and learn how to apply for a seat.",
     "Conozca a los miembros del consejo y cómo solicitar un puesto."),
    (NEWS, 160, "Foot patrols return to {place}", "Vuelven las patrullas a pie en {place}",
     "Officers walk the main streets of {place} every afternoon.",
     "Los agentes recorren a pie las calles principales de {place} cada tarde."),
    (SAFETY, 140, "Catalytic converter thefts in {place}", "Robos de convertidores catalíticos en {place}",
     "Park in lit areas or a garage, and report suspicious activity.",
     "Estacione en zonas iluminadas o en un garaje y reporte actividad sospechosa."),
    (NEWS, 120, "De-escalation training completed by every patrol officer",
     "Todos los agentes de patrulla completaron la formación en desescalada",
     "Every patrol officer finished the 16-hour de-escalation course this year.",
     "Todos los agentes de patrulla terminaron este año el curso de desescalada de 16 horas."),
    (MEETING, 100, "Town hall on the new community survey", "Asamblea sobre la nueva encuesta comunitaria",
     "See the survey results by neighbourhood and discuss what should change.",
     "Vea los resultados de la encuesta por barrio y hable de lo que debe cambiar."),
    (NEWS, 85, "Open data: use-of-force figures published", "Datos abiertos: publicadas las cifras de uso de la fuerza",
     "Quarterly figures are now in the open data catalogue, with small counts suppressed.",
     "Las cifras trimestrales ya están en el catálogo de datos abiertos, con los números pequeños ocultos."),
    (SAFETY, 70, "Road closures for the river festival", "Cierres de calles por el festival del río",
     "Streets near the riverfront close from Friday evening to Sunday night.",
     "Las calles cerca del río se cierran desde el viernes por la tarde hasta el domingo por la noche."),
    (NEWS, 60, "Officers recognised for a water rescue", "Reconocimiento a agentes por un rescate en el agua",
     "Two officers and a resident pulled a child from the river in {place}.",
     "Dos agentes y un vecino sacaron a un niño del río en {place}."),
    (NEWS, 45, "Coffee with a cop returns this autumn", "Vuelve «Café con un agente» este otoño",
     "Monthly chats with officers at neighbourhood cafés, no appointment needed.",
     "Charlas mensuales con agentes en cafés del barrio, sin cita previa."),
    (NEWS, 30, "Draft policy on vehicle pursuits open for comment",
     "Borrador de política sobre persecuciones abierto a comentarios",
     "Read the draft and tell us what you think before the comment period ends.",
     "Lea el borrador y díganos qué opina antes de que termine el plazo de comentarios."),
    (MEETING, 20, "Public meeting on traffic safety in {place}", "Reunión pública sobre seguridad vial en {place}",
     "Speeding and crossings near schools in {place}: hear the plan and have your say.",
     "Velocidad y cruces cerca de escuelas en {place}: conozca el plan y opine."),
    (NEWS, 14, "New bike patrol unit", "Nueva unidad de patrulla en bicicleta",
     "Six officers on bicycles now patrol parks and trails.",
     "Seis agentes en bicicleta patrullan ahora parques y senderos."),
    (MEETING, 10, "Oversight board hearing on the annual report",
     "Audiencia del consejo de supervisión sobre el informe anual",
     "The civilian oversight board reviews the department's annual report in public.",
     "El consejo civil de supervisión revisa en público el informe anual del departamento."),
    (NEWS, 6, "Winter coat drive at every station", "Colecta de abrigos de invierno en cada estación",
     "Drop off clean coats at any police station until the end of the month.",
     "Deje abrigos limpios en cualquier estación de policía hasta fin de mes."),
    (MEETING, 4, "Neighbourhood safety walk in {place}", "Recorrido de seguridad vecinal en {place}",
     "Walk {place} with officers and city staff to find broken lights and unsafe corners.",
     "Recorra {place} con agentes y personal municipal para encontrar luces rotas y esquinas peligrosas."),
    (SAFETY, 2, "Series of car break-ins in {place}", "Serie de robos en autos en {place}",
     "Several cars were broken into overnight in {place}. Do not leave valuables in sight and report anything "
     "suspicious.",
     "Varios autos fueron forzados durante la noche en {place}. No deje objetos de valor a la vista y reporte "
     "cualquier actividad sospechosa."),
]
# Days between a meeting notice's publication and the meeting: the last three published are still ahead.
MEETING_DAYS = 21
BODY_EN = ("{summary}\n\nFor questions, call the non-emergency line at 555-0100 or write to "
           "community@example.org.\n\nThis update is also available in Spanish.")
BODY_ES = ("{summary}\n\nSi tiene preguntas, llame a la línea de no emergencia al 555-0100 o escriba a "
           "community@example.org.\n\nEsta actualización también está disponible en inglés.")
PLACES = ["Community Room, Central Library", "Gymnasium, Las Palmas Elementary", "City Hall, Council Chambers",
          "Online (link on this page the day before)"]


def seed(context: SeedContext) -> None:
    agency, rng, today = context.agency, context.rng, context.today
    zone = agency.zone
    neighbourhoods = list(scoped(Neighbourhood, agency).order_by("slug"))
    updates, taken = [], set()
    for index, (kind, days_ago, title_en, title_es, summary_en, summary_es) in enumerate(UPDATES):
        neighbourhood = rng.choice(neighbourhoods) if neighbourhoods and "{place}" in title_en + summary_en else None
        place_name = neighbourhood.name if neighbourhood else ""
        texts = [text.replace("{place}", place_name) for text in (title_en, title_es, summary_en, summary_es)]
        published = datetime.combine(today - timedelta(days=days_ago), time(rng.randint(8, 16), rng.choice([0, 30])),
                                     tzinfo=zone)
        starts = ends = None
        place = ""
        if kind == MEETING:
            starts = datetime.combine(today - timedelta(days=days_ago - MEETING_DAYS), time(18, 30), tzinfo=zone)
            ends, place = starts + timedelta(hours=2), PLACES[index % len(PLACES)]
        elif kind == SAFETY and days_ago <= 7:
            ends = datetime.combine(today + timedelta(days=5), time.min, tzinfo=zone)  # the active alert
        slug = slugify(texts[0])[:70]
        while slug in taken:
            slug = f"{slug}-{index}"
        taken.add(slug)
        updates.append(Update(
            agency=agency, kind=kind, slug=slug, title={"en": texts[0], "es": texts[1]},
            summary={"en": texts[2], "es": texts[3]},
            body={"en": BODY_EN.format(summary=texts[2]), "es": BODY_ES.format(summary=texts[3])},
            neighbourhood=neighbourhood, starts_at=starts, ends_at=ends, place=place, published_at=published))
    updates.append(Update(
        agency=agency, kind=NEWS, slug="spring-open-house-draft",
        title={"en": "Spring open house at headquarters"},
        summary={"en": "Tour the station, meet the dispatchers and see the crisis team's van."},
        body={"en": "Details to follow once the date is confirmed."}))
    created = Update.objects.bulk_create(updates)
    for update in created:
        # Demo history: each published update was written and last changed when it was published.
        moment = update.published_at or datetime.combine(today, time(9), tzinfo=zone)
        update.created_at = update.updated_at = moment
    Update.objects.bulk_update(created, ["created_at", "updated_at"])
    published = [update for update in created if update.published_at]
    upcoming = sum(1 for update in published if update.starts_at and update.starts_at.date() > today)
    audit.record("transparency.news_demo_loaded", agency=agency, changes={
        "published": len(published), "drafts": len(created) - len(published), "upcoming_meetings": upcoming})
    context.log.append(f"{context.agency.name}: {len(published)} published updates ({upcoming} public meetings ahead, "
                       f"1 active safety alert) and {len(created) - len(published)} draft")
