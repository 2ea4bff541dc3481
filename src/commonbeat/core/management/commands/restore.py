from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from commonbeat.core import backup


class Command(BaseCommand):
    help = ("Restore a backup made by `backup` into an empty database and storage, then verify the audit log. "
            "Refuses a database that already has tables unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by `manage.py backup`.")
        parser.add_argument("--force", action="store_true",
                            help="Replace the database and files of the same name even if they hold data.")

    def handle(self, *args, archive, force=False, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No backup at {path}.")
        try:
            result = backup.restore(path, connections[DEFAULT_DB_ALIAS], default_storage, force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(self.style.SUCCESS(
            f"Restored the {manifest['engine']} database backed up at {manifest['created_at']} "
            f"and {result.files_restored} file(s)."
        ))
        try:
            call_command("verify_audit", stdout=self.stdout, stderr=self.stderr)
        except CommandError as error:
            raise CommandError(f"Restored, but the audit log does not verify: {error}") from error
