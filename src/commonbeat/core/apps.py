from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "commonbeat.core"
    label = "core"
    verbose_name = _("Agencies and neighbourhoods")


class CommonBeatAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "commonbeat.core.admin_site.CommonBeatAdminSite"
