"""The demo city's stories and awards: published and waiting stories, one photo, two programs with nominations
(some from commendations), panel scores and last year's winners."""

import random

import pytest
from django.core.management import call_command
from django.urls import reverse

from commonbeat.accounts import seeding as accounts_seeding
from commonbeat.core import seeding as core_seeding
from commonbeat.core.models import Agency
from commonbeat.feedback import seeding as feedback_seeding
from commonbeat.recognition import seeding
from commonbeat.recognition.models import Award, AwardProgram, Nomination, PanelScore, Story, StoryStatus


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        agency = Agency.objects.create(slug="port-alder", name="Port Alder Police Department",
                                       hosts="port-alder.test")
        context = core_seeding.SeedContext(agency=agency, rng=random.Random(20261125))
        for module in (core_seeding, accounts_seeding, feedback_seeding, seeding):
            module.seed(context)
        yield agency, context
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_about_thirty_stories_some_waiting_one_with_a_photo(city):
    agency, context = city
    stories = Story.objects.filter(agency=agency)
    assert stories.count() == 30
    assert stories.filter(status=StoryStatus.PENDING).count() == 5
    published = stories.filter(status=StoryStatus.PUBLISHED)
    assert all(story.title.get("es") and story.body.get("es") for story in published)
    pictured = stories.exclude(photo="")
    assert pictured.count() == 1 and pictured.get().photo_consent
    assert "30 stories" in context.log[-1]


@pytest.mark.django_db
def test_two_programs_with_nominations_scores_and_last_years_awards(city):
    agency, _context = city
    programs = AwardProgram.objects.filter(agency=agency)
    assert set(programs.values_list("slug", flat=True)) == {"officer-of-the-year", "community-champion"}
    for program in programs:
        assert program.is_open(agency.today()) and program.panel.exists()
        assert Nomination.objects.filter(program=program, year=program.year).count() >= 5
        award = Award.objects.get(program=program)
        assert award.year == program.year - 1 and award.citation.get("es")
    assert Nomination.objects.filter(agency=agency, source="commendation").exists()
    assert PanelScore.objects.filter(agency=agency).count() > 20


@pytest.mark.django_db
def test_the_seeded_pages_show(city, client):
    agency, _context = city
    host = {"HTTP_HOST": "port-alder.test"}
    assert client.get(reverse("recognition:stories"), **host).status_code == 200
    awards = client.get(reverse("recognition:awards"), **host).content.decode()
    assert "Officer of the Year" in awards and "Community Champion" in awards
    story = Story.objects.filter(agency=agency, status=StoryStatus.PUBLISHED).exclude(photo="").get()
    assert client.get(reverse("recognition:story_photo", args=[story.slug]), **host).status_code == 200
