from django.core.management.base import BaseCommand, CommandError

from commonbeat.core import audit


class Command(BaseCommand):
    help = "Seal new audit events, then check every event and seal; report the first that does not match."

    def add_arguments(self, parser):
        parser.add_argument("--no-seal", action="store_true", help="Only check; do not seal new events first.")

    def handle(self, *args, no_seal=False, **options):
        if not no_seal:
            audit.seal_all()
        result = audit.verify()
        if not result.intact:
            raise CommandError(f"Audit log NOT intact. {result.problem}")
        self.stdout.write(self.style.SUCCESS(
            f"Audit log intact: {result.events_checked} events in {result.seals_checked} seals."
        ))
