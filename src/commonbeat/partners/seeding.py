"""Partner organisations of the demo city: a dozen of every kind with their services, three agreements (one
expiring within a month), three joint initiatives with measures and milestones, about sixty referrals in every
state (some overdue), and the demo partner sign-in, `partner`, who works at the food bank.

Names and contacts of referred people are made up (example.org and 555 numbers).
"""

import zoneinfo
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from commonbeat.accounts.models import Membership, User
from commonbeat.accounts.roles import PERMISSIONS, Action, Role
from commonbeat.core import audit
from commonbeat.core.models import Neighbourhood
from commonbeat.core.seeding import FIRST_NAMES, SeedContext
from commonbeat.core.tenancy import scoped

from .models import (
    REFERRAL_RESPONSE_DAYS,
    Agreement,
    ConsentMethod,
    Initiative,
    InitiativeMeasure,
    InitiativeMilestone,
    InitiativeStatus,
    Partner,
    PartnerKind,
    PartnerService,
    PartnerUser,
    ReasonCategory,
    Referral,
    ReferralOutcome,
    ReferralStatus,
)

ORDER = 95
REFERRALS = 60

# (slug, name, kind, languages, English description, Spanish description, services as (en, es))
PARTNERS = [
    ("harbor-food-bank", "Harbor Food Bank", PartnerKind.NONPROFIT, "English, Spanish",
     "Groceries and hot meals for anyone who needs them.", "Alimentos y comidas calientes para quien lo necesite.",
     [("Emergency groceries", "Alimentos de emergencia"), ("Hot meals", "Comidas calientes")]),
    ("mill-creek-high", "Mill Creek High School", PartnerKind.SCHOOL, "English, Spanish, Vietnamese",
     "The public high school serving the north side.", "La escuela secundaria pública del norte.",
     [("After-school tutoring", "Tutoría después de clases")]),
    ("las-palmas-elementary", "Las Palmas Elementary", PartnerKind.SCHOOL, "English, Spanish",
     "Elementary school and family resource centre.", "Escuela primaria y centro de recursos familiares.",
     [("Family resource centre", "Centro de recursos familiares")]),
    ("cedar-hardware", "Cedar Flats Hardware", PartnerKind.BUSINESS, "English",
     "A family hardware store that hosts block-watch meetings.", "Ferretería familiar que acoge reuniones vecinales.",
     [("Free lock repairs for seniors", "Reparación gratuita de cerraduras para mayores")]),
    ("union-grocers", "Union Square Grocers", PartnerKind.BUSINESS, "English, Spanish",
     "Neighbourhood grocery and job-training partner.", "Tienda de barrio y socio de capacitación laboral.",
     [("Job training placements", "Prácticas de capacitación laboral")]),
    ("st-brigid", "St. Brigid's Parish", PartnerKind.FAITH, "English, Spanish, Tagalog",
     "A parish offering shelter nights and family support.", "Parroquia con noches de albergue y apoyo familiar.",
     [("Winter shelter nights", "Noches de albergue en invierno"), ("Family support", "Apoyo familiar")]),
    ("eastbrook-mosque", "Eastbrook Islamic Centre", PartnerKind.FAITH, "English, Arabic, Somali",
     "Community centre with youth programmes and a food pantry.", "Centro comunitario con programas juveniles.",
     [("Youth mentoring", "Mentoría juvenil")]),
    ("bayview-counselling", "Bayview Counselling", PartnerKind.MENTAL_HEALTH, "English, Spanish",
     "Counselling for adults, teens and families, sliding-scale fees.", "Consejería para adultos, jóvenes y familias.",
     [("Counselling", "Consejería"), ("Crisis follow-up", "Seguimiento tras una crisis")]),
    ("northgate-mobile-crisis", "Northgate Mobile Crisis Team", PartnerKind.MENTAL_HEALTH, "English, Spanish",
     "Clinicians who respond with officers to mental-health calls.", "Clínicos que acuden con agentes a llamadas.",
     [("Crisis follow-up", "Seguimiento tras una crisis"), ("Substance-use support", "Apoyo por consumo")]),
    ("riverside-housing", "Riverside Housing Services", PartnerKind.SOCIAL_SERVICE, "English, Spanish",
     "Help finding and keeping a home.", "Ayuda para encontrar y mantener una vivienda.",
     [("Housing navigation", "Orientación de vivienda"), ("Eviction prevention", "Prevención de desalojos")]),
    ("safe-harbor-dv", "Safe Harbor Family Services", PartnerKind.SOCIAL_SERVICE, "English, Spanish, Vietnamese",
     "Confidential support for survivors of violence.", "Apoyo confidencial para sobrevivientes de violencia.",
     [("Victim advocacy", "Apoyo a víctimas")]),
    ("youth-forward", "Youth Forward", PartnerKind.NONPROFIT, "English, Spanish",
     "Sports, arts and jobs for young people aged 12–24.", "Deportes, arte y empleo para jóvenes de 12 a 24 años.",
     [("Youth programmes", "Programas juveniles"), ("Summer jobs", "Empleos de verano")]),
]
REASONS_BY_PARTNER = {
    "harbor-food-bank": ReasonCategory.FOOD, "riverside-housing": ReasonCategory.HOUSING,
    "bayview-counselling": ReasonCategory.MENTAL_HEALTH, "northgate-mobile-crisis": ReasonCategory.MENTAL_HEALTH,
    "safe-harbor-dv": ReasonCategory.VICTIM_SUPPORT, "youth-forward": ReasonCategory.YOUTH,
    "st-brigid": ReasonCategory.FAMILY, "union-grocers": ReasonCategory.EMPLOYMENT,
}
INITIATIVES = [
    ("safe-routes-to-school", "Safe routes to school", "Rutas seguras a la escuela",
     "Every child walks to school on a route with a crossing guard or a trusted adult.",
     "Que cada niño camine a la escuela por una ruta con guardia de cruce o un adulto de confianza.",
     ["mill-creek-high", "las-palmas-elementary", "cedar-hardware"], InitiativeStatus.ACTIVE,
     [("Routes with a crossing guard", "Rutas con guardia de cruce", 12, 8),
      ("Volunteer walkers trained", "Voluntarios capacitados", 40, 27)],
     [("Map the routes", "Mapear las rutas", -120, True), ("Recruit walkers", "Reclutar voluntarios", -30, True),
      ("Guards on every route", "Guardias en cada ruta", 90, False)]),
    ("crisis-follow-up", "Crisis follow-up within 72 hours", "Seguimiento de crisis en 72 horas",
     "Everyone who meets the crisis team is offered a follow-up from a counsellor within three days.",
     "A toda persona atendida por el equipo de crisis se le ofrece seguimiento en tres días.",
     ["bayview-counselling", "northgate-mobile-crisis"], InitiativeStatus.ACTIVE,
     [("Follow-ups within 72 hours (%)", "Seguimientos en 72 horas (%)", 90, 71)],
     [("Shared referral process", "Proceso compartido de derivación", -200, True),
      ("Weekend cover", "Cobertura de fin de semana", 45, False)]),
    ("winter-warmth", "Winter warmth", "Calor en invierno",
     "No one sleeps outside on a freezing night.", "Que nadie duerma a la intemperie en una noche helada.",
     ["st-brigid", "riverside-housing", "harbor-food-bank"], InitiativeStatus.COMPLETED,
     [("Shelter nights offered", "Noches de albergue ofrecidas", 600, 642)],
     [("Open the shelter", "Abrir el albergue", -300, True), ("Close the season", "Cerrar la temporada", -200, True)]),
]


