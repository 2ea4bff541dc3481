"""What an agency admin configures: allegation categories, findings and complaint settings."""

from django.contrib import admin

from commonbeat.core.admin import AgencyScopedAdmin

from .models import AllegationCategory, FeedbackSettings, FindingType


@admin.register(AllegationCategory)
class AllegationCategoryAdmin(AgencyScopedAdmin):
    list_display = ("name", "name_es", "code", "position", "active")
    list_editable = ("position", "active")


@admin.register(FindingType)
class FindingTypeAdmin(AgencyScopedAdmin):
    list_display = ("name", "name_es", "code", "sustained", "position")


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(AgencyScopedAdmin):
    list_display = ("agency", "investigation_target_days", "publish_officer_names", "redact_badge_numbers",
                    "max_attachment_mb")

    def has_add_permission(self, request):
        return False
