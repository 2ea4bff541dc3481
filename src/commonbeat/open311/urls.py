"""GeoReport v2 resources, each as .json or .xml. Mounted at /open311/v2/, outside the language prefix."""

from django.urls import re_path

from . import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.services_list, name="services"),
    re_path(r"^services/(?P<service_code>[\w-]+)" + FORMAT, views.service_definition, name="service_definition"),
    re_path(r"^requests" + FORMAT, views.service_requests, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[\w-]+)" + FORMAT, views.service_request, name="request"),
    re_path(r"^tokens/(?P<token>[\w-]+)" + FORMAT, views.token, name="token"),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
