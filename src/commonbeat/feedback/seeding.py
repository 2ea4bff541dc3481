"""Two years of complaints and commendations for the demo city.

Every report goes through the services a resident and the staff would use (file, triage, assign,
investigate, record findings, review, close; or verify a commendation), so each case has its timeline
and its audit events. The services stamp "now"; once a case has been played through, its dates are
moved into the past with a few bulk updates, following a plan drawn up beforehand. The audit events
keep the time they were really written (the moment the demo was loaded): rewriting them would break
their hashes.

The plan is made to look lived-in: more reports in summer and in some neighbourhoods, patrol officers
named more often than others, a few officers named far more often (so early intervention has work),
most older cases closed with findings in realistic proportions, some open cases overdue, about a fifth
of the reports in Spanish and two in five anonymous.
"""

import logging
import math
import zoneinfo
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from shapely.geometry import Point, shape
from shapely.prepared import prep

from commonbeat.accounts.models import Membership, User
from commonbeat.accounts.roles import Role
from commonbeat.core import audit
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.core.seeding import FIRST_NAMES, LAST_NAMES, SeedContext
from commonbeat.core.tenancy import scoped

from . import early_intervention, services, tracking
from .models import (
    Alert,
    Allegation,
    AllegationCategory,
    Channel,
    Classification,
    FindingType,
    Kind,
    Message,
    Metric,
    Report,
    Status,
    StatusChange,
)

ORDER = 50

COMPLAINTS_PER_YEAR = 380  # at scale 1, in the main city
COMMENDATIONS_PER_YEAR = 150
SMALL_AGENCY = {Kind.COMPLAINT: 10, Kind.COMMENDATION: 4}  # over the two years
YEARS = 2
FREQUENTLY_NAMED = 5  # officers named far more often than their peers, per unit of scale
HISTORY_DAYS = 90  # cases received before this, and closed, are written in bulk
KNOWN_KEYS = {Kind.COMPLAINT: "demo-known-complaint", Kind.COMMENDATION: "demo-known-commendation"}

DEFAULT_ALERT_POLICIES = [
    ("Complaints: 3 in 180 days", Metric.COMPLAINTS, 180, 3, 5),
    ("Use-of-force allegations: 2 in 365 days", Metric.FORCE_ALLEGATIONS, 365, 2, 4),
    ("Sustained allegations: 2 in 365 days", Metric.SUSTAINED, 365, 2, 3),
]

UNIT_COMPLAINT_WEIGHTS = {"PN": 3.0, "PS": 3.0, "PE": 3.0, "PW": 3.0, "CIT": 1.2, "CE": 0.8, "INV": 0.6,
                          "TRN": 0.2, "PSU": 0.1}
UNIT_COMMENDATION_WEIGHTS = {"CE": 3.0, "CIT": 2.5, "PN": 1.2, "PS": 1.2, "PE": 1.2, "PW": 1.2, "INV": 0.8,
                             "TRN": 0.5, "PSU": 0.3}
CATEGORY_WEIGHTS = {"discourtesy": 30, "abuse-of-authority": 22, "force": 18, "offensive-language": 10,
                    "bias": 10, "other": 10}
FINDING_WEIGHTS = {  # sustained, not sustained, exonerated, unfounded, policy failure
    "default": (15, 33, 20, 27, 5),
    "force": (9, 28, 41, 19, 3),
    "discourtesy": (20, 40, 8, 29, 3),
    "unidentified": (3, 60, 10, 25, 2),
}
FINDING_CODES = ("sustained", "not-sustained", "exonerated", "unfounded", "policy-failure")
CHANNEL_WEIGHTS = {Channel.WEB: 70, Channel.STAFF: 15, Channel.OPEN311: 10, Channel.API: 5}

STREETS = ["Main St", "Harbor Ave", "Cedar St", "Mill Rd", "5th St", "Union Ave", "Palm Dr", "River Rd",
           "Hill St", "Market St", "Oak Ave", "Lake Blvd", "2nd Ave", "Station Rd", "Church St"]
PLACES_EN = ["the bus station", "the grocery store", "the park", "the high school", "the gas station",
             "the library", "my apartment building", "the laundromat", "the community center"]
PLACES_ES = ["la estación de autobuses", "el supermercado", "el parque", "la escuela secundaria",
             "la gasolinera", "la biblioteca", "mi edificio", "la lavandería", "el centro comunitario"]

