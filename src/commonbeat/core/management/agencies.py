"""The agencies a management command works on: every agency, or the one its `--agency SLUG` option names."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from commonbeat.core.models import Agency


def chosen_agencies(slug: str | None):
    """Every agency in slug order, or only the one with this slug; an unknown slug is a CommandError."""
    agencies = Agency.objects.order_by("slug")
    if slug:
        agencies = agencies.filter(slug=slug)
        if not agencies.exists():
            raise CommandError(_("There is no agency %(slug)s.") % {"slug": slug})
    return agencies
