"""Two years of monthly trust and safety survey waves for the demo city, then the trust index computed.

The survey is built and opened through the services, as staff would. The responses are written in bulk
(thousands of them, with their answers), as `submit_response` would store them: the index fields copied
onto the response, one Answer per question answered, nothing for a question left blank.

The waves are made so that weighting matters, as it does in real surveys: young people, men, and Black and
Hispanic residents answer less often, and they also trust the police less, so the raw average overstates
trust by several points and the weighted figure corrects it. Neighbourhoods differ in trust and in their
trends (most improve, at different speeds; one gets worse), in how many residents answer (one is hard to
reach, so some of its months have too few answers for a figure) and in what they name as the number-one
issue. About a fifth of the answers are in Spanish. A few answers contain names or contact details, as
real ones do; the index's issue terms leave them out.
"""

import math
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from commonbeat.accounts.models import Membership, User
from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood
from commonbeat.core.periods import add_months
from commonbeat.core.seeding import FIRST_NAMES, LAST_NAMES, SeedContext
from commonbeat.core.tenancy import scoped
from commonbeat.insights import services as insights

from . import services
from .models import Answer, Channel, Response, Survey

ORDER = 60

SURVEY_SLUG = "trust-and-safety"
MONTHS = 24
SMALL_AGENCY_MONTHS = 3
SMALL_AGENCY_PER_MONTH = 13  # per neighbourhood
BLANK_DEMOGRAPHIC = 0.02  # chance each weighting question is left blank ("prefer not to say")
OUTSIDE_CITY = 0.02  # answers from outside the city: stored, but not eligible
TOP_ISSUE_ANSWERED = 0.75
PERSONAL_DETAILS = 0.015  # answers to the number-one issue that name someone or give contact details
LOWER_CASE = 0.45  # typed on a phone without capitals

# How likely each group is to answer (relative), and how it differs in trust and in feeling safe (points).
RESPONSE_PROPENSITY = {
    "age_band": {"18-29": 0.35, "30-44": 0.7, "45-64": 1.1, "65+": 1.6},
    "gender": {"female": 1.2, "male": 0.8, "another": 0.9},
    "race_ethnicity": {"hispanic": 0.6, "white": 1.3, "black": 0.65, "asian": 0.85, "other": 0.8},
}
TRUST_DIFFERENCE = {
    "age_band": {"18-29": -15, "30-44": -6, "45-64": 2, "65+": 9},
    "gender": {"female": 1, "male": -2, "another": -6},
    "race_ethnicity": {"hispanic": -7, "white": 6, "black": -14, "asian": 1, "other": -4},
}
SAFETY_DIFFERENCE = {
    "age_band": {"18-29": 2, "30-44": 0, "45-64": -2, "65+": -4},
    "gender": {"female": -5, "male": 4, "another": -6},
    "race_ethnicity": {"hispanic": -5, "white": 4, "black": -8, "asian": -2, "other": -3},
}
# Change in trust over the two years, in points: most neighbourhoods improve at different speeds, one worsens.
TRENDS = [14, 11, 9, 7, 6, 5, 4, 3, 2, 0, -1, -12]
SPANISH_WHEN_HISPANIC = 0.7
SPANISH_OTHERWISE = 0.04
CHANNELS = [(Channel.LINK, 55), (Channel.QR, 25), (Channel.EMBED, 20)]

# The number-one issue: (topic, English phrasings, Spanish phrasings).
ISSUES = [
    ("speeding", ["Speeding cars", "speeding near the school", "Speeding and reckless driving",
                  "speeding on Harbor Road"],
     ["Exceso de velocidad en nuestra calle", "exceso de velocidad cerca de la escuela"]),
    ("break-ins", ["Car break-ins", "break-ins and package theft", "Home break-ins", "car break-ins at night"],
     ["Robos de autos", "robos a casas", "robos de paquetes"]),
    ("drugs", ["Drug dealing in the park", "drug dealing on the corner", "open drug use"],
     ["Venta de drogas en el parque", "venta de drogas en la esquina"]),
    ("response-times", ["Slow response times", "response times when we call 911", "faster response times"],
     ["Tiempos de respuesta lentos", "tiempos de respuesta muy largos"]),
    ("lighting", ["Better street lighting", "street lighting on dark blocks", "broken streetlights"],
     ["Mejor alumbrado público", "alumbrado público en las calles oscuras"]),
    ("youth", ["More youth programs", "youth programs after school", "things for teenagers to do"],
     ["Más programas para jóvenes", "programas para jóvenes después de la escuela"]),
    ("noise", ["Loud parties and noise at night", "noise from street racing"],
     ["Ruido por las noches", "fiestas con mucho ruido"]),
    ("patrols", ["More foot patrols", "foot patrols and officers we know", "more foot patrols at night"],
     ["Más patrullas a pie", "patrullas a pie en el barrio"]),
    ("homelessness", ["Homeless encampments", "help for homeless people"],
     ["Campamentos de personas sin hogar"]),
    ("theft", ["Catalytic converter theft", "bike theft", "shoplifting at the stores"],
     ["Robo de bicicletas", "robos en las tiendas"]),
    ("guns", ["Gun violence", "shootings at night", "gunshots on weekends"],
     ["Violencia con armas", "balaceras en la noche"]),
    ("respect", ["Treat young people with respect", "racial profiling during traffic stops"],
     ["Respeto para los jóvenes", "perfil racial en paradas de tráfico"]),
    ("mental-health", ["Mental health crisis response", "help for people in a mental health crisis"],
     ["Atención a crisis de salud mental"]),
]
# Answers that contain personal details; the issue terms must leave these out.
PERSONAL = [
    "Officer {last} keeps speeding down {street} Street",
    "Call me at 555-01{digits} about the break-ins",
    "The house at {number} {street} Avenue is dealing drugs",
    "email me at {first_lower}.{last_lower}@example.com about speeding",
    "My neighbor {first} {last} sells drugs",
    "Mi vecino {first} vende drogas, llámeme al 555-01{digits}",
]
STREETS = ["Elm", "Maple", "Juniper", "Harbor", "Fulton", "Alder", "Quarry"]