COMPLAINTS_EN = {
    "force": ["During a stop near {place} the officer twisted my arm behind my back and pushed me against "
              "the car, although I was not resisting.",
              "Officers tackled my son outside {place}. He was not doing anything and was hurt."],
    "abuse-of-authority": ["I was stopped and searched near {place} with no reason given. When I asked why, "
                           "the officer told me to stop asking questions.",
                           "An officer came into our yard without a warrant and would not say why."],
    "discourtesy": ["The officer at {place} was rude to me and my children, rolled his eyes and walked away "
                    "while I was still talking.",
                    "I called to report a break-in and the officer who came was dismissive and impatient."],
    "offensive-language": ["The officer swore at me in front of my neighbours near {place}.",
                           "An officer used insulting words about my family when we asked for help."],
    "bias": ["I believe I was stopped near {place} only because of how I look. The officer asked where I "
             "was really from.",
             "Officers questioned the young people at {place} but ignored the others doing the same thing."],
    "other": ["An officer parked across my driveway for two hours near {place} and refused to move.",
              "My property was taken as evidence and nobody has told me how to get it back."],
}
COMPLAINTS_ES = {
    "force": ["Durante una parada cerca de {place} el agente me torció el brazo y me empujó contra el coche, "
              "aunque yo no me resistía.",
              "Unos agentes derribaron a mi hijo afuera de {place}. No estaba haciendo nada y salió lastimado."],
    "abuse-of-authority": ["Me detuvieron y registraron cerca de {place} sin darme ningún motivo.",
                           "Un agente entró en nuestro patio sin orden judicial y no quiso decir por qué."],
    "discourtesy": ["El agente en {place} fue grosero conmigo y con mis hijos y se fue mientras yo hablaba.",
                    "Llamé para denunciar un robo y el agente que vino fue despectivo e impaciente."],
    "offensive-language": ["El agente me insultó delante de mis vecinos cerca de {place}.",
                           "Un agente usó palabras ofensivas sobre mi familia cuando pedimos ayuda."],
    "bias": ["Creo que me pararon cerca de {place} solo por mi aspecto. El agente me preguntó de dónde era "
             "de verdad.",
             "Los agentes interrogaron a los jóvenes en {place} pero ignoraron a los demás."],
    "other": ["Un agente estacionó frente a mi entrada durante dos horas cerca de {place} y no quiso moverse.",
              "Se llevaron mis cosas como prueba y nadie me dice cómo recuperarlas."],
}
INQUIRIES_EN = ["Why were so many police cars near {place} last night? Nobody told the neighbours anything.",
                "I received a parking ticket near {place} and do not understand why. Can someone explain?",
                "An officer told me I could not film a stop near {place}. Is that the law?"]
INQUIRIES_ES = ["¿Por qué había tantas patrullas cerca de {place} anoche? Nadie nos dijo nada.",
                "Recibí una multa de estacionamiento cerca de {place} y no entiendo por qué.",
                "Un agente me dijo que no podía grabar una parada cerca de {place}. ¿Es la ley?"]
COMMENDATIONS_EN = ["The officer helped my mother when she fell near {place} and stayed until the ambulance "
                    "came. Thank you.",
                    "Two officers found my lost dog near {place} and brought him home. We are so grateful.",
                    "The officer who came after our car was broken into near {place} was patient and kind with "
                    "my kids.",
                    "An officer talked a young man in crisis down near {place} with real care and calm."]
COMMENDATIONS_ES = ["El agente ayudó a mi madre cuando se cayó cerca de {place} y se quedó hasta que llegó la "
                    "ambulancia. Gracias.",
                    "Dos agentes encontraron a nuestro perro perdido cerca de {place} y lo trajeron a casa.",
                    "El agente que vino cuando entraron a robar en nuestro coche fue paciente y amable con mis "
                    "hijos.",
                    "Una agente calmó con mucho cuidado a un joven en crisis cerca de {place}."]
FINDING_REASONS = {
    "sustained": "Body-worn camera video and two witness statements confirm the allegation.",
    "not-sustained": "No video was recorded and the accounts of the people present conflict.",
    "exonerated": "Video shows the actions described, and they were lawful and within policy.",
    "unfounded": "Video and dispatch records show the events described did not happen.",
    "policy-failure": "The officer followed policy; the policy does not cover this situation well.",
}
MEDIATION_REASON = "Both sides agreed to try mediation."
END_MEDIATION_REASON = "Mediation did not resolve the complaint."
COMMENDATION_NOTE = "Thank you. The officers and their supervisors have been told."
OUTCOMES = {
    ("sustained", "en"): "One or more allegations were sustained. The officer has been disciplined and will "
                         "be retrained. Thank you for coming forward.",
    ("sustained", "es"): "Una o más alegaciones resultaron fundadas. El agente fue sancionado y recibirá "
                         "formación. Gracias por presentar su queja.",
    ("other", "en"): "The investigation is complete. The allegations were not sustained; a letter explains "
                     "each finding and the evidence behind it.",
    ("other", "es"): "La investigación terminó. Las alegaciones no resultaron fundadas; una carta explica "
                     "cada resultado y las pruebas.",
    ("inquiry", "en"): "We have explained what happened and the rules that apply. Thank you for asking.",
    ("inquiry", "es"): "Le explicamos lo ocurrido y las normas que se aplican. Gracias por preguntar.",
}


