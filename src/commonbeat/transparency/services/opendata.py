"""The open data catalogue: registering each agency's datasets, building their snapshots, publishing and
describing them, and the DCAT-US 1.1 catalogue (data.json).

A snapshot is the dataset's CSV and JSON files written to Django storage by the scheduled rebuild
(`manage.py rebuild_open_data` or the `rebuild_open_data` task). Both files are written in one pass over the rows,
chunk by chunk through temporary files, so a dataset of any size is built in constant memory. Downloads serve the
latest snapshot and fall back to streaming the live rows when there is none.
"""

import itertools
import tempfile
from collections.abc import Callable, Iterator
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from commonbeat.accounts.roles import Action, can
from commonbeat.core import audit
from commonbeat.core.models import Agency
from commonbeat.core.tenancy import scoped

from ..datasets import BUILDERS, Builder, builder_for, csv_chunks, csv_header, json_chunks
from ..models import Dataset, UpdateFrequency

DCAT_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"
# The schema requires bureau and program codes, which only U.S. federal agencies have: the placeholders
# Project Open Data gives for publishers without one.
NON_FEDERAL_BUREAU = "000:00"
NON_FEDERAL_PROGRAM = "000:000"


class OpenDataError(Exception):
    """A change to the catalogue that cannot be made, with a message a person can read."""


