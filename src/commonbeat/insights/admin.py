"""What an agency admin configures for the trust index: the fewest responses for a figure, weight trimming."""

from django.contrib import admin

from commonbeat.core.admin import AgencyScopedAdmin

from .models import TrustSettings


@admin.register(TrustSettings)
class TrustSettingsAdmin(AgencyScopedAdmin):
    list_display = ("agency", "minimum_responses", "trim_lower", "trim_upper")

    def has_add_permission(self, request):
        """One settings row per agency: it can be added once, then only changed."""
        return (super().has_add_permission(request)
                and not TrustSettings.objects.filter(agency=request.agency).exists())
