"""The public trust dashboard, its methods page and the downloads: they read the stored estimates only."""

import csv

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from commonbeat.core.caching import public_page
from commonbeat.core.downloads import as_download

from . import dashboard as figures
from .models import Measure


def _download(response: HttpResponse, request: HttpRequest, extension: str) -> HttpResponse:
    return as_download(response, f"{request.agency.slug}-trust-index.{extension}")


@require_safe
@public_page
def trust_dashboard(request: HttpRequest) -> HttpResponse:
    measure = request.GET.get("measure", Measure.TRUST)
    board = figures.dashboard(request.agency, measure=measure, neighbourhood_slug=request.GET.get("neighbourhood", ""),
                              language=get_language() or "en", step=request.GET.get("by", "month"))
    worries = figures.worries(request.agency, request.GET.get("neighbourhood", ""))
    return render(request, "insights/dashboard.html", {"board": board, "measures": figures.measure_labels(),
                                                       "worries": worries})


@require_safe
def methods(request: HttpRequest) -> HttpResponse:
    return render(request, "insights/methods.html", {"methods": figures.methods(request.agency)})


@require_safe
def data_csv(request: HttpRequest) -> HttpResponse:
    """Tidy long format: one row per stored estimate; a hidden count is empty, with its *_suppressed flag."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.DictWriter(response, fieldnames=figures.CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in figures.download_rows(request.agency):
        writer.writerow({key: ("" if value is None else str(value).lower() if isinstance(value, bool) else value)
                         for key, value in row.items()})
    return _download(response, request, "csv")


@require_safe
def data_json(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(figures.as_json(request.agency, get_language() or "en"),
                            json_dumps_params={"ensure_ascii": False, "indent": 1})
    return _download(response, request, "json")


urlpatterns = [
    path("trust/", trust_dashboard, name="dashboard"),
    path("trust/methods/", methods, name="methods"),
    path("trust/data.csv", data_csv, name="data_csv"),
    path("trust/data.json", data_json, name="data_json"),
]
