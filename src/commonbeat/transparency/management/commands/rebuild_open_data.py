"""Rebuild the open data snapshots: run on a schedule (e.g. nightly from cron) for every agency or one."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from commonbeat.core.management.agencies import chosen_agencies
from commonbeat.transparency.services import opendata


class Command(BaseCommand):
    help = "Register any new open datasets and write each one's CSV and JSON snapshot to storage."

    def add_arguments(self, parser):
        parser.add_argument("--agency", metavar="SLUG", help="Only this agency (default: every agency).")

    def handle(self, *args, agency=None, **options):
        agencies = chosen_agencies(agency)
        for each in agencies:
            built = opendata.rebuild_agency(each)
            rows = sum(dataset.row_count or 0 for dataset in built)
            self.stdout.write(_("%(agency)s: %(datasets)s datasets rebuilt, %(rows)s rows in all.")
                              % {"agency": each.slug, "datasets": len(built), "rows": rows})
