"""The early-intervention pages: the review queue with commendations alongside, the review of one alert
(plan, complete, dismiss), and the alert policies."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Officer, Unit
from commonbeat.feedback import early_intervention, services
from commonbeat.feedback.models import Alert, AlertPolicy, Classification, Metric, Report

from ..factories import signed_in_client
from .factories import file, triaged


def complaints_against(agency, cast, officer, count: int, days_ago: int = 10) -> list[Report]:
    reports = []
    for _ in range(count):
        report = triaged(agency, cast, officer=officer)
        Report.objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(days=days_ago))
        reports.append(report)
    return reports


def commend(agency, cast, officer, days_ago: int = 10) -> Report:
    report = file(agency, kind="commendation", narrative="The officer helped my son find his way home.").report
    report = services.triage(cast[Role.INVESTIGATOR], report, Classification.COMMENDATION, [])
    services.verify_commendation(cast[Role.INVESTIGATOR], report, [officer], note="Verified.")
    Report.objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(days=days_ago))
    return report


def make_policy(agency, cast, **overrides) -> AlertPolicy:
    values = {"name": "Complaints in six months", "metric": Metric.COMPLAINTS, "unit": None, "period_days": 180,
              "warning_threshold": 3, "critical_threshold": 5}
    return services.save_alert_policy(cast[Role.AGENCY_ADMIN], agency, **(values | overrides))


def new_officer(agency, badge, last_name, unit=None, assignment="") -> Officer:
    return Officer.objects.create(agency=agency, badge_number=badge, first_name="Sam", last_name=last_name,
                                  rank="Officer", unit=unit, assignment=assignment, active_from=date(2020, 1, 1))


@pytest.fixture
def client(cast):
    return signed_in_client(cast[Role.INVESTIGATOR])


@pytest.fixture
def alert(agency, cast) -> Alert:
    make_policy(agency, cast)
    subject = new_officer(agency, "701", "Warner", Unit.objects.get(agency=agency, code="PAT"))
    complaints_against(agency, cast, subject, 3)
    [raised] = early_intervention.evaluate(agency)
    return raised


def test_the_queue_shows_each_alert_with_its_numbers_and_the_officers_commendations(agency, cast, client, alert):
    commend(agency, cast, alert.officer, days_ago=20)
    commend(agency, cast, alert.officer, days_ago=400)  # outside the alert's period
    body = client.get("/console/early-intervention/").content.decode()
    row = body.split(str(alert.officer))[1].split("</tr>")[0]
    assert "Alpha Patrol" in row and "Warning" in row and "Complaints naming the officer" in row
    assert "Complaints in six months" in row and "Waiting for review" in row
    cells = [cell.split(">", 1)[1].split("<", 1)[0] for cell in row.split("<td")[1:]]
    assert cells[3] == "3"  # the count
    assert cells[4] == "—"  # no peer median for a policy alert
    assert cells[6] == "1"  # one commendation in the same period


def test_peer_alerts_show_the_peers_median(agency, cast, client):
    patrol = Unit.objects.get(agency=agency, code="PAT")
    squad = [new_officer(agency, f"8{n}", f"Peer{n}", patrol, "patrol") for n in range(6)]
    complaints_against(agency, cast, squad[0], 4)
    for member in squad[1:3]:
        complaints_against(agency, cast, member, 1)
    [peer] = early_intervention.evaluate(agency)
    body = client.get("/console/early-intervention/").content.decode()
    row = body.split(str(squad[0]))[1].split("</tr>")[0]
    assert "Far above peers" in row
    cells = [cell.split(">", 1)[1].split("<", 1)[0] for cell in row.split("<td")[1:]]
    assert (cells[3], cells[4]) == ("4", "0")
    detail = client.get(f"/console/early-intervention/{peer.id}/").content.decode()
    assert "(peers' median: 0)" in detail and "Comparison with peers (same unit and assignment)" in detail


def test_alerts_waiting_for_review_come_first(agency, cast, client, alert):
    later, newest = new_officer(agency, "702", "Later"), new_officer(agency, "703", "Newest")
    complaints_against(agency, cast, later, 3)
    [waiting] = early_intervention.evaluate(agency)
    complaints_against(agency, cast, newest, 3)
    [done] = early_intervention.evaluate(agency)
    services.dismiss_alert(cast[Role.AGENCY_ADMIN], alert, "One incident, three reports.")
    services.dismiss_alert(cast[Role.AGENCY_ADMIN], done, "Reviewed.")
    body = client.get("/console/early-intervention/").content.decode()
    assert body.index("Later") < body.index("Newest") < body.index("Warner")
    assert waiting.status == "open"


def test_the_alert_page_shows_the_complaints_and_commendations_of_the_period(agency, cast, client, alert):
    complaints = list(Report.objects.filter(allegations__officer=alert.officer))
    praise = commend(agency, cast, alert.officer)
    body = client.get(f"/console/early-intervention/{alert.id}/").content.decode()
    for report in complaints:
        assert f'href="/console/reports/{report.id}/"' in body
    assert "1 commendation in the same period" in body and f'href="/console/reports/{praise.id}/"' in body
    assert "Use of force (no finding yet)" in body


def test_a_reviewer_plans_and_completes_an_intervention(agency, cast, client, alert):
    response = client.post(f"/console/early-intervention/{alert.id}/plan/",
                           {"plan-plan": "Supervisor meeting and de-escalation refresher.",
                            "plan-due_on": "2027-03-01"}, follow=True)
    assert "The intervention is planned." in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "planned" and alert.plan_due_on == date(2027, 3, 1)
    assert alert.reviewed_by == cast[Role.INVESTIGATOR]
    body = client.get(f"/console/early-intervention/{alert.id}/").content.decode()
    assert "Supervisor meeting and de-escalation refresher." in body and "/complete/" in body
    assert 'name="plan-due_on" value="2027-03-01"' in body
    assert 'name="plan-due_on" value="2027-03-01"' in client.get(
        f"/es/console/early-intervention/{alert.id}/").content.decode()  # the date picker reads ISO in any language
    assert "/dismiss/" not in body
    response = client.post(f"/console/early-intervention/{alert.id}/complete/",
                           {"complete-note": "Refresher attended on 20 February."}, follow=True)
    assert "The intervention is recorded as done." in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "completed" and alert.review_note == "Refresher attended on 20 February."
    assert "This alert has been dealt with." in client.get(f"/console/early-intervention/{alert.id}/").content.decode()


def test_a_plan_needs_a_description_and_a_date(agency, cast, client, alert):
    response = client.post(f"/console/early-intervention/{alert.id}/plan/",
                           {"plan-plan": "Meeting", "plan-due_on": ""})
    body = response.content.decode()
    assert "This field is required." in body and "Meeting</textarea>" in body
    alert.refresh_from_db()
    assert alert.status == "open"


def test_completing_before_planning_is_refused_with_the_reason(agency, cast, client, alert):
    response = client.post(f"/console/early-intervention/{alert.id}/complete/", {"complete-note": "Done already"})
    body = response.content.decode()
    assert "Plan an intervention before completing it." in body and "Done already</textarea>" in body
    alert.refresh_from_db()
    assert alert.status == "open"


def test_a_reviewer_dismisses_an_alert_with_a_note(agency, cast, client, alert):
    response = client.post(f"/console/early-intervention/{alert.id}/dismiss/",
                           {"dismiss-note": "All three reports describe the same stop."}, follow=True)
    assert "The alert is dismissed." in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "dismissed" and alert.review_note == "All three reports describe the same stop."


def test_a_planned_alert_cannot_be_dismissed(agency, cast, client, alert):
    services.plan_intervention(cast[Role.AGENCY_ADMIN], alert, "Mentoring.", date(2027, 1, 1))
    response = client.post(f"/console/early-intervention/{alert.id}/dismiss/", {"dismiss-note": "Never mind."})
    assert "Only an alert waiting for review can be dismissed." in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "planned"


# ---------------------------------------------------------------- policies

def test_policies_are_listed_and_added(agency, cast, client):
    traffic = Unit.objects.create(agency=agency, code="TRF", name="Traffic")
    body = client.get("/console/early-intervention/policies/new/").content.decode()
    assert "Traffic" in body and "Beta" not in body
    response = client.post("/console/early-intervention/policies/new/", {
        "name": "Force in traffic", "metric": "force_allegations", "unit": traffic.id, "period_days": "365",
        "warning_threshold": "2", "critical_threshold": "4", "active": "on"}, follow=True)
    body = response.content.decode()
    assert "The policy “Force in traffic” is saved." in body
    assert "Use-of-force allegations" in body and "Traffic" in body
    saved = AlertPolicy.objects.get()
    assert (saved.agency, saved.metric, saved.unit, saved.period_days, saved.warning_threshold,
            saved.critical_threshold, saved.active) == (agency, "force_allegations", traffic, 365, 2, 4, True)


def test_a_policy_is_edited_and_can_be_switched_off(agency, cast, client):
    saved = make_policy(agency, cast)
    body = client.get(f"/console/early-intervention/policies/{saved.id}/").content.decode()
    assert 'value="Complaints in six months"' in body and 'value="180"' in body
    client.post(f"/console/early-intervention/policies/{saved.id}/", {
        "name": "Complaints in a year", "metric": "complaints", "unit": "", "period_days": "365",
        "warning_threshold": "4", "critical_threshold": "6"})
    saved.refresh_from_db()
    assert (saved.name, saved.period_days, saved.warning_threshold, saved.active) == (
        "Complaints in a year", 365, 4, False)
    assert "All officers" in client.get("/console/early-intervention/policies/").content.decode()


def test_a_critical_threshold_below_the_warning_is_a_form_error(agency, cast, client):
    response = client.post("/console/early-intervention/policies/new/", {
        "name": "Backwards", "metric": "complaints", "unit": "", "period_days": "180",
        "warning_threshold": "5", "critical_threshold": "3", "active": "on"})
    body = response.content.decode()
    assert "The critical threshold must be at least the warning threshold." in body
    assert 'value="Backwards"' in body
    assert not AlertPolicy.objects.exists()


def test_the_console_offers_early_intervention_to_those_who_manage_it(cast):
    for role in (Role.INVESTIGATOR, Role.AGENCY_ADMIN):
        assert 'href="/console/early-intervention/"' in signed_in_client(cast[role]).get("/console/").content.decode()
    for role in (Role.OVERSIGHT_REVIEWER, Role.OFFICER):
        assert 'href="/console/early-intervention/"' not in signed_in_client(
            cast[role]).get("/console/").content.decode()
