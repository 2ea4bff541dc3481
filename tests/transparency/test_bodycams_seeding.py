"""The demo city's body-worn cameras: a year of recordings in every category, some linked to demo complaints, a
few under legal hold, some already deleted and some due; about sixty footage requests in every status, some
overdue; and public figures with something to show."""

import random
from collections import Counter

import pytest
from django.core.management import call_command

from commonbeat.accounts import seeding as accounts_seeding
from commonbeat.core import seeding as core_seeding
from commonbeat.core.models import Agency
from commonbeat.feedback import seeding as feedback_seeding
from commonbeat.transparency.models import (
    BodyCamProgram,
    BodyCamRecording,
    FootageRequest,
    FootageRequestStatus,
    RecordingCategory,
    RetentionRule,
)
from commonbeat.transparency.seeding import bodycams as seeding
from commonbeat.transparency.services import bodycams


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        agency = Agency.objects.create(slug="port-alder", name="Port Alder Police Department",
                                       hosts="port-alder.test")
        context = core_seeding.SeedContext(agency=agency, rng=random.Random(20261125))
        for module in (core_seeding, accounts_seeding, feedback_seeding):
            module.seed(context)
        seeding.seed(context)
        yield agency, context
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_a_year_of_recordings_in_every_category(city):
    agency, context = city
    recordings = BodyCamRecording.objects.filter(agency=agency)
    assert recordings.count() >= 3000
    categories = Counter(recordings.values_list("category", flat=True))
    assert set(categories) == set(RecordingCategory.values)
    assert categories[RecordingCategory.CALL_FOR_SERVICE] > categories[RecordingCategory.USE_OF_FORCE]
    months = {moment.strftime("%Y-%m") for moment in recordings.values_list("started_at", flat=True)}
    assert len(months) >= 12
    assert all(len(value) == 64 for value in recordings.values_list("sha256", flat=True)[:50])
    assert "body-worn camera recordings" in context.log[-1] and "tracking code" in context.log[-1]


@pytest.mark.django_db
def test_some_recordings_are_linked_held_deleted_and_due(city):
    agency, context = city
    recordings = BodyCamRecording.objects.filter(agency=agency)
    assert recordings.exclude(report=None).count() >= 8
    assert recordings.filter(legal_hold=True).count() >= 3
    assert recordings.exclude(deleted_on=None).exists()
    due = bodycams.due_for_deletion(agency, context.today)
    assert due.exists() and not due.filter(legal_hold=True).exists()
    assert RetentionRule.objects.filter(agency=agency).count() == len(RecordingCategory)
    assert BodyCamProgram.objects.get(agency=agency).about["es"]


@pytest.mark.django_db
def test_sixty_footage_requests_in_every_status_some_overdue(city):
    agency, context = city
    requests = FootageRequest.objects.filter(agency=agency)
    assert 50 <= requests.count() <= 70
    assert set(requests.values_list("status", flat=True)) == set(FootageRequestStatus.values)
    assert bodycams.overdue_requests(agency, context.today).count() >= 2
    assert not requests.filter(status="denied", denial_basis="").exists()
    assert requests.filter(status="released").exclude(recordings=None).exists()
    assert all(email.endswith("@example.org") for email in requests.values_list("requester_email", flat=True))
    assert len(set(requests.values_list("reference", flat=True))) == requests.count()


@pytest.mark.django_db
def test_the_demo_figures_have_something_to_show(city, client):
    agency, context = city
    figures = bodycams.bodycam_figures(agency, today=context.today)
    assert figures.totals["received"] and figures.totals["released"]
    assert any(value for row in figures.recordings.rows for value in row.values)
    page = client.get("/body-worn-cameras/", HTTP_HOST="port-alder.test")
    assert page.status_code == 200 and "Recordings by month and category" in page.content.decode()
