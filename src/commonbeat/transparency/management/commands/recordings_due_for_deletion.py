"""List body-worn camera recordings past their retention date that nothing holds: run daily (cron)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import ngettext

from commonbeat.core.models import Agency
from commonbeat.transparency import tasks
from commonbeat.transparency.services import bodycams


class Command(BaseCommand):
    help = ("List body-worn camera recordings past their retention date, leaving out any held by an open complaint "
            "case, a pending footage request or a legal hold, and any already deleted. With --email, also tell "
            "each agency's registry managers how many are due.")

    def add_arguments(self, parser):
        parser.add_argument("--agency", help="Only this agency (its short name).")
        parser.add_argument("--email", action="store_true", help="E-mail the registry managers a summary.")

    def handle(self, *args, agency=None, email=False, **options):
        agencies = Agency.objects.order_by("id")
        if agency:
            agencies = agencies.filter(slug=agency)
            if not agencies.exists():
                raise CommandError(f"No agency with the short name {agency!r}.")
        total = 0
        for each in agencies:
            rules = bodycams.retention_days(each)
            due = bodycams.due_for_deletion(each)
            for recording in due:
                started = timezone.localtime(recording.started_at, each.zone)
                self.stdout.write("\t".join([
                    each.slug, str(recording.pk), recording.officer.badge_number, started.isoformat(),
                    recording.category, bodycams.retain_until(recording, rules).isoformat(), recording.sha256,
                    recording.evidence_location]))
                total += 1
            if email:
                tasks.check_recordings_due_for_deletion.enqueue(each.pk)
        self.stdout.write(self.style.SUCCESS(
            ngettext("%(count)s recording due for deletion.", "%(count)s recordings due for deletion.", total)
            % {"count": total}))
