"""The demo city's crisis team and 14 months of crisis responses.

The team is the crisis-trained officers (the Crisis Intervention unit and everyone with a CIT-40 completion on the
training record) and eight clinicians from the agency's mental-health partner organisations, each with the shifts
they can cover.
About 120 responses a month are spread unevenly over the neighbourhoods; co-responder calls (an officer with a
clinician) end better — more resolved on scene or with voluntary transport to care, fewer arrests, holds, uses
of force and injuries — than officer-only calls, so the figures have something to show. About one response in
five leads to a follow-up referral to a partner's crisis follow-up service, with the person's consent.
"""

import zoneinfo
from datetime import datetime, time, timedelta

from django.utils import timezone

from commonbeat.accounts.models import Membership
from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.core.periods import add_months
from commonbeat.core.seeding import FIRST_NAMES, SeedContext
from commonbeat.core.tenancy import scoped
from commonbeat.partners.models import (
    REFERRAL_RESPONSE_DAYS,
    ConsentMethod,
    Partner,
    PartnerKind,
    PartnerService,
    ReasonCategory,
    Referral,
    ReferralOutcome,
    ReferralStatus,
)

from .models import (
    Availability,
    CallType,
    CrisisResponse,
    MemberKind,
    Outcome,
    ResponderKind,
    Shift,
    TeamMember,
    Weekday,
)
from .training_link import crisis_training_completions

ORDER = 96
MONTHS = 14
RESPONSES_PER_MONTH = 120
MAX_OFFICERS = 30
CLINICIANS = ["Dana Whitfield", "Miguel Santos", "Priya Raman", "Jordan Blake", "Amara Okafor", "Luis Moreno",
              "Hannah Cho", "Samuel Reyes"]
# The chance that a response leads to a follow-up referral, by who responded.
REFERRAL_CHANCES = {ResponderKind.OFFICER_ONLY: 0.08, ResponderKind.CO_RESPONDER: 0.35,
                    ResponderKind.CLINICIAN_ONLY: 0.4}
CALL_WEIGHTS = {CallType.MENTAL_HEALTH: 34, CallType.SUICIDE_RISK: 14, CallType.SUBSTANCE_USE: 16,
                CallType.WELFARE_CHECK: 18, CallType.DISTURBANCE: 9, CallType.FAMILY_CONFLICT: 6, CallType.OTHER: 3}
KIND_WEIGHTS = {ResponderKind.OFFICER_ONLY: 55, ResponderKind.CO_RESPONDER: 40, ResponderKind.CLINICIAN_ONLY: 5}
# The chance of each outcome, by who responded.
OUTCOME_CHANCES = {
    ResponderKind.OFFICER_ONLY: {
        Outcome.RESOLVED_ON_SCENE: 0.38, Outcome.VOLUNTARY_TRANSPORT: 0.17, Outcome.INVOLUNTARY_HOLD: 0.22,
        Outcome.ARREST: 0.16, Outcome.INJURY_PERSON: 0.07, Outcome.INJURY_OFFICER: 0.04, Outcome.FORCE_USED: 0.13},
    ResponderKind.CO_RESPONDER: {
        Outcome.RESOLVED_ON_SCENE: 0.55, Outcome.VOLUNTARY_TRANSPORT: 0.28, Outcome.INVOLUNTARY_HOLD: 0.10,
        Outcome.ARREST: 0.04, Outcome.INJURY_PERSON: 0.02, Outcome.INJURY_OFFICER: 0.01, Outcome.FORCE_USED: 0.03},
    ResponderKind.CLINICIAN_ONLY: {
        Outcome.RESOLVED_ON_SCENE: 0.65, Outcome.VOLUNTARY_TRANSPORT: 0.25, Outcome.INVOLUNTARY_HOLD: 0.05,
        Outcome.ARREST: 0.0, Outcome.INJURY_PERSON: 0.01, Outcome.INJURY_OFFICER: 0.0, Outcome.FORCE_USED: 0.0},
}
NOTES = ["", "", "", "", "Family member on scene helped calm the situation.",
         "Person was known to the mobile crisis service; care plan followed.",
         "Long wait at the emergency department before handover.",
         "Second call to this address this month; follow-up arranged.",
         "Interpreter needed; conversation held by phone interpreter."]


