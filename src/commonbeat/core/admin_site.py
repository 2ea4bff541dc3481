"""The admin site: agency admins only, behind the second factor."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from commonbeat.accounts.access import second_factor_passed
from commonbeat.accounts.roles import Action, can


class CommonBeatAdminSite(admin.AdminSite):
    site_header = _("CommonBeat administration")
    site_title = _("CommonBeat administration")

    def has_permission(self, request) -> bool:
        return (
            request.user.is_active
            and second_factor_passed(request)
            and can(request.user, getattr(request, "agency", None), Action.USE_DJANGO_ADMIN)
        )

    def login(self, request, extra_context=None):
        """Everyone signs in through the one sign-in page, which asks for the second factor."""
        next_url = request.GET.get("next", reverse("admin:index"))
        if not request.user.is_authenticated:
            return redirect(reverse("accounts:sign_in") + "?" + urlencode({"next": next_url}))
        if not second_factor_passed(request):
            return redirect(reverse("accounts:verify") + "?" + urlencode({"next": next_url}))
        if not self.has_permission(request):
            raise PermissionDenied
        return redirect(next_url)

