"""The demo city's two years of complaints and commendations: volumes, mix, timelines and early intervention.

The demo is loaded once for this module (it takes a few seconds) and removed afterwards.
"""

import io
import re
import statistics
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from commonbeat.core import audit
from commonbeat.core.models import Agency, Neighbourhood, Officer
from commonbeat.feedback import services
from commonbeat.feedback.models import (
    Alert,
    AlertPolicy,
    Allegation,
    Classification,
    Kind,
    Report,
    Status,
    StatusChange,
)
from commonbeat.feedback.statistics import complaint_figures

PATROL = ("PN", "PS", "PE", "PW")
CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        output = io.StringIO()
        call_command("seed_demo", stdout=output)
        yield SimpleNamespace(output=output.getvalue())
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def port_alder(demo, db):
    return Agency.objects.get(slug="port-alder")


def in_last_two_years(agency):
    figures = complaint_figures(agency)
    return dict(zip(("complaints", "commendations"), figures.reports_by_month.totals, strict=True))


def test_the_main_city_has_two_years_of_complaints_and_commendations(port_alder):
    totals = in_last_two_years(port_alder)
    assert 600 <= totals["complaints"] <= 900
    assert 250 <= totals["commendations"] <= 380
    lakeside = Report.objects.filter(agency__slug="lakeside-county")
    assert 5 <= lakeside.count() <= 25  # a handful for the second agency


def test_there_are_more_complaints_in_summer_than_in_winter(port_alder):
    by_month = Counter(timezone.localtime(received, CHICAGO).month for received in Report.objects.filter(
        agency=port_alder, kind=Kind.COMPLAINT).values_list("received_at", flat=True))
    assert by_month[6] + by_month[7] + by_month[8] > 1.2 * (by_month[12] + by_month[1] + by_month[2])


def test_some_neighbourhoods_have_clearly_more_complaints(port_alder):
    counts = sorted(Neighbourhood.objects.filter(agency=port_alder).annotate(
        complaints=Count("report")).values_list("complaints", flat=True))
    assert counts[-1] >= 2.5 * counts[0]


def test_patrol_officers_are_named_more_often_and_a_few_officers_far_more(port_alder):
    named = Counter(Allegation.objects.filter(report__agency=port_alder, officer__isnull=False)
                    .values_list("officer_id", flat=True))
    officers = list(Officer.objects.filter(agency=port_alder).select_related("unit"))
    patrol = [named[o.id] for o in officers if o.unit.code in PATROL]
    others = [named[o.id] for o in officers if o.unit.code not in PATROL]
    assert statistics.mean(patrol) > 2 * statistics.mean(others)
    typical = statistics.median(patrol)
    assert sum(1 for count in named.values() if count >= 4 * max(typical, 1)) >= 3


def test_older_cases_are_closed_with_findings_in_realistic_proportions(port_alder):
    older = Report.objects.filter(agency=port_alder, received_at__lt=timezone.now() - timedelta(days=240))
    assert older.filter(status=Status.CLOSED).count() >= 0.9 * older.count()
    findings = Counter(Allegation.objects.filter(report__agency=port_alder, report__status=Status.CLOSED)
                       .values_list("finding__code", flat=True))
    assert None not in findings  # every allegation of a closed case has its finding
    assert 0.10 <= findings["sustained"] / sum(findings.values()) <= 0.16
    assert findings["not-sustained"] > findings["sustained"] and findings["unfounded"] > findings["sustained"]
    assert findings["exonerated"] > 0 and findings["policy-failure"] > 0


def test_cases_are_at_every_stage_and_some_are_overdue(port_alder):
    reports = Report.objects.filter(agency=port_alder)
    statuses = set(reports.values_list("status", flat=True))
    assert {Status.RECEIVED, Status.TRIAGED, Status.INVESTIGATING, Status.REVIEW, Status.CLOSED} <= statuses
    overdue = reports.filter(classification=Classification.FORMAL_COMPLAINT, due_at__lt=timezone.now()).exclude(
        status=Status.CLOSED)
    assert overdue.count() >= 5
    assert reports.filter(classification=Classification.INQUIRY, status=Status.CLOSED).exists()