def _demo_partner_user(context: SeedContext, partner: Partner) -> None:
    username, password = "partner", "demo-partner-2026"
    user = User.objects.create_user(username=username, password=password, first_name="Paula", last_name="Park",
                                    email=f"{username}@demo.commonbeat.invalid", is_demo_account=True)
    Membership.objects.create(agency=context.agency, user=user, role=Role.PARTNER)
    PartnerUser.objects.create(agency=context.agency, partner=partner, user=user)
    context.sign_ins.append((str(Role.PARTNER.label), username, password))


def seed(context: SeedContext) -> None:
    agency, rng, today = context.agency, context.rng, context.today
    neighbourhoods = list(scoped(Neighbourhood, agency).order_by("slug"))
    partners = Partner.objects.bulk_create([
        Partner(agency=agency, slug=slug, name=name, kind=kind, languages=languages,
                description={"en": en, "es": es}, phone=f"555-01{index:02d}",
                email=f"hello@{slug}.example.org", website=f"https://{slug}.example.org",
                is_public=index != 4)
        for index, (slug, name, kind, languages, en, es, _services) in enumerate(PARTNERS)])
    by_slug = {partner.slug: partner for partner in partners}
    links = []
    for partner in partners:
        for neighbourhood in rng.sample(neighbourhoods, min(len(neighbourhoods), rng.randint(1, 4))):
            links.append(Partner.neighbourhoods.through(partner_id=partner.pk, neighbourhood_id=neighbourhood.pk))
    Partner.neighbourhoods.through.objects.bulk_create(links)
    services = PartnerService.objects.bulk_create([
        PartnerService(agency=agency, partner=by_slug[slug], name={"en": en, "es": es})
        for slug, *_rest, offered in PARTNERS for en, es in offered])

    Agreement.objects.bulk_create([
        Agreement(agency=agency, partner=by_slug["bayview-counselling"], title="Crisis follow-up MOU",
                  signed_on=today - timedelta(days=340), expires_on=today + timedelta(days=25)),
        Agreement(agency=agency, partner=by_slug["mill-creek-high"], title="School safety partnership",
                  signed_on=today - timedelta(days=200), expires_on=today + timedelta(days=530)),
        Agreement(agency=agency, partner=by_slug["riverside-housing"], title="Housing referral agreement",
                  signed_on=today - timedelta(days=90), expires_on=today + timedelta(days=640)),
    ])

    for slug, en, es, goal_en, goal_es, partner_slugs, status, measures, milestones in INITIATIVES:
        initiative = Initiative.objects.create(
            agency=agency, slug=slug, title={"en": en, "es": es}, goal={"en": goal_en, "es": goal_es},
            status=status, neighbourhood=rng.choice(neighbourhoods) if neighbourhoods else None)
        initiative.partners.set([by_slug[s] for s in partner_slugs])
        InitiativeMeasure.objects.bulk_create([
            InitiativeMeasure(agency=agency, initiative=initiative, name={"en": m_en, "es": m_es},
                              target=Decimal(target), current=Decimal(current))
            for m_en, m_es, target, current in measures])
        InitiativeMilestone.objects.bulk_create([
            InitiativeMilestone(agency=agency, initiative=initiative, title={"en": t_en, "es": t_es},
                                due_on=today + timedelta(days=offset),
                                done_on=today + timedelta(days=offset) if done else None)
            for t_en, t_es, offset, done in milestones])

    referrer_roles = PERMISSIONS[Action.MAKE_REFERRALS] | {Role.AGENCY_ADMIN}
    referrers = list(User.objects.filter(memberships__agency=agency, memberships__role__in=referrer_roles)
                     .distinct().order_by("id"))
    if referrers:
        zone = zoneinfo.ZoneInfo(agency.timezone)
        referrals = []
        for number in range(REFERRALS * context.scale):
            service = rng.choice(services)
            slug = service.partner.slug
            days_ago = rng.randint(0, 120) if number % 10 else rng.randint(8, 20)
            sent = datetime.combine(today - timedelta(days=days_ago), time(rng.randint(8, 18), rng.randint(0, 59)),
                                    tzinfo=zone)
            status = rng.choices(list(ReferralStatus), weights=[2, 3, 1, 5])[0] if days_ago > 3 else ReferralStatus.SENT
            if number % 10 == 0:
                status = ReferralStatus.SENT  # overdue: sent 8–20 days ago, no answer yet
            elif status == ReferralStatus.ACCEPTED and days_ago > 35 and number % 5:
                status = ReferralStatus.COMPLETED  # most older accepted referrals have an outcome by now
            responded = sent + timedelta(days=rng.randint(1, 6)) if status != ReferralStatus.SENT else None
            completed = (responded + timedelta(days=rng.randint(3, 25))
                         if status == ReferralStatus.COMPLETED else None)
            if completed and completed.date() > today:
                completed = timezone.now()
            referrals.append(Referral(
                agency=agency, partner=service.partner, service=service, referred_by=rng.choice(referrers),
                person_first_name=rng.choice(FIRST_NAMES), person_contact=f"555-{rng.randint(1000, 9999)}",
                consent_recorded=True, consent_method=rng.choice(list(ConsentMethod)),
                reason=REASONS_BY_PARTNER.get(slug, rng.choice(list(ReasonCategory))), status=status,
                outcome=rng.choice(list(ReferralOutcome)) if completed else "",
                decline_reason="No places this month; try Riverside." if status == ReferralStatus.DECLINED else "",
                due_on=sent.date() + timedelta(days=REFERRAL_RESPONSE_DAYS), created_at=sent,
                responded_at=responded, completed_at=completed))
        Referral.objects.bulk_create(referrals)

    if context.agency.slug == "port-alder":
        _demo_partner_user(context, by_slug["harbor-food-bank"])
    audit.record("partners.demo_loaded", agency=agency, changes={
        "partners": len(partners), "referrals": Referral.objects.filter(agency=agency).count(),
        "note": "Demo partners, agreements, initiatives and referrals, loaded in bulk."})
    overdue = sum(1 for referral in Referral.objects.filter(agency=agency) if referral.is_overdue(today))
    context.log.append(f"{agency.name}: {len(partners)} partners, {len(services)} services, 3 agreements, "
                       f"{len(INITIATIVES)} initiatives, {Referral.objects.filter(agency=agency).count()} referrals "
                       f"({overdue} overdue)")
