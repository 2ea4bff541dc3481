"""The public crisis figures: a page, and the same figures as CSV and JSON. Counts are suppressed below 11 (with
complementary suppression); nothing here names anyone, repeats a note, or gives a time finer than the month."""


from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from commonbeat.core.disclosure import THRESHOLD
from commonbeat.core.downloads import as_download

from ..figures import ALL_RESPONSES, DEFAULT_MONTHS, PERIOD_CHOICES, Period, as_json, crisis_figures, outcome_choices
from .staff import write_csv


def _figures(request):
    months = request.GET.get("months", "")
    months = int(months) if months.isdigit() and int(months) in PERIOD_CHOICES else DEFAULT_MONTHS
    today = request.agency.today()
    return crisis_figures(request.agency, Period.last_full_months(today, months), public=True,
                          outcome=request.GET.get("outcome", ""), today=today)


def _file_name(figures, extension: str) -> str:
    return (f"{figures.agency.slug}-crisis-responses-{figures.period.first_month:%Y-%m}-to-"
            f"{figures.period.last_day:%Y-%m}.{extension}")


@require_safe
def crisis_page(request):
    figures = _figures(request)
    query = "" if figures.period.months == DEFAULT_MONTHS else f"?months={figures.period.months}"
    return render(request, "crisis/figures.html", {
        "figures": figures, "period_choices": PERIOD_CHOICES, "outcome_choices": outcome_choices(),
        "form_url": reverse("crisis:public"), "csv_url": reverse("crisis:public_csv"),
        "json_url": reverse("crisis:public_json"), "download_query": query, "threshold": THRESHOLD,
        "all_responses": ALL_RESPONSES, "base": "base.html"})


@require_safe
def crisis_csv(request):
    figures = _figures(request)
    return as_download(write_csv(figures, _file_name(figures, "csv"),
                                 HttpResponse(content_type="text/csv; charset=utf-8")), _file_name(figures, "csv"))


@require_safe
def crisis_json(request):
    figures = _figures(request)
    response = JsonResponse(as_json(figures), json_dumps_params={"ensure_ascii": False, "indent": 1})
    return as_download(response, _file_name(figures, "json"))


urlpatterns = [
    path("crisis/", crisis_page, name="public"),
    path("crisis/figures.csv", crisis_csv, name="public_csv"),
    path("crisis/figures.json", crisis_json, name="public_json"),
]
