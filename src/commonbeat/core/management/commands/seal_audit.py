import time

from django.core.management.base import BaseCommand

from commonbeat.core import audit


class Command(BaseCommand):
    help = "Seal the audit events written since the last seal into the public hash chain."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS",
                            help="Keep running, sealing every SECONDS (for a service or container).")

    def handle(self, *args, every=0, **options):
        while True:
            written = audit.seal_all()
            self.stdout.write(f"Wrote {written} seal(s).")
            if not every:
                return
            time.sleep(every)
