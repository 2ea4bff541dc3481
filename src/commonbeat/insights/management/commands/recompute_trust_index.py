"""Recompute the trust index: run on a schedule (e.g. nightly from cron) for every agency or one."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from commonbeat.core.management.agencies import chosen_agencies
from commonbeat.insights import services


class Command(BaseCommand):
    help = "Recompute the weighted trust and safety estimates and the number-one issues, replacing the stored ones."

    def add_arguments(self, parser):
        parser.add_argument("--agency", metavar="SLUG", help="Only this agency (default: every agency).")

    def handle(self, *args, agency=None, **options):
        agencies = chosen_agencies(agency)
        for each in agencies:
            run = services.recompute_trust_index(each)
            seconds = (run.finished_at - run.started_at).total_seconds()
            self.stdout.write(_("%(agency)s: %(estimates)s estimates and %(terms)s issue terms from %(used)s "
                                "responses (%(excluded)s left out for a blank weighting question), in %(seconds)s s.")
                              % {"agency": each.slug, "estimates": run.estimates_written,
                                 "terms": run.terms_written, "used": run.responses_used,
                                 "excluded": run.responses_excluded, "seconds": f"{seconds:.1f}"})
