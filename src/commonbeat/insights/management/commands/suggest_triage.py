"""Make triage suggestions for a batch of reports: the ones filed while the workers were down, or all recent ones
again after the text models or the agency's settled reports changed (--rerun)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from commonbeat.core.management.agencies import chosen_agencies
from commonbeat.core.tenancy import scoped
from commonbeat.feedback.models import Report
from commonbeat.insights.text import embeddings, triage


class Command(BaseCommand):
    help = "Suggest likely allegation categories and possible duplicates for recently received reports."

    def add_arguments(self, parser):
        parser.add_argument("--agency", metavar="SLUG", help="Only this agency (default: every agency).")
        parser.add_argument("--since", metavar="DAYS", type=int, default=14,
                            help="Reports received in the last DAYS days (default 14).")
        parser.add_argument("--rerun", action="store_true",
                            help="Also reports that already have suggestions (their open ones are replaced).")

    def handle(self, *args, agency=None, since=14, rerun=False, **options):
        agencies = chosen_agencies(agency)
        if not embeddings.available():
            raise CommandError(_("The text model could not be loaded: %(reason)s") % {"reason": embeddings.failure()})
        cutoff = timezone.now() - timedelta(days=since)
        for each in agencies:
            reports = scoped(Report, each).filter(received_at__gte=cutoff).select_related("agency").order_by("id")
            if not rerun:
                reports = reports.filter(triage_suggestions__isnull=True)
            done = made = 0
            for report in reports:
                made += len(triage.suggest(report))
                done += 1
            self.stdout.write(_("%(agency)s: %(suggestions)s suggestions for %(reports)s reports.")
                              % {"agency": each.slug, "suggestions": made, "reports": done})
