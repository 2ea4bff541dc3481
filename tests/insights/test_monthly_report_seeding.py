"""The demo city's monthly community report: last full month, in English and Spanish, built last."""

import random

import pytest
from django.core.management import call_command

from commonbeat.accounts import seeding as accounts_seeding
from commonbeat.core import seeding as core_seeding
from commonbeat.core.models import Agency
from commonbeat.feedback import seeding as feedback_seeding
from commonbeat.insights import seeding
from commonbeat.insights.models import MonthlyReport
from commonbeat.insights.monthly import add_months
from commonbeat.patrols import seeding as patrols_seeding


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        agency = Agency.objects.create(slug="port-alder", name="Port Alder Police Department",
                                       name_es="Departamento de Policía de Port Alder", hosts="port-alder.test")
        context = core_seeding.SeedContext(agency=agency, rng=random.Random(20261125))
        for module in (core_seeding, accounts_seeding, feedback_seeding, patrols_seeding, seeding):
            module.seed(context)
        yield agency, context
        call_command("flush", interactive=False, verbosity=0)


def test_seeding_runs_after_every_other_app():
    # The text analysis (`insights.text_seeding`) runs later still, on what every step seeded, this one included.
    others = [getattr(module, "ORDER", 100) for module in core_seeding.seeding_modules()
              if module is not seeding and not module.__name__.endswith(".text_seeding")]
    assert max(others) < seeding.ORDER


@pytest.mark.django_db
def test_the_last_full_month_is_built_in_english_and_spanish(city):
    agency, context = city
    month = add_months(context.today.replace(day=1), -1)
    reports = {report.language: report for report in MonthlyReport.objects.filter(agency=agency)}
    assert set(reports) == {"en", "es"}
    assert {report.month for report in reports.values()} == {month}
    assert all(report.pdf.open("rb").read().startswith(b"%PDF") for report in reports.values())
    assert "Departamento de Policía de Port Alder" in reports["es"].html
    assert "Complaints and commendations received, by neighbourhood" in reports["en"].html
    assert any("monthly community report for" in line for line in context.log)


@pytest.mark.django_db
def test_the_seeded_report_is_served(city, client):
    agency, context = city
    month = add_months(context.today.replace(day=1), -1)
    response = client.get(f"/reports/monthly/{month:%Y-%m}/", HTTP_HOST="port-alder.test")
    assert "Port Alder Police Department" in response.content.decode()
