"""The demo partners, initiatives and referrals, and the demo partner sign-in."""

import random

from commonbeat.accounts import seeding as accounts_seeding
from commonbeat.accounts.models import Membership, User
from commonbeat.accounts.roles import Role
from commonbeat.core.seeding import SeedContext
from commonbeat.partners import seeding
from commonbeat.partners.models import Agreement, Initiative, Partner, PartnerUser, Referral, ReferralStatus

from ..factories import make_agency


def test_the_demo_has_partners_initiatives_referrals_and_a_partner_sign_in(db):
    agency = make_agency("port-alder", "port-alder.test")
    context = SeedContext(agency=agency, rng=random.Random(7))
    accounts_seeding.seed(context)
    seeding.seed(context)
    assert Partner.objects.filter(agency=agency).count() == 12
    assert len(set(Partner.objects.values_list("kind", flat=True))) == 6
    assert Agreement.objects.count() == 3 and Initiative.objects.count() == 3
    referrals = list(Referral.objects.all())
    assert len(referrals) == 60 and all(r.consent_recorded for r in referrals)
    assert {r.status for r in referrals} == set(ReferralStatus.values)
    assert any(r.is_overdue(context.today) for r in referrals)
    user = User.objects.get(username="partner")
    assert user.check_password("demo-partner-2026") and user.is_demo_account
    assert Membership.objects.filter(user=user, agency=agency, role=Role.PARTNER).exists()
    assert PartnerUser.objects.get(user=user).partner.slug == "harbor-food-bank"
    assert ("Partner organisation staff", "partner", "demo-partner-2026") in context.sign_ins
    assert context.log and "12 partners" in context.log[-1]
