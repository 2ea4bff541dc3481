"""Overdue referrals are flagged: still waiting after the due date, or accepted over 30 days ago with no
outcome. The managers' overdue list names no one."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.partners import services
from commonbeat.partners.models import Referral, ReferralStatus

from ..factories import signed_in_client
from .helpers import make_partner, make_partner_user, refer


@pytest.fixture
def partner(agency):
    return make_partner(agency)


def _age(referral, days):
    Referral.objects.filter(pk=referral.pk).update(
        created_at=referral.created_at - timedelta(days=days), due_on=referral.due_on - timedelta(days=days))
    referral.refresh_from_db()
    return referral


def test_a_referral_still_waiting_after_its_due_date_is_overdue(agency, cast, partner):
    fresh = refer(cast[Role.OFFICER], agency, partner)
    late = _age(refer(cast[Role.OFFICER], agency, partner, first_name="Late"), 8)
    assert not fresh.is_overdue() and late.is_overdue()
    assert list(services.overdue_referrals(agency)) == [late]


def test_an_accepted_referral_without_outcome_after_30_days_is_overdue(agency, cast, partner):
    handler = make_partner_user(agency, partner)
    referral = services.accept_referral(handler, refer(cast[Role.OFFICER], agency, partner))
    assert not referral.is_overdue()
    Referral.objects.filter(pk=referral.pk).update(responded_at=timezone.now() - timedelta(days=31))
    referral.refresh_from_db()
    assert referral.is_overdue()
    assert list(services.overdue_referrals(agency)) == [referral]


def test_a_declined_or_completed_referral_is_never_overdue(agency, cast, partner):
    handler = make_partner_user(agency, partner)
    declined = services.decline_referral(handler, _age(refer(cast[Role.OFFICER], agency, partner), 40),
                                         reason="Full")
    assert declined.status == ReferralStatus.DECLINED and not declined.is_overdue()
    assert not services.overdue_referrals(agency).exists()


def test_the_referrer_and_the_partner_see_the_overdue_flag(agency, cast, partner):
    handler = make_partner_user(agency, partner)
    _age(refer(cast[Role.OFFICER], agency, partner), 10)
    mine = signed_in_client(cast[Role.OFFICER]).get(reverse("partners:staff_my_referrals"))
    assert "Overdue" in mine.content.decode()
    assert "Overdue" in signed_in_client(handler).get(reverse("partners:staff_inbox")).content.decode()


def test_managers_see_overdue_referrals_without_the_persons_details(agency, cast, partner):
    referral = _age(refer(cast[Role.OFFICER], agency, partner), 10)
    page = signed_in_client(cast[Role.ENGAGEMENT_STAFF]).get(reverse("partners:staff_overdue")).content.decode()
    assert f"#{referral.pk}" in page and "Harbor Food Bank" in page
    assert "Rosalind" not in page and "rosalind@example.org" not in page
    summary = signed_in_client(cast[Role.ENGAGEMENT_STAFF]).get(reverse("partners:staff_partners")).content.decode()
    assert "1 referral is overdue" in summary


def test_the_overdue_list_is_for_partner_managers_only(agency, cast):
    assert signed_in_client(cast[Role.OFFICER]).get(reverse("partners:staff_overdue")).status_code == 403
    assert signed_in_client(cast[Role.PARTNER]).get(reverse("partners:staff_overdue")).status_code == 403


def test_the_referral_page_flags_overdue_by_the_agencys_calendar(agency, cast, partner):
    # A zone whose date differs from the server's (UTC) right now, so the two calendars disagree.
    utc_now = timezone.now()
    agency.timezone = "Pacific/Kiritimati" if utc_now.hour >= 10 else "Pacific/Pago_Pago"
    agency.save(update_fields=["timezone"])
    referral = refer(cast[Role.OFFICER], agency, partner)
    agency_today, server_today = agency.today(), utc_now.date()
    assert agency_today != server_today
    Referral.objects.filter(pk=referral.pk).update(due_on=min(agency_today, server_today))
    referral.refresh_from_db()
    page = signed_in_client(cast[Role.OFFICER]).get(reverse("partners:staff_referral", args=[referral.pk]))
    flagged = "usa-tag bg-secondary-dark" in page.content.decode()
    assert flagged == referral.is_overdue(agency_today) == (agency_today > server_today)


def test_referral_lists_date_referrals_on_the_agencys_calendar(agency, cast, partner):
    agency.timezone = "America/Chicago"
    agency.save(update_fields=["timezone"])
    handler = make_partner_user(agency, partner)
    referral = refer(cast[Role.OFFICER], agency, partner)
    Referral.objects.filter(pk=referral.pk).update(created_at=datetime(2026, 3, 10, 3, 30, tzinfo=UTC))
    for page in (signed_in_client(cast[Role.OFFICER]).get(reverse("partners:staff_my_referrals")),
                 signed_in_client(handler).get(reverse("partners:staff_inbox"))):
        assert "2026-03-09" in page.content.decode() and "2026-03-10" not in page.content.decode()
