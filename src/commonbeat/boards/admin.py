"""Boards in the admin, read-only: every change goes through the console, whose services check the rules and
write the audit log. Only the agency's own rows are shown; applications never show names or e-mails here."""

from django.contrib import admin

from commonbeat.core.admin import AgencyScopedAdmin

from .models import Board, BoardMember, Meeting, Recommendation, RecommendationResponse


class ReadOnlyAgencyAdmin(AgencyScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Board)
class BoardAdmin(ReadOnlyAgencyAdmin):
    list_display = ("slug", "seat_count", "term_months", "is_accepting_applications")


@admin.register(BoardMember)
class BoardMemberAdmin(ReadOnlyAgencyAdmin):
    list_display = ("name", "board", "seat", "term_start", "term_end", "status")
    list_filter = ("status",)
    exclude = ("agency", "age_band", "gender", "race_ethnicity")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAgencyAdmin):
    list_display = ("board", "starts_at", "status", "notice_published_at")
    list_filter = ("status",)


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAgencyAdmin):
    list_display = ("board", "number", "made_on", "status", "response_due_on")
    list_filter = ("status",)


@admin.register(RecommendationResponse)
class RecommendationResponseAdmin(ReadOnlyAgencyAdmin):
    list_display = ("recommendation", "status", "responded_on", "due_on")
