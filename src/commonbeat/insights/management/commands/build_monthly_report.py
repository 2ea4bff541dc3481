"""Build the monthly community report: run once a month (e.g. on the 1st at 03:00 from cron) for every agency."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from commonbeat.core.management.agencies import chosen_agencies
from commonbeat.insights import services
from commonbeat.insights.forms import parse_month
from commonbeat.insights.monthly import last_full_month


class Command(BaseCommand):
    help = ("Build and store the monthly community report (web page and PDF) in every language of each agency, "
            "replacing the one built before.")

    def add_arguments(self, parser):
        parser.add_argument("--month", metavar="YYYY-MM",
                            help="The month to report on (default: the last full month in each agency's time zone).")
        parser.add_argument("--agency", metavar="SLUG", help="Only this agency (default: every agency).")

    def handle(self, *args, month=None, agency=None, **options):
        asked = None
        if month:
            asked = parse_month(month)
            if asked is None:
                raise CommandError(_("Give the month as YYYY-MM, for example 2026-10."))
        agencies = chosen_agencies(agency)
        for each in agencies:
            chosen = asked or last_full_month(each)
            try:
                reports = services.build_monthly_reports(each, chosen)
            except services.MonthlyReportError as error:
                raise CommandError(f"{each.slug}: {error}") from error
            for report in reports:
                self.stdout.write(_("%(agency)s: report for %(month)s in %(language)s, %(pages)s pages.")
                                  % {"agency": each.slug, "month": chosen.strftime("%Y-%m"),
                                     "language": report.language, "pages": report.pages})
