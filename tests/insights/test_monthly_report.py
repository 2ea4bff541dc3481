"""The monthly community report: built and stored as a PDF and a web page, listed for download, rebuilt from
the console; figures come from each app's own published figures, with small counts hidden."""

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Neighbourhood
from commonbeat.feedback.models import Kind, Report
from commonbeat.insights import services, tasks
from commonbeat.insights.models import Measure, MonthlyReport, PeriodKind, TrustEstimate
from commonbeat.insights.monthly import last_full_month
from commonbeat.patrols import services as patrols

from ..factories import make_user, signed_in_client
from ..feedback import factories as feedback_factories
from .isolation_monthly import beta_monthly, monthly_routes

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 10, 15, 12, 0, tzinfo=CHICAGO)
SEPTEMBER = date(2026, 9, 1)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def estimate(agency, month: date, mean: float, respondents: int = 140) -> TrustEstimate:
    return TrustEstimate.objects.create(
        agency=agency, measure=Measure.TRUST, period_kind=PeriodKind.MONTH, period_start=month,
        period_end=(month + timedelta(days=32)).replace(day=1) - timedelta(days=1), respondents=respondents,
        enough_responses=True, mean=mean, standard_error=2.0, ci_low=mean - 4, ci_high=mean + 4,
        effective_sample_size=respondents * 0.8, unweighted_mean=mean, computed_at=NOW)


def reports(agency, count: int, kind: str, when: datetime) -> None:
    for _ in range(count):
        report = feedback_factories.file(agency, kind=kind).report
        Report.objects.filter(pk=report.pk).update(received_at=when)


@pytest.fixture
def september(agency, cast):
    """Alpha's September 2026: a trust estimate, 12 complaints and 3 commendations, a patrol against a target."""
    estimate(agency, SEPTEMBER, 63.4)
    estimate(agency, date(2026, 8, 1), 58.2)
    reports(agency, 12, Kind.COMPLAINT, datetime(2026, 9, 10, 12, tzinfo=CHICAGO))
    reports(agency, 3, Kind.COMMENDATION, datetime(2026, 9, 12, 12, tzinfo=CHICAGO))
    staff = cast[Role.AGENCY_ADMIN]
    north = Neighbourhood.objects.get(agency=agency, slug="alpha-north-end")
    patrols.set_target(staff, agency, north, 14, from_week=date(2026, 8, 31))
    officer = agency.officer_set.get()
    ended = datetime(2026, 9, 16, 15, tzinfo=CHICAGO)
    patrols.log_patrol(staff, agency, patrols.PatrolDetails(
        officer=officer, mode="foot", started_at=ended - timedelta(hours=5), ended_at=ended, neighbourhoods=[north]))
    return agency


def built(agency, language="en", month=SEPTEMBER) -> MonthlyReport:
    return services.build_monthly_report(agency, month, language)


# ---------------------------------------------------------------- building

@pytest.mark.django_db
def test_building_stores_a_pdf_drawn_by_weasyprint(september):
    report = built(september)
    data = report.pdf.open("rb").read()
    assert data.startswith(b"%PDF")
    assert report.pages >= 2
    assert data.rstrip().endswith(b"%%EOF")
    stored = MonthlyReport.objects.get(agency=september, month=SEPTEMBER, language="en")
    assert stored.pdf.name.startswith("reports/monthly/alpha/2026-09-en")
    event = AuditEvent.objects.get(action="insights.monthly_report_built")
    assert event.changes["month"] == "2026-09" and event.changes["language"] == "en"


@pytest.mark.django_db
def test_the_snapshot_holds_each_apps_figures_with_small_counts_hidden(september):
    html = built(september).html
    assert "Monthly community report: September 2026" in html
    assert "Alpha Police Department" in html
    # trust, from the stored estimates: this month and the month before
    assert "63" in html and "58" in html
    assert "Trust and feeling safe across the city, by month" in html
    # complaints: 12 shown, 3 commendations hidden
    assert "Complaints and commendations received, by neighbourhood" in html
    assert '<span class="font-mono-xs">12</span>' in html
    assert "fewer than 11" in html
    assert '<span class="font-mono-xs">3</span>' not in html
    # patrol hours against the month's target: 30 days of a 14-hour weekly target is 60 hours
    assert "Foot and bike patrol hours against the target, by neighbourhood" in html
    assert "5.0 hours, against a target of 60.0 hours (8% of the target)" in html
    # every chart comes with its table
    assert html.count("<svg viewBox") >= 8
    assert html.count("<caption>") >= html.count("<svg viewBox")
    assert "Crisis responses, this month and the month before, by who responded" in html
    assert "Findings on allegations in complaints closed, by finding" in html


@pytest.mark.django_db
def test_the_spanish_report_is_in_spanish(september):
    report = built(september, "es")
    assert report.pdf.open("rb").read().startswith(b"%PDF")
    assert 'lang="es"' in report.html
    assert "septiembre de 2026" in report.html
    assert "Quejas" in report.html


