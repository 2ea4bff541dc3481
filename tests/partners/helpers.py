"""Shared set-up for partner tests: an organisation with a service, a partner user linked to it, referrals."""

from commonbeat.accounts.roles import Role
from commonbeat.partners import services
from commonbeat.partners.models import Partner, PartnerService, PartnerUser

from ..factories import make_user


def make_partner(agency, slug="food-bank", name="Harbor Food Bank", *, is_public=True) -> Partner:
    partner = Partner.objects.create(agency=agency, slug=slug, name=name, kind="nonprofit",
                                     languages="English, Spanish",
                                     description={"en": "Groceries for all.", "es": "Alimentos para todos."},
                                     phone="555-0100", is_public=is_public)
    PartnerService.objects.create(agency=agency, partner=partner, name={"en": "Emergency groceries",
                                                                        "es": "Alimentos de emergencia"})
    return partner


def make_partner_user(agency, partner, username="foodbank_staff"):
    user = make_user(agency, Role.PARTNER, username)
    PartnerUser.objects.create(agency=agency, partner=partner, user=user)
    return user


def details(partner, **changes) -> dict:
    base = {"partner": partner, "service": partner.services.first(), "first_name": "Rosalind",
            "contact": "rosalind@example.org", "consent_recorded": True, "consent_method": "verbal",
            "reason": "food", "note": "Prefers afternoons."}
    return {**base, **changes}


def refer(actor, agency, partner, **changes):
    return services.refer(actor, agency, details(partner, **changes))
