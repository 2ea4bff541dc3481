"""The intake queue: every report of the agency, filtered and paginated, with what is overdue said in words."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood
from commonbeat.feedback import services
from commonbeat.feedback.models import Classification, Report
from commonbeat.feedback.views import staff

from ..factories import make_user, signed_in_client
from .factories import closed, file, investigating, triaged


@pytest.fixture
def client(cast):
    return signed_in_client(cast[Role.INVESTIGATOR])


def queue(client, **filters) -> str:
    return client.get("/console/reports/", filters).content.decode()


def backdate(report, **fields):
    Report.objects.filter(pk=report.pk).update(**fields)
    report.refresh_from_db()
    return report


def test_the_queue_lists_every_report_with_its_columns(agency, cast, client):
    received = file(agency).report
    under_investigation = investigating(agency, cast)
    body = queue(client)
    assert "2 cases" in body
    for header in ("Case number", "Kind", "Received", "Neighbourhood", "Status", "Investigator", "Due"):
        assert f'<th scope="col">{header}</th>' in body
    assert received.reference in body and under_investigation.reference in body
    assert "Alpha North End" in body and "Under investigation" in body and "Investigator Tester" in body
    assert f"Acknowledge by {received.acknowledgement_due_at.astimezone(ZoneInfo(agency.timezone)):%Y-%m-%d}" in body
    assert f"{under_investigation.due_at.astimezone(ZoneInfo(agency.timezone)):%Y-%m-%d}" in body


def test_the_queue_never_shows_another_agencys_reports(agency, other_agency, client):
    beta = file(other_agency, latitude=40.005, longitude=-79.995).report
    alpha = file(agency).report
    body = queue(client)
    assert alpha.reference in body and f'/console/reports/{beta.id}/"' not in body and "Beta" not in body


def test_overdue_cases_are_tagged_in_words(agency, cast, client):
    late_acknowledgement = backdate(file(agency).report, acknowledgement_due_at=timezone.now() - timedelta(days=1))
    late_investigation = backdate(investigating(agency, cast), due_at=timezone.now() - timedelta(days=1))
    on_time = file(agency).report
    body = queue(client)
    rows = {report.reference: body.split(report.reference)[1].split("</tr>")[0]
            for report in (late_acknowledgement, late_investigation, on_time)}
    assert "Acknowledgement overdue" in rows[late_acknowledgement.reference]
    assert "Investigation overdue" in rows[late_investigation.reference]
    assert "overdue" not in rows[on_time.reference]


def test_a_closed_case_is_never_overdue(agency, cast, client):
    report = backdate(closed(agency, cast), due_at=timezone.now() - timedelta(days=30))
    body = queue(client)
    assert report.reference in body and "overdue" not in body.split(report.reference)[1].split("</tr>")[0]
    assert report.reference not in queue(client, overdue="on")


def test_the_overdue_filter_shows_only_overdue_cases(agency, cast, client):
    late = backdate(file(agency).report, acknowledgement_due_at=timezone.now() - timedelta(hours=1))
    late_investigation = backdate(investigating(agency, cast), due_at=timezone.now() - timedelta(hours=1))
    on_time = investigating(agency, cast)
    body = queue(client, overdue="on")
    assert late.reference in body and late_investigation.reference in body and on_time.reference not in body
    assert "2 cases" in body


def test_filter_by_status_and_kind(agency, cast, client):
    received = file(agency).report
    commendation = file(agency, kind="commendation", narrative="Officer Pat was very kind to us.").report
    under_investigation = investigating(agency, cast)
    body = queue(client, status="investigating")
    assert under_investigation.reference in body and received.reference not in body
    body = queue(client, kind="commendation")
    assert commendation.reference in body and received.reference not in body
    assert under_investigation.reference not in body


def test_filter_by_classification_including_not_yet_classified(agency, cast, client):
    received = file(agency).report
    inquiry = services.triage(cast[Role.INVESTIGATOR], file(agency).report, Classification.INQUIRY, [])
    formal = triaged(agency, cast)
    body = queue(client, classification="inquiry")
    assert inquiry.reference in body and formal.reference not in body and received.reference not in body
    body = queue(client, classification="none")
    assert received.reference in body and inquiry.reference not in body and formal.reference not in body


def test_filter_by_neighbourhood(agency, client):
    north = file(agency).report
    south = file(agency, latitude=40.005, longitude=-89.985).report
    south_end = Neighbourhood.objects.get(slug="alpha-south-end")
    assert south.neighbourhood == south_end
    body = queue(client, neighbourhood=south_end.id)
    assert south.reference in body and north.reference not in body


def test_filter_by_investigator_or_unassigned(agency, cast, client):
    mine = investigating(agency, cast)
    second = make_user(agency, Role.INVESTIGATOR, "second_investigator")
    theirs = services.assign(cast[Role.AGENCY_ADMIN], triaged(agency, cast), second)
    unassigned = file(agency).report
    body = queue(client, investigator=second.id)
    assert theirs.reference in body and mine.reference not in body and unassigned.reference not in body
    body = queue(client, investigator="none")
    assert unassigned.reference in body and mine.reference not in body and theirs.reference not in body
    assert f'<option value="{second.id}">Second_Investigator Tester</option>' in body
    assert '<option value="none" selected>Not assigned</option>' in body


def test_an_unknown_filter_value_is_explained_and_the_queue_still_shows(agency, client):
    report = file(agency).report
    body = queue(client, status="lost")
    assert "Select a valid choice. lost is not one of the available choices." in body
    assert report.reference in body


def test_pages_keep_the_filters(agency, client, monkeypatch):
    monkeypatch.setattr(staff, "PAGE_SIZE", 2)
    references = [file(agency).report.reference for _ in range(3)]
    first = queue(client, status="received")
    assert "Page 1 of 2" in first and "?status=received&amp;page=2" in first
    second = queue(client, status="received", page=2)
    assert references[0] in second and references[2] not in second


def test_the_console_offers_the_queue_to_those_who_read_cases(cast):
    for role in (Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER, Role.AGENCY_ADMIN):
        assert 'href="/console/reports/"' in signed_in_client(cast[role]).get("/console/").content.decode()
    for role in (Role.OFFICER, Role.BOARD_MEMBER, Role.ENGAGEMENT_STAFF):
        assert 'href="/console/reports/"' not in signed_in_client(cast[role]).get("/console/").content.decode()


def test_the_queue_renders_in_spanish(agency, client):
    report = file(agency).report
    body = client.get("/es/console/reports/").content.decode()
    assert '<html lang="es"' in body and "Departamento de Policía de Alpha" in body
    assert f'href="/es/console/reports/{report.id}/"' in body