@pytest.mark.django_db
def test_rebuilding_replaces_the_stored_report(september):
    first = built(september)
    reports(september, 1, Kind.COMPLAINT, datetime(2026, 9, 20, 12, tzinfo=CHICAGO))
    second = built(september)
    assert MonthlyReport.objects.filter(agency=september).count() == 1
    assert second.pk == first.pk
    assert '<span class="font-mono-xs">13</span>' in MonthlyReport.objects.get().html
    assert second.pdf.storage.exists(second.pdf.name)
    assert AuditEvent.objects.filter(action="insights.monthly_report_built").last().changes["replaced"] is True


@pytest.mark.django_db
def test_a_month_that_has_not_ended_cannot_be_reported_on(agency):
    with pytest.raises(services.MonthlyReportError):
        services.build_monthly_report(agency, date(2026, 10, 1), "en")
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
def test_a_person_needs_the_monthly_reports_action_to_build(agency, cast):
    with pytest.raises(PermissionDenied):
        services.build_monthly_report(agency, SEPTEMBER, "en", actor=cast[Role.OFFICER])
    report = services.build_monthly_report(agency, SEPTEMBER, "en", actor=cast[Role.ENGAGEMENT_STAFF])
    assert report.built_by == cast[Role.ENGAGEMENT_STAFF]


# ---------------------------------------------------------------- the command and the task

@pytest.mark.django_db
def test_the_command_builds_the_last_full_month_in_the_agencys_time_zone(agency, monkeypatch):
    # 03:00 on 1 November in UTC is still 31 October in Chicago: the last full month is September.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 1, 3, 0, tzinfo=UTC))
    assert last_full_month(agency) == SEPTEMBER
    call_command("build_monthly_report", "--agency", "alpha", stdout=io.StringIO())
    assert set(MonthlyReport.objects.values_list("month", "language")) == {(SEPTEMBER, "en"), (SEPTEMBER, "es")}


@pytest.mark.django_db
def test_the_command_builds_the_month_asked_for_each_agency(agency, other_agency):
    call_command("build_monthly_report", "--month", "2026-08", stdout=io.StringIO())
    assert set(MonthlyReport.objects.values_list("agency__slug", "month")) == {
        ("alpha", date(2026, 8, 1)), ("beta", date(2026, 8, 1))}
    with pytest.raises(CommandError):
        call_command("build_monthly_report", "--month", "2026-13")
    with pytest.raises(CommandError):
        call_command("build_monthly_report", "--agency", "nowhere")


@pytest.mark.django_db
def test_the_task_builds_every_language(agency):
    result = tasks.build_monthly_reports.enqueue(agency_id=agency.pk, month="2026-09")
    assert result.return_value == 2
    assert MonthlyReport.objects.filter(agency=agency, month=SEPTEMBER).count() == 2


# ---------------------------------------------------------------- public pages

@pytest.mark.django_db
def test_the_page_shows_the_stored_report_with_its_tables(september, client):
    built(september)
    page = client.get("/reports/monthly/2026-09/", HTTP_HOST="alpha.test").content.decode()
    assert page.count("<h1") == 1
    assert "Monthly community report: September 2026" in page
    assert "Complaints and commendations received, by neighbourhood" in page
    assert "fewer than 11" in page
    assert 'href="/reports/monthly/2026-09.pdf"' in page


@pytest.mark.django_db
def test_the_spanish_page_and_pdf_are_the_spanish_report(september, client):
    built(september, "en")
    spanish = built(september, "es")
    page = client.get("/es/reports/monthly/2026-09/", HTTP_HOST="alpha.test").content.decode()
    assert "septiembre de 2026" in page
    response = client.get("/es/reports/monthly/2026-09.pdf", HTTP_HOST="alpha.test")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == spanish.pdf.open("rb").read()


@pytest.mark.django_db
def test_the_pdf_is_served_from_storage(september, client):
    report = built(september)
    response = client.get("/reports/monthly/2026-09.pdf", HTTP_HOST="alpha.test")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "alpha-community-report-2026-09-en.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == report.pdf.open("rb").read()


@pytest.mark.django_db
def test_a_month_not_built_is_not_found(agency, client):
    assert client.get("/reports/monthly/2026-09.pdf", HTTP_HOST="alpha.test").status_code == 404
    assert client.get("/reports/monthly/2026-09/", HTTP_HOST="alpha.test").status_code == 404
    built(agency, "en")
    assert client.get("/es/reports/monthly/2026-09.pdf", HTTP_HOST="alpha.test").status_code == 404


@pytest.mark.django_db
def test_the_list_offers_every_stored_month_for_download(agency, client):
    built(agency, month=date(2026, 8, 1))
    built(agency, month=SEPTEMBER)
    page = client.get("/reports/monthly/", HTTP_HOST="alpha.test").content.decode()
    assert page.index("September 2026") < page.index("August 2026")
    assert 'href="/reports/monthly/2026-08.pdf"' in page and 'href="/reports/monthly/2026-09/"' in page
    assert "Todavía no se ha publicado ningún reporte." in client.get(
        "/es/reports/monthly/", HTTP_HOST="alpha.test").content.decode()


