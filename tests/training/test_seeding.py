"""The demo city's training: mostly current, some due soon and some overdue, uneven by unit; the demo officer
has records; sessions are booked ahead."""

import random
from collections import Counter
from datetime import date

import pytest
from django.utils import timezone

from commonbeat.accounts import seeding as accounts_seeding
from commonbeat.core import seeding as core_seeding
from commonbeat.core.models import Agency, Officer
from commonbeat.training import compliance, seeding
from commonbeat.training.models import AssignmentChange, SessionSeat, Source, TrainingRecord, TrainingSession


@pytest.fixture
def city(db):
    agency = Agency.objects.create(slug="port-alder", name="Port Alder Police Department", hosts="port-alder.test")
    context = core_seeding.SeedContext(agency=agency, rng=random.Random(20261125))
    core_seeding.seed(context)
    accounts_seeding.seed(context)
    seeding.seed(context)
    return agency, context


def test_the_demo_force_is_mostly_current_with_some_due_soon_and_some_overdue(city):
    agency, context = city
    rows = compliance.compliance_rows(agency, context.today)
    statuses = Counter(row.status for row in rows)
    total = sum(statuses.values())
    assert statuses[compliance.Status.CURRENT] / total > 0.6
    assert statuses[compliance.Status.DUE_SOON] >= 10
    assert statuses[compliance.Status.OVERDUE] >= 10
    shares = [group.share_current for group in compliance.roll_up(rows)
              if group.requirement.course.code == "DEESC-8" and group.subject >= 10]
    assert max(shares) - min(shares) >= 15  # uneven by unit
    assert "training records" in context.log[-1]


def test_the_demo_officer_has_one_of_each_status_and_a_booking(city):
    agency, context = city
    officer = Officer.objects.get(agency=agency, user__username="officer")
    rows = compliance.compliance_rows(agency, context.today, officers=Officer.objects.filter(pk=officer.pk))
    assert {row.requirement.course.code: row.status for row in rows} == {
        "DEESC-8": compliance.Status.DUE_SOON, "BIAS-4": compliance.Status.CURRENT,
        "CULT-4": compliance.Status.OVERDUE}
    assert SessionSeat.objects.filter(officer=officer, session__starts_at__gt=timezone.now()).exists()


def test_records_come_from_sessions_and_imports_and_sessions_lie_ahead(city):
    agency, context = city
    sources = Counter(TrainingRecord.objects.filter(agency=agency).values_list("source", flat=True))
    assert sources[Source.SESSION] > sources[Source.IMPORTED] > 0
    assert not TrainingRecord.objects.filter(completed_on__gt=date.today()).exists()
    upcoming = TrainingSession.objects.filter(agency=agency, starts_at__gt=timezone.now())
    assert upcoming.count() >= 2 and SessionSeat.objects.filter(session__in=upcoming).exists()
    for record in TrainingRecord.objects.filter(agency=agency, source=Source.SESSION)[:50]:
        assert SessionSeat.objects.get(session=record.session, officer=record.officer).attended


def test_officers_moved_into_crisis_intervention_include_one_in_the_grace_period(city):
    agency, context = city
    assert AssignmentChange.objects.filter(agency=agency).count() == seeding.MOVES_TO_CRISIS
    rows = [row for row in compliance.compliance_rows(agency, context.today)
            if row.requirement.course.code == "CIT-40"]
    assert any(row.status == compliance.Status.DUE_SOON and not row.result.met for row in rows)
    assert sum(row.result.met for row in rows) >= len(rows) // 2
