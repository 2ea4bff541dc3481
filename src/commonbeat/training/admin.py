"""Training in the admin, read-only: every change goes through the console, whose services check the rules and
write the audit log. Only the agency's own rows are shown."""

from django.contrib import admin

from commonbeat.core.admin import AgencyScopedAdmin

from .models import AssignmentChange, Course, ImportBatch, Requirement, TrainingRecord, TrainingSession


class ReadOnlyAgencyAdmin(AgencyScopedAdmin):
    """The agency's rows, to look at: added and changed in the console only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Course)
class CourseAdmin(ReadOnlyAgencyAdmin):
    list_display = ("code", "category", "hours", "recurrence_months", "is_active")


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAgencyAdmin):
    list_display = ("__str__", "grace_days", "is_active")


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAgencyAdmin):
    list_display = ("__str__", "starts_at", "place", "capacity")
    date_hierarchy = "starts_at"


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ReadOnlyAgencyAdmin):
    list_display = ("officer", "course", "completed_on", "hours", "source")
    list_filter = ("source",)
    date_hierarchy = "completed_on"


@admin.register(AssignmentChange)
class AssignmentChangeAdmin(ReadOnlyAgencyAdmin):
    list_display = ("officer", "effective_on", "from_assignment", "to_assignment")


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAgencyAdmin):
    list_display = ("filename", "source_system", "uploaded_at", "row_count", "error_count", "imported_count")
    exclude = ("agency", "content")
