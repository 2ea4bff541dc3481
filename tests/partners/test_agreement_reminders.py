"""Engagement staff and admins are e-mailed 60 and 14 days before a partner agreement expires, once each."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from commonbeat.accounts.roles import Role
from commonbeat.partners import services
from commonbeat.partners.models import Agreement

from ..factories import signed_in_client
from .helpers import make_partner

TODAY = date(2026, 3, 1)


@pytest.fixture
def partner(agency):
    return make_partner(agency)


def _agreement(partner, days_left):
    return Agreement.objects.create(agency=partner.agency, partner=partner, title="Food bank MOU",
                                    signed_on=TODAY - timedelta(days=300), expires_on=TODAY + timedelta(days=days_left))


def test_the_sixty_day_reminder_goes_once_to_engagement_staff_and_admins(cast, partner):
    _agreement(partner, 60)
    assert services.send_agreement_reminders(TODAY) == 1
    assert services.send_agreement_reminders(TODAY) == 0
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {cast[Role.ENGAGEMENT_STAFF].email, cast[Role.AGENCY_ADMIN].email}
    assert "Harbor Food Bank" in mail.outbox[0].subject and "60 days" in mail.outbox[0].subject


def test_the_fourteen_day_reminder_follows_the_sixty_day_one(cast, partner):
    agreement = _agreement(partner, 60)
    services.send_agreement_reminders(TODAY)
    services.send_agreement_reminders(TODAY + timedelta(days=30))
    assert len(mail.outbox) == 1
    services.send_agreement_reminders(TODAY + timedelta(days=46))
    services.send_agreement_reminders(TODAY + timedelta(days=47))
    assert len(mail.outbox) == 2 and "14 days" in mail.outbox[1].subject
    agreement.refresh_from_db()
    assert agreement.reminded_60_at and agreement.reminded_14_at


def test_an_agreement_signed_close_to_expiry_gets_only_the_fourteen_day_reminder(cast, partner):
    _agreement(partner, 10)
    assert services.send_agreement_reminders(TODAY) == 1
    assert "10 days" in mail.outbox[0].subject
    assert services.send_agreement_reminders(TODAY) == 0


def test_expired_and_distant_agreements_send_nothing(cast, partner):
    _agreement(partner, -1)
    _agreement(partner, 200)
    assert services.send_agreement_reminders(TODAY) == 0 and not mail.outbox


def test_the_command_sends_the_reminders(cast, partner, capsys):
    Agreement.objects.create(agency=partner.agency, partner=partner, title="MOU", signed_on=date(2020, 1, 1),
                             expires_on=date.today() + timedelta(days=20))
    call_command("send_agreement_reminders")
    assert "1 reminder sent." in capsys.readouterr().out and len(mail.outbox) == 1


def test_agreements_expiring_soon_are_highlighted_in_the_console(cast, partner):
    Agreement.objects.create(agency=partner.agency, partner=partner, title="Soon MOU", signed_on=date(2020, 1, 1),
                             expires_on=partner.agency.today() + timedelta(days=20))
    Agreement.objects.create(agency=partner.agency, partner=partner, title="Later MOU", signed_on=date(2020, 1, 1),
                             expires_on=partner.agency.today() + timedelta(days=400))
    page = signed_in_client(cast[Role.ENGAGEMENT_STAFF]).get(reverse("partners:staff_agreements")).content.decode()
    assert page.count(">Expiring soon</span>") == 1 and "20 days left" in page and "In force" in page
