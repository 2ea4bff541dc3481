"""Every change to the crisis team, its availability and the record of crisis responses.

Each service takes the acting user and the agency explicitly, checks the role, runs in one transaction and
writes its audit event there. Audit events carry codes and ids only: never the notes of a response.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonbeat.accounts.roles import Action, can
from commonbeat.core import audit
from commonbeat.core.models import Agency, Neighbourhood, Officer
from commonbeat.partners.models import Partner

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

MAX_MINUTES_ON_SCENE = 24 * 60
MAX_NOTES = 500


class CrisisError(Exception):
    """A change that cannot be made, with a message a person can read."""


def _require(actor, agency: Agency, action: Action) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _mine(agency: Agency, *objects) -> None:
    for obj in objects:
        if obj is not None and obj.agency_id != agency.pk:
            raise PermissionDenied(_("That belongs to another agency."))


# ---------------------------------------------------------------- the team

@dataclass
class MemberDetails:
    kind: str
    officer: Officer | None = None
    clinician_name: str = ""
    partner: Partner | None = None
    crisis_trained_on: date | None = None
    is_active: bool = True


def _check_member(agency: Agency, details: MemberDetails, member: TeamMember | None = None) -> None:
    if details.kind == MemberKind.OFFICER:
        if details.officer is None:
            raise CrisisError(_("Choose the officer."))
        _mine(agency, details.officer)
        taken = TeamMember.objects.filter(agency=agency, officer=details.officer)
        if member is not None:
            taken = taken.exclude(pk=member.pk)
        if taken.exists():
            raise CrisisError(_("This officer is already on the crisis team."))
    elif details.kind == MemberKind.CLINICIAN:
        if not details.clinician_name.strip():
            raise CrisisError(_("Give the clinician's name."))
        if details.partner is None:
            raise CrisisError(_("Choose the partner organisation the clinician works for."))
        _mine(agency, details.partner)
    else:
        raise CrisisError(_("Choose whether the member is an officer or a clinician."))
    if details.crisis_trained_on and details.crisis_trained_on > agency.today():
        raise CrisisError(_("The training date cannot be in the future."))


def _apply_member(member: TeamMember, details: MemberDetails) -> None:
    member.kind = details.kind
    is_officer = details.kind == MemberKind.OFFICER
    member.officer = details.officer if is_officer else None
    member.clinician_name = "" if is_officer else details.clinician_name.strip()
    member.partner = None if is_officer else details.partner
    member.crisis_trained_on = details.crisis_trained_on
    member.is_active = details.is_active


def _member_summary(member: TeamMember) -> dict:
    return {"kind": member.kind, "officer": member.officer_id, "partner": member.partner_id,
            "crisis_trained_on": member.crisis_trained_on, "is_active": member.is_active}


@transaction.atomic
def add_member(actor, agency: Agency, details: MemberDetails) -> TeamMember:
    """An officer joins the team once; a clinician needs a name and the organisation they work for."""
    _require(actor, agency, Action.MANAGE_CRISIS_TEAM)
    _check_member(agency, details)
    member = TeamMember(agency=agency)
    _apply_member(member, details)
    member.save()
    audit.record("crisis.member_added", actor=actor, agency=agency, target=member, changes=_member_summary(member))
    return member


@transaction.atomic
def update_member(actor, member: TeamMember, details: MemberDetails) -> TeamMember:
    """Change a member's details; taking someone off the team keeps their past responses."""
    agency = member.agency
    _require(actor, agency, Action.MANAGE_CRISIS_TEAM)
    _check_member(agency, details, member)
    _apply_member(member, details)
    member.save()
    audit.record("crisis.member_updated", actor=actor, agency=agency, target=member,
                 changes=_member_summary(member))
    return member