@dataclass
class Plan:
    """One report: what the resident sends, and when each step of its handling happens."""

    kind: str
    received_at: datetime
    submission: services.Submission
    channel: str
    neighbourhood: Neighbourhood | None = None
    email: str = ""
    classification: str = ""
    allegations: list[tuple[AllegationCategory, Officer | None, FindingType]] = field(default_factory=list)
    commended: list[Officer] = field(default_factory=list)
    put_forward: bool = False
    steps: list[tuple[str, datetime]] = field(default_factory=list)
    investigator: User | None = None
    reviewer: User | None = None
    triager: User | None = None
    idempotency_key: str | None = None
    report: Report | None = None
    tracking_code: str = ""
    status_times: list[datetime] = field(default_factory=list)

    def time_of(self, step: str) -> datetime | None:
        return next((at for name, at in self.steps if name == step), None)

    def actor(self, step: str, staff: "Staff") -> User:
        if step == "assign":
            return staff.admin
        if step == "triage" or (step == "close" and self.classification == Classification.INQUIRY):
            return self.triager
        if step in ("close", "verify"):
            return self.reviewer
        return self.investigator

    @property
    def outcome(self) -> str:
        if self.classification == Classification.COMMENDATION:
            return COMMENDATION_NOTE
        if self.classification == Classification.INQUIRY:
            return OUTCOMES[("inquiry", self.submission.language)]
        sustained = any(finding.sustained for _c, _o, finding in self.allegations)
        return OUTCOMES[("sustained" if sustained else "other", self.submission.language)]

    def reason(self, step: str) -> str:
        """What the services write as the reason of the status change."""
        return {"mediation": MEDIATION_REASON, "end_mediation": END_MEDIATION_REASON, "close": self.outcome,
                "verify": self.outcome}.get(step, "")


@dataclass
class Staff:
    admin: User
    investigators: list[User]


