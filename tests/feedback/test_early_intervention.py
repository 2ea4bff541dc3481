"""Early intervention: which complaint histories raise an alert, at which level, and the daily command."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Officer, Unit
from commonbeat.feedback import early_intervention, services
from commonbeat.feedback.models import Alert, Metric, Report

from .factories import triaged


def complaints_against(agency, cast, officer, count: int, days_ago: int = 10) -> None:
    """`count` formal complaints naming `officer`, received `days_ago` days ago."""
    for _ in range(count):
        report = triaged(agency, cast, officer=officer)
        Report.objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(days=days_ago))


def policy(agency, cast, unit=None, **overrides):
    values = {"name": "Complaints in six months", "metric": Metric.COMPLAINTS, "unit": unit, "period_days": 180,
              "warning_threshold": 3, "critical_threshold": 5}
    return services.save_alert_policy(cast[Role.AGENCY_ADMIN], agency, **(values | overrides))


def officer(agency, badge: str, unit=None, assignment: str = "") -> Officer:
    return Officer.objects.create(agency=agency, badge_number=badge, first_name="Officer", last_name=f"No{badge}",
                                  rank="Officer", unit=unit, assignment=assignment, active_from=date(2020, 1, 1))


@pytest.fixture
def patrol(agency):
    return Unit.objects.get(agency=agency, code="PAT")


@pytest.fixture
def traffic(agency):
    return Unit.objects.create(agency=agency, code="TRF", name="Traffic")


def test_three_complaints_in_180_days_raise_a_warning(agency, cast, patrol):
    policy(agency, cast)
    subject = officer(agency, "201", patrol)
    complaints_against(agency, cast, subject, 3)
    raised = early_intervention.evaluate(agency)
    assert [(a.officer, a.level, a.metric, a.value) for a in raised] == [(subject, "warning", "complaints", 3)]
    assert raised[0].period_end == timezone.localdate()
    assert raised[0].period_start == timezone.localdate() - timedelta(days=180)
    assert AuditEvent.objects.filter(action="feedback.alert_raised").count() == 1


def test_five_complaints_raise_a_critical_alert(agency, cast, patrol):
    policy(agency, cast)
    subject = officer(agency, "202", patrol)
    complaints_against(agency, cast, subject, 5)
    assert [(a.level, a.value) for a in early_intervention.evaluate(agency)] == [("critical", 5)]


def test_two_complaints_raise_nothing(agency, cast, patrol):
    policy(agency, cast)
    complaints_against(agency, cast, officer(agency, "203", patrol), 2)
    assert early_intervention.evaluate(agency) == []
    assert not Alert.objects.exists()


def test_complaints_older_than_the_period_are_ignored(agency, cast, patrol):
    policy(agency, cast)
    subject = officer(agency, "204", patrol)
    complaints_against(agency, cast, subject, 2, days_ago=30)
    complaints_against(agency, cast, subject, 2, days_ago=200)
    assert early_intervention.evaluate(agency) == []


def test_a_unit_policy_ignores_officers_of_other_units(agency, cast, patrol, traffic):
    policy(agency, cast, unit=traffic)
    on_patrol, in_traffic = officer(agency, "205", patrol), officer(agency, "206", traffic)
    complaints_against(agency, cast, on_patrol, 3)
    complaints_against(agency, cast, in_traffic, 3)
    assert [a.officer for a in early_intervention.evaluate(agency)] == [in_traffic]


def test_a_warning_escalates_to_critical_without_a_second_alert(agency, cast, patrol):
    policy(agency, cast)
    subject = officer(agency, "207", patrol)
    complaints_against(agency, cast, subject, 3)
    [warning] = early_intervention.evaluate(agency)
    assert early_intervention.evaluate(agency) == []  # nothing new while the warning is open
    complaints_against(agency, cast, subject, 2)
    assert early_intervention.evaluate(agency) == []
    alert = Alert.objects.get()
    assert alert.id == warning.id and (alert.level, alert.value) == ("critical", 5)
    assert AuditEvent.objects.filter(action="feedback.alert_escalated", object_id=str(alert.id)).exists()


def test_a_dealt_with_alert_does_not_stop_a_new_one(agency, cast, patrol):
    policy(agency, cast)
    subject = officer(agency, "208", patrol)
    complaints_against(agency, cast, subject, 3)
    [first] = early_intervention.evaluate(agency)
    services.dismiss_alert(cast[Role.AGENCY_ADMIN], first, "Reviewed the three: all the same incident.")
    [second] = early_intervention.evaluate(agency)
    assert second.id != first.id and second.status == "open"


def test_an_inactive_policy_raises_nothing(agency, cast, patrol):
    policy(agency, cast, active=False)
    complaints_against(agency, cast, officer(agency, "209", patrol), 5)
    assert early_intervention.evaluate(agency) == []


def test_an_officer_far_above_peers_in_the_same_unit_and_assignment_is_flagged(agency, cast, patrol, traffic):
    squad = [officer(agency, f"3{n}", patrol, "patrol") for n in range(6)]
    elsewhere = officer(agency, "399", traffic, "patrol")  # same assignment, other unit: not a peer
    complaints_against(agency, cast, squad[0], 4, days_ago=100)
    complaints_against(agency, cast, squad[1], 1, days_ago=100)
    complaints_against(agency, cast, elsewhere, 4, days_ago=100)
    raised = early_intervention.evaluate(agency)
    assert [(a.officer, a.level, a.value, a.peer_value, a.policy) for a in raised] == [
        (squad[0], "peer", 4, 0, None)]


def test_small_peer_groups_are_not_compared(agency, cast, patrol):
    squad = [officer(agency, f"4{n}", patrol, "bike") for n in range(early_intervention.PEER_GROUP_MINIMUM - 1)]
    complaints_against(agency, cast, squad[0], 4)
    assert early_intervention.evaluate(agency) == []


def test_the_peer_bar_is_relative_to_the_group(agency, cast, patrol):
    squad = [officer(agency, f"5{n}", patrol, "patrol") for n in range(6)]
    for member in squad:
        complaints_against(agency, cast, member, 3, days_ago=50)
    assert early_intervention.evaluate(agency) == []  # everyone at 3: nobody is far above the others


# ---------------------------------------------------------------- the daily command

def test_the_command_evaluates_every_agency_and_prints_what_it_raised(agency, other_agency, cast, patrol):
    policy(agency, cast)
    subject = officer(agency, "601", patrol)
    complaints_against(agency, cast, subject, 3)
    out = StringIO()
    call_command("evaluate_alerts", stdout=out)
    text = out.getvalue()
    assert "alpha: 1 new alert(s)." in text and "beta: 0 new alert(s)." in text
    assert "Warning: Officer Officer No601 (#601), Complaints naming the officer 3" in text
    assert "1 new alert(s) in all." in text
    out = StringIO()
    call_command("evaluate_alerts", stdout=out)
    assert "0 new alert(s) in all." in out.getvalue()


def test_the_command_runs_for_one_agency(agency, other_agency, cast, patrol):
    policy(agency, cast)
    complaints_against(agency, cast, officer(agency, "602", patrol), 3)
    out = StringIO()
    call_command("evaluate_alerts", "--agency", "beta", stdout=out)
    assert "beta: 0 new alert(s)." in out.getvalue() and "alpha" not in out.getvalue()
    assert not Alert.objects.exists()


def test_the_command_evaluates_as_of_a_day(agency, cast, patrol):
    policy(agency, cast)
    complaints_against(agency, cast, officer(agency, "603", patrol), 3, days_ago=10)
    long_ago = (timezone.localdate() - timedelta(days=400)).isoformat()
    out = StringIO()
    call_command("evaluate_alerts", "--as-of", long_ago, stdout=out)
    assert "0 new alert(s) in all." in out.getvalue()
    call_command("evaluate_alerts", "--as-of", timezone.localdate().isoformat(), stdout=StringIO())
    alert = Alert.objects.get()
    assert alert.period_end == timezone.localdate()


def test_the_command_refuses_an_unknown_agency_or_date(agency):
    with pytest.raises(CommandError, match="There is no agency gamma"):
        call_command("evaluate_alerts", "--agency", "gamma", stdout=StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("evaluate_alerts", "--as-of", "31/12/2026", stdout=StringIO())


# ---------------------------------------------------------------- the policies themselves

def test_a_critical_threshold_below_the_warning_is_refused(agency, cast):
    with pytest.raises(services.FeedbackError, match="at least the warning threshold"):
        policy(agency, cast, warning_threshold=5, critical_threshold=3)


def test_a_policy_is_saved_only_by_those_who_manage_early_intervention(agency, cast):
    with pytest.raises(PermissionDenied):
        services.save_alert_policy(cast[Role.OVERSIGHT_REVIEWER], agency, name="x", metric=Metric.COMPLAINTS,
                                   unit=None, period_days=180, warning_threshold=3, critical_threshold=5)
    saved = policy(agency, cast)
    event = AuditEvent.objects.get(action="feedback.alert_policy_saved")
    assert event.changes["before"] is None and event.changes["after"]["warning"] == 3
    policy(agency, cast, policy=saved, critical_threshold=6)
    saved.refresh_from_db()
    assert saved.critical_threshold == 6
    assert AuditEvent.objects.filter(action="feedback.alert_policy_saved").last().changes["before"]["critical"] == 5


def test_a_policy_cannot_track_another_agencys_unit(agency, other_agency, cast):
    with pytest.raises(PermissionDenied):
        policy(agency, cast, unit=Unit.objects.get(agency=other_agency))
