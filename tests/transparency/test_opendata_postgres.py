"""On PostgreSQL the complaints file is written by the database (COPY) with what may be published decided in the
query: it must be the very file the rows make everywhere else, withheld cells and all."""

import csv
import io
from datetime import datetime, time

import pytest
from django.db import connection

from commonbeat.core.periods import add_months
from commonbeat.feedback.models import Allegation, Report
from commonbeat.transparency.datasets import builder_for, csv_chunks, csv_header
from commonbeat.transparency.models import Dataset
from commonbeat.transparency.services import opendata as services

from ..feedback import factories as feedback

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database writes this file only on PostgreSQL")]

NORTH = {"latitude": 40.005, "longitude": -89.995}
SOUTH = {"latitude": 40.005, "longitude": -89.985}


def not_here(*args):
    raise AssertionError("the CSV was written from the rows in Python")


def months_ago(agency, reports, months: int, day: int = 10) -> None:
    first = add_months(agency.today().replace(day=1), -months)
    Report.objects.filter(pk__in=[report.pk for report in reports]).update(
        received_at=datetime.combine(first.replace(day=day), time(12), tzinfo=agency.zone))


def test_postgresql_writes_the_same_complaints_file_as_the_rows(agency, cast):
    north, nowhere = feedback.triaged(agency, cast, **NORTH), feedback.triaged(agency, cast)
    south = feedback.closed(agency, cast, finding_code="not-sustained", **SOUTH)
    earlier, lonely = feedback.in_review(agency, cast, **NORTH), feedback.triaged(agency, cast, **SOUTH)
    months_ago(agency, [north, south, nowhere], 1)
    months_ago(agency, [earlier], 2, day=28)
    months_ago(agency, [lonely], 3)
    force, rude = feedback.category(agency), feedback.category(agency, "discourtesy")
    sustained, not_sustained = feedback.finding(agency), feedback.finding(agency, "not-sustained")
    Allegation.objects.bulk_create(
        [Allegation(report=north, category=force, finding=sustained) for _ in range(12)]
        + [Allegation(report=north, category=rude) for _ in range(3)]
        + [Allegation(report=south, category=force, finding=not_sustained) for _ in range(11)]
        + [Allegation(report=nowhere, category=rude, finding=sustained) for _ in range(2)]
        + [Allegation(report=earlier, category=force, finding=sustained) for _ in range(20)])
    services.register_datasets(agency)
    dataset = Dataset.objects.get(agency=agency, slug="complaint-allegations")
    builder = builder_for(dataset.slug)

    from_rows = "".join(csv_chunks(builder, builder.rows(agency, agency.today()))).encode()
    from_database = csv_header(builder).encode() + b"".join(builder.postgres_csv(agency, agency.today()))

    assert from_database == from_rows
    rows = list(csv.reader(io.StringIO(from_rows.decode())))[1:]
    assert len(rows) == 5 + 12 + 3 + 11 + 2 + 20
    # The file has each case the query decides: places shown and withheld, kinds shown (with and without a
    # finding) and withheld, closed and open cases.
    assert {"alpha-north-end", "alpha-south-end", "withheld"} <= {row[1] for row in rows}
    assert {("force", "sustained", "sustained"), ("force", "not-sustained", "not-sustained"),
            ("withheld", "withheld", "withheld")} <= {tuple(row[2:5]) for row in rows}
    assert {"closed", "open"} == {row[5] for row in rows}


def test_the_live_download_is_written_by_the_database_and_matches_the_snapshot(client, agency, cast, settings,
                                                                                tmp_path, monkeypatch):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    reports = [feedback.triaged(agency, cast, **NORTH) for _ in range(11)]
    months_ago(agency, reports, 1)
    services.register_datasets(agency)
    dataset = Dataset.objects.get(agency=agency, slug="complaint-allegations")
    with monkeypatch.context() as python_absent:
        python_absent.setattr(services, "csv_chunks", not_here)
        live = b"".join(client.get("/data/complaint-allegations.csv").streaming_content)
    built = services.build_snapshot(dataset)  # from the rows, CSV and JSON in one pass
    assert built.row_count == 11
    with built.csv_file.open("rb") as stored:
        assert stored.read() == live
    assert live.count(b"\n") == 12 and b"\r" not in live