class Planner:
    """Draws up the reports of one agency from the context's random generator."""

    def __init__(self, context: SeedContext, staff: Staff):
        self.context, self.rng, self.staff = context, context.rng, staff
        self.agency = context.agency
        self.tz = zoneinfo.ZoneInfo(self.agency.timezone)
        self.target_days = services.settings_for(self.agency).investigation_target_days
        self.categories = {c.code: c for c in scoped(AllegationCategory, self.agency)}
        self.findings = {f.code: f for f in scoped(FindingType, self.agency)}
        officers = list(scoped(Officer, self.agency).select_related("unit").order_by("id"))
        self.officers = officers
        patrol = [o for o in officers if o.unit and o.unit.code in ("PN", "PS", "PE", "PW")] or officers
        count = min(len(patrol), FREQUENTLY_NAMED * context.scale)
        self.frequently_named = set(self.rng.sample(patrol, count)) if len(officers) > 20 else set()
        self.complaint_weights = [UNIT_COMPLAINT_WEIGHTS.get(o.unit.code if o.unit else "", 1.0)
                                  * (6 if o in self.frequently_named else 1) for o in officers]
        # Officers who sign in get no random commendations: routing one would send them an e-mail.
        self.commendable = [o for o in officers if o.user_id is None]
        stars = set(self.rng.sample(self.commendable, min(6, len(self.commendable))))
        self.commendation_weights = [UNIT_COMMENDATION_WEIGHTS.get(o.unit.code if o.unit else "", 1.0)
                                     * (6 if o in stars else 1) for o in self.commendable]
        self.neighbourhoods = [(n, prep(shape(n.boundary)), shape(n.boundary).bounds)
                               for n in scoped(Neighbourhood, self.agency).order_by("id")]
        busy = [self.rng.lognormvariate(0, 0.5) for _ in self.neighbourhoods]
        for index in self.rng.sample(range(len(busy)), min(2, len(busy))):
            busy[index] *= 2.5  # two neighbourhoods with clearly more complaints
        self.neighbourhood_weights = {Kind.COMPLAINT: busy,
                                      Kind.COMMENDATION: [w ** 0.5 * self.rng.uniform(0.7, 1.3) for w in busy]}

    # ------------------------------------------------------------ when and where

    def days(self) -> list[date]:
        today = self.context.today
        first = date(today.year - YEARS, today.month, 1)
        return [first + timedelta(days=n) for n in range((today - first).days)]

    def day_weights(self, days: list[date], kind: str) -> list[float]:
        """Summer peak, busier Fridays and Saturdays; complaints slowly falling and commendations rising."""
        weights = []
        for index, day in enumerate(days):
            season = 1 + 0.25 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 196) / 365.25)
            weekday = 1.2 if day.weekday() in (4, 5) else 1.0
            progress = index / max(len(days) - 1, 1)
            trend = 1.1 - 0.2 * progress if kind == Kind.COMPLAINT else 0.9 + 0.2 * progress
            weights.append(season * weekday * trend)
        return weights

    def moment(self, day: date) -> datetime:
        """A time of day on `day`, mostly in the daytime; never later than now."""
        hour = self.rng.choices(range(24), [1, 1, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 5, 5, 4, 3,
                                            2])[0]
        moment = timezone.make_aware(datetime.combine(day, time(hour, self.rng.randrange(60))), self.tz)
        return min(moment, timezone.now() - timedelta(hours=1))

    def place(self, kind: str) -> tuple[float | None, float | None, Neighbourhood | None]:
        """A point in a neighbourhood (busier ones more often), or none given (about 1 in 16)."""
        if not self.neighbourhoods or self.rng.random() < 0.06:
            return None, None, None
        neighbourhood, polygon, (min_x, min_y, max_x, max_y) = self.rng.choices(
            self.neighbourhoods, self.neighbourhood_weights[kind])[0]
        for _attempt in range(200):
            x, y = round(self.rng.uniform(min_x, max_x), 6), round(self.rng.uniform(min_y, max_y), 6)
            if polygon.contains(Point(x, y)):
                return y, x, neighbourhood
        return None, None, None

    def after(self, start: datetime, low_hours: float, high_hours: float) -> datetime:
        return start + timedelta(hours=self.rng.uniform(low_hours, high_hours))

    # ------------------------------------------------------------ reports

    def plan_all(self, main: bool) -> list[Plan]:
        plans = []
        days = self.days()
        for kind, per_year in ((Kind.COMPLAINT, COMPLAINTS_PER_YEAR), (Kind.COMMENDATION, COMMENDATIONS_PER_YEAR)):
            count = (round(per_year * self.context.scale * len(days) / 365 * self.rng.uniform(0.95, 1.05))
                     if main else SMALL_AGENCY[kind])
            for day in self.rng.choices(days, self.day_weights(days, kind), k=count):
                plans.append(self.plan(kind, self.moment(day)))
        return sorted(plans, key=lambda plan: plan.received_at)

    def plan(self, kind: str, received_at: datetime, *, language: str | None = None,
             anonymous: bool | None = None) -> Plan:
        rng = self.rng
        language = language or ("es" if rng.random() < 0.2 else "en")
        anonymous = rng.random() < 0.4 if anonymous is None else anonymous
        latitude, longitude, neighbourhood = self.place(kind)
        place = rng.choice(PLACES_ES if language == "es" else PLACES_EN)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        submission = services.Submission(
            kind=kind, narrative="", language=language,
            occurred_on=(received_at - timedelta(days=rng.choice([0, 0, 0, 1, 1, 2, 3, 5, 9]))).date(),
            location_text=f"{rng.choice(STREETS)} & {rng.choice(STREETS)}" if latitude else "",
            latitude=latitude, longitude=longitude,
            name="" if anonymous else f"{first} {last}",
            phone="" if anonymous or rng.random() < 0.5 else f"555-01{rng.randrange(100):02d}",
            consent_to_contact=not anonymous and rng.random() < 0.8)
        plan = Plan(kind=kind, received_at=received_at, submission=submission, neighbourhood=neighbourhood,
                    channel=rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0],
                    email="" if anonymous or rng.random() < 0.25 else
                    f"{first}.{last}{rng.randrange(100)}@example.com".lower())
        plan.triager = rng.choice(self.staff.investigators)
        if kind == Kind.COMMENDATION:
            self.plan_commendation(plan, place)
        elif rng.random() < 0.22:
            self.plan_inquiry(plan, place)
        else:
            self.plan_formal_complaint(plan, place)
        return plan

    def plan_commendation(self, plan: Plan, place: str) -> None:
        rng = self.rng
        texts = COMMENDATIONS_ES if plan.submission.language == "es" else COMMENDATIONS_EN
        plan.submission.narrative = rng.choice(texts).format(place=place)
        plan.classification = Classification.COMMENDATION
        count = 1 if rng.random() < 0.8 else 2
        if self.commendable:
            plan.commended = list({o.id: o for o in rng.choices(self.commendable, self.commendation_weights,
                                                                   k=count)}.values())
        plan.put_forward = rng.random() < 0.15
        triaged = self.after(plan.received_at, 6, 200)
        plan.steps = [("triage", triaged)]
        if plan.commended:
            plan.steps.append(("verify", self.after(triaged, 24, 30 * 24)))
        plan.reviewer = rng.choice([self.staff.admin, *self.staff.investigators])

    def plan_inquiry(self, plan: Plan, place: str) -> None:
        texts = INQUIRIES_ES if plan.submission.language == "es" else INQUIRIES_EN
        plan.submission.narrative = self.rng.choice(texts).format(place=place)
        plan.classification = Classification.INQUIRY
        triaged = self.after(plan.received_at, 3, 100)
        plan.steps = [("triage", triaged), ("close", self.after(triaged, 24, 21 * 24))]

    def plan_formal_complaint(self, plan: Plan, place: str) -> None:
        rng = self.rng
        plan.classification = Classification.FORMAL_COMPLAINT
        identified = rng.random() < 0.55
        officers = rng.choices(self.officers, self.complaint_weights, k=2) if identified else [None, None]
        codes = list(CATEGORY_WEIGHTS)
        count = rng.choices([1, 2, 3], [55, 30, 15])[0]
        chosen: list[str] = []
        while len(chosen) < count:
            code = rng.choices(codes, list(CATEGORY_WEIGHTS.values()))[0]
            if code not in chosen:
                chosen.append(code)
        for index, code in enumerate(chosen):
            officer = officers[1] if index and rng.random() < 0.25 else officers[0]
            plan.allegations.append((self.categories[code], officer, self.finding_for(code, officer)))
        texts = COMPLAINTS_ES if plan.submission.language == "es" else COMPLAINTS_EN
        plan.submission.narrative = rng.choice(texts[chosen[0]]).format(place=place)
        if identified and rng.random() < 0.4:
            plan.submission.officers_described = f"#{officers[0].badge_number}"
        investigators = self.staff.investigators
        plan.investigator = rng.choices(investigators, [3] + [2] * (len(investigators) - 1))[0]
        plan.reviewer = rng.choice([self.staff.admin] + [i for i in investigators if i != plan.investigator])
        triaged = self.after(plan.received_at, 3, 100) if rng.random() < 0.95 else self.after(
            plan.received_at, 170, 300)
        assigned = self.after(triaged, 1, 72)
        started = self.after(assigned, 2, 96 if rng.random() < 0.8 else 400)
        stuck = rng.random() < 0.12
        days = rng.lognormvariate(math.log(170 if stuck else 62), 0.35 if stuck else 0.5)
        closed = max(plan.received_at + timedelta(days=days), started + timedelta(days=10))
        reviewed = closed - timedelta(days=rng.uniform(2, 8))
        found = reviewed - timedelta(hours=rng.uniform(2, 48))
        plan.steps = [("triage", triaged), ("assign", assigned), ("start", started)]
        if rng.random() < 0.07:
            mediation = started + (found - started) * rng.uniform(0.2, 0.5)
            plan.steps.append(("mediation", mediation))
            if rng.random() < 0.5:
                plan.steps.append(("end_mediation", mediation + (found - mediation) * rng.uniform(0.3, 0.7)))
        plan.steps += [("findings", found), ("review", reviewed), ("close", closed)]

    def finding_for(self, code: str, officer: Officer | None) -> FindingType:
        weights = list(FINDING_WEIGHTS["unidentified" if officer is None else code if code in FINDING_WEIGHTS
                                       else "default"])
        if officer in self.frequently_named:
            weights[0] *= 2.2
        return self.findings[self.rng.choices(FINDING_CODES, weights)[0]]


