"""Backup and restore of a whole deployment: the database, as the engine stores it, and the uploaded files.

The database is copied by the engine itself (SQLite's online backup API; PostgreSQL's ``pg_dump`` in its custom
format), never through Django's serialisers: those would decrypt every ``EncryptedTextField`` and put residents'
personal details in clear text into the archive. The archive is a .tar.gz holding ``manifest.json``, the database
copy and ``media/<name>`` for every file in the default storage (which may be S3). The encryption keys are not in it:
keep ``COMMONBEAT_ENCRYPTION_KEYS`` safe separately, or the restored personal details cannot be read.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.db.migrations.loader import MigrationLoader

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """Something an operator can fix: a wrong archive, a database that is not empty, a missing tool."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict


@dataclass
class RestoreResult:
    manifest: dict
    files_restored: int


def _engine(connection) -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def applied_migrations(connection) -> dict[str, str]:
    """The latest migration applied to the database, per app (apps without migrations are not listed)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    latest: dict[str, str] = {}
    for app, name in sorted(applied):
        node = loader.graph.node_map.get((app, name))
        children = {child for child in node.children if child[0] == app} if node else set()
        if not children & applied:
            latest[app] = max(name, latest.get(app, ""))
    return latest


def code_migrations() -> dict[str, str]:
    """The latest migration per app in this release's code."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    latest: dict[str, str] = {}
    for app, name in loader.graph.leaf_nodes():
        latest[app] = max(name, latest.get(app, ""))
    return latest


def _postgres_environment(connection) -> dict[str, str]:
    """libpq variables for pg_dump/pg_restore, so the password never shows on a command line."""
    settings = connection.settings_dict
    environment = dict(os.environ)
    for variable, value in [("PGHOST", settings.get("HOST")), ("PGPORT", settings.get("PORT")),
                            ("PGUSER", settings.get("USER")), ("PGPASSWORD", settings.get("PASSWORD")),
                            ("PGDATABASE", settings.get("NAME"))]:
        if value:
            environment[variable] = str(value)
    options = settings.get("OPTIONS") or {}
    for option, variable in [("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                             ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")]:
        if options.get(option):
            environment[variable] = str(options[option])
    return environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed; install the PostgreSQL client of the server's version.")
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def _copy_database(connection, target: Path, engine: str) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
             _postgres_environment(connection))


def _storage_files(storage, directory: str = "") -> list[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # a file system storage whose MEDIA_ROOT was never created
        return []
    names = [f"{directory}/{name}" if directory else name for name in files]
    for sub in directories:
        names += _storage_files(storage, f"{directory}/{sub}" if directory else sub)
    return sorted(names)


def backup(connection, storage, destination: Path) -> BackupResult:
    """Write the database and every stored file to ``destination`` (.tar.gz), with a manifest."""
    engine = _engine(connection)
    media = _storage_files(storage)
    manifest = {
        "format": ARCHIVE_FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "database": DATABASE_FILES[engine],
        "migrations": applied_migrations(connection),
        "media_files": len(media),
    }
    destination = Path(destination)
    partial = destination.with_name(destination.name + ".partial")
    with tempfile.TemporaryDirectory() as work:
        database_copy = Path(work) / DATABASE_FILES[engine]
        _copy_database(connection, database_copy, engine)
        with tarfile.open(partial, "w:gz") as archive:
            encoded = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(encoded)
            archive.addfile(info, io.BytesIO(encoded))
            archive.add(database_copy, arcname=DATABASE_FILES[engine])
            for name in media:
                info = tarfile.TarInfo(MEDIA_PREFIX + name)
                info.size = storage.size(name)
                with storage.open(name, "rb") as stored:
                    archive.addfile(info, stored)
    partial.replace(destination)  # never leave a half-written archive under the final name
    return BackupResult(destination, manifest)


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("This is not a CommonBeat backup: it has no manifest.json.")
    manifest = json.loads(member.read())
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def check_compatible(manifest: dict, connection) -> None:
    """The archive must come from the same engine and the same schema as this release's code."""
    engine = _engine(connection)
    if manifest["engine"] != engine:
        raise BackupError(f"The backup is of a {manifest['engine']} database; this deployment uses {engine}.")
    expected = code_migrations()
    different = sorted(app for app in set(expected) | set(manifest["migrations"])
                       if expected.get(app) != manifest["migrations"].get(app))
    if different:
        details = "; ".join(f"{app}: backup {manifest['migrations'].get(app, 'none')}, "
                            f"code {expected.get(app, 'none')}" for app in different)
        raise BackupError(f"The backup's schema does not match this release ({details}). "
                          "Restore with the release that made the backup, then migrate.")


def _media_names(archive: tarfile.TarFile) -> list[tuple[tarfile.TarInfo, str]]:
    names = []
    for member in archive.getmembers():
        if not member.name.startswith(MEDIA_PREFIX) or not member.isfile():
            continue
        name = member.name[len(MEDIA_PREFIX):]
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts:
            raise BackupError(f"The backup holds an unsafe file name: {member.name}")
        names.append((member, name))
    return names


def _restore_database(connection, copy: Path, engine: str, tables: list[str]) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(copy)
        try:
            source.backup(connection.connection)  # replaces every page of the target
        finally:
            source.close()
        return
    if tables:  # --force: drop what is there so the dump's schema is restored exactly
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    connection.close()
    environment = _postgres_environment(connection)
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--dbname={environment.get('PGDATABASE', '')}", str(copy)], environment)


def restore(archive_path: Path, connection, storage, *, force: bool = False) -> RestoreResult:
    """Restore the database and the files of a backup into an empty deployment (``force`` replaces data)."""
    with tarfile.open(archive_path, "r:gz") as archive:
        manifest = read_manifest(archive)
        check_compatible(manifest, connection)
        engine = manifest["engine"]
        tables = connection.introspection.table_names()
        if tables and not force:
            raise BackupError(f"The database already has {len(tables)} tables. Restore into an empty database, "
                              "or pass --force to replace everything in it.")
        media = _media_names(archive)
        existing = [name for _member, name in media if storage.exists(name)]
        if existing and not force:
            raise BackupError(f"{len(existing)} of the backup's files already exist in storage (e.g. {existing[0]}). "
                              "Pass --force to replace them.")
        with tempfile.TemporaryDirectory() as work:
            try:
                member = archive.getmember(manifest["database"])
            except KeyError as error:
                raise BackupError("The backup has no database copy.") from error
            copy = Path(work) / DATABASE_FILES[engine]
            with archive.extractfile(member) as source, open(copy, "wb") as target:
                shutil.copyfileobj(source, target)
            _restore_database(connection, copy, engine, tables)
        for member, name in media:
            if storage.exists(name):
                storage.delete(name)
            with archive.extractfile(member) as source:
                saved = storage.save(name, File(source, name=name))
            if saved != name:
                raise BackupError(f"Storage saved {name} as {saved}; the database would not find it.")
    return RestoreResult(manifest, len(media))
