from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from commonbeat.api.api import api
from commonbeat.core import views as core_views

handler404 = "commonbeat.core.views.page_not_found"
handler500 = "commonbeat.core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("open311/v2/", include("commonbeat.open311.urls")),
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    path("", include("commonbeat.core.urls")),
    path("", include("commonbeat.accounts.urls")),
    path("", include("commonbeat.feedback.urls")),
    path("", include("commonbeat.surveys.urls")),
    path("", include("commonbeat.insights.urls")),
    path("", include("commonbeat.engagement.urls")),
    path("", include("commonbeat.patrols.urls")),
    path("", include("commonbeat.training.urls")),
    path("", include("commonbeat.programs.urls")),
    path("", include("commonbeat.boards.urls")),
    path("", include("commonbeat.partners.urls")),
    path("", include("commonbeat.crisis.urls")),
    path("", include("commonbeat.transparency.urls")),
    path("", include("commonbeat.recognition.urls")),
    prefix_default_language=False,
)