# ---------------------------------------------------------------- playing the plans

STEP_STATUS = {"triage": Status.TRIAGED, "assign": Status.ASSIGNED, "start": Status.INVESTIGATING,
               "mediation": Status.MEDIATION, "end_mediation": Status.INVESTIGATING, "review": Status.REVIEW,
               "close": Status.CLOSED, "verify": Status.CLOSED}


def play(plan: Plan, agency, staff: Staff, now: datetime) -> None:
    """File the report through the services and take every planned step that is already in the past."""
    filed = services.file_report(agency, plan.submission, channel=plan.channel, idempotency_key=plan.idempotency_key)
    report, plan.tracking_code = filed.report, filed.tracking_code
    plan.status_times = [plan.received_at]
    for step, at in plan.steps:
        if at > now:
            break
        actor, reason = plan.actor(step, staff), plan.reason(step)
        if step == "triage":
            allegations = [services.AllegationInput(category, officer) for category, officer, _f in
                           plan.allegations]
            report = services.triage(actor, report, plan.classification, allegations)
        elif step == "assign":
            report = services.assign(actor, report, plan.investigator, due_at=at)
        elif step == "start":
            report = services.start_investigation(actor, report)
        elif step == "mediation":
            report = services.refer_to_mediation(actor, report, reason)
        elif step == "end_mediation":
            report = services.end_mediation(actor, report, reason)
        elif step == "findings":
            for allegation, (_c, _o, finding) in zip(report.allegations.order_by("id"), plan.allegations,
                                                     strict=True):
                services.record_finding(actor, allegation, finding, FINDING_REASONS[finding.code])
        elif step == "review":
            report = services.submit_for_review(actor, report)
        elif step == "close":
            report = services.close(actor, report, reason)
        elif step == "verify":
            report = services.verify_commendation(actor, report, plan.commended, note=reason,
                                                  put_forward_for_recognition=plan.put_forward)
        if step in STEP_STATUS:
            plan.status_times.append(at)
    plan.report = report


