"""The demo's themes: built last, from the seeded survey answers, so the dashboard shows different themes in
different neighbourhoods, with a few quotes approved."""

import random
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.html import escape

from commonbeat.accounts import seeding as accounts_seeding
from commonbeat.core import seeding as core_seeding
from commonbeat.core.models import Agency, Neighbourhood
from commonbeat.insights import text_seeding
from commonbeat.insights.models import ThemeQuote, ThemeRun
from commonbeat.surveys import seeding as surveys_seeding


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        agency = Agency.objects.create(slug="port-alder", name="Port Alder Police Department",
                                       name_es="Departamento de Policía de Port Alder", hosts="port-alder.test")
        context = core_seeding.SeedContext(agency=agency, rng=random.Random(20261125))
        for module in (core_seeding, accounts_seeding, surveys_seeding, text_seeding):
            module.seed(context)
        yield agency
        call_command("flush", interactive=False, verbosity=0)


def test_the_text_step_runs_after_every_other_app():
    others = [getattr(module, "ORDER", 100) for module in core_seeding.seeding_modules()
              if module is not text_seeding]
    assert max(others) < text_seeding.ORDER


def _top_themes(page: str) -> list[str]:
    section = page[page.index('id="worries-neighbourhood-heading"'):]
    table = section[:section.index("</table>")]
    return re.findall(r'<tr><th scope="row">([^<]+)</th>', table)[:3]


@pytest.mark.django_db
def test_the_dashboard_shows_different_themes_in_different_neighbourhoods(city):
    run = ThemeRun.objects.get(agency=city)
    assert run.status == ThemeRun.Status.FINISHED and run.themes.count() >= 3
    client = Client(HTTP_HOST="port-alder.test")
    tops = {}
    for neighbourhood in Neighbourhood.objects.filter(agency=city).order_by("name"):
        tops[neighbourhood.slug] = tuple(_top_themes(client.get(
            f"/trust/?neighbourhood={neighbourhood.slug}").content.decode()))
    assert len(set(tops.values())) > 1, tops


@pytest.mark.django_db
def test_a_few_quotes_are_approved_and_shown(city):
    approved = ThemeQuote.objects.filter(agency=city, status=ThemeQuote.Status.APPROVED)
    assert approved.exists() and approved.filter(reviewed_by__username="engagement").count() == approved.count()
    page = Client(HTTP_HOST="port-alder.test").get("/trust/").content.decode()
    assert f"<q>{escape(approved.first().published_text)}</q>" in page
