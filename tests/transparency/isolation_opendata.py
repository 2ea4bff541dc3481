"""Beta's open data catalogue for the cross-agency isolation test (tests/core/test_isolation.py): every dataset
registered through the services and described with "Beta" in every text, and the open data routes that take
arguments, filled with Beta's datasets."""

from commonbeat.transparency.models import Dataset
from commonbeat.transparency.services import opendata as services


def beta_opendata(other_agency, other_admin) -> None:
    services.register_datasets(other_agency)
    for dataset in services.all_datasets(other_agency):
        services.describe_dataset(
            other_admin, dataset, title={"en": f"Beta {dataset.slug}", "es": f"Beta {dataset.slug} (es)"},
            description={"en": f"Beta description of {dataset.slug}", "es": f"Beta descripción de {dataset.slug}"},
            keywords={"en": "Beta data", "es": "Beta datos"}, frequency=dataset.frequency,
            contact_name="Beta open data team", contact_email="beta-data@example.org")


def opendata_routes(beta_agency) -> dict:
    dataset = Dataset.objects.filter(agency=beta_agency).order_by("pk").first()
    return {
        "data/<slug:slug>/": f"/data/{dataset.slug}/",
        "data/<slug:slug>/dictionary.json": f"/data/{dataset.slug}/dictionary.json",
        "data/<slug:slug>.csv": f"/data/{dataset.slug}.csv",
        "data/<slug:slug>.json": f"/data/{dataset.slug}.json",
        "console/open-data/<int:pk>/edit/": f"/console/open-data/{dataset.pk}/edit/",
        "console/open-data/<int:pk>/publish/": f"/console/open-data/{dataset.pk}/publish/",
        "console/open-data/<int:pk>/rebuild/": f"/console/open-data/{dataset.pk}/rebuild/",
    }
