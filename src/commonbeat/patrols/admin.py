"""Patrols and targets in the admin, read only: they change through the patrol pages, whose services check
the rules and write the audit log."""

from django.contrib import admin

from commonbeat.core.admin import AgencyScopedAdmin

from .models import Patrol, PatrolTarget


class ReadOnlyAdmin(AgencyScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "ended_at", "officer", "mode", "route_source", "positive_contacts")
    list_filter = ("mode", "route_source")
    search_fields = ("officer__badge_number", "officer__last_name")
    date_hierarchy = "started_at"
    exclude = ("agency", "route", "idempotency_key")


@admin.register(PatrolTarget)
class PatrolTargetAdmin(ReadOnlyAdmin):
    list_display = ("neighbourhood", "weekly_hours", "effective_from", "set_at")
    list_filter = ("neighbourhood",)
