from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action

from . import geo
from .models import AuditEvent, AuditSeal, Neighbourhood, Officer
from .tenancy import scoped


def home(request):
    neighbourhoods = list(scoped(Neighbourhood, request.agency).order_by("name"))
    return render(request, "core/home.html", {
        "neighbourhoods": neighbourhoods,
        "map": geo.svg_paths(neighbourhoods),
        "total_population": sum(n.population for n in neighbourhoods),
        "tile_url": settings.COMMONBEAT_MAP_TILE_URL,
        "tile_attribution": settings.COMMONBEAT_MAP_TILE_ATTRIBUTION,
    })


def neighbourhoods_geojson(request):
    neighbourhoods = scoped(Neighbourhood, request.agency).order_by("name")
    response = JsonResponse(geo.feature_collection(neighbourhoods), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=300"
    return response


def audit_seals(request):
    """The public hash chain: anyone can keep a copy and later check the log was not rewritten."""
    page = Paginator(AuditSeal.objects.order_by("-sequence"), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_seals.html", {"page": page})


@staff_required(Action.VIEW_OFFICERS)
def officers(request):
    roster = scoped(Officer, request.agency).select_related("unit").order_by("unit__name", "last_name")
    page = Paginator(roster, 100).get_page(request.GET.get("page"))
    return render(request, "core/officers.html", {"page": page})


@staff_required(Action.VIEW_AUDIT_LOG)
def audit_events(request):
    events = scoped(AuditEvent, request.agency).order_by("-id")
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "core/audit_events.html", {"page": page})


@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
