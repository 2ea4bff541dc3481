"""Which agency a request belongs to, and the one way to read an agency's rows."""

from typing import TypeVar

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Agency

ModelT = TypeVar("ModelT", bound=models.Model)


def scoped(source: type[ModelT] | models.QuerySet[ModelT], agency: Agency) -> models.QuerySet[ModelT]:
    """The rows of `source` (a model or a queryset) that belong to `agency`. Every list starts here."""
    queryset = source.objects.all() if isinstance(source, type) else source
    return queryset.filter(agency=agency)


def officer_of(user, agency: Agency):
    """The officer record linked to the signed-in user in this agency, if any."""
    from .models import Officer

    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return scoped(Officer, agency).filter(user=user).select_related("unit").first()


def agency_for_host(host: str) -> Agency | None:
    """The agency whose host names include `host`, else the deployment's default agency."""
    host = host.split(":")[0].lower().rstrip(".")
    if host:
        for agency in Agency.objects.filter(hosts__icontains=host):
            if host in agency.host_names:
                return agency
    if settings.COMMONBEAT_DEFAULT_AGENCY:
        return Agency.objects.filter(slug=settings.COMMONBEAT_DEFAULT_AGENCY).first()
    return Agency.objects.order_by("id").first()


class AgencyMiddleware:
    """Sets `request.agency` from the host name; answers 404 when the deployment has no agency yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(("/healthz", "/static/")):
            request.agency = None
            return self.get_response(request)
        request.agency = agency_for_host(request.get_host())
        if request.agency is None:
            return render(request, "core/no_agency.html", status=404)
        return self.get_response(request)
