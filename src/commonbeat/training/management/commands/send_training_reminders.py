"""E-mail training reminders: run daily (cron, or a scheduled worker)."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from commonbeat.training import services


class Command(BaseCommand):
    help = ("E-mail each officer, and their supervisor, about required training that falls due within 30 days or "
            "is overdue. Each officer is reminded once per requirement and due date, however often this runs.")

    def handle(self, *args, **options):
        sent = services.send_reminders()
        self.stdout.write(self.style.SUCCESS(
            ngettext("%(count)s reminder sent.", "%(count)s reminders sent.", sent) % {"count": sent}))
