from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("neighbourhoods.geojson", views.neighbourhoods_geojson, name="neighbourhoods_geojson"),
    path("audit/", views.audit_seals, name="audit_seals"),
    path("take-part/", views.take_part, name="take_part"),
    path("accountability/", views.accountability, name="accountability"),
    path("console/officers/", views.officers, name="officers"),
    path("console/audit-log/", views.audit_events, name="audit_events"),
]