@dataclass
class Profile:
    """How one neighbourhood answers."""

    neighbourhood: Neighbourhood
    trust: float  # before group differences
    safety: float
    trust_trend: float
    safety_trend: float
    per_month: float
    issue_weights: list[float]
    census: dict


def _staff_user(agency) -> User:
    membership = Membership.objects.filter(agency=agency, role=Role.AGENCY_ADMIN).select_related("user").first()
    if membership:
        return membership.user
    prefix = agency.slug.split("-")[0]
    user = User(username=f"{prefix}-engagement", first_name="Evan", last_name="Ellis", is_demo_account=True,
                email=f"{prefix}-engagement@demo.commonbeat.invalid")
    user.set_unusable_password()
    user.save()
    Membership.objects.create(agency=agency, user=user, role=Role.ENGAGEMENT_STAFF)
    return user


def _profiles(context: SeedContext, neighbourhoods: list[Neighbourhood]) -> list[Profile]:
    rng = context.rng
    trends = TRENDS[:]
    rng.shuffle(trends)
    largest = max(n.population for n in neighbourhoods)
    hard_to_reach = rng.randrange(len(neighbourhoods))
    profiles = []
    for index, neighbourhood in enumerate(neighbourhoods):
        trend = trends[index % len(trends)]
        weights = [rng.uniform(0.5, 1.5) for _ in ISSUES]
        for favourite in rng.sample(range(len(ISSUES)), 3):
            weights[favourite] *= rng.uniform(3, 5)
        per_month = (38 + 10 * neighbourhood.population / largest) * (0.8 if index == hard_to_reach else 1.0)
        profiles.append(Profile(
            neighbourhood=neighbourhood, trust=rng.uniform(52, 72), safety=rng.uniform(55, 78),
            trust_trend=trend, safety_trend=0.5 * trend + rng.uniform(-3, 3), per_month=per_month,
            issue_weights=weights, census=neighbourhood.census))
    return profiles


def _pick(rng, table: dict, propensity: dict) -> str:
    categories = [category for category, count in table.items() if count > 0]
    return rng.choices(categories, [table[c] * propensity.get(c, 1.0) for c in categories])[0]


def _scale(value: float) -> int:
    return max(0, min(10, round(value / 10)))


def _top_issue(rng, profile: Profile, language: str) -> str:
    if rng.random() >= TOP_ISSUE_ANSWERED:
        return ""
    if rng.random() < PERSONAL_DETAILS:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        text = rng.choice(PERSONAL).format(first=first, last=last, first_lower=first.lower(),
                                           last_lower=last.lower(), street=rng.choice(STREETS),
                                           number=rng.randrange(100, 4000), digits=rng.randrange(10, 99))
        return text
    _topic, english, spanish = rng.choices(ISSUES, profile.issue_weights)[0]
    text = rng.choice(spanish if language == "es" else english)
    return text.lower() if rng.random() < LOWER_CASE else text


def _moment(rng, month_start: date, last_day: date, tz) -> datetime:
    day = month_start + timedelta(days=rng.randrange((last_day - month_start).days + 1))
    return timezone.make_aware(datetime.combine(day, time(rng.randrange(7, 22), rng.randrange(60))), tz)


