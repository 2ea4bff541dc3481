"""An officer refers a person (with consent) to a partner; the partner accepts, declines or reports the outcome;
the officer sees the loop close. Only the partner's own staff can handle its referrals."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent
from commonbeat.partners import services
from commonbeat.partners.models import Referral, ReferralStatus

from ..factories import signed_in_client
from .helpers import make_partner, make_partner_user, refer


@pytest.fixture
def partner(agency):
    return make_partner(agency)


@pytest.fixture
def partner_user(agency, partner):
    return make_partner_user(agency, partner)


def test_a_referral_without_recorded_consent_is_refused(agency, cast, partner):
    with pytest.raises(services.PartnerError, match="consent"):
        refer(cast[Role.OFFICER], agency, partner, consent_recorded=False)
    assert not Referral.objects.exists()


def test_the_referral_form_refuses_without_consent_and_keeps_what_was_typed(agency, cast, partner):
    client = signed_in_client(cast[Role.OFFICER])
    page = client.get(reverse("partners:staff_referral_new"))
    token = page.context["form"].initial["submission_token"]
    response = client.post(reverse("partners:staff_referral_new"), {
        "submission_token": token, "service": partner.services.first().pk, "reason": "food",
        "first_name": "Rosalind", "contact": "555-1234", "consent_method": "verbal"})
    assert response.status_code == 200
    assert "only be referred with their consent" in response.content.decode()
    assert 'value="Rosalind"' in response.content.decode()
    assert not Referral.objects.exists()


def test_an_officer_refers_a_person_through_the_form(agency, cast, partner):
    client = signed_in_client(cast[Role.OFFICER])
    token = client.get(reverse("partners:staff_referral_new")).context["form"].initial["submission_token"]
    response = client.post(reverse("partners:staff_referral_new"), {
        "submission_token": token, "service": partner.services.first().pk, "reason": "food",
        "first_name": "Rosalind", "contact": "555-1234", "consent_recorded": "on", "consent_method": "verbal"},
        follow=True)
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SENT and referral.consent_recorded
    assert referral.partner == partner and referral.referred_by == cast[Role.OFFICER]
    assert (referral.due_on - timezone.localtime(referral.created_at, agency.zone).date()).days == 7
    assert "Rosalind" in response.content.decode()


def test_the_person_is_kept_out_of_the_audit_log(agency, cast, partner):
    refer(cast[Role.OFFICER], agency, partner)
    logged = str(list(AuditEvent.objects.values_list("changes", flat=True)))
    assert "Rosalind" not in logged and "rosalind@example.org" not in logged


def test_the_loop_closes_accept_then_outcome_seen_by_the_referrer(agency, cast, partner, partner_user):
    referral = refer(cast[Role.OFFICER], agency, partner)
    handler = signed_in_client(partner_user)
    inbox = handler.get(reverse("partners:staff_inbox")).content.decode()
    assert "Rosalind" in inbox
    handler.post(reverse("partners:staff_referral_accept", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    handler.post(reverse("partners:staff_referral_outcome", args=[referral.pk]),
                 {"outcome-outcome": "service_provided", "outcome-note": "Weekly groceries arranged."})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.outcome == "service_provided"
    mine = signed_in_client(cast[Role.OFFICER]).get(reverse("partners:staff_my_referrals")).content.decode()
    assert "Outcome reported" in mine and "Service provided" in mine


def test_a_partner_declines_with_a_reason_the_referrer_reads(agency, cast, partner, partner_user):
    referral = refer(cast[Role.OFFICER], agency, partner)
    signed_in_client(partner_user).post(reverse("partners:staff_referral_decline", args=[referral.pk]),
                                        {"decline-reason": "No places this month."})
    page = signed_in_client(cast[Role.OFFICER]).get(reverse("partners:staff_referral", args=[referral.pk]))
    assert "Declined by the partner" in page.content.decode() and "No places this month." in page.content.decode()


def test_declining_without_a_reason_shows_the_error(agency, cast, partner, partner_user):
    referral = refer(cast[Role.OFFICER], agency, partner)
    response = signed_in_client(partner_user).post(reverse("partners:staff_referral_decline", args=[referral.pk]),
                                                   {"decline-reason": ""})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_an_outcome_needs_an_accepted_referral(agency, cast, partner, partner_user):
    referral = refer(cast[Role.OFFICER], agency, partner)
    with pytest.raises(services.PartnerError):
        services.report_outcome(partner_user, referral, outcome="service_provided")


def test_another_partners_staff_cannot_see_or_handle_the_referral(agency, cast, partner):
    referral = refer(cast[Role.OFFICER], agency, partner)
    other = make_partner(agency, slug="counselling", name="Bayview Counselling")
    outsider = make_partner_user(agency, other, username="counsellor")
    client = signed_in_client(outsider)
    assert "Rosalind" not in client.get(reverse("partners:staff_inbox")).content.decode()
    assert client.get(reverse("partners:staff_referral", args=[referral.pk])).status_code == 404
    assert client.post(reverse("partners:staff_referral_accept", args=[referral.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.accept_referral(outsider, referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_a_partner_role_without_an_organisation_sees_an_empty_inbox(agency, cast, partner):
    refer(cast[Role.OFFICER], agency, partner)
    page = signed_in_client(cast[Role.PARTNER]).get(reverse("partners:staff_inbox")).content.decode()
    assert "Rosalind" not in page and "0 referrals" in page


@pytest.mark.parametrize("role", [Role.ENGAGEMENT_STAFF, Role.CRISIS_COORDINATOR, Role.INVESTIGATOR,
                                  Role.OVERSIGHT_REVIEWER])
def test_staff_who_did_not_make_the_referral_cannot_see_the_person(agency, cast, partner, role):
    referral = refer(cast[Role.OFFICER], agency, partner)
    response = signed_in_client(cast[role]).get(reverse("partners:staff_referral", args=[referral.pk]))
    assert response.status_code == 404


def test_an_admin_sees_the_person(agency, cast, admin_client, partner):
    referral = refer(cast[Role.OFFICER], agency, partner)
    page = admin_client.get(reverse("partners:staff_referral", args=[referral.pk]))
    assert "rosalind@example.org" in page.content.decode()


def test_officers_cannot_open_the_partner_inbox_or_answer(agency, cast, partner):
    referral = refer(cast[Role.OFFICER], agency, partner)
    client = signed_in_client(cast[Role.OFFICER])
    assert client.get(reverse("partners:staff_inbox")).status_code == 403
    assert client.post(reverse("partners:staff_referral_accept", args=[referral.pk])).status_code == 403


def test_a_partner_user_cannot_make_referrals(agency, partner, partner_user):
    assert signed_in_client(partner_user).get(reverse("partners:staff_referral_new")).status_code == 403
    with pytest.raises(PermissionDenied):
        refer(partner_user, agency, partner)


def test_anonymous_visitors_are_sent_to_sign_in(agency, cast, partner, client):
    referral = refer(cast[Role.OFFICER], agency, partner)
    for url in [reverse("partners:staff_inbox"), reverse("partners:staff_my_referrals"),
                reverse("partners:staff_referral", args=[referral.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"]


def test_another_agencys_referral_is_not_found(agency, other_agency, other_admin, cast, partner):
    referral = refer(cast[Role.OFFICER], agency, partner)
    client = signed_in_client(other_admin, host="beta.test")
    assert client.get(reverse("partners:staff_referral", args=[referral.pk])).status_code == 404
    assert client.post(reverse("partners:staff_referral_accept", args=[referral.pk])).status_code == 404


def test_crisis_can_read_the_referrals_it_made_by_source(agency, cast, partner):
    linked = refer(cast[Role.CRISIS_COORDINATOR], agency, partner, source="crisis-response:12")
    refer(cast[Role.CRISIS_COORDINATOR], agency, partner, source="crisis-response:13")
    assert list(services.referrals_for_source(agency, "crisis-response:12")) == [linked]
    assert not services.referrals_for_source(agency, "").exists()


def test_a_service_that_takes_no_referrals_is_refused(agency, cast, partner):
    partner.services.update(accepts_referrals=False)
    with pytest.raises(services.PartnerError, match="does not take referrals"):
        refer(cast[Role.OFFICER], agency, partner)
    assert not Referral.objects.exists()
