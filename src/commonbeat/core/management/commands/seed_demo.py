import random

from django.core.management.base import BaseCommand
from django.db import transaction

from commonbeat.core import audit
from commonbeat.core.models import Agency
from commonbeat.core.seeding import SeedContext, seeding_modules

DEMO_AGENCIES = [
    {"slug": "port-alder", "name": "Port Alder Police Department",
     "name_es": "Departamento de Policía de Port Alder", "hosts": "127.0.0.1\nlocalhost\nport-alder.localhost"},
    {"slug": "lakeside-county", "name": "Lakeside County Sheriff's Office",
     "name_es": "Oficina del Sheriff del Condado de Lakeside", "hosts": "lakeside.localhost"},
]


class Command(BaseCommand):
    help = "Load the demo city (deterministic): Port Alder and a small second agency, Lakeside County."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20261125, help="Random seed (same seed, same city).")
        parser.add_argument("--scale", type=int, default=1, help="Multiply volumes (for benchmarks).")

    def handle(self, *args, seed: int, scale: int, **options):
        if Agency.objects.filter(slug=DEMO_AGENCIES[0]["slug"]).exists():
            self.stdout.write("The demo city is already loaded; delete the database to rebuild it.")
            return
        sign_ins = []
        for number, fields in enumerate(DEMO_AGENCIES):
            with transaction.atomic():
                agency = Agency.objects.create(**fields, timezone="America/Chicago")
                context = SeedContext(agency=agency, rng=random.Random(seed + number), scale=scale)
                for module in seeding_modules():
                    module.seed(context)
                audit.record("core.demo_loaded", agency=agency, target=agency, changes={"seed": seed})
            sign_ins += [(agency.name, *entry) for entry in context.sign_ins]
            for line in context.log:
                self.stdout.write(f"  {line}")
        audit.seal_all()
        self.stdout.write(self.style.SUCCESS("Demo city loaded. Sign-ins (second factor skipped in demo mode):"))
        for agency_name, role, username, password in sign_ins:
            self.stdout.write(f"  {agency_name:<36} {role:<40} {username:<16} {password}")