@pytest.mark.django_db
def test_another_agencys_reports_are_never_served(agency, other_agency, client):
    built(other_agency)
    assert client.get("/reports/monthly/2026-09/", HTTP_HOST="alpha.test").status_code == 404
    assert client.get("/reports/monthly/2026-09.pdf", HTTP_HOST="alpha.test").status_code == 404
    assert "Beta" not in client.get("/reports/monthly/", HTTP_HOST="alpha.test").content.decode()
    assert client.get("/reports/monthly/2026-09.pdf", HTTP_HOST="beta.test").status_code == 200


# ---------------------------------------------------------------- the console

CONSOLE = "/console/reports/monthly/"
BUILD = "/console/reports/monthly/build/"


@pytest.mark.django_db
def test_the_console_needs_a_signed_in_user(client, agency):
    response = client.get(CONSOLE, HTTP_HOST="alpha.test")
    assert response.status_code == 302 and "sign-in" in response["Location"]
    assert client.post(BUILD, {"month": "2026-09"}, HTTP_HOST="alpha.test").status_code == 302
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
def test_roles_without_the_action_are_refused(cast):
    officer = signed_in_client(cast[Role.OFFICER])
    assert officer.get(CONSOLE).status_code == 403
    assert officer.post(BUILD, {"month": "2026-09"}).status_code == 403
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
def test_engagement_staff_rebuild_a_month_in_every_language(cast):
    staff = signed_in_client(cast[Role.ENGAGEMENT_STAFF])
    page = staff.get(CONSOLE).content.decode()
    assert 'value="2026-09"' in page and "No report has been built yet." in page
    response = staff.post(BUILD, {"month": "2026-09"}, follow=True)
    assert "The report for September 2026 is built in every language." in response.content.decode()
    assert set(MonthlyReport.objects.values_list("language", flat=True)) == {"en", "es"}
    assert 'href="/es/reports/monthly/2026-09.pdf"' in response.content.decode()
    staff.post(BUILD, {"month": "2026-09"})
    assert MonthlyReport.objects.count() == 2


@pytest.mark.django_db
def test_a_bad_month_is_shown_on_the_form(cast):
    staff = signed_in_client(cast[Role.AGENCY_ADMIN])
    response = staff.post(BUILD, {"month": "September"})
    assert response.status_code == 400
    assert "Enter the month as YYYY-MM" in response.content.decode()
    assert 'value="September"' in response.content.decode()
    response = staff.post(BUILD, {"month": "2026-10"})
    assert "A report can only be built for a month that has ended." in response.content.decode()
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["0000-05", "0001-01"])
def test_a_month_with_no_real_year_is_refused_on_the_form(cast, client, month):
    staff = signed_in_client(cast[Role.AGENCY_ADMIN])
    response = staff.post(BUILD, {"month": month})
    assert response.status_code == 400
    assert "Enter the month as YYYY-MM" in response.content.decode()
    assert f'value="{month}"' in response.content.decode()
    assert client.get(f"/reports/monthly/{month}/").status_code == 404
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
def test_the_report_says_when_it_was_built_in_the_agencys_time_zone(agency):
    report = built(agency)
    assert "Built on 2026-10-15 12:00." in report.html  # noon in Chicago, 17:00 in UTC


@pytest.mark.django_db
def test_the_console_shows_when_a_report_was_built_in_the_agencys_time_zone(agency, cast):
    built(agency)
    MonthlyReport.objects.update(built_at=datetime(2026, 10, 2, 3, 30, tzinfo=UTC))  # 22:30 the day before
    page = signed_in_client(cast[Role.AGENCY_ADMIN]).get(CONSOLE).content.decode()
    assert "10/01/2026 10:30 p.m." in page


@pytest.mark.django_db
def test_the_console_lists_only_the_agencys_own_reports(agency, other_agency, other_admin):
    built(other_agency)
    staff = signed_in_client(make_user(agency, Role.ENGAGEMENT_STAFF, "kim"))
    assert "No report has been built yet." in staff.get(CONSOLE).content.decode()


@pytest.mark.django_db
def test_betas_report_never_shows_on_alphas_addresses(agency, other_agency, other_admin, admin_client):
    beta_monthly(other_agency, other_admin)
    assert MonthlyReport.objects.filter(agency=other_agency).count() == 2
    routes = monthly_routes(other_agency)
    assert set(routes) == {"reports/monthly/<report_month:month>/", "reports/monthly/<report_month:month>.pdf"}
    for address in [*routes.values(), "/reports/monthly/", CONSOLE]:
        response = admin_client.get(address)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Beta" not in body and b"beta" not in body.lower().replace(b"alpha", b"")
