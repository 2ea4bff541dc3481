"""Reminders: officers and their supervisors hear about training due within 30 days or overdue, once per
officer, requirement and due date."""

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.training import services
from commonbeat.training.models import ReminderSent, Source, TrainingRecord

from ..factories import make_user
from .conftest import make_officer


@pytest.fixture
def sergeant(agency, patrol):
    return make_officer(agency, "801", unit=patrol, last_name="Sarge",
                        user=make_user(agency, Role.OFFICER, "sarge"))


@pytest.fixture
def officer(agency, patrol, sergeant):
    return make_officer(agency, "802", unit=patrol, last_name="Rookie", supervisor=sergeant,
                        user=make_user(agency, Role.OFFICER, "rookie"))


def trained(agency, officer, course, completed_on):
    TrainingRecord.objects.create(agency=agency, officer=officer, course=course, completed_on=completed_on,
                                  hours=course.hours, source=Source.ENTERED, recorded_at=timezone.now())


def test_an_officer_and_their_supervisor_are_told_once_when_training_falls_due(agency, courses, de_escalation,
                                                                                officer, sergeant):
    today = date.today()
    trained(agency, officer, courses["DEESC-8"], today - timedelta(days=350))
    trained(agency, sergeant, courses["DEESC-8"], today - timedelta(days=20))
    trained(agency, officer.__class__.objects.get(agency=agency, badge_number="101"), courses["DEESC-8"],
            today - timedelta(days=20))
    output = io.StringIO()
    call_command("send_training_reminders", stdout=output)
    assert "1 reminder sent." in output.getvalue()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["rookie@example.org", "sarge@example.org"]
    assert message.subject == "Training due soon: De-escalation (Rookie)"
    assert "/training/mine/" in message.body
    services.send_reminders()
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1


def test_overdue_training_is_reminded_again_when_its_due_date_changes(agency, courses, de_escalation, officer,
                                                                      sergeant):
    today = date.today()
    for person in (sergeant, officer.__class__.objects.get(agency=agency, badge_number="101")):
        trained(agency, person, courses["DEESC-8"], today - timedelta(days=20))
    trained(agency, officer, courses["DEESC-8"], today - timedelta(days=400))
    services.send_reminders()
    assert mail.outbox[-1].subject.startswith("Overdue training")
    # Retrained, then lapsing again later: a new due date, a new reminder.
    services.send_reminders(today=today + timedelta(days=1))
    assert len(mail.outbox) == 1
    trained(agency, officer, courses["DEESC-8"], today - timedelta(days=2))
    services.send_reminders(today=today + timedelta(days=350))
    assert len(mail.outbox) >= 2


def test_officers_without_an_email_are_marked_but_nobody_is_written_to(agency, courses, de_escalation):
    services.send_reminders()
    assert mail.outbox == []
    assert ReminderSent.objects.filter(officer__badge_number="101").count() == 1