def _team(context: SeedContext) -> tuple[list[TeamMember], list[TeamMember]]:
    agency, rng, today = context.agency, context.rng, context.today
    officers = list(scoped(Officer, agency).filter(active_until__isnull=True).select_related("unit").order_by("id"))
    completions = crisis_training_completions(agency, [officer.pk for officer in officers])
    trained = [o for o in officers if o.pk in completions or (o.unit and o.unit.code == "CIT")][:MAX_OFFICERS]
    if len(trained) < 6:  # an agency without training records still gets a small team
        trained += [o for o in officers if o not in trained][:6 - len(trained)]
    members = [TeamMember(agency=agency, kind=MemberKind.OFFICER, officer=officer,
                          crisis_trained_on=completions.get(officer.pk)) for officer in trained]
    partners = list(scoped(Partner, agency).filter(kind=PartnerKind.MENTAL_HEALTH).order_by("id")) or [None]
    members += [TeamMember(agency=agency, kind=MemberKind.CLINICIAN, clinician_name=name,
                           partner=partners[index % len(partners)],
                           crisis_trained_on=today - timedelta(days=rng.randrange(200, 1500)))
                for index, name in enumerate(CLINICIANS)]
    members = TeamMember.objects.bulk_create(members)
    slots = []
    for member in members:
        shifts = [Shift.DAY, Shift.EVENING] if member.kind == MemberKind.CLINICIAN else list(Shift)
        days = rng.sample(list(Weekday), 4 if member.kind == MemberKind.CLINICIAN else 5)
        for weekday in days:
            slots.append(Availability(agency=agency, member=member, weekday=weekday, shift=rng.choice(shifts)))
    Availability.objects.bulk_create(slots, ignore_conflicts=True)
    return ([m for m in members if m.kind == MemberKind.OFFICER],
            [m for m in members if m.kind == MemberKind.CLINICIAN])


