"""E-mail reminders of partner agreements that expire soon: run daily (cron, or a scheduled worker)."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from commonbeat.partners import services


class Command(BaseCommand):
    help = ("E-mail engagement staff and agency admins 60 and 14 days before a partner agreement expires. "
            "Each reminder goes once, however often this runs.")

    def handle(self, *args, **options):
        sent = services.send_agreement_reminders()
        self.stdout.write(self.style.SUCCESS(
            ngettext("%(count)s reminder sent.", "%(count)s reminders sent.", sent) % {"count": sent}))
