"""Admin pages for the agency's own rows only (the site itself is in admin_site.py)."""

from django.contrib import admin

from .models import Agency, AuditEvent, Neighbourhood, Officer, Unit


class AgencyScopedAdmin(admin.ModelAdmin):
    """Shows and changes only the signed-in admin's agency; new rows join that agency."""

    exclude = ("agency",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(agency=request.agency)

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request) and (obj is None or obj.agency_id == request.agency.id)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.agency = request.agency
        super().save_model(request, obj, form, change)


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(AgencyScopedAdmin):
    list_display = ("name", "slug", "population")
    search_fields = ("name",)


@admin.register(Unit)
class UnitAdmin(AgencyScopedAdmin):
    list_display = ("name", "code", "parent")


@admin.register(Officer)
class OfficerAdmin(AgencyScopedAdmin):
    list_display = ("badge_number", "last_name", "first_name", "rank", "unit", "active_until")
    search_fields = ("badge_number", "last_name")
    list_filter = ("unit",)
    raw_id_fields = ("user",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    """An agency admin edits their own agency's settings, never another's."""

    list_display = ("name", "slug", "timezone")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk=request.agency.pk)

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request) and (obj is None or obj.pk == request.agency.pk)

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is never edited."""

    list_display = ("occurred_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(agency=request.agency)

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request) and (obj is None or obj.agency_id == request.agency.id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

