"""The demo city's body-worn cameras: a year of recordings (thousands in Port Alder, fewer in Lakeside), some
linked to demo complaints, a few under legal hold, the oldest short-lived ones already deleted and others due for
deletion; the default retention rules; the program page; and about sixty footage requests in every status, some
overdue, with made-up requesters (example.org addresses).
"""

import bisect
from datetime import datetime, time, timedelta

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.core.seeding import FIRST_NAMES, LAST_NAMES, SeedContext
from commonbeat.core.tenancy import scoped
from commonbeat.feedback import tracking
from commonbeat.feedback.models import Kind, Report

from ..models import (
    BodyCamProgram,
    BodyCamRecording,
    DenialBasis,
    FootageRequest,
    FootageRequestMessage,
    FootageRequestStatus,
    RecordingCategory,
)
from ..services.bodycams import (
    EXTENSION_BUSINESS_DAYS,
    STATUTORY_BUSINESS_DAYS,
    add_business_days,
    create_default_rules,
    retention_days,
)

CATEGORY_WEIGHTS = [
    (RecordingCategory.CALL_FOR_SERVICE, 40), (RecordingCategory.TRAFFIC_STOP, 25),
    (RecordingCategory.NON_EVIDENTIARY, 17), (RecordingCategory.ARREST, 11), (RecordingCategory.USE_OF_FORCE, 4),
    (RecordingCategory.COMPLAINT_RELATED, 3),
]
ABOUT = {
    "en": ("Every uniformed officer wears a body-worn camera and switches it on before every enforcement contact: "
           "stops, arrests, calls for service and any use of force. Recordings help settle what happened, protect "
           "residents and officers alike, and are reviewed when someone files a complaint.\n\nThe video is kept in "
           "the department's evidence system for as long as the retention rules say, longer when a case, a "
           "request or a court needs it. Anyone can ask for footage."),
    "es": ("Cada agente uniformado lleva una cámara corporal y la enciende antes de cada intervención: paradas, "
           "arrestos, llamadas de servicio y cualquier uso de la fuerza. Las grabaciones ayudan a aclarar lo "
           "ocurrido, protegen a residentes y agentes, y se revisan cuando alguien presenta una queja.\n\nEl video "
           "se guarda en el sistema de pruebas del departamento el tiempo que dicen las reglas de conservación, y "
           "más cuando un caso, una solicitud o un tribunal lo necesita. Cualquier persona puede pedir grabaciones."),
}
REASONS = [
    ("en", "I was stopped on my way home and want to see the stop as the officer's camera recorded it."),
    ("en", "My car was damaged during an arrest outside my house; I need the footage for my insurance claim."),
    ("en", "I am a reporter covering the protest downtown and request footage of the officers' response."),
    ("es", "Me pararon en el coche y quiero ver la grabación de la parada para mi abogado."),
    ("en", "Officers came to our apartment after a noise call. I would like the footage of that visit."),
    ("es", "Mi hijo fue detenido en el parque y queremos ver lo que pasó."),
]
EXTENSION_REASONS = ["Several officers' recordings must be reviewed and redacted.",
                     "The footage shows bystanders whose faces must be blurred; this needs more time."]
DENIAL_TEXT = {
    DenialBasis.NO_RECORDING: "We searched every camera assigned that day and found no recording of the incident.",
    DenialBasis.ACTIVE_INVESTIGATION: "The incident is under investigation; ask again when the case is closed.",
    DenialBasis.PRIVACY: "The recording was made inside a private home and shows people who did not consent.",
    DenialBasis.JUVENILE: "The recording shows minors, whom juvenile law protects.",
    DenialBasis.OTHER_LAW: "A court order seals the recording.",
}
STREETS = ["Main Street", "Harbor Avenue", "Cedar Road", "Mill Creek Drive"]
RELEASED_MESSAGE = {
    "en": "Your footage is ready. We have e-mailed you a download link that works for 30 days.",
    "es": "Sus grabaciones están listas. Le enviamos por correo un enlace de descarga válido por 30 días.",
}


def _policy_url(agency) -> str:
    try:
        return agency.absolute_url(reverse("transparency:policy", args=["GO-310"]))
    except NoReverseMatch:
        return ""


