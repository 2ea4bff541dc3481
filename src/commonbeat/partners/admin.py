"""Django admin for partner organisations. Referrals are left out on purpose: a referred person's details are
shown only on the referral's own console page, to the people handling it."""

from django.contrib import admin

from .models import Agreement, Initiative, Partner, PartnerService, PartnerUser


class PartnerServiceInline(admin.TabularInline):
    model = PartnerService
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "agency", "is_public")
    list_filter = ("agency", "kind", "is_public")
    search_fields = ("name", "slug")
    inlines = [PartnerServiceInline]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("title", "partner", "signed_on", "expires_on")
    list_filter = ("agency",)


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ("slug", "agency", "status", "is_public")
    list_filter = ("agency", "status")


@admin.register(PartnerUser)
class PartnerUserAdmin(admin.ModelAdmin):
    list_display = ("user", "partner", "agency")
