"""Partners in the JSON API: the public directory, and referrals for the people who handle them.

A referred person's first name and contact appear only to the referrer, the partner's own staff and agency
admins (the same rule as the console, `services.can_see_person`); everyone else gets no referrals at all.
"""

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from commonbeat.accounts.roles import Action, can
from commonbeat.api.auth import TokenAuth
from commonbeat.core.tenancy import scoped

from . import services
from .models import Partner, PartnerKind

public = Router(tags=["partners"])
staff = Router(tags=["referrals"], auth=TokenAuth())


class PartnerOut(Schema):
    slug: str
    name: str
    kind: str
    description: str
    languages: list[str]
    neighbourhoods: list[str]
    services: list[str]
    phone: str
    email: str
    website: str


class ReferralOut(Schema):
    id: int
    partner: str
    service: str | None
    reason: str
    status: str
    outcome: str
    sent_at: str
    answer_due: str
    overdue: bool
    source: str
    person_first_name: str
    person_contact: str


@public.get("/partners", response=list[PartnerOut])
def list_partners(request, kind: str | None = None, language: str = "en"):
    """The public directory of partner organisations; descriptions and services in `language` ("en" or "es")."""
    listed = (scoped(Partner, request.agency).filter(is_public=True)
              .prefetch_related("services", "neighbourhoods").order_by("name"))
    if kind in PartnerKind.values:
        listed = listed.filter(kind=kind)
    return [{"slug": p.slug, "name": p.name, "kind": p.kind, "description": p.description_in(language),
             "languages": p.language_list, "neighbourhoods": [n.slug for n in p.neighbourhoods.all()],
             "services": [s.name_in(language) for s in p.services.all()], "phone": p.phone, "email": p.email,
             "website": p.website} for p in listed]


@staff.get("/referrals", response=list[ReferralOut])
def list_referrals(request):
    """Referrals the token's user made, or (for partner staff) those sent to their organisation."""
    user, agency = request.user, request.agency
    if can(user, agency, Action.HANDLE_REFERRALS):
        listed = services.inbox(user, agency)
    elif can(user, agency, Action.MAKE_REFERRALS):
        listed = services.made_by(user, agency)
    else:
        raise PermissionDenied
    today = agency.today()
    visible_to_user = services.person_visible_to(user, agency)
    rows = []
    for referral in listed.select_related("partner", "service")[:500]:
        visible = visible_to_user(referral)
        rows.append({
            "id": referral.pk, "partner": referral.partner.slug,
            "service": referral.service.name_in("en") if referral.service else None, "reason": referral.reason,
            "status": referral.status, "outcome": referral.outcome, "sent_at": referral.created_at.isoformat(),
            "answer_due": referral.due_on.isoformat(), "overdue": referral.is_overdue(today),
            "source": referral.source, "person_first_name": referral.person_first_name if visible else "",
            "person_contact": referral.person_contact if visible else ""})
    return rows
