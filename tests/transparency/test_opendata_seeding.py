"""The demo city's open data: every dataset registered and built from the other apps' seeded data."""

import csv
import io
import json
import random
from collections import Counter

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from commonbeat.accounts import seeding as accounts_seeding
from commonbeat.core import seeding as core_seeding
from commonbeat.core.models import Agency
from commonbeat.crisis import seeding as crisis_seeding
from commonbeat.engagement import seeding as engagement_seeding
from commonbeat.feedback import seeding as feedback_seeding
from commonbeat.feedback.models import Allegation, Kind
from commonbeat.partners import seeding as partners_seeding
from commonbeat.patrols import seeding as patrols_seeding
from commonbeat.training import seeding as training_seeding
from commonbeat.transparency.datasets import BUILDERS
from commonbeat.transparency.models import Dataset
from commonbeat.transparency.seeding import opendata as seeding


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        agency = Agency.objects.create(slug="port-alder", name="Port Alder Police Department",
                                       hosts="port-alder.test")
        context = core_seeding.SeedContext(agency=agency, rng=random.Random(20261125))
        for module in (core_seeding, accounts_seeding, feedback_seeding, training_seeding, partners_seeding,
                       crisis_seeding, engagement_seeding, patrols_seeding, seeding):
            module.seed(context)
        yield agency, context
        call_command("flush", interactive=False, verbosity=0)


def snapshot_rows(dataset: Dataset) -> list[list[str]]:
    """The rows of a dataset's stored CSV, its header first."""
    return list(csv.reader(io.StringIO(default_storage.open(dataset.csv_file.name).read().decode())))


@pytest.mark.django_db
def test_every_dataset_is_registered_published_and_built(city):
    agency, context = city
    datasets = Dataset.objects.filter(agency=agency)
    assert sorted(datasets.values_list("slug", flat=True)) == sorted(builder.slug for builder in BUILDERS)
    assert not datasets.filter(is_published=False).exists()
    assert not datasets.filter(built_at=None).exists()
    assert all(default_storage.exists(d.csv_file.name) and default_storage.exists(d.json_file.name)
               for d in datasets)
    assert "open data, 8 datasets built" in context.log[-1]


@pytest.mark.django_db
def test_the_seeded_complaints_crisis_calls_and_training_are_published(city):
    agency, _context = city
    built = {d.slug: d for d in Dataset.objects.filter(agency=agency)}
    assert built["complaint-allegations"].row_count > 50
    assert built["crisis-outcomes"].row_count > 10
    assert built["training-compliance"].row_count > 0
    rows = snapshot_rows(built["complaint-allegations"])
    assert rows[0] == BUILDERS[0].column_names
    assert len(rows) - 1 == built["complaint-allegations"].row_count
    assert {row[4] for row in rows[1:]} <= {"sustained", "not-sustained", "pending", "withheld"}


@pytest.mark.django_db
def test_a_seeded_allegations_kind_is_published_exactly_when_11_or_more_of_its_month_share_it(city):
    """At the demo's scale (about 40 allegations a month) few kinds, or none, reach 11 in a month; the rule is
    checked against the seeded counts, whatever they are."""
    agency, _context = city
    dataset = Dataset.objects.get(agency=agency, slug="complaint-allegations")
    rows = snapshot_rows(dataset)[1:]
    zone = agency.zone
    seeded = Counter()
    for received_at, category, finding in Allegation.objects.filter(
            report__agency=agency, report__kind=Kind.COMPLAINT).values_list(
            "report__received_at", "category__code", "finding__code"):
        seeded[(received_at.astimezone(zone).strftime("%Y-%m"), category, finding or "")] += 1
    published = Counter((month, category, finding) for month, _place, category, finding, *_rest in rows
                        if category != "withheld")
    withheld = Counter(month for month, _place, category, *_rest in rows if category == "withheld")
    months = {row[0] for row in rows}  # the period's months that have a complaint
    assert published == {kind: n for kind, n in seeded.items() if n >= 11 and kind[0] in months}
    small = Counter()
    for (month, _category, _finding), n in seeded.items():
        if n < 11 and month in months:
            small[month] += n
    assert withheld == small


@pytest.mark.django_db
def test_seeded_datasets_have_a_contact(city):
    agency, _context = city
    assert set(Dataset.objects.filter(agency=agency).values_list("contact_email", flat=True)) == {
        "opendata@example.org"}


@pytest.mark.django_db
def test_every_snapshot_has_the_columns_of_its_dictionary(city):
    agency, _context = city
    for builder in BUILDERS:
        dataset = Dataset.objects.get(agency=agency, slug=builder.slug)
        rows = snapshot_rows(dataset)
        assert rows[0] == builder.column_names and len(rows) - 1 == dataset.row_count, builder.slug
        assert all(len(row) == len(builder.column_names) for row in rows), builder.slug
        records = json.loads(default_storage.open(dataset.json_file.name).read())
        assert len(records) == dataset.row_count and all(list(r) == builder.column_names for r in records)
    built = {d.slug: d.row_count for d in Dataset.objects.filter(agency=agency)}
    assert built["events-attendance"] > 10 and built["patrol-hours"] > 100
