"""Open data files of any size: downloads stream in constant memory, the scheduled rebuild writes each dataset's
CSV and JSON snapshot to storage (also in constant memory), and downloads serve the latest snapshot."""

import io
import itertools
import json
import tracemalloc
from datetime import datetime, time

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.http import FileResponse

from commonbeat.core.models import AuditEvent
from commonbeat.core.periods import add_months
from commonbeat.feedback.models import Allegation, Report
from commonbeat.transparency.datasets import BUILDERS
from commonbeat.transparency.models import Dataset
from commonbeat.transparency.services import opendata as services

from ..feedback import factories as feedback

NORTH = {"latitude": 40.005, "longitude": -89.995}
LARGE = 30_000


def into_last_month(agency, reports) -> None:
    first = add_months(agency.today().replace(day=1), -1)
    Report.objects.filter(pk__in=[report.pk for report in reports]).update(
        received_at=datetime.combine(first.replace(day=10), time(12), tzinfo=agency.zone))


def consume(response) -> tuple[int, int, int]:
    """Read a streamed download chunk by chunk as a client would: (bytes, lines, peak traced memory once the
    query runs, so that one-time costs such as imports are not counted)."""
    chunks = iter(response.streaming_content)
    size = lines = 0
    for chunk in itertools.islice(chunks, 2):
        size += len(chunk)
        lines += chunk.count(b"\n")
    tracemalloc.start()
    try:
        for chunk in chunks:
            size += len(chunk)
            lines += chunk.count(b"\n")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return size, lines, peak


@pytest.fixture
def many_allegations(agency, cast):
    report = feedback.triaged(agency, cast, **NORTH)
    into_last_month(agency, [report])
    first = report.allegations.get()
    Allegation.objects.bulk_create([Allegation(report=report, category_id=first.category_id)
                                    for _ in range(LARGE - 1)], batch_size=2000)
    services.register_datasets(agency)
    return Dataset.objects.get(agency=agency, slug="complaint-allegations")


def test_a_large_csv_download_streams_in_bounded_memory(client, many_allegations):
    response = client.get("/data/complaint-allegations.csv")
    assert response.streaming and not isinstance(response, FileResponse)
    assert response["Content-Disposition"] == 'attachment; filename="alpha-complaint-allegations.csv"'
    size, lines, peak = consume(response)
    assert lines == LARGE + 1
    assert size > 900_000
    assert peak < size / 3, (peak, size)


def test_a_large_json_download_streams_in_bounded_memory(client, many_allegations):
    response = client.get("/data/complaint-allegations.json")
    assert response.streaming and response["Content-Type"] == "application/json"
    size, lines, peak = consume(response)
    assert lines == LARGE + 2  # "[", one line per row, "]"
    assert size > 3_000_000
    assert peak < size / 5, (peak, size)


def test_a_large_snapshot_is_built_in_bounded_memory(settings, tmp_path, many_allegations):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    tracemalloc.start()
    try:
        built = services.build_snapshot(many_allegations)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert built.row_count == LARGE
    size = built.json_file.size + built.csv_file.size
    assert peak < size / 5, (peak, size)


def test_the_rebuild_writes_both_files_and_records_rows_and_time(client, agency, cast):
    into_last_month(agency, [feedback.triaged(agency, cast, **NORTH) for _ in range(3)])
    services.register_datasets(agency)
    dataset = Dataset.objects.get(agency=agency, slug="complaint-allegations")
    live_csv = b"".join(client.get("/data/complaint-allegations.csv").streaming_content)
    live_json = b"".join(client.get("/data/complaint-allegations.json").streaming_content)
    services.build_snapshot(dataset)
    dataset.refresh_from_db()
    assert dataset.row_count == 3 and dataset.built_at is not None
    assert dataset.csv_file.name.startswith("open-data/alpha/complaint-allegations-")
    assert default_storage.open(dataset.csv_file.name).read() == live_csv
    assert json.loads(default_storage.open(dataset.json_file.name).read()) == json.loads(live_json)
    assert AuditEvent.objects.filter(action="transparency.dataset_built", object_id=str(dataset.pk)).exists()


def test_downloads_serve_the_latest_snapshot(client, agency, cast):
    into_last_month(agency, [feedback.triaged(agency, cast, **NORTH) for _ in range(2)])
    services.register_datasets(agency)
    dataset = Dataset.objects.get(agency=agency, slug="complaint-allegations")
    services.build_snapshot(dataset)
    into_last_month(agency, [feedback.triaged(agency, cast, **NORTH)])  # after the build
    response = client.get("/data/complaint-allegations.csv")
    assert isinstance(response, FileResponse)
    assert b"".join(response.streaming_content).count(b"\n") == 3  # header and the two rows of the build
    assert len(json.loads(b"".join(client.get("/data/complaint-allegations.json").streaming_content))) == 2
    page = client.get("/data/complaint-allegations/").content.decode()
    assert "Not built yet" not in page
    dataset.refresh_from_db()
    old = [dataset.csv_file.name, dataset.json_file.name]
    services.build_snapshot(dataset)
    dataset.refresh_from_db()
    assert not any(default_storage.exists(name) for name in old)
    assert b"".join(client.get("/data/complaint-allegations.csv").streaming_content).count(b"\n") == 4


def test_the_rebuild_command_builds_every_dataset(agency, other_agency):
    out = io.StringIO()
    call_command("rebuild_open_data", "--agency", "alpha", stdout=out)
    assert "alpha: 8 datasets rebuilt" in out.getvalue()
    built = Dataset.objects.filter(agency=agency)
    assert built.count() == len(BUILDERS) and not built.filter(built_at=None).exists()
    assert not Dataset.objects.filter(agency=other_agency).exists()


def test_the_rebuild_command_refuses_an_unknown_agency(agency):
    with pytest.raises(CommandError):
        call_command("rebuild_open_data", "--agency", "nowhere")


def test_the_rebuild_task_builds_each_agency(agency, other_agency):
    result = services.rebuild_open_data.enqueue(agency.pk)
    assert result.return_value == len(BUILDERS)
    assert Dataset.objects.filter(agency=agency).exclude(built_at=None).count() == len(BUILDERS)
    assert not Dataset.objects.filter(agency=other_agency).exists()
