"""The published complaint figures: what is counted, what is hidden, and what is never shown."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Officer
from commonbeat.feedback import services
from commonbeat.feedback.models import Classification, FeedbackSettings, Kind, Report
from commonbeat.feedback.statistics import CSV_COLUMNS, Period, complaint_figures

from . import factories

TODAY = date(2026, 11, 25)  # the period is then November 2024 to October 2026
CHICAGO = ZoneInfo("America/Chicago")

COMPLAINANT = {"name": "Zephyrine Quillfeather", "email": "zephyrine.q@example.org", "phone": "555-0199",
               "location_text": "Quasar Boulevard", "officers_described": "Sergeant Wobblebottom",
               "narrative": "The officer confiscated my xylophone-shaped kite without any reason."}


def at(year: int, month: int, day: int = 15) -> datetime:
    return datetime(year, month, day, 12, tzinfo=CHICAGO)


def received(report: Report, when: datetime, **dates) -> Report:
    Report.objects.filter(pk=report.pk).update(received_at=when, **dates)
    return report


def filed(agency, count: int, when: datetime, **overrides) -> list[Report]:
    return [received(factories.file(agency, **overrides).report, when) for _ in range(count)]


def complaint_alleging(agency, cast, when: datetime, codes: list[str], officer: Officer | None = None) -> Report:
    report = factories.file(agency).report
    services.triage(cast[Role.INVESTIGATOR], report, Classification.FORMAL_COMPLAINT,
                    [services.AllegationInput(factories.category(agency, code), officer) for code in codes])
    return received(report, when)


def closed_after(agency, cast, days: int, *, closed_on: datetime, finding_code: str = "unfounded") -> Report:
    report = factories.closed(agency, cast, finding_code=finding_code)
    return received(report, closed_on - timedelta(days=days), closed_at=closed_on)


def rows_of(table) -> dict:
    return {row.key: row.values for row in table.rows}


def a_month_in_the_current_period() -> datetime:
    """For the pages, which publish the 24 months before today: the sixth of those months."""
    first = Period.last_full_months(timezone.localdate(timezone=CHICAGO)).first_month
    return at(first.year + (first.month + 4) // 12, (first.month + 4) % 12 + 1)


# ---------------------------------------------------------------- the figures

def test_reports_are_counted_by_month_and_kind_over_the_last_24_full_months(agency):
    filed(agency, 12, at(2025, 3))
    filed(agency, 13, at(2025, 3), kind=Kind.COMMENDATION)
    filed(agency, 11, at(2026, 6))
    filed(agency, 15, at(2026, 11, 2))  # this month: not yet published
    filed(agency, 14, at(2024, 10))  # before the period
    table = complaint_figures(agency, today=TODAY).reports_by_month
    months = [row.key for row in table.rows]
    assert len(months) == 24 and months[0] == "2024-11" and months[-1] == "2026-10"
    assert rows_of(table)["2025-03"] == [12, 13]
    assert rows_of(table)["2026-06"] == [11, 0]
    assert rows_of(table)["2025-04"] == [0, 0]
    assert table.totals == [23, 13]
    assert [series.key for series in table.series] == ["complaint", "commendation"]


def test_months_follow_the_agency_time_zone(agency):
    filed(agency, 11, datetime(2025, 3, 1, 3, 0, tzinfo=UTC))  # 9 pm on 28 February in Chicago
    table = complaint_figures(agency, today=TODAY).reports_by_month
    assert rows_of(table)["2025-02"] == [11, 0]
    assert rows_of(table)["2025-03"] == [0, 0]


def test_a_small_count_is_hidden_and_the_next_smallest_of_its_series_with_it(agency):
    filed(agency, 3, at(2025, 1), kind=Kind.COMMENDATION)
    filed(agency, 20, at(2025, 2), kind=Kind.COMMENDATION)
    filed(agency, 30, at(2025, 1))
    table = complaint_figures(agency, today=TODAY).reports_by_month
    assert rows_of(table)["2025-01"] == [30, None]
    assert rows_of(table)["2025-02"] == [0, None]
    assert table.totals == [30, 23]  # the complaints of January are not dragged into hiding


def test_a_small_total_is_hidden(agency):
    filed(agency, 4, at(2025, 5), kind=Kind.COMMENDATION)
    table = complaint_figures(agency, today=TODAY).reports_by_month
    assert rows_of(table)["2025-05"] == [0, None]
    assert table.totals == [0, None]


def test_allegations_are_counted_by_category(agency, cast):
    for _ in range(11):
        complaint_alleging(agency, cast, at(2025, 6), ["force", "discourtesy"])
    for _ in range(12):
        complaint_alleging(agency, cast, at(2026, 1), ["bias"])
    table = complaint_figures(agency, today=TODAY).allegations_by_category
    assert rows_of(table) == {"force": [11], "abuse-of-authority": [0], "discourtesy": [11],
                              "offensive-language": [0], "bias": [12], "other": [0]}
    assert table.totals == [34]


def test_reports_by_neighbourhood_include_those_without_a_place(agency):
    filed(agency, 12, at(2025, 7))  # North End
    filed(agency, 11, at(2025, 7), kind=Kind.COMMENDATION, longitude=-89.985)  # South End
    filed(agency, 11, at(2025, 7), latitude=None, longitude=None)
    table = complaint_figures(agency, today=TODAY).reports_by_neighbourhood
    assert rows_of(table) == {"alpha-north-end": [12, 0], "alpha-south-end": [0, 11], "not-known": [11, 0]}
    assert table.totals == [23, 11]


def test_findings_count_allegations_of_formal_complaints_closed_in_the_period(agency, cast):
    for _ in range(11):
        closed_after(agency, cast, 30, closed_on=at(2025, 9), finding_code="sustained")
    for _ in range(12):
        closed_after(agency, cast, 30, closed_on=at(2026, 2), finding_code="unfounded")
    for _ in range(2):
        closed_after(agency, cast, 30, closed_on=at(2024, 8), finding_code="sustained")  # before the period
    factories.in_review(agency, cast, finding_code="unfounded")  # not closed yet
    table = complaint_figures(agency, today=TODAY).allegations_by_finding
    assert rows_of(table) == {"sustained": [11], "not-sustained": [0], "exonerated": [0], "unfounded": [12],
                              "policy-failure": [0]}
    assert table.totals == [23]


def test_median_days_to_close_and_share_closed_within_the_target(agency, cast):
    for days in range(10, 21):
        closed_after(agency, cast, days, closed_on=at(2026, 3))
    for days in range(100, 111):
        closed_after(agency, cast, days, closed_on=at(2026, 4))
    timeliness = complaint_figures(agency, today=TODAY).timeliness
    assert timeliness.target_days == 90
    assert timeliness.closed == 22
    assert timeliness.median_days == 60.0  # between 20 and 100, the two middle cases
    assert timeliness.share_within_target == 0.5 and timeliness.percent_within_target == 50.0
    assert rows_of(timeliness.table) == {"within-target": [11], "after-target": [11]}


def test_the_target_is_the_agencys_own(agency, cast):
    services.settings_for(agency)
    FeedbackSettings.objects.filter(agency=agency).update(investigation_target_days=15)
    for days in [*range(5, 16), *range(16, 27)]:
        closed_after(agency, cast, days, closed_on=at(2026, 3))
    timeliness = complaint_figures(agency, today=TODAY).timeliness
    assert timeliness.target_days == 15
    assert timeliness.closed_within_target == 11 and timeliness.closed_after_target == 11


def test_a_median_needs_at_least_11_cases(agency, cast):
    for days in range(10, 20):
        closed_after(agency, cast, days, closed_on=at(2026, 3))
    timeliness = complaint_figures(agency, today=TODAY).timeliness
    assert timeliness.closed is None
    assert timeliness.median_days is None and timeliness.share_within_target is None


def test_a_share_is_withheld_when_either_side_of_it_is_small(agency, cast):
    for days in [*range(10, 22), 120, 130, 140]:
        closed_after(agency, cast, days, closed_on=at(2026, 3))
    timeliness = complaint_figures(agency, today=TODAY).timeliness
    assert timeliness.closed == 15 and timeliness.median_days == 17.0
    assert timeliness.share_within_target is None  # 12 of 15 would give away the 3 late cases
    assert timeliness.closed_within_target is None and timeliness.closed_after_target is None


def test_open_formal_complaints_past_the_target_are_counted(agency, cast):
    for age in [120] * 11 + [10] * 12:
        report = factories.investigating(agency, cast)
        received(report, timezone.now() - timedelta(days=age))
    timeliness = complaint_figures(agency).timeliness
    assert (timeliness.open, timeliness.open_past_target, timeliness.open_within_target) == (23, 11, 12)


def test_officer_figures_appear_only_when_the_agency_publishes_officer_names(agency, cast):
    officer = Officer.objects.get(agency=agency)
    for _ in range(12):
        complaint_alleging(agency, cast, at(2026, 5), ["discourtesy"], officer)
    assert complaint_figures(agency, today=TODAY).officers is None

    services.settings_for(agency)
    FeedbackSettings.objects.filter(agency=agency).update(publish_officer_names=True)
    table = complaint_figures(agency, today=TODAY).officers
    assert [(row.key, row.label) for row in table.rows] == [
        ("101", "Officer Pat Alphason (#101)"), ("not-identified", "Officer not identified")]
    assert rows_of(table) == {"101": [12, 0], "not-identified": [0, 0]}
    assert table.totals == [12, 0]


def test_another_agencys_reports_are_not_counted(agency, other_agency):
    filed(other_agency, 12, at(2025, 3))
    figures = complaint_figures(agency, today=TODAY)
    assert figures.reports_by_month.totals == [0, 0]
    assert figures.reports_by_neighbourhood.totals == [0, 0]


# ---------------------------------------------------------------- the page and the downloads

@pytest.fixture
def published(agency, cast):
    """A month of reports in the current period, one complainant with details to be kept out of sight."""
    when = a_month_in_the_current_period()
    filed(agency, 12, when)
    filed(agency, 3, when, kind=Kind.COMMENDATION)
    report = factories.file(agency, **COMPLAINANT).report
    services.triage(cast[Role.INVESTIGATOR], report, Classification.FORMAL_COMPLAINT,
                    [services.AllegationInput(factories.category(agency, "force"),
                                              Officer.objects.get(agency=agency), COMPLAINANT["narrative"])])
    received(report, when)
    return agency


def test_the_page_shows_each_figure_as_a_chart_beside_its_table(client, published):
    body = client.get("/statistics/complaints/").content.decode()
    assert "<h1>Complaints and commendations: the figures</h1>" in body
    assert body.count('role="img" aria-label=') == body.count("<caption>") - 1 == 5  # + the time-to-close table
    assert 'aria-label="Complaints and commendations received, by month: a bar chart.' in body
    assert '<th scope="col">Month</th>' in body and '<th scope="row">Use of force</th>' in body
    assert "fewer than 11</span>" in body  # the three commendations
    assert "marks a count from 1 to 10, hidden to protect privacy" in body
    assert 'href="/statistics/complaints.csv"' in body and 'href="/statistics/complaints.json"' in body
    assert 'href="/statistics/complaints/"' in body  # the link in the navigation


def test_the_page_and_downloads_work_in_spanish(client, published):
    body = client.get("/es/statistics/complaints/").content.decode()
    assert '<html lang="es"' in body
    assert "Uso de la fuerza" in body and "Use of force" not in body
    assert " de 20" in body  # months as "noviembre de 2024"
    assert 'href="/es/statistics/complaints.csv"' in body
    data = client.get("/es/statistics/complaints.json").json()
    assert data["language"] == "es"
    assert data["data_dictionary"]["values"]["category"]["force"] == "Uso de la fuerza"
    assert data["agency"]["name"] == "Departamento de Policía de Alpha"
    assert client.get("/es/statistics/complaints.csv").content.decode().startswith(",".join(CSV_COLUMNS))


def test_no_complainant_detail_or_narrative_is_ever_published(client, published):
    services.settings_for(published)
    FeedbackSettings.objects.filter(agency=published).update(publish_officer_names=True)
    responses = [client.get(path) for path in [
        "/statistics/complaints/", "/es/statistics/complaints/", "/statistics/complaints.csv",
        "/statistics/complaints.json", "/es/statistics/complaints.json", "/statistics/complaints/?months=60"]]
    for response in responses:
        assert response.status_code == 200
        body = response.content.decode()
        for value in COMPLAINANT.values():
            assert value not in body, (response.request["PATH_INFO"], value)
    assert "Pat Alphason" in responses[0].content.decode()  # the officer, whose name the agency publishes


def test_the_csv_is_tidy_long_format_with_hidden_counts_left_empty(client, published):
    response = client.get("/statistics/complaints.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="alpha-complaints-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == CSV_COLUMNS == ["table", "month", "neighbourhood", "category", "officer", "finding",
                                            "time_to_close", "kind", "count", "suppressed"]
    month = a_month_in_the_current_period().strftime("%Y-%m")
    by_key = {(row["table"], row["month"], row["kind"]): row for row in rows if row["table"] == "reports_by_month"}
    assert by_key[("reports_by_month", month, "complaint")] == {
        **dict.fromkeys(CSV_COLUMNS, ""), "table": "reports_by_month", "month": month, "kind": "complaint",
        "count": "13", "suppressed": "false"}
    assert by_key[("reports_by_month", month, "commendation")]["count"] == ""
    assert by_key[("reports_by_month", month, "commendation")]["suppressed"] == "true"
    assert by_key[("reports_by_month", "all", "complaint")]["count"] == "13"  # a total
    assert {row["table"] for row in rows} == {"reports_by_month", "allegations_by_category",
                                              "reports_by_neighbourhood", "allegations_by_finding",
                                              "closed_by_target"}
    assert all(row["count"] == "" for row in rows if row["suppressed"] == "true")


def test_the_json_has_the_same_rows_the_summary_and_a_data_dictionary(client, published):
    data = client.get("/statistics/complaints.json").json()
    assert data["title"] == "Complaints and commendations: the figures"
    assert data["period"]["months"] == 24 and data["suppression"]["threshold"] == 11
    tables = {table["name"]: table for table in data["tables"]}
    assert tables["reports_by_month"]["dimensions"] == ["month", "kind"]
    assert tables["allegations_by_category"]["dimensions"] == ["category"]
    force = next(row for row in tables["allegations_by_category"]["rows"] if row["category"] == "force")
    assert force == {"table": "allegations_by_category", "category": "force", "count": None, "suppressed": True}
    csv_rows = list(csv.DictReader(io.StringIO(client.get("/statistics/complaints.csv").content.decode())))
    assert len(csv_rows) == sum(len(table["rows"]) for table in data["tables"])
    assert set(data["summary"]) >= {"median_days_to_close", "share_closed_within_target", "open_past_target"}
    dictionary = data["data_dictionary"]
    assert set(CSV_COLUMNS) <= set(dictionary["fields"])
    assert set(dictionary["tables"]) == set(tables)
    assert dictionary["values"]["kind"] == {"complaint": "Complaints", "commendation": "Commendations"}
    assert "officer" not in dictionary["values"]


def test_a_shorter_or_longer_period_can_be_chosen(client, published):
    body = client.get("/statistics/complaints/?months=12").content.decode()
    assert '<option value="12" selected>' in body
    assert 'href="/statistics/complaints.csv?months=12"' in body
    assert client.get("/statistics/complaints.json?months=60").json()["period"]["months"] == 60
    assert client.get("/statistics/complaints.json?months=7").json()["period"]["months"] == 24


def test_the_figures_follow_the_agency_of_the_host(client, published, other_agency):
    filed(other_agency, 20, a_month_in_the_current_period())
    alpha = client.get("/statistics/complaints.json", HTTP_HOST="alpha.test").json()
    beta = client.get("/statistics/complaints.json", HTTP_HOST="beta.test").json()
    total = {row["kind"]: row["count"] for table in alpha["tables"] if table["name"] == "reports_by_month"
             for row in table["rows"] if row["month"] == "all"}
    assert total == {"complaint": 13, "commendation": None}
    assert beta["agency"]["slug"] == "beta"
    assert "Alpha North End" not in str(beta) and "Beta North End" in str(beta)


def test_the_figures_can_only_be_read(client, published):
    assert client.post("/statistics/complaints/").status_code == 405
    assert client.post("/statistics/complaints.csv").status_code == 405
