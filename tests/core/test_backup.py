"""manage.py backup / restore: a deployment comes back whole into an empty database, personal details still sealed.

Runs on the engine the suite runs on (SQLite by default, PostgreSQL with DATABASE_URL).
"""

import gzip
import io
import json
import os
import tarfile
from contextlib import contextmanager

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from commonbeat.core import audit, crypto
from commonbeat.core.backup import code_migrations
from commonbeat.core.models import AuditEvent
from commonbeat.feedback.models import Attachment, Report
from tests.feedback import factories

PEOPLE = [
    ("Rosalind Quillfeather", "rosalind.quillfeather@example.org", "555-0142"),
    ("Tobias Wrenfield", "tobias.wrenfield@example.org", "555-0177"),
]
PHOTO = b"\xff\xd8\xff" + b"scene-photo" * 40


@contextmanager
def empty_database(tmp_path):
    """Point the default connection at a new, empty database (a new SQLite file or a new PostgreSQL database)."""
    original = connections[DEFAULT_DB_ALIAS]
    name = str(tmp_path / "restored.sqlite3")
    if original.vendor == "postgresql":
        name = f"commonbeat_restore_{os.getpid()}"
        with original._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    restored = original.__class__({**original.settings_dict, "NAME": name}, alias=DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = restored
    try:
        yield restored
    finally:
        restored.close()
        connections[DEFAULT_DB_ALIAS] = original
        if original.vendor == "postgresql":
            with original._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def archive_members(path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as archive:
        return {member.name: archive.extractfile(member).read() for member in archive.getmembers()}


def fake_archive(path, manifest: dict):
    encoded = json.dumps(manifest).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(encoded)
        archive.addfile(info, io.BytesIO(encoded))
    return path


@pytest.fixture
def empty_storage(settings):
    """A file storage of this test's own: other tests of the same process leave their files in theirs."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_every_report_and_file(agency, cast, tmp_path,
                                                                              empty_storage):
    people_reports = [
        factories.file(agency, name=name, email=email, phone=phone, consent_to_contact=True,
                       narrative=f"Report number {number}: the officer shouted at me.")
        for number, (name, email, phone) in enumerate(PEOPLE)
    ]
    audit.seal_all()  # some events sealed, the ones below not yet: both must survive
    with_photo = factories.file(agency, narrative="The officer took my phone and would not give it back.",
                                files=[SimpleUploadedFile("scene.jpg", PHOTO, content_type="image/jpeg")]).report
    closed = factories.closed(agency, cast, narrative="The officer pushed my brother at the bus stop.")
    expected = {report.reference: (report.complainant_name, report.complainant_email, report.complainant_phone)
                for report in Report.objects.all()}
    assert len(expected) == 4
    assert {filed.report.complainant_name for filed in people_reports} == {name for name, _e, _p in PEOPLE}
    attachment = Attachment.objects.get(report=with_photo)
    events = AuditEvent.objects.count()
    archive = tmp_path / "backup.tar.gz"

    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)

    assert "1 file(s)" in out.getvalue()
    members = archive_members(archive)
    manifest = json.loads(members["manifest.json"])
    assert manifest["engine"] == connections[DEFAULT_DB_ALIAS].vendor
    assert manifest["migrations"]["feedback"] == code_migrations()["feedback"]
    assert members[f"media/{attachment.file.name}"] == PHOTO
    everything = b"".join(members.values())
    for name, email, phone in PEOPLE:  # only ciphertext leaves the database
        assert name.encode() not in everything
        assert email.encode() not in everything
        assert phone.encode() not in everything
    default_storage.delete(attachment.file.name)  # the new server starts with no files either

    with empty_database(tmp_path) as restored:
        assert restored.introspection.table_names() == []
        out = io.StringIO()
        call_command("restore", str(archive), stdout=out)

        assert "Restored the" in out.getvalue()
        assert "Audit log intact" in out.getvalue()
        reports = {report.reference: report for report in Report.objects.all()}
        assert set(reports) == set(expected)
        for reference, details in expected.items():
            report = reports[reference]
            assert (report.complainant_name, report.complainant_email, report.complainant_phone) == details
        with restored.cursor() as cursor:
            cursor.execute("SELECT complainant_name FROM feedback_report WHERE complainant_name <> ''")
            stored = {row[0] for row in cursor.fetchall()}
        assert len(stored) == 2
        assert {crypto.decrypt(token) for token in stored} == {name for name, _e, _p in PEOPLE}
        assert reports[closed.reference].status == closed.status
        restored_attachment = Attachment.objects.get(report__reference=with_photo.reference)
        with default_storage.open(restored_attachment.file.name, "rb") as photo:
            assert photo.read() == PHOTO
        assert AuditEvent.objects.count() >= events
        verification = audit.verify()
        assert verification.intact
        assert verification.events_checked == AuditEvent.objects.count()

        with pytest.raises(CommandError, match="already has"):
            call_command("restore", str(archive), stdout=io.StringIO())
        call_command("restore", str(archive), force=True, stdout=io.StringIO())
        assert set(Report.objects.values_list("reference", flat=True)) == set(expected)


@pytest.mark.django_db
def test_restore_refuses_a_database_that_has_data(tmp_path):
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    archive = fake_archive(tmp_path / "b.tar.gz", {"format": 1, "engine": vendor, "migrations": code_migrations()})

    with pytest.raises(CommandError, match="already has .* tables"):
        call_command("restore", str(archive), stdout=io.StringIO())


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_another_engine(tmp_path):
    other = "sqlite" if connections[DEFAULT_DB_ALIAS].vendor == "postgresql" else "postgresql"
    archive = fake_archive(tmp_path / "b.tar.gz", {"format": 1, "engine": other, "migrations": code_migrations()})

    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("restore", str(archive), stdout=io.StringIO())


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_another_schema(tmp_path):
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    migrations = code_migrations() | {"feedback": "0099_from_another_release"}
    archive = fake_archive(tmp_path / "b.tar.gz", {"format": 1, "engine": vendor, "migrations": migrations})

    with pytest.raises(CommandError, match="feedback: backup 0099_from_another_release"):
        call_command("restore", str(archive), stdout=io.StringIO())


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    archive = tmp_path / "b.tar.gz"
    with gzip.open(archive, "wb") as empty, tarfile.open(fileobj=empty, mode="w"):
        pass

    with pytest.raises(CommandError, match="no manifest"):
        call_command("restore", str(archive), stdout=io.StringIO())
