"""Helpers for the crisis tests: team members and responses built directly, so figures can be hand-checked."""

import zoneinfo
from datetime import datetime

import pytest
from django.utils.text import slugify

from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.crisis.models import CrisisResponse, MemberKind, Outcome, ResponderKind, TeamMember
from commonbeat.partners.models import Partner, PartnerKind


def officer_member(agency) -> TeamMember:
    officer = Officer.objects.filter(agency=agency).order_by("id").first()
    member, _created = TeamMember.objects.get_or_create(agency=agency, officer=officer,
                                                        defaults={"kind": MemberKind.OFFICER})
    return member


def mental_health_partner(agency, name="Harborview Behavioral Health") -> Partner:
    partner, _created = Partner.objects.get_or_create(agency=agency, slug=slugify(name),
                                                      defaults={"name": name, "kind": PartnerKind.MENTAL_HEALTH})
    return partner


def clinician_member(agency, name="Dana Whitfield", organisation="Harborview Behavioral Health") -> TeamMember:
    return TeamMember.objects.create(agency=agency, kind=MemberKind.CLINICIAN, clinician_name=name,
                                     partner=mental_health_partner(agency, organisation))


def neighbourhood(agency, which: int = 0) -> Neighbourhood:
    return list(Neighbourhood.objects.filter(agency=agency).order_by("name"))[which]


def make_responses(agency, count: int, *, kind: str = ResponderKind.OFFICER_ONLY, place=None,
                   when=(2026, 3, 10, 14, 37), outcomes=(Outcome.RESOLVED_ON_SCENE,), notes: str = "") -> list:
    """`count` responses in `place` at local time `when`, by `kind`, each with `outcomes`."""
    moment = datetime(*when, tzinfo=zoneinfo.ZoneInfo(agency.timezone))
    officer = officer_member(agency) if kind != ResponderKind.CLINICIAN_ONLY else None
    clinician = None
    if kind != ResponderKind.OFFICER_ONLY:
        clinician = (TeamMember.objects.filter(agency=agency, kind=MemberKind.CLINICIAN).first()
                     or clinician_member(agency))
    made = []
    for _index in range(count):
        response = CrisisResponse.objects.create(
            agency=agency, occurred_at=moment, neighbourhood=place, call_type="mental_health", responder_kind=kind,
            minutes_on_scene=45, notes=notes, recorded_at=moment, **{o: o in outcomes for o in Outcome.values})
        if officer:
            response.officers.add(officer)
        if clinician:
            response.clinicians.add(clinician)
        made.append(response)
    return made


@pytest.fixture
def north(agency):
    return neighbourhood(agency, 0)


@pytest.fixture
def south(agency):
    return neighbourhood(agency, 1)