def _recordings(context: SeedContext, officers: list, count: int) -> list[BodyCamRecording]:
    agency, rng, zone = context.agency, context.rng, context.agency.zone
    categories = [category for category, _weight in CATEGORY_WEIGHTS]
    weights = [weight for _category, weight in CATEGORY_WEIGHTS]
    rows = []
    for number in range(count):
        day = context.today - timedelta(days=rng.randint(1, 365))
        moment = datetime.combine(day, time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)), tzinfo=zone)
        category = rng.choices(categories, weights)[0]
        rows.append(BodyCamRecording(
            agency=agency, officer=rng.choice(officers), started_at=moment, category=category,
            duration_seconds=rng.randint(60, 3600) if category != RecordingCategory.NON_EVIDENTIARY else rng.randint(
                15, 600),
            sha256=f"{rng.getrandbits(256):064x}", evidence_location=f"EVD-{agency.slug.upper()}-{day:%Y}-{number:06d}",
            case_number=f"{day:%y}-{rng.randint(10000, 99999)}" if category in (
                RecordingCategory.ARREST, RecordingCategory.USE_OF_FORCE) else "",
            registered_at=moment + timedelta(hours=rng.randint(2, 30))))
    return rows


def _complaint_recordings(context: SeedContext, officers: list) -> list[BodyCamRecording]:
    """A recording for some of the year's demo complaints, on the day it happened."""
    agency, rng = context.agency, context.rng
    start = context.today - timedelta(days=365)
    reports = list(scoped(Report, agency).filter(kind=Kind.COMPLAINT, occurred_on__gte=start,
                                                 occurred_on__lt=context.today).order_by("id")[:400])
    rng.shuffle(reports)
    rows = []
    for index, report in enumerate(reports[:max(8, len(reports) // 4)]):
        moment = datetime.combine(report.occurred_on, time(rng.randint(8, 22), rng.randint(0, 59)),
                                  tzinfo=agency.zone)
        rows.append(BodyCamRecording(
            agency=agency, officer=rng.choice(officers), started_at=moment,
            category=RecordingCategory.COMPLAINT_RELATED, duration_seconds=rng.randint(120, 2400),
            sha256=f"{rng.getrandbits(256):064x}", report=report,
            evidence_location=f"EVD-{agency.slug.upper()}-PSU-{index:05d}", registered_at=moment + timedelta(days=1)))
    return rows


def _retire(context: SeedContext, recordings: list[BodyCamRecording]) -> tuple[int, int]:
    """Mark most long-expired recordings deleted (as the records unit would have), and put a few under hold."""
    rng, rules = context.rng, retention_days(context.agency)
    deleted, held = 0, 0
    for recording in recordings:
        started_on = timezone.localtime(recording.started_at, context.agency.zone).date()
        until = started_on + timedelta(days=rules[recording.category])
        if recording.report_id is None and until + timedelta(days=30) < context.today and rng.random() < 0.8:
            recording.deleted_on = until + timedelta(days=rng.randint(1, 25))
            deleted += 1
    candidates = [r for r in recordings if r.deleted_on is None and r.category in (
        RecordingCategory.USE_OF_FORCE, RecordingCategory.ARREST, RecordingCategory.TRAFFIC_STOP)]
    for recording in rng.sample(candidates, min(6, len(candidates))):
        recording.legal_hold = True
        recording.legal_hold_reason = rng.choice(["Preservation letter from a claimant's lawyer.",
                                                  "Civil lawsuit filed; keep until the court releases it.",
                                                  "District attorney asked that it be kept."])
        held += 1
    return deleted, held


def _status_for(age_days: int, index: int, rng) -> str:
    """Every status appears; older requests are mostly answered."""
    statuses = list(FootageRequestStatus)
    if index < len(statuses):
        return statuses[index]
    if age_days > 40:
        return rng.choices([FootageRequestStatus.RELEASED, FootageRequestStatus.DENIED,
                            FootageRequestStatus.REVIEWING], [62, 33, 5])[0]
    return rng.choice(list(FootageRequestStatus))


def _requests(context: SeedContext, count: int, recordings: list[BodyCamRecording]) -> tuple[list, str]:
    agency, rng = context.agency, context.rng
    places = list(scoped(Neighbourhood, agency))
    kept = sorted((r for r in recordings if r.deleted_on is None), key=lambda r: r.started_at)
    moments = [r.started_at for r in kept]
    received_days = sorted(rng.randint(0, 360) for _ in range(count))
    # The first few are recent enough to be open; three of them are overdue.
    received_days[:len(FootageRequestStatus)] = [rng.randint(1, 9) for _ in FootageRequestStatus]
    rows, links, demo_code = [], [], ""
    for index, age in enumerate(received_days):
        received_on = context.today - timedelta(days=age)
        if index in (1, 2, 3):  # open and past the deadline
            received_on = context.today - timedelta(days=rng.randint(18, 30))
        status = _status_for((context.today - received_on).days, index, rng)
        due_on = add_business_days(received_on, STATUTORY_BUSINESS_DAYS)
        extended = rng.random() < 0.15
        if extended:
            due_on = add_business_days(due_on, EXTENSION_BUSINESS_DAYS)
        closed_on = None
        if status in (FootageRequestStatus.RELEASED, FootageRequestStatus.DENIED):
            # Mostly on time; about one in six late.
            days = rng.randint(3, 14 if not extended else 22) + (rng.randint(3, 12) if rng.random() < 0.17 else 0)
            closed_on = min(add_business_days(received_on, days), context.today)
        basis = rng.choice(list(DenialBasis)) if status == FootageRequestStatus.DENIED else ""
        language, reason = rng.choice(REASONS)
        incident = received_on - timedelta(days=rng.randint(1, 20))
        code = tracking.new_code(agency.id)
        if index == 0:
            demo_code = code
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        rows.append(FootageRequest(
            agency=agency, reference="", received_on=received_on, status=status, due_on=due_on, closed_on=closed_on,
            neighbourhood=rng.choice(places) if places and rng.random() < 0.85 else None, denial_basis=basis,
            denial_explanation=DENIAL_TEXT.get(basis, ""),
            extended_on=add_business_days(received_on, rng.randint(5, 9)) if extended else None,
            extension_reason=rng.choice(EXTENSION_REASONS) if extended else "",
            requester_name=f"{first} {last}", requester_email=f"{first}.{last}{index}@example.org".lower(),
            incident_date=incident, place=f"{rng.randint(1, 49)}00 block of {rng.choice(STREETS)}",
            reason=reason, language=language, tracking_code_hash=tracking.code_hash(code),
            created_at=datetime.combine(received_on, time(10), tzinfo=agency.zone)))
        if status in (FootageRequestStatus.REVIEWING, FootageRequestStatus.REDACTING, FootageRequestStatus.RELEASED,
                      FootageRequestStatus.SEARCHING) and kept:
            at = bisect.bisect_left(moments, datetime.combine(incident, time.min, tzinfo=agency.zone))
            links.append((index, kept[min(at, len(kept) - 1): min(at, len(kept) - 1) + rng.randint(1, 2)]))
    order = sorted(range(len(rows)), key=lambda i: (rows[i].received_on, i))
    counters: dict[int, int] = {}
    for i in order:
        year = rows[i].received_on.year
        counters[year] = counters.get(year, 0) + 1
        rows[i].reference = f"FR-{year}-{counters[year]:04d}"
    FootageRequest.objects.bulk_create(rows)
    through = FootageRequest.recordings.through
    through.objects.bulk_create([through(footagerequest_id=rows[i].pk, bodycamrecording_id=r.pk)
                                 for i, chosen in links for r in chosen])
    FootageRequestMessage.objects.bulk_create([
        FootageRequestMessage(agency=agency, request=row, body=RELEASED_MESSAGE[row.language],
                              sent_at=datetime.combine(row.closed_on, time(15), tzinfo=agency.zone))
        for row in rows if row.status == FootageRequestStatus.RELEASED])
    return rows, demo_code


def seed(context: SeedContext) -> None:
    agency = context.agency
    create_default_rules(agency)
    BodyCamProgram.objects.update_or_create(agency=agency, defaults={"about": ABOUT, "policy_url": _policy_url(agency)})
    officers = list(scoped(Officer, agency).filter(active_until=None))
    if not officers:
        return
    main = agency.slug == "port-alder"
    recordings = _recordings(context, officers, (3000 if main else 700) * context.scale)
    recordings += _complaint_recordings(context, officers)
    deleted, held = _retire(context, recordings)
    BodyCamRecording.objects.bulk_create(recordings, batch_size=1000)
    requests, demo_code = _requests(context, (60 if main else 20) * context.scale, recordings)
    linked = sum(1 for r in recordings if r.report_id)
    context.log.append(
        f"{agency.name}: {len(recordings)} body-worn camera recordings ({linked} linked to complaints, {held} under "
        f"legal hold, {deleted} already deleted) and {len(requests)} footage requests; demo footage request "
        f"tracking code: {demo_code}.")