def is_history(plan: Plan, now: datetime) -> bool:
    """A case closed long ago, written in bulk rather than played through the services."""
    last_step, last_at = plan.steps[-1]
    return (plan.idempotency_key is None and last_step in ("close", "verify") and last_at <= now
            and plan.received_at < now - timedelta(days=HISTORY_DAYS))


def create_history(plans: list[Plan], agency, staff: Staff, target_days: int) -> None:
    """Older closed cases, written in bulk with the rows the services would have written (the report, its
    timeline, its allegations and findings, the officers commended) and one audit event for the batch."""
    reports = []
    for number, plan in enumerate(plans):
        submission = plan.submission
        assigned = plan.time_of("assign")
        reports.append(Report(
            agency=agency, reference=f"DEMO-{number}", kind=plan.kind, classification=plan.classification,
            status=Status.CLOSED, channel=plan.channel, language=submission.language,
            tracking_code_hash=tracking.code_hash(tracking.new_code(agency.id)),
            submission_fingerprint=submission.fingerprint(), narrative=submission.narrative,
            occurred_on=submission.occurred_on, location_text=submission.location_text,
            latitude=submission.latitude, longitude=submission.longitude, neighbourhood=plan.neighbourhood,
            officers_described=submission.officers_described, complainant_name=submission.name,
            complainant_email=plan.email, complainant_phone=submission.phone,
            consent_to_contact=submission.consent_to_contact and bool(plan.email or submission.phone),
            received_at=plan.received_at, acknowledged_at=plan.time_of("triage"),
            acknowledgement_due_at=plan.received_at + timedelta(days=agency.acknowledgement_target_days),
            assigned_to=plan.investigator if assigned else None,
            due_at=assigned + timedelta(days=target_days) if assigned else None,
            closed_at=plan.steps[-1][1], outcome_summary=plan.outcome,
            put_forward_for_recognition_at=plan.time_of("verify") if plan.put_forward else None))
    Report.objects.bulk_create(reports, batch_size=300)
    through = Report.commended_officers.through
    changes, allegations, commended = [], [], []
    for plan, report in zip(plans, reports, strict=True):
        plan.report = report
        status = Status.RECEIVED
        changes.append(StatusChange(report=report, to_status=status, changed_at=plan.received_at))
        for step, at in plan.steps:
            if step in STEP_STATUS:
                changes.append(StatusChange(report=report, from_status=status, to_status=STEP_STATUS[step],
                                            changed_at=at, changed_by=plan.actor(step, staff),
                                            reason=plan.reason(step)))
                status = STEP_STATUS[step]
        allegations += [Allegation(report=report, category=category, officer=officer, finding=finding,
                                   finding_reason=FINDING_REASONS[finding.code],
                                   finding_recorded_at=plan.time_of("findings"))
                        for category, officer, finding in plan.allegations]
        commended += [through(report_id=report.id, officer_id=officer.id) for officer in plan.commended]
    StatusChange.objects.bulk_create(changes, batch_size=500)
    Allegation.objects.bulk_create(allegations, batch_size=500)
    through.objects.bulk_create(commended, batch_size=500)
    audit.record("feedback.demo_history_loaded", agency=agency, changes={
        "reports": len(reports), "complaints": sum(1 for plan in plans if plan.kind == Kind.COMPLAINT),
        "received_from": min((plan.received_at for plan in plans), default=None),
        "received_until": max((plan.received_at for plan in plans), default=None),
        "note": "Demo cases closed long ago, loaded in bulk with their timelines and findings."})


