"""Analyse residents' texts: run nightly (before build_themes) for every agency or one."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from commonbeat.core.management.agencies import chosen_agencies
from commonbeat.insights.text import analysis, embeddings


class Command(BaseCommand):
    help = ("Read residents' new texts (and those read by older models): language, sentiment, personal details, "
            "redacted text and embedding, stored once per text.")

    def add_arguments(self, parser):
        parser.add_argument("--agency", metavar="SLUG", help="Only this agency (default: every agency).")
        parser.add_argument("--limit", type=int, help="At most this many texts per agency.")
        parser.add_argument("--rerun", action="store_true", help="Analyse every text again.")
        parser.add_argument("--batch-size", type=int, default=256)

    def handle(self, *args, agency=None, limit=None, rerun=False, batch_size=256, **options):
        agencies = chosen_agencies(agency)
        if not embeddings.available():
            self.stderr.write(_("The embedding model could not be loaded (%(reason)s); texts are stored without "
                                "embeddings.") % {"reason": embeddings.failure()})
        for each in agencies:
            started = time.perf_counter()
            count = analysis.analyse_texts(each, batch_size=batch_size, limit=limit, rerun=rerun)
            self.stdout.write(_("%(agency)s: %(count)s texts analysed in %(seconds)s s.") % {
                "agency": each.slug, "count": count, "seconds": f"{time.perf_counter() - started:.1f}"})