def seed(context: SeedContext) -> None:
    agency, rng, today = context.agency, context.rng, context.today
    zone = zoneinfo.ZoneInfo(agency.timezone)
    officers, clinicians = _team(context)
    neighbourhoods = list(scoped(Neighbourhood, agency).order_by("id"))
    weights = [rng.uniform(0.3, 3.0) for _neighbourhood in neighbourhoods]
    memberships = Membership.objects.filter(agency=agency).select_related("user")
    membership = (memberships.filter(role=Role.CRISIS_COORDINATOR).first()
                  or memberships.filter(role=Role.AGENCY_ADMIN).first())
    recorded_by = membership.user if membership else None
    now = timezone.now()
    kinds, kind_weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    calls, call_weights = list(CALL_WEIGHTS), list(CALL_WEIGHTS.values())
    plans = []
    first_month = add_months(today.replace(day=1), -MONTHS)
    for step in range(MONTHS + 1):
        month = add_months(first_month, step)
        days = (add_months(month, 1) - month).days
        for _index in range(int(RESPONSES_PER_MONTH * context.scale * rng.uniform(0.85, 1.15))):
            moment = datetime.combine(month + timedelta(days=rng.randrange(days)),
                                      time(rng.randrange(24), rng.randrange(60)), tzinfo=zone)
            if moment >= now:
                continue
            kind = rng.choices(kinds, kind_weights)[0]
            chances = OUTCOME_CHANCES[kind]
            outcomes = {o.value for o, chance in chances.items() if rng.random() < chance}
            if not outcomes:
                outcomes = {Outcome.RESOLVED_ON_SCENE.value}
            response = CrisisResponse(
                agency=agency, occurred_at=moment,
                neighbourhood=(rng.choices(neighbourhoods, weights)[0]
                               if neighbourhoods and rng.random() > 0.02 else None),
                call_type=rng.choices(calls, call_weights)[0], responder_kind=kind,
                minutes_on_scene=max(5, int(rng.gauss(70 if kind == ResponderKind.OFFICER_ONLY else 55, 20))),
                notes=rng.choice(NOTES),
                recorded_by=recorded_by, recorded_at=moment + timedelta(hours=rng.randrange(1, 12)),
                **{o: o in outcomes for o in Outcome.values})
            team = ([] if kind == ResponderKind.CLINICIAN_ONLY else rng.sample(officers, min(len(officers),
                                                                                       rng.choice([1, 2, 2]))),
                    [] if kind == ResponderKind.OFFICER_ONLY else [rng.choice(clinicians)])
            plans.append((response, team))
    created = CrisisResponse.objects.bulk_create([response for response, _team in plans], batch_size=500)
    as_officer, as_clinician = CrisisResponse.officers.through, CrisisResponse.clinicians.through
    as_officer.objects.bulk_create([as_officer(crisisresponse_id=response.pk, teammember_id=member.pk)
                                    for response, (team, _c) in zip(created, [t for _r, t in plans], strict=True)
                                    for member in team], batch_size=1000)
    as_clinician.objects.bulk_create([as_clinician(crisisresponse_id=response.pk, teammember_id=member.pk)
                                      for response, (_o, team) in zip(created, [t for _r, t in plans], strict=True)
                                      for member in team], batch_size=1000)
    referrals = _follow_up_referrals(context, created, recorded_by)
    context.log.append(f"{agency.name}: crisis team of {len(officers)} officers and {len(clinicians)} clinicians, "
                       f"{len(created)} crisis responses over {MONTHS} months, {referrals} follow-up referrals.")


def _follow_up_referrals(context: SeedContext, responses: list[CrisisResponse], referred_by) -> int:
    """Referrals to the partners' crisis follow-up services, each linked to the response it followed."""
    agency, rng, today = context.agency, context.rng, context.today
    services = list(scoped(PartnerService, agency).filter(partner__kind=PartnerKind.MENTAL_HEALTH,
                                                          accepts_referrals=True).order_by("id"))
    if not services or referred_by is None:
        return 0
    referrals = []
    for response in responses:
        if rng.random() >= REFERRAL_CHANCES[response.responder_kind]:
            continue
        service = rng.choice(services)
        sent = min(response.recorded_at, timezone.now())
        age = (today - sent.date()).days
        status = (ReferralStatus.SENT if age < 3 else ReferralStatus.ACCEPTED if age < 20
                  else rng.choices([ReferralStatus.COMPLETED, ReferralStatus.DECLINED], [9, 1])[0])
        responded = sent + timedelta(days=rng.randrange(1, 3)) if status != ReferralStatus.SENT else None
        completed = sent + timedelta(days=rng.randrange(7, 18)) if status == ReferralStatus.COMPLETED else None
        referrals.append(Referral(
            agency=agency, partner=service.partner, service=service, referred_by=referred_by,
            person_first_name=rng.choice(FIRST_NAMES), person_contact=f"555-{rng.randint(1000, 9999)}",
            consent_recorded=True, consent_method=rng.choice(list(ConsentMethod)),
            reason=(ReasonCategory.SUBSTANCE_USE if response.call_type == CallType.SUBSTANCE_USE
                    else ReasonCategory.MENTAL_HEALTH),
            status=status, outcome=rng.choice(list(ReferralOutcome)) if completed else "",
            decline_reason="Outside our area; please refer to Bayview." if status == ReferralStatus.DECLINED else "",
            due_on=sent.date() + timedelta(days=REFERRAL_RESPONSE_DAYS), created_at=sent, responded_at=responded,
            completed_at=completed, source=response.referral_source))
    Referral.objects.bulk_create(referrals, batch_size=500)
    return len(referrals)