def test_a_fifth_of_reports_are_in_spanish_and_two_in_five_anonymous(port_alder):
    reports = list(Report.objects.filter(agency=port_alder).only(
        "language", "complainant_name", "complainant_email", "complainant_phone"))
    spanish = sum(1 for report in reports if report.language == "es") / len(reports)
    anonymous = sum(1 for report in reports if report.is_anonymous) / len(reports)
    assert 0.15 <= spanish <= 0.25
    assert 0.33 <= anonymous <= 0.47


def test_every_case_has_a_timeline_that_ends_in_its_status(port_alder):
    changes: dict[int, list] = {}
    for report_id, from_status, to_status, changed_at in StatusChange.objects.filter(
            report__agency=port_alder).order_by("changed_at", "id").values_list(
            "report_id", "from_status", "to_status", "changed_at"):
        changes.setdefault(report_id, []).append((from_status, to_status, changed_at))
    reports = Report.objects.filter(agency=port_alder).values_list("id", "status", "received_at", "closed_at")
    for report_id, status, received_at, closed_at in reports:
        timeline = changes[report_id]
        assert timeline[0][1] == Status.RECEIVED and timeline[0][2] == received_at
        assert timeline[-1][1] == status, report_id
        assert all(earlier[1] == later[0] for earlier, later in zip(timeline, timeline[1:], strict=False))
        assert timeline[-1][2] <= timezone.now()
        assert (closed_at == timeline[-1][2]) if status == Status.CLOSED else closed_at is None


def test_case_numbers_follow_the_year_received(port_alder):
    for reference, kind, received_at in Report.objects.filter(agency=port_alder).values_list(
            "reference", "kind", "received_at"):
        assert re.fullmatch(r"[CK]\d{4}-\d{5}", reference)
        assert reference[0] == ("C" if kind == Kind.COMPLAINT else "K")
        assert int(reference[1:5]) == timezone.localtime(received_at, CHICAGO).year


def test_commendations_are_verified_for_officers(port_alder):
    verified = Report.objects.filter(agency=port_alder, kind=Kind.COMMENDATION, status=Status.CLOSED)
    assert verified.count() >= 250
    assert all(count >= 1 for count in verified.annotate(n=Count("commended_officers")).values_list("n", flat=True))
    assert verified.filter(put_forward_for_recognition_at__isnull=False).exists()


def test_early_intervention_has_open_alerts_from_the_default_policies(port_alder):
    policies = {policy.name for policy in AlertPolicy.objects.filter(agency=port_alder)}
    assert {"Complaints: 3 in 180 days", "Use-of-force allegations: 2 in 365 days"} <= policies
    alerts = Alert.objects.filter(agency=port_alder)
    assert alerts.filter(status=Alert.AlertStatus.OPEN).exists()
    assert alerts.filter(level=Alert.Level.CRITICAL).exists()
    assert alerts.values("officer").distinct().count() <= 0.35 * Officer.objects.filter(agency=port_alder).count()


def test_the_known_demo_reports_can_be_followed_with_the_printed_codes(demo, port_alder):
    codes: dict[str, str] = {}
    for kind, code in re.findall(r"Demo (complaint|commendation) tracking code: ([0-9A-Z-]{19})", demo.output):
        codes.setdefault(kind, code)  # Port Alder's come first
    complaint = services.find_by_tracking_code(port_alder, codes["complaint"])
    assert complaint.kind == Kind.COMPLAINT and complaint.status == Status.INVESTIGATING
    assert complaint.messages.filter(from_resident=False).exists()
    assert complaint.messages.filter(from_resident=True).exists()
    commendation = services.find_by_tracking_code(port_alder, codes["commendation"])
    assert commendation.kind == Kind.COMMENDATION and commendation.status == Status.CLOSED
    assert len(re.findall(r"Demo (?:complaint|commendation) tracking code:", demo.output)) == 4  # each kind, per agency


def test_the_demo_keeps_the_audit_log_intact(port_alder):
    assert audit.verify().intact


def test_the_statistics_page_shows_the_demo_figures(port_alder, client):
    body = client.get("/statistics/complaints/", HTTP_HOST="127.0.0.1").content.decode()
    assert "Port Alder Police Department" in body
    assert body.count('role="img" aria-label=') == 5
    assert "fewer than 11" in body  # some months have few commendations
