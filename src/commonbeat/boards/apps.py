from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    name = "commonbeat.boards"
    label = "boards"
    verbose_name = _("Community advisory boards")