def _wave(context: SeedContext, survey: Survey, profile: Profile, month_index: int, month_start: date,
          last_day: date, count: int, tz) -> list[tuple[Response, dict]]:
    """One month's responses from one neighbourhood: (response, answers by question code)."""
    rng = context.rng
    progress = month_index / (MONTHS - 1)
    made = []
    for _ in range(count):
        person = {variable: _pick(rng, profile.census.get(variable) or {"": 1}, propensity)
                  for variable, propensity in RESPONSE_PROPENSITY.items()}
        trust = profile.trust + profile.trust_trend * progress + rng.gauss(0, 13)
        safety = profile.safety + profile.safety_trend * progress + rng.gauss(0, 15)
        for variable, category in person.items():
            trust += TRUST_DIFFERENCE[variable].get(category, 0)
            safety += SAFETY_DIFFERENCE[variable].get(category, 0)
        spanish = SPANISH_WHEN_HISPANIC if person["race_ethnicity"] == "hispanic" else SPANISH_OTHERWISE
        language = "es" if rng.random() < spanish else "en"
        answered = {variable: ("" if rng.random() < BLANK_DEMOGRAPHIC else category)
                    for variable, category in person.items()}
        outside = rng.random() < OUTSIDE_CITY
        numbers = {"safety": _scale(safety + rng.gauss(0, 5)), "respect": _scale(trust + rng.gauss(0, 7)),
                   "listen": _scale(trust - 4 + rng.gauss(0, 7))}
        response = Response(
            agency=survey.agency, survey=survey, submitted_at=_moment(rng, month_start, last_day, tz),
            language=language, channel=rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0],
            eligible=not outside, ineligible_reason="outside_city" if outside else "",
            neighbourhood=None if outside else profile.neighbourhood, **answered, **numbers)
        answers = {"neighbourhood": services.OUTSIDE_CITY if outside else profile.neighbourhood.slug, **numbers,
                   **answered, "top_issue": _top_issue(rng, profile, language)}
        made.append((response, answers))
    return made


def _insert_answers(answered: list[tuple[int, dict]], questions: dict) -> None:
    """One Answer row per question answered, as `submit_response` stores them, inserted in a few statements:
    tens of thousands of model instances would take seconds to build."""
    choices_field = Answer._meta.get_field("choices")
    prepared: dict[str, object] = {"": choices_field.get_db_prep_save([], connection)}
    rows = []
    for response_id, answers in answered:
        for code, value in answers.items():
            if value == "" or value is None:
                continue
            number, text, choice = None, "", ""
            if code in ("safety", "respect", "listen"):
                number = value
            elif code in ("neighbourhood", "top_issue"):
                text = value
            else:
                choice = value
                if choice not in prepared:
                    prepared[choice] = choices_field.get_db_prep_save([choice], connection)
            rows.append((response_id, questions[code].pk, number, text, prepared[choice]))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("response_id", "question_id", "number", "text", "choices"))
    statement = f"INSERT INTO {quote(Answer._meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)


def seed(context: SeedContext) -> None:
    agency = context.agency
    main = agency.slug == "port-alder"
    tz = zoneinfo.ZoneInfo(agency.timezone)
    today = timezone.localdate(timezone=tz)
    this_month = today.replace(day=1)
    months = MONTHS if main else SMALL_AGENCY_MONTHS
    first_month = add_months(this_month, -months)
    staff = _staff_user(agency)
    survey = services.create_survey(
        staff, agency, slug=SURVEY_SLUG,
        title={"en": "Community trust and safety survey", "es": "Encuesta comunitaria de confianza y seguridad"},
        introduction={"en": "Two minutes, anonymous: how safe you feel, and how the police treat your neighbourhood.",
                      "es": "Dos minutos, anónima: qué tan seguro(a) se siente y cómo trata la policía a su barrio."})
    services.open_survey(staff, survey)
    opened = timezone.make_aware(datetime.combine(first_month, time(8)), tz)
    Survey.objects.filter(pk=survey.pk).update(opens_at=opened, created_at=opened - timedelta(days=14))
    questions = {question.code: question for question in survey.questions.all()}
    profiles = _profiles(context, list(scoped(Neighbourhood, agency).order_by("id")))

    made = []
    for step in range(months + 1):  # the full months, then this month so far
        month_start = add_months(first_month, step)
        last_day = min(add_months(month_start, 1) - timedelta(days=1), today - timedelta(days=1))
        if last_day < month_start:
            continue
        share = 1.0 if step < months else (last_day.day / 30)
        month_index = MONTHS - months + step
        for profile in profiles:
            expected = (profile.per_month if main else SMALL_AGENCY_PER_MONTH) * share
            count = max(0, round(context.rng.gauss(expected, math.sqrt(expected) * 0.6)))
            made += _wave(context, survey, profile, month_index, month_start, last_day, count, tz)
    made.sort(key=lambda pair: pair[0].submitted_at)
    responses = Response.objects.bulk_create([response for response, _ in made], batch_size=2000)
    _insert_answers([(response.pk, answers) for response, (_, answers) in zip(responses, made, strict=True)],
                    questions)

    run = insights.recompute_trust_index(agency, today=today)
    context.log.append(f"{agency.name}: {len(responses)} trust and safety survey responses over {months} months; "
                       f"trust index: {run.estimates_written} estimates, {run.terms_written} issue terms.")