def _require(actor, agency: Agency, action: Action = Action.MANAGE_OPEN_DATA) -> None:
    if not can(actor, agency, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _texts(texts: dict | None) -> dict:
    return {language: text.strip() for language, text in (texts or {}).items() if text and text.strip()}


# ---------------------------------------------------------------- the catalogue

def register_datasets(agency: Agency) -> list[Dataset]:
    """Add every dataset the platform can build that the agency does not list yet, published, with the standard
    titles and descriptions (staff may edit them). Returns the datasets added."""
    known = set(scoped(Dataset, agency).values_list("slug", flat=True))
    added = [Dataset(agency=agency, slug=builder.slug, title=dict(builder.title),
                     description=dict(builder.description), keywords=dict(builder.keywords),
                     frequency=builder.frequency)
             for builder in BUILDERS if builder.slug not in known]
    if added:
        with transaction.atomic():
            Dataset.objects.bulk_create(added)
            audit.record("transparency.datasets_registered", agency=agency,
                         changes={"datasets": [dataset.slug for dataset in added]})
    return added


def _in_catalogue_order(datasets) -> list[Dataset]:
    order = {builder.slug: index for index, builder in enumerate(BUILDERS)}
    return sorted((dataset for dataset in datasets if dataset.slug in order), key=lambda d: order[d.slug])


def all_datasets(agency: Agency) -> list[Dataset]:
    return _in_catalogue_order(scoped(Dataset, agency))


def published_datasets(agency: Agency) -> list[Dataset]:
    return _in_catalogue_order(scoped(Dataset, agency).filter(is_published=True))


def builder_of(dataset: Dataset) -> Builder:
    builder = builder_for(dataset.slug)
    if builder is None:
        raise OpenDataError(_("This dataset can no longer be built."))
    return builder


def live_rows(dataset: Dataset, today: date | None = None):
    """The dataset's rows as they are now, read lazily."""
    return builder_of(dataset).rows(dataset.agency, today or dataset.agency.today())


def _database_writes_csv(builder: Builder) -> bool:
    return builder.postgres_csv is not None and connection.vendor == "postgresql"


def live_csv(dataset: Dataset, today: date | None = None) -> Iterator[bytes]:
    """The dataset's CSV file as it is now, in chunks: written by PostgreSQL where the dataset's builder can
    have it do so (the same bytes), else by `csv_chunks` over the rows."""
    builder, agency = builder_of(dataset), dataset.agency
    today = today or agency.today()
    if _database_writes_csv(builder):
        yield csv_header(builder).encode("utf-8")
        yield from builder.postgres_csv(agency, today)
        return
    for part in csv_chunks(builder, builder.rows(agency, today)):
        yield part.encode("utf-8")


# ---------------------------------------------------------------- snapshots

def _write_files(dataset: Dataset, builder: Builder, today: date, csv_out, json_out) -> int:
    """Write both files in one pass over the rows, so that they hold the same rows; the two writers advance
    together, CHUNK_SIZE rows at a time, so only one chunk of rows is held in memory. Returns the number of
    rows."""
    count = 0

    def counted():
        nonlocal count
        for row in builder.rows(dataset.agency, today):
            count += 1
            yield row

    for_csv, for_json = itertools.tee(counted())
    for csv_part, json_part in itertools.zip_longest(csv_chunks(builder, for_csv), json_chunks(builder, for_json)):
        if csv_part:
            csv_out.write(csv_part.encode("utf-8"))
        if json_part:
            json_out.write(json_part.encode("utf-8"))
    return count


def build_snapshot(dataset: Dataset, *, today: date | None = None, actor=None) -> Dataset:
    """Write the dataset's CSV and JSON snapshot to storage and record its row count and time. The previous
    snapshot's files are removed once the new ones are stored."""
    builder = builder_of(dataset)
    agency = dataset.agency
    built_at = timezone.now()
    stamp = built_at.strftime("%Y%m%dT%H%M%S%f")
    old = [name for name in (dataset.csv_file.name, dataset.json_file.name) if name]
    with tempfile.TemporaryFile() as csv_out, tempfile.TemporaryFile() as json_out:
        count = _write_files(dataset, builder, today or agency.today(), csv_out, json_out)
        csv_out.seek(0)
        json_out.seek(0)
        dataset.csv_file.save(f"{dataset.slug}-{stamp}.csv", File(csv_out), save=False)
        dataset.json_file.save(f"{dataset.slug}-{stamp}.json", File(json_out), save=False)
    dataset.row_count, dataset.built_at = count, built_at
    with transaction.atomic():
        Dataset.objects.filter(pk=dataset.pk).update(csv_file=dataset.csv_file.name,
                                                     json_file=dataset.json_file.name, row_count=count,
                                                     built_at=built_at)
        audit.record("transparency.dataset_built", actor=actor, agency=agency, target=dataset,
                     changes={"slug": dataset.slug, "rows": count})
    storage = dataset.csv_file.storage
    for name in old:
        if name not in (dataset.csv_file.name, dataset.json_file.name):
            storage.delete(name)
    return dataset


def rebuild_agency(agency: Agency, *, today: date | None = None, actor=None) -> list[Dataset]:
    """The scheduled rebuild: register any new datasets, then build every dataset's snapshot (unpublished ones
    too, so they are ready when published)."""
    register_datasets(agency)
    return [build_snapshot(dataset, today=today, actor=actor) for dataset in all_datasets(agency)]


def rebuild_all_now(actor, agency: Agency) -> list[Dataset]:
    """Staff add any missing dataset and rebuild every one at once."""
    _require(actor, agency)
    return rebuild_agency(agency, actor=actor)


def rebuild_now(actor, dataset: Dataset) -> Dataset:
    """Staff rebuild one dataset at once instead of waiting for the schedule."""
    _require(actor, dataset.agency)
    return build_snapshot(dataset, actor=actor)


@task()
def rebuild_open_data(agency_id: int | None = None) -> int:
    """Rebuild the open data snapshots of one agency, or of every agency; returns how many were built."""
    agencies = Agency.objects.order_by("id")
    if agency_id is not None:
        agencies = agencies.filter(pk=agency_id)
    return sum(len(rebuild_agency(agency)) for agency in agencies)


# ---------------------------------------------------------------- publishing and describing

@transaction.atomic
def set_published(actor, dataset: Dataset, published: bool) -> Dataset:
    """Show or hide a dataset in the public catalogue; an unpublished dataset's pages and files are not found."""
    _require(actor, dataset.agency)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    dataset.is_published = published
    dataset.save(update_fields=["is_published", "updated_at"])
    audit.record("transparency.dataset_published" if published else "transparency.dataset_unpublished",
                 actor=actor, agency=dataset.agency, target=dataset, changes={"slug": dataset.slug})
    return dataset


@transaction.atomic
def describe_dataset(actor, dataset: Dataset, *, title: dict, description: dict, keywords: dict, frequency: str,
                     contact_name: str = "", contact_email: str = "") -> Dataset:
    """Edit how a dataset is described. A title and a description in English are required, and at least one
    keyword, because the DCAT-US catalogue requires them."""
    _require(actor, dataset.agency)
    title, description, keywords = _texts(title), _texts(description), _texts(keywords)
    if not title.get("en") or not description.get("en"):
        raise OpenDataError(_("Give the dataset a title and a description in English."))
    if not any(word.strip() for word in keywords.get("en", "").split(",")):
        raise OpenDataError(_("Give at least one keyword in English."))
    if frequency not in UpdateFrequency.values:
        raise OpenDataError(_("Choose how often the dataset is updated."))
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    dataset.title, dataset.description, dataset.keywords = title, description, keywords
    dataset.frequency, dataset.contact_name, dataset.contact_email = frequency, contact_name.strip(), contact_email
    dataset.save()
    audit.record("transparency.dataset_described", actor=actor, agency=dataset.agency, target=dataset,
                 changes={"slug": dataset.slug, "frequency": frequency})
    return dataset


def modified(dataset: Dataset) -> date:
    """When the data last changed as published: the last build, else today (the files are built live)."""
    if dataset.built_at:
        return timezone.localdate(dataset.built_at, timezone=dataset.agency.zone)
    return dataset.agency.today()


def _contact_email(dataset: Dataset) -> str:
    if dataset.contact_email:
        return dataset.contact_email
    return settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()


def catalog(agency: Agency, absolute: Callable[[str], str]) -> dict:
    """The DCAT-US 1.1 catalogue of the agency's published datasets (Project Open Data metadata schema v1.1).
    `absolute(path)` makes a full URL of a path on this site."""
    with translation.override("en"):
        entries = [_catalog_entry(agency, dataset, absolute) for dataset in published_datasets(agency)]
        return {
            "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
            "@id": absolute(reverse("transparency:data_json")),
            "@type": "dcat:Catalog",
            "conformsTo": DCAT_SCHEMA,
            "describedBy": f"{DCAT_SCHEMA}/catalog.json",
            "dataset": entries,
        }


def _catalog_entry(agency: Agency, dataset: Dataset, absolute: Callable[[str], str]) -> dict:
    builder = builder_of(dataset)
    dictionary = absolute(reverse("transparency:dataset_dictionary", args=[dataset.slug]))
    page = absolute(reverse("transparency:dataset", args=[dataset.slug]))
    entry = {
        "@type": "dcat:Dataset",
        "title": dataset.title_in("en"),
        "description": dataset.description_in("en"),
        "keyword": dataset.keywords_in("en") or [dataset.slug],
        "modified": modified(dataset).isoformat(),
        "publisher": {"@type": "org:Organization", "name": agency.name},
        "contactPoint": {"@type": "vcard:Contact", "fn": dataset.contact_name or agency.name,
                         "hasEmail": f"mailto:{_contact_email(dataset)}"},
        "identifier": page,
        "accessLevel": "public",
        "bureauCode": [NON_FEDERAL_BUREAU],
        "programCode": [NON_FEDERAL_PROGRAM],
        "license": LICENSE,
        "spatial": agency.name,
        "accrualPeriodicity": dataset.frequency,
        "landingPage": page,
        "language": ["en-US"],
        "describedBy": dictionary,
        "describedByType": "application/json",
        "distribution": [
            {"@type": "dcat:Distribution", "title": f"{dataset.title_in('en')} (CSV)",
             "downloadURL": absolute(reverse("transparency:dataset_csv", args=[dataset.slug])),
             "mediaType": "text/csv", "format": "CSV", "describedBy": dictionary,
             "describedByType": "application/json"},
            {"@type": "dcat:Distribution", "title": f"{dataset.title_in('en')} (JSON)",
             "downloadURL": absolute(reverse("transparency:dataset_json", args=[dataset.slug])),
             "mediaType": "application/json", "format": "JSON", "describedBy": dictionary,
             "describedByType": "application/json"},
        ],
    }
    span = builder.temporal(agency, agency.today())
    if span:
        entry["temporal"] = f"{span[0].isoformat()}/{span[1].isoformat()}"
    return entry

