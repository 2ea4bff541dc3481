"""The public figures on complaints and commendations: a page, and the same figures as CSV and JSON."""

import csv
import zoneinfo

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from commonbeat.core.caching import public_page
from commonbeat.core.downloads import as_download

from ..statistics import CSV_COLUMNS, DEFAULT_MONTHS, PERIOD_CHOICES, Figures, Period, as_json, complaint_figures
from ..statistics import long_rows as statistics_rows


def _figures(request: HttpRequest) -> Figures:
    """The figures for the period asked for (`?months=12`), the last 24 full months by default."""
    months = request.GET.get("months", "")
    months = int(months) if months.isdigit() and int(months) in PERIOD_CHOICES else DEFAULT_MONTHS
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(request.agency.timezone))
    return complaint_figures(request.agency, Period.last_full_months(today, months), today=today)


def _file_name(figures: Figures, extension: str) -> str:
    period = figures.period
    return (f"{figures.agency.slug}-complaints-{period.first_month:%Y-%m}-to-{period.last_day:%Y-%m}"
            f".{extension}")


def _download_headers(response: HttpResponse, figures: Figures, extension: str) -> HttpResponse:
    return as_download(response, _file_name(figures, extension))


@require_safe
@public_page
def complaint_statistics(request: HttpRequest) -> HttpResponse:
    figures = _figures(request)
    query = "" if figures.period.months == DEFAULT_MONTHS else f"?months={figures.period.months}"
    return render(request, "feedback/statistics.html", {
        "figures": figures, "period_choices": PERIOD_CHOICES, "download_query": query})


@require_safe
def complaint_statistics_csv(request: HttpRequest) -> HttpResponse:
    """Tidy long format: one row per published count; a hidden count is empty, with suppressed=true."""
    figures = _figures(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in statistics_rows(figures):
        writer.writerow(row | {"count": "" if row["count"] is None else row["count"],
                               "suppressed": "true" if row["suppressed"] else "false"})
    return _download_headers(response, figures, "csv")


@require_safe
def complaint_statistics_json(request: HttpRequest) -> HttpResponse:
    figures = _figures(request)
    response = JsonResponse(as_json(figures), json_dumps_params={"ensure_ascii": False, "indent": 1})
    return _download_headers(response, figures, "json")


urlpatterns = [
    path("statistics/complaints/", complaint_statistics, name="complaint_statistics"),
    path("statistics/complaints.csv", complaint_statistics_csv, name="complaint_statistics_csv"),
    path("statistics/complaints.json", complaint_statistics_json, name="complaint_statistics_json"),
]