def backdate(plans: list[Plan], agency, target_days: int, now: datetime) -> None:
    """Move every step played through the services to its planned time."""
    by_id = {plan.report.id: plan for plan in plans}
    reports = []
    for plan in plans:
        report = Report(id=plan.report.id, received_at=plan.received_at)
        report.acknowledgement_due_at = plan.received_at + timedelta(days=agency.acknowledgement_target_days)
        triaged, assigned = plan.time_of("triage"), plan.time_of("assign")
        report.acknowledged_at = triaged if triaged and triaged <= now else None
        report.due_at = assigned + timedelta(days=target_days) if assigned and assigned <= now else None
        closed = plan.time_of("close") or plan.time_of("verify")
        report.closed_at = closed if closed and closed <= now else None
        verified = plan.time_of("verify")
        report.put_forward_for_recognition_at = verified if plan.put_forward and report.closed_at else None
        report.complainant_email = plan.email  # added now: at filing it would have sent a real e-mail
        reports.append(report)
    Report.objects.bulk_update(reports, ["received_at", "acknowledgement_due_at", "acknowledged_at", "due_at",
                                         "closed_at", "put_forward_for_recognition_at", "complainant_email"],
                               batch_size=200)

    changes, position = [], {}
    for change_id, report_id in (StatusChange.objects.filter(report_id__in=by_id).order_by("report_id", "id")
                                 .values_list("id", "report_id")):
        index = position[report_id] = position.get(report_id, -1) + 1
        times = by_id[report_id].status_times
        changes.append(StatusChange(id=change_id, changed_at=times[min(index, len(times) - 1)]))
    StatusChange.objects.bulk_update(changes, ["changed_at"], batch_size=500)

    allegations = [Allegation(id=allegation_id, finding_recorded_at=by_id[report_id].time_of("findings"))
                   for allegation_id, report_id in Allegation.objects.filter(
                       report_id__in=by_id, finding__isnull=False).values_list("id", "report_id")]
    Allegation.objects.bulk_update(allegations, ["finding_recorded_at"], batch_size=500)


def number_cases(agency) -> None:
    """Case numbers run per kind and per year received: C2025-00001, K2025-00001 …"""
    tz = zoneinfo.ZoneInfo(agency.timezone)
    scoped(Report, agency).update(reference=Concat(Value("TMP-"), Cast("id", CharField())))
    numbers: dict[str, int] = {}
    renumbered = []
    for report_id, kind, received_at in (scoped(Report, agency).order_by("received_at", "id")
                                         .values_list("id", "kind", "received_at")):
        prefix = ("C" if kind == Kind.COMPLAINT else "K") + str(timezone.localtime(received_at, tz).year)
        numbers[prefix] = numbers.get(prefix, 0) + 1
        renumbered.append(Report(id=report_id, reference=f"{prefix}-{numbers[prefix]:05d}"))
    Report.objects.bulk_update(renumbered, ["reference"], batch_size=500)


# ---------------------------------------------------------------- the people who handle the cases

def _staff(context: SeedContext) -> Staff:
    """The agency admin and its investigators; extra investigators (who cannot sign in) share the work."""
    agency = context.agency
    members = Membership.objects.filter(agency=agency).select_related("user").order_by("id")
    admin = next(m.user for m in members if m.role == Role.AGENCY_ADMIN)
    investigators = [m.user for m in members if m.role == Role.INVESTIGATOR]
    prefix = "" if agency.slug == "port-alder" else f"{agency.slug.split('-')[0]}-"
    names = [("Rafael", "Romero"), ("Dana", "Diaz")] if investigators else [("Ivy", "Iverson")]
    for number, (first, last) in enumerate(names, start=len(investigators) + 1):
        username = f"{prefix}investigator-{number}"
        user = User(username=username, first_name=first, last_name=last,
                    email=f"{username}@demo.commonbeat.invalid", is_demo_account=True)
        user.set_unusable_password()
        user.save()
        Membership.objects.create(agency=agency, user=user, role=Role.INVESTIGATOR)
        investigators.append(user)
    return Staff(admin=admin, investigators=investigators)