@transaction.atomic
def set_availability(actor, member: TeamMember, slots: set[tuple[int, str]]) -> int:
    """The shifts a member can usually cover, replacing what was there. Returns how many."""
    agency = member.agency
    _require(actor, agency, Action.MANAGE_CRISIS_TEAM)
    valid_days, valid_shifts = set(Weekday.values), set(Shift.values)
    for weekday, shift in slots:
        if weekday not in valid_days or shift not in valid_shifts:
            raise CrisisError(_("Choose days of the week and shifts from the grid."))
    member.availability.all().delete()
    Availability.objects.bulk_create([Availability(agency=agency, member=member, weekday=weekday, shift=shift)
                                      for weekday, shift in sorted(slots)])
    audit.record("crisis.availability_set", actor=actor, agency=agency, target=member,
                 changes={"slots": [f"{weekday}:{shift}" for weekday, shift in sorted(slots)]})
    return len(slots)


# ---------------------------------------------------------------- responses

def responder_kind(officers: list, clinicians: list) -> str:
    """Who responded: officer only, clinician only, or both together (a co-responder team)."""
    if officers and clinicians:
        return ResponderKind.CO_RESPONDER
    return ResponderKind.OFFICER_ONLY if officers else ResponderKind.CLINICIAN_ONLY


@dataclass
class ResponseDetails:
    occurred_at: datetime
    call_type: str
    minutes_on_scene: int
    neighbourhood: Neighbourhood | None = None
    officers: list[TeamMember] = field(default_factory=list)
    clinicians: list[TeamMember] = field(default_factory=list)
    outcomes: set[str] = field(default_factory=set)
    notes: str = ""


def _check_response(agency: Agency, details: ResponseDetails, now: datetime) -> None:
    _mine(agency, details.neighbourhood, *details.officers, *details.clinicians)
    if not details.officers and not details.clinicians:
        raise CrisisError(_("Choose at least one officer or clinician who responded."))
    if any(member.kind != MemberKind.OFFICER for member in details.officers):
        raise CrisisError(_("Only officers can be listed as officers."))
    if any(member.kind != MemberKind.CLINICIAN for member in details.clinicians):
        raise CrisisError(_("Only clinicians can be listed as clinicians."))
    if details.occurred_at > now:
        raise CrisisError(_("A response cannot be recorded for a time that has not come yet."))
    if details.call_type not in CallType.values:
        raise CrisisError(_("Choose the type of call."))
    if not 0 <= details.minutes_on_scene <= MAX_MINUTES_ON_SCENE:
        raise CrisisError(_("Time on scene must be from 0 to %(most)s minutes.") % {"most": MAX_MINUTES_ON_SCENE})
    if not details.outcomes:
        raise CrisisError(_("Choose at least one outcome."))
    if not set(details.outcomes) <= set(Outcome.values):
        raise CrisisError(_("Choose outcomes from the list."))
    if len(details.notes) > MAX_NOTES:
        raise CrisisError(_("Keep the notes to %(most)s characters.") % {"most": MAX_NOTES})


@transaction.atomic
def record_response(actor, agency: Agency, details: ResponseDetails, *, now: datetime | None = None) -> CrisisResponse:
    """Record a crisis response. Who responded decides whether it counts as officer only, clinician only or
    co-responder; at least one outcome is required, and a response cannot be in the future."""
    _require(actor, agency, Action.RECORD_CRISIS_RESPONSES)
    now = now or timezone.now()
    _check_response(agency, details, now)
    response = CrisisResponse(
        agency=agency, occurred_at=details.occurred_at, neighbourhood=details.neighbourhood,
        call_type=details.call_type, responder_kind=responder_kind(details.officers, details.clinicians),
        minutes_on_scene=details.minutes_on_scene, notes=details.notes.strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None, recorded_at=now,
        **{outcome: outcome in details.outcomes for outcome in Outcome.values})
    response.save()
    response.officers.set(details.officers)
    response.clinicians.set(details.clinicians)
    audit.record("crisis.response_recorded", actor=actor, agency=agency, target=response, changes={
        "call_type": response.call_type, "responder_kind": response.responder_kind,
        "neighbourhood": response.neighbourhood_id, "outcomes": sorted(details.outcomes),
        "officers": [m.pk for m in details.officers], "clinicians": [m.pk for m in details.clinicians]})
    return response
