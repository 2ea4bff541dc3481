"""E-mail the day-before reminders for community events: run hourly (cron, or a scheduled worker)."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from commonbeat.engagement import services


class Command(BaseCommand):
    help = ("E-mail a reminder to everyone with a confirmed place at an event that starts tomorrow (in the "
            "agency's time zone). Each reply is reminded once, however often this runs.")

    def handle(self, *args, **options):
        sent = services.send_reminders()
        self.stdout.write(self.style.SUCCESS(
            ngettext("%(count)s reminder queued.", "%(count)s reminders queued.", sent) % {"count": sent}))
