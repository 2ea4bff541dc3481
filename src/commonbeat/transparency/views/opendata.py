"""The open data catalogue: the public list of datasets, a page per dataset with its data dictionary, the CSV,
JSON and dictionary downloads, the DCAT-US 1.1 catalogue (data.json); and the staff console where the datasets
are published, described and rebuilt (MANAGE_OPEN_DATA).

Downloads serve the latest snapshot from storage and otherwise stream the live rows; either way a file of any
size is sent in constant memory.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from commonbeat.accounts.access import staff_required
from commonbeat.accounts.roles import Action
from commonbeat.core.downloads import as_download
from commonbeat.core.tenancy import scoped
from commonbeat.core.texts import current_language

from ..datasets import builder_for, json_chunks, table_schema
from ..forms.opendata import DatasetForm
from ..models import Dataset
from ..services import opendata as services

manage_open_data = staff_required(Action.MANAGE_OPEN_DATA)


def _published(request, slug: str) -> Dataset:
    dataset = get_object_or_404(scoped(Dataset, request.agency), slug=slug, is_published=True)
    if builder_for(dataset.slug) is None:
        raise Http404
    return dataset


def _summary(dataset: Dataset, language: str) -> dict:
    return {"dataset": dataset, "title": dataset.title_in(language), "description": dataset.description_in(language),
            "keywords": dataset.keywords_in(language)}


# ---------------------------------------------------------------- public

@require_safe
def catalogue(request):
    language = current_language()
    return render(request, "transparency/opendata/catalogue.html", {
        "items": [_summary(dataset, language) for dataset in services.published_datasets(request.agency)]})


@require_safe
def dataset_page(request, slug):
    dataset = _published(request, slug)
    builder = builder_for(dataset.slug)
    return render(request, "transparency/opendata/dataset.html", {
        **_summary(dataset, current_language()), "columns": builder.columns,
        "modified": services.modified(dataset) if dataset.built_at else None})


def _download(dataset: Dataset, field: str, content_type: str, live, extension: str):
    """The stored snapshot when there is one, else the file made now from the live rows (`live(dataset)`)."""
    stored = getattr(dataset, field)
    response = None
    if stored:
        try:
            response = FileResponse(stored.open("rb"), content_type=content_type)
        except FileNotFoundError:
            response = None
    if response is None:
        response = StreamingHttpResponse(live(dataset), content_type=content_type)
    return as_download(response, f"{dataset.agency.slug}-{dataset.slug}.{extension}")


def _live_json(dataset: Dataset):
    return json_chunks(builder_for(dataset.slug), services.live_rows(dataset))


@require_safe
def dataset_csv(request, slug):
    return _download(_published(request, slug), "csv_file", "text/csv; charset=utf-8", services.live_csv, "csv")


@require_safe
def dataset_json(request, slug):
    return _download(_published(request, slug), "json_file", "application/json", _live_json, "json")


@require_safe
def dataset_dictionary(request, slug):
    dataset = _published(request, slug)
    response = JsonResponse(table_schema(builder_for(dataset.slug)), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def data_json(request):
    response = JsonResponse(services.catalog(request.agency, request.build_absolute_uri),
                            json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    return response


# ---------------------------------------------------------------- staff console

def _dataset(request, pk) -> Dataset:
    return get_object_or_404(scoped(Dataset, request.agency), pk=pk)


@manage_open_data
@require_safe
def console(request):
    language = current_language()
    return render(request, "transparency/opendata/console.html", {
        "items": [_summary(dataset, language) for dataset in services.all_datasets(request.agency)]})


@manage_open_data
def dataset_edit(request, pk):
    dataset = _dataset(request, pk)
    form = DatasetForm(request.POST or None, initial=DatasetForm.initial_for(dataset))
    if request.method == "POST" and form.is_valid():
        try:
            services.describe_dataset(request.user, dataset, **form.details())
        except services.OpenDataError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The dataset's description is saved."))
            return redirect("transparency:staff_open_data")
    return render(request, "transparency/opendata/edit.html", {
        "form": form, "dataset": dataset, "title": dataset.title_in(current_language())})


@manage_open_data
@require_POST
def dataset_publish(request, pk):
    dataset = _dataset(request, pk)
    published = request.POST.get("published") == "1"
    services.set_published(request.user, dataset, published)
    messages.success(request, _("The dataset is published.") if published else
                     _("The dataset is no longer published."))
    return redirect("transparency:staff_open_data")


@manage_open_data
@require_POST
def dataset_rebuild(request, pk):
    dataset = _dataset(request, pk)
    try:
        built = services.rebuild_now(request.user, dataset)
    except services.OpenDataError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The dataset is rebuilt: %(rows)s rows.") % {"rows": built.row_count})
    return redirect("transparency:staff_open_data")


@manage_open_data
@require_POST
def rebuild_all(request):
    built = services.rebuild_all_now(request.user, request.agency)
    messages.success(request, _("%(count)s datasets are rebuilt.") % {"count": len(built)})
    return redirect("transparency:staff_open_data")


urlpatterns = [
    path("data/", catalogue, name="data_catalogue"),
    path("data.json", data_json, name="data_json"),
    path("data/<slug:slug>/", dataset_page, name="dataset"),
    path("data/<slug:slug>/dictionary.json", dataset_dictionary, name="dataset_dictionary"),
    path("data/<slug:slug>.csv", dataset_csv, name="dataset_csv"),
    path("data/<slug:slug>.json", dataset_json, name="dataset_json"),
    path("console/open-data/", console, name="staff_open_data"),
    path("console/open-data/rebuild/", rebuild_all, name="staff_open_data_rebuild"),
    path("console/open-data/<int:pk>/edit/", dataset_edit, name="staff_dataset_edit"),
    path("console/open-data/<int:pk>/publish/", dataset_publish, name="staff_dataset_publish"),
    path("console/open-data/<int:pk>/rebuild/", dataset_rebuild, name="staff_dataset_rebuild"),
]
