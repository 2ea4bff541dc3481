"""The demo's monthly community reports: the last full month's report, in English and Spanish, built from
everything the other apps seeded (so this step runs last). The trust index itself is recomputed by the
surveys step, which seeds the answers it rests on."""

import time

from commonbeat.core.seeding import SeedContext

from . import services
from .monthly import add_months

ORDER = 99


def seed(context: SeedContext) -> None:
    started = time.perf_counter()
    month = add_months(context.today.replace(day=1), -1)
    built = services.build_monthly_reports(context.agency, month)
    context.log.append(f"{context.agency.name}: monthly community report for {month:%Y-%m} in "
                       f"{', '.join(report.language for report in built)} "
                       f"({sum(report.pages for report in built)} pages, {time.perf_counter() - started:.1f} s)")
