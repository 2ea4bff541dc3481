"""The demo city's open data catalogue: every dataset registered and built, so the catalogue, the downloads and
data.json show the other apps' seeded data. Runs last among the transparency parts."""

from commonbeat.core.seeding import SeedContext

from ..models import Dataset
from ..services import opendata


def seed(context: SeedContext) -> None:
    agency = context.agency
    opendata.register_datasets(agency)
    Dataset.objects.filter(agency=agency, contact_email="").update(contact_name="Open data team",
                                                                   contact_email="opendata@example.org")
    built = opendata.rebuild_agency(agency, today=context.today)
    rows = sum(dataset.row_count or 0 for dataset in built)
    context.log.append(f"{context.agency.name}: open data, {len(built)} datasets built, {rows} rows.")
