"""Raise early-intervention alerts: run daily (cron, or a scheduled worker) for every agency or one."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from commonbeat.core.management.agencies import chosen_agencies
from commonbeat.feedback import early_intervention


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("--as-of takes a date as YYYY-MM-DD, not %(value)s.") % {"value": value}) from error


class Command(BaseCommand):
    help = "Check every active early-intervention policy and the peer comparison; print the alerts raised."

    def add_arguments(self, parser):
        parser.add_argument("--agency", metavar="SLUG", help="Only this agency (default: every agency).")
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="Evaluate as on this day (default: today).")

    def handle(self, *args, agency=None, as_of=None, **options):
        as_of = _day(as_of) if as_of else None
        agencies = chosen_agencies(agency)
        total = 0
        for each in agencies:
            raised = early_intervention.evaluate(each, as_of)
            total += len(raised)
            self.stdout.write(_("%(agency)s: %(count)s new alert(s).") % {"agency": each.slug, "count": len(raised)})
            for alert in raised:
                self.stdout.write("  " + _("%(level)s: %(officer)s, %(metric)s %(value)s (%(start)s to %(end)s)") % {
                    "level": alert.get_level_display(), "officer": alert.officer, "metric": alert.get_metric_display(),
                    "value": f"{alert.value:g}", "start": alert.period_start, "end": alert.period_end})
        self.stdout.write(self.style.SUCCESS(_("%(count)s new alert(s) in all.") % {"count": total}))
