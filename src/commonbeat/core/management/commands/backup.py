from datetime import UTC, datetime
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from commonbeat.core import backup


class Command(BaseCommand):
    help = ("Back up the database (as the engine stores it, personal details still encrypted) and every uploaded "
            "file into one .tar.gz with a manifest.")

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="PATH",
                            help="Archive to write (default: commonbeat-backup-<UTC time>.tar.gz here). "
                                 "A directory puts the default name in it.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, output=None, database=DEFAULT_DB_ALIAS, **options):
        name = f"commonbeat-backup-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.tar.gz"
        destination = Path(output) if output else Path(name)
        if destination.is_dir():
            destination = destination / name
        try:
            result = backup.backup(connections[database], default_storage, destination)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(self.style.SUCCESS(
            f"Backed up the {manifest['engine']} database and {manifest['media_files']} file(s) to {result.path}."
        ))
