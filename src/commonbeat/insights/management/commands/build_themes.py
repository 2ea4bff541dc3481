"""Group the analysed texts of the last months into themes: run nightly, after analyse_texts."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from commonbeat.core.management.agencies import chosen_agencies
from commonbeat.insights.models import ThemeRun
from commonbeat.insights.text import topics


class Command(BaseCommand):
    help = "Group the analysed texts of the last full months into themes, with counts and quotes to review."

    def add_arguments(self, parser):
        parser.add_argument("--agency", metavar="SLUG", help="Only this agency (default: every agency).")
        parser.add_argument("--months", type=int, default=12, help="How many full months (default 12).")

    def handle(self, *args, agency=None, months=12, **options):
        if months < 1:
            raise CommandError(_("--months must be at least 1."))
        agencies = chosen_agencies(agency)
        for each in agencies:
            start, end = topics.last_full_months(each, months)
            run = topics.build_themes(each, start, end)
            if run.status == ThemeRun.Status.UNAVAILABLE:
                self.stderr.write(_("%(agency)s: no themes, the model could not be loaded: %(reason)s") % {
                    "agency": each.slug, "reason": run.message})
                continue
            self.stdout.write(_("%(agency)s: %(themes)s themes from %(texts)s texts, %(start)s to %(end)s.") % {
                "agency": each.slug, "themes": run.themes.count(), "texts": run.texts, "start": start, "end": end})
