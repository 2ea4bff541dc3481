"""How an officer's status on a requirement is worked out: windows of recurring requirements, one-off
requirements, grace periods, and officers who become subject to a requirement by changing unit or assignment."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Officer
from commonbeat.training import compliance, services
from commonbeat.training.compliance import Status, add_months, evaluate
from commonbeat.training.models import AppliesTo, AssignmentChange, Requirement, Source, TrainingRecord

from .conftest import make_officer

TODAY = date(2026, 6, 15)
LONG_AGO = date(2010, 1, 1)


def yearly(records, *, hours=8, since=LONG_AGO, grace=90, today=TODAY):
    return evaluate(hours_required=Decimal(hours), every_months=12, grace_days=grace, applies_since=since,
                    records=[(day, Decimal(h)) for day, h in records], today=today)


def test_months_are_added_on_the_calendar_and_clamped_to_short_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 3, 15), -15) == date(2024, 12, 15)


def test_a_completion_within_the_year_is_current_until_its_anniversary():
    result = yearly([(date(2026, 1, 10), 8)])
    assert result.status == Status.CURRENT
    assert result.due_on == date(2027, 1, 10)
    assert result.hours == Decimal(8) and result.met


def test_a_completion_expiring_within_30_days_is_due_soon():
    result = yearly([(date(2025, 7, 1), 8)])
    assert result.status == Status.DUE_SOON
    assert result.due_on == date(2026, 7, 1)


def test_a_completion_is_overdue_from_its_anniversary():
    assert yearly([(date(2025, 6, 15), 8)]).status == Status.OVERDUE
    assert yearly([(date(2025, 6, 16), 8)]).status == Status.DUE_SOON


def test_hours_add_up_across_records_and_fall_due_when_the_oldest_needed_one_expires():
    result = yearly([(date(2025, 9, 1), 4), (date(2026, 3, 1), 4)])
    assert result.status == Status.CURRENT
    assert result.hours == Decimal(8)
    assert result.due_on == date(2026, 9, 1)


def test_too_few_hours_in_the_window_is_overdue_even_with_a_recent_record():
    result = yearly([(date(2026, 5, 1), 4), (date(2024, 1, 1), 8)])
    assert result.status == Status.OVERDUE
    assert result.hours == Decimal(4)
    assert not result.met


def test_a_lapsed_officer_is_due_from_the_day_their_last_completion_expired():
    result = yearly([(date(2025, 3, 1), 8)])
    assert result.status == Status.OVERDUE
    assert result.due_on == date(2026, 3, 1)


def test_records_dated_after_today_do_not_count():
    assert yearly([(TODAY + timedelta(days=5), 8)]).status == Status.OVERDUE


def test_a_newly_subject_officer_is_due_soon_within_the_grace_period_and_overdue_after_it():
    within = yearly([], since=TODAY - timedelta(days=89))
    assert within.status == Status.DUE_SOON
    assert within.due_on == TODAY + timedelta(days=1)
    after = yearly([], since=TODAY - timedelta(days=91))
    assert after.status == Status.OVERDUE


def test_a_long_lapsed_completion_does_not_shorten_the_grace_of_a_newly_subject_officer():
    result = yearly([(date(2022, 1, 1), 8)], since=TODAY - timedelta(days=10))
    assert result.status == Status.DUE_SOON
    assert result.due_on == TODAY + timedelta(days=80)


def test_a_one_off_requirement_is_met_once_and_for_ever():
    done = evaluate(hours_required=Decimal(40), every_months=None, grace_days=180, applies_since=LONG_AGO,
                    records=[(date(2012, 5, 1), Decimal(24)), (date(2012, 6, 1), Decimal(16))], today=TODAY)
    assert done.status == Status.CURRENT and done.due_on is None
    short = evaluate(hours_required=Decimal(40), every_months=None, grace_days=180, applies_since=LONG_AGO,
                     records=[(date(2012, 5, 1), Decimal(24))], today=TODAY)
    assert short.status == Status.OVERDUE and short.hours == Decimal(24)


# ---------------------------------------------------------------- role changes

def rows_for(agency, officer, today):
    return {row.requirement.pk: row for row in compliance.compliance_rows(
        agency, today, officers=Officer.objects.filter(pk=officer.pk))}


def test_an_officer_outside_the_assignment_is_not_subject_to_its_requirement(agency, crisis_training, patrol):
    officer = make_officer(agency, "201", unit=patrol, assignment="patrol")
    assert crisis_training.pk not in rows_for(agency, officer, TODAY)


def test_an_assignment_requirement_matches_whatever_the_case(agency, crisis_training, patrol):
    officer = make_officer(agency, "202", unit=patrol, assignment="Crisis ")
    assert rows_for(agency, officer, TODAY)[crisis_training.pk].applies_since == date(2015, 1, 1)


def test_a_unit_requirement_applies_to_the_units_officers(agency, courses, patrol, crisis_unit):
    requirement = Requirement.objects.create(agency=agency, course=courses["PJ-4"], hours_required=4,
                                             every_months=36, applies_to=AppliesTo.UNIT, unit=crisis_unit)
    inside = make_officer(agency, "203", unit=crisis_unit)
    outside = make_officer(agency, "204", unit=patrol)
    assert requirement.pk in rows_for(agency, inside, TODAY)
    assert requirement.pk not in rows_for(agency, outside, TODAY)


def test_moving_into_an_assignment_starts_its_grace_period_on_the_day_of_the_move(agency, cast, crisis_training,
                                                                                   patrol):
    officer = make_officer(agency, "205", unit=patrol, assignment="patrol")
    moved_on = date.today() - timedelta(days=30)
    services.change_assignment(cast[Role.TRAINING_COORDINATOR], agency, officer, unit=patrol, assignment="crisis",
                               effective_on=moved_on)
    officer.refresh_from_db()
    assert officer.assignment == "crisis"
    row = rows_for(agency, officer, date.today())[crisis_training.pk]
    assert row.applies_since == moved_on
    assert row.status == Status.DUE_SOON
    assert row.result.due_on == moved_on + timedelta(days=180)
    # Long after the move, still without the course, the officer is overdue.
    assert rows_for(agency, officer, moved_on + timedelta(days=181))[crisis_training.pk].status == Status.OVERDUE


def test_leaving_and_coming_back_starts_a_new_period_from_the_return(agency, cast, crisis_training, patrol):
    officer = make_officer(agency, "206", unit=patrol, assignment="crisis")
    coordinator = cast[Role.TRAINING_COORDINATOR]
    today = date.today()
    services.change_assignment(coordinator, agency, officer, unit=patrol, assignment="patrol",
                               effective_on=today - timedelta(days=400))
    assert crisis_training.pk not in rows_for(agency, officer, today)
    services.change_assignment(coordinator, agency, officer, unit=patrol, assignment="crisis",
                               effective_on=today - timedelta(days=10))
    row = rows_for(agency, officer, today)[crisis_training.pk]
    assert row.applies_since == today - timedelta(days=10)
    assert row.status == Status.DUE_SOON


def test_a_move_that_keeps_the_assignment_keeps_the_date_the_officer_became_subject(agency, cast, crisis_training,
                                                                                    patrol, crisis_unit):
    officer = make_officer(agency, "207", unit=patrol, assignment="crisis", active_from=date(2019, 3, 1))
    services.change_assignment(cast[Role.TRAINING_COORDINATOR], agency, officer, unit=crisis_unit,
                               assignment="crisis", effective_on=date.today() - timedelta(days=5))
    row = rows_for(agency, officer, date.today())[crisis_training.pk]
    assert row.applies_since == date(2019, 3, 1)
    assert row.status == Status.OVERDUE


def test_a_move_that_ends_a_requirement_drops_it_from_the_officers_compliance(agency, cast, crisis_training,
                                                                              patrol):
    officer = make_officer(agency, "208", unit=patrol, assignment="crisis")
    services.change_assignment(cast[Role.TRAINING_COORDINATOR], agency, officer, unit=patrol, assignment="patrol",
                               effective_on=date.today())
    assert crisis_training.pk not in rows_for(agency, officer, date.today())


def test_a_requirement_for_every_officer_runs_from_the_day_they_joined(agency, de_escalation):
    joined = date.today() - timedelta(days=20)
    officer = make_officer(agency, "209", active_from=joined)
    row = rows_for(agency, officer, date.today())[de_escalation.pk]
    assert row.applies_since == joined
    assert row.status == Status.DUE_SOON and row.result.due_on == joined + timedelta(days=90)


def test_records_of_the_course_count_whoever_entered_them(agency, cast, de_escalation, courses):
    officer = make_officer(agency, "210")
    services.record_completion(cast[Role.TRAINING_COORDINATOR], agency, officer=officer, course=courses["DEESC-8"],
                               completed_on=date.today() - timedelta(days=100), hours=Decimal(8))
    row = rows_for(agency, officer, date.today())[de_escalation.pk]
    assert row.status == Status.CURRENT
    assert TrainingRecord.objects.get(officer=officer).source == Source.ENTERED


def test_a_move_is_recorded_with_the_history_and_audited(agency, cast, patrol, crisis_unit):
    officer = make_officer(agency, "211", unit=patrol, assignment="patrol")
    services.change_assignment(cast[Role.TRAINING_COORDINATOR], agency, officer, unit=crisis_unit,
                               assignment="crisis", effective_on=date.today())
    change = AssignmentChange.objects.get(officer=officer)
    assert (change.from_unit, change.from_assignment, change.to_unit, change.to_assignment) == (
        patrol, "patrol", crisis_unit, "crisis")


def test_a_move_cannot_be_dated_before_the_last_one_or_in_the_future(agency, cast, patrol, crisis_unit):
    officer = make_officer(agency, "212", unit=patrol)
    coordinator = cast[Role.TRAINING_COORDINATOR]
    services.change_assignment(coordinator, agency, officer, unit=crisis_unit, assignment="crisis",
                               effective_on=date.today() - timedelta(days=10))
    with pytest.raises(services.TrainingError):
        services.change_assignment(coordinator, agency, officer, unit=patrol, assignment="patrol",
                                   effective_on=date.today() - timedelta(days=20))
    with pytest.raises(services.TrainingError):
        services.change_assignment(coordinator, agency, officer, unit=patrol, assignment="patrol",
                                   effective_on=date.today() + timedelta(days=1))


def test_only_a_coordinator_moves_officers(agency, cast, patrol):
    officer = make_officer(agency, "213", unit=patrol)
    with pytest.raises(PermissionDenied):
        services.change_assignment(cast[Role.OVERSIGHT_REVIEWER], agency, officer, unit=None, assignment="crisis",
                                   effective_on=date.today())


def test_the_unit_roll_up_counts_each_status_and_the_share_completed(agency, de_escalation, patrol, crisis_unit,
                                                                      courses):
    today = date.today()
    current = make_officer(agency, "301", unit=patrol)
    make_officer(agency, "302", unit=patrol)  # never trained: overdue
    TrainingRecord.objects.create(agency=agency, officer=current, course=courses["DEESC-8"],
                                  completed_on=today - timedelta(days=10), hours=8, source=Source.ENTERED,
                                  recorded_at="2026-01-01T00:00Z")
    groups = {group.unit.code if group.unit else None: group
              for group in compliance.roll_up(compliance.compliance_rows(agency, today))}
    patrol_group = groups["PAT"]
    # Officer 101 from the shared cast is in Patrol too, never trained.
    assert (patrol_group.subject, patrol_group.current, patrol_group.overdue) == (3, 1, 2)
    assert patrol_group.share_current == 33