# ---------------------------------------------------------------- the reports a visitor can follow

def known_plans(planner: Planner, staff: Staff, today: date) -> list[Plan]:
    """One complaint under investigation and one verified commendation, with reproducible tracking codes."""
    tz = planner.tz
    complaint = planner.plan(Kind.COMPLAINT, timezone.make_aware(datetime.combine(today - timedelta(days=40),
                                                                                  time(17, 20)), tz),
                             language="en", anonymous=False)
    if complaint.classification != Classification.FORMAL_COMPLAINT:
        planner.plan_formal_complaint(complaint, "the bus station")
    complaint.investigator = staff.investigators[0]
    received = complaint.received_at
    complaint.steps = [("triage", received + timedelta(days=1)), ("assign", received + timedelta(days=2)),
                       ("start", received + timedelta(days=4))]
    commendation = planner.plan(Kind.COMMENDATION, timezone.make_aware(
        datetime.combine(today - timedelta(days=20), time(10, 5)), tz), language="en", anonymous=True)
    received = commendation.received_at
    commendation.steps = [("triage", received + timedelta(days=1)), ("verify", received + timedelta(days=3))]
    if not commendation.commended:
        commendation.steps.pop()
    for plan in (complaint, commendation):
        plan.idempotency_key = KNOWN_KEYS[plan.kind]
        plan.email = ""
    return [complaint, commendation]


def _converse(plan: Plan, investigator: User) -> None:
    """A message each way on the known complaint, so its tracking page shows a conversation."""
    report = plan.report
    services.staff_message(investigator, report, "Thank you for your complaint. I have been assigned to "
                                                 "investigate it and will contact you for a statement.")
    services.resident_message(report, "Thank you. I can talk any weekday after 5 pm.", "demo-known-reply")
    start = plan.time_of("start")
    for offset, message in enumerate(report.messages.order_by("id")):
        Message.objects.filter(id=message.id).update(sent_at=start + timedelta(days=1 + offset))


# ---------------------------------------------------------------- early intervention

def _early_intervention(context: SeedContext, staff: Staff) -> list[Alert]:
    agency = context.agency
    for name, metric, period_days, warning, critical in DEFAULT_ALERT_POLICIES:
        services.save_alert_policy(staff.admin, agency, name=name, metric=metric, unit=None,
                                   period_days=period_days, warning_threshold=warning,
                                   critical_threshold=critical)
    raised = early_intervention.evaluate(agency, as_of=context.today)
    critical = [alert for alert in raised if alert.level == Alert.Level.CRITICAL]
    if critical:
        services.plan_intervention(staff.admin, critical[-1], "Supervisor review of body-worn camera footage "
                                   "and a refresher course in de-escalation.", context.today + timedelta(days=30))
    return raised


# ---------------------------------------------------------------- the step seed_demo calls

@contextmanager
def quiet_tasks_on_commit():
    """Verified commendations are routed to officers by background tasks once the demo is committed; a
    progress line for each would bury the sign-ins seed_demo prints. Callbacks run in the order they were
    registered, so these two bracket the tasks' own."""
    logger = logging.getLogger("django_tasks")
    level = logger.level
    transaction.on_commit(lambda: logger.setLevel(logging.WARNING))
    yield
    transaction.on_commit(lambda: logger.setLevel(level))


def seed(context: SeedContext) -> None:
    agency = context.agency
    staff = _staff(context)
    planner = Planner(context, staff)
    now = timezone.now()
    plans = planner.plan_all(main=agency.slug == "port-alder")
    known = known_plans(planner, staff, context.today)
    history = [plan for plan in plans if is_history(plan, now)]
    recent = [plan for plan in plans if not is_history(plan, now)] + known
    create_history(history, agency, staff, planner.target_days)
    with quiet_tasks_on_commit():
        for plan in recent:
            play(plan, agency, staff, now)
    _converse(known[0], staff.investigators[0])
    backdate(recent, agency, planner.target_days, now)
    number_cases(agency)
    raised = _early_intervention(context, staff)
    complaints = sum(1 for plan in plans if plan.kind == Kind.COMPLAINT)
    context.log.append(f"{agency.name}: {complaints} complaints and {len(plans) - complaints} commendations "
                       f"over two years; {len(raised)} early-intervention alerts.")
    for plan in known:
        plan.report.refresh_from_db(fields=["reference"])
        context.log.append(f"Demo {plan.kind} tracking code: {plan.tracking_code} (case {plan.report.reference})")
