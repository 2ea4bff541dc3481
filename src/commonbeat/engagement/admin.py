"""Events and projects in the admin, read-mostly: every change goes through the console, whose services check
the rules and write the audit log. Only the agency's own rows are shown; RSVPs never show names or e-mails."""

from django.contrib import admin

from commonbeat.core.admin import AgencyScopedAdmin

from .models import Attendance, Concern, Event, EventKind, OfficerParticipation, Problem, Rsvp


class ReadOnlyAgencyAdmin(AgencyScopedAdmin):
    """The agency's rows, to look at: added and changed in the console only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EventKind)
class EventKindAdmin(AgencyScopedAdmin):
    """Names and order of the kinds can be tidied here; new kinds are added in the console."""

    list_display = ("slug", "name", "is_workshop", "position")
    list_editable = ("position",)
    readonly_fields = ("slug",)
    fields = ("slug", "name", "is_workshop", "position")

    def has_add_permission(self, request):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAgencyAdmin):
    list_display = ("__str__", "starts_at", "neighbourhood", "status", "capacity")
    list_filter = ("status", "kind")
    date_hierarchy = "starts_at"


@admin.register(Rsvp)
class RsvpAdmin(ReadOnlyAgencyAdmin):
    list_display = ("pk", "event", "party_size", "status", "created_at")
    list_filter = ("status",)
    fields = ("event", "party_size", "language", "status", "created_at", "promoted_at", "cancelled_at",
              "reminder_sent_at", "feedback_requested_at")


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAgencyAdmin):
    list_display = ("event", "people", "method", "recorded_at")
    list_filter = ("method",)


@admin.register(OfficerParticipation)
class OfficerParticipationAdmin(ReadOnlyAgencyAdmin):
    list_display = ("event", "officer", "role", "hours")
    list_filter = ("role",)


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAgencyAdmin):
    list_display = ("__str__", "neighbourhood", "stage", "status", "opened_at", "closed_at")
    list_filter = ("status", "stage")


@admin.register(Concern)
class ConcernAdmin(ReadOnlyAgencyAdmin):
    list_display = ("__str__", "event", "neighbourhood", "problem", "recorded_at")
