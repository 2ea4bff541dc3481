"""Problem-solving projects from the console: start one from concerns raised at events, move it through the SARA
stages with updates, tick off milestones, and close it once the response is assessed."""

import re
import uuid
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.engagement import services
from commonbeat.engagement.models import Concern, Milestone, Problem, ProblemStatus, ProblemUpdate, Stage

from ..factories import signed_in_client


@pytest.fixture(autouse=True)
def forget_submission_tokens():
    cache.clear()


@pytest.fixture
def officer(cast):
    return cast[Role.OFFICER]


@pytest.fixture
def officer_client(officer):
    return signed_in_client(officer)


@pytest.fixture
def event(agency, cast):
    starts = timezone.now() + timedelta(days=2)
    return services.create_event(cast[Role.ENGAGEMENT_STAFF], agency, services.EventDetails(
        kind=services.event_kinds(agency).get(slug="community-meeting"), title={"en": "Mill Creek forum"},
        starts_at=starts, ends_at=starts + timedelta(hours=2), address="1 Main St", organiser="Engagement",
        latitude=40.005, longitude=-89.995))


@pytest.fixture
def problem(agency, officer):
    return services.open_problem(officer, agency, services.ProblemDetails(title={"en": "Speeding near the school"}))


def problem_data(**changes) -> dict:
    data = {"title_en": "Speeding near Mill Creek school", "title_es": "Exceso de velocidad cerca de la escuela",
            "summary_en": "Cars speed at drop-off.", "summary_es": "", "neighbourhood": "", "owner": "",
            "partner_organisations": "Mill Creek PTA", "is_public": "on", "submission_token": uuid.uuid4().hex}
    data.update(changes)
    return data


def test_a_concern_recorded_at_an_event_becomes_a_project(officer_client, officer, event, agency):
    officer_client.post(f"/console/events/{event.pk}/concerns/", {"text": "Speeding at school time"})
    other = services.record_concern(officer, event, "Broken street light on Elm")
    concern = Concern.objects.get(text="Speeding at school time")

    listed = officer_client.get("/console/problems/").content.decode()
    assert "Concerns not yet in a project" in listed and "Speeding at school time" in listed
    assert f'name="concern" value="{concern.pk}"' in listed

    form = officer_client.get(f"/console/problems/new/?concern={concern.pk}").content.decode()
    assert re.search(rf'value="{concern.pk}" id="id_concerns_\d+" checked', form)
    assert not re.search(rf'value="{other.pk}" id="id_concerns_\d+" checked', form)
    response = officer_client.post("/console/problems/new/", problem_data(concerns=[str(concern.pk)]), follow=True)
    problem = Problem.objects.get(agency=agency)
    assert response.redirect_chain[-1][0] == f"/console/problems/{problem.pk}/"
    assert "The project is open, in scanning." in response.content.decode()
    concern.refresh_from_db()
    other.refresh_from_db()
    assert concern.problem == problem and other.problem is None
    assert problem.stage == Stage.SCANNING and problem.partners == ["Mill Creek PTA"]
    assert problem.neighbourhood == Neighbourhood.objects.get(agency=agency, slug="alpha-north-end")
    assert problem.title["es"] == "Exceso de velocidad cerca de la escuela"
    body = response.content.decode()
    assert "Speeding at school time" in body and f"/problem-solving/{problem.pk}/" in body
    assert "Speeding at school time" not in officer_client.get("/console/problems/").content.decode().split(
        "Concerns not yet in a project")[1]


def test_the_new_project_form_preselects_only_this_agencys_unlinked_concerns(
        officer_client, officer, event, other_agency):
    mine = services.record_concern(officer, event, "Speeding")
    foreign = Concern.objects.create(agency=other_agency, text="Beta concern", recorded_at=timezone.now())
    body = officer_client.get(f"/console/problems/new/?concern={mine.pk}&concern={foreign.pk}&concern=x"
                              ).content.decode()
    assert "Speeding" in body and "Beta concern" not in body
    response = officer_client.post("/console/problems/new/", problem_data(concerns=[str(foreign.pk)]))
    assert response.status_code == 200 and 'href="#id_concerns"' in response.content.decode()
    assert not Problem.objects.exists()


def test_a_project_form_sent_twice_opens_one_project(officer_client, agency):
    data = problem_data()
    officer_client.post("/console/problems/new/", data)
    officer_client.post("/console/problems/new/", data)
    assert Problem.objects.filter(agency=agency).count() == 1


def test_a_project_without_an_english_title_keeps_what_was_typed(officer_client):
    response = officer_client.post("/console/problems/new/", problem_data(title_en="", summary_en="Cars speed."))
    body = response.content.decode()
    assert 'href="#id_title_en"' in body and "Cars speed." in body and not Problem.objects.exists()


def test_an_update_moves_the_project_to_another_stage(officer_client, problem):
    body = officer_client.get(f"/console/problems/{problem.pk}/").content.decode()
    assert 'usa-step-indicator__segment--current" aria-current="true"' in body and "Now in Scanning" in body
    response = officer_client.post(f"/console/problems/{problem.pk}/updates/", {
        "text_en": "We counted cars for a week.", "text_es": "Contamos coches durante una semana.",
        "stage": "analysis", "is_public": "on"}, follow=True)
    problem.refresh_from_db()
    assert problem.stage == Stage.ANALYSIS
    update = ProblemUpdate.objects.get(problem=problem)
    assert update.stage == Stage.ANALYSIS and update.is_public and update.text["es"].startswith("Contamos")
    body = response.content.decode()
    assert "The update is posted." in body and "We counted cars for a week." in body and "Now in Analysis" in body


def test_an_internal_update_that_stays_in_the_stage(officer_client, problem):
    officer_client.post(f"/console/problems/{problem.pk}/updates/", {"text_en": "Called the school.", "stage": ""})
    problem.refresh_from_db()
    update = ProblemUpdate.objects.get(problem=problem)
    assert problem.stage == Stage.SCANNING and not update.is_public
    assert "Staff only" in officer_client.get(f"/console/problems/{problem.pk}/").content.decode()


def test_an_update_without_english_text_is_refused(officer_client, problem):
    response = officer_client.post(f"/console/problems/{problem.pk}/updates/",
                                   {"text_es": "Solo en español", "stage": "analysis"})
    body = response.content.decode()
    assert 'href="#id_text_en"' in body and "Solo en español" in body
    problem.refresh_from_db()
    assert problem.stage == Stage.SCANNING and not ProblemUpdate.objects.exists()


def test_milestones_are_added_and_marked_done(officer_client, problem, agency):
    officer_client.post(f"/console/problems/{problem.pk}/milestones/",
                        {"title_en": "Speed survey", "title_es": "Estudio de velocidad", "due_on": "2030-06-30"})
    officer_client.post(f"/console/problems/{problem.pk}/milestones/", {"title_en": "Meet the school"})
    first, second = Milestone.objects.filter(problem=problem).order_by("position")
    assert first.due_on == date(2030, 6, 30) and first.title["es"] == "Estudio de velocidad"
    response = officer_client.post(f"/console/problems/milestones/{first.pk}/done/", follow=True)
    first.refresh_from_db()
    assert first.done_on is not None
    body = response.content.decode()
    assert "The milestone is done." in body and "50% done." in body
    again = officer_client.post(f"/console/problems/milestones/{first.pk}/done/", follow=True)
    assert "This milestone is already done." in again.content.decode()


def test_a_project_closes_only_from_assessment(officer_client, officer, problem):
    body = officer_client.get(f"/console/problems/{problem.pk}/").content.decode()
    assert "post an update that moves it to assessment first" in body
    response = officer_client.post(f"/console/problems/{problem.pk}/close/",
                                   {"resolved": "yes", "outcome_en": "Speed bumps fitted."})
    body = response.content.decode()
    assert "Assess the response before closing the project." in body and "Speed bumps fitted." in body
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN

    services.post_update(officer, problem, {"en": "Speeds are down."}, stage=Stage.ASSESSMENT)
    response = officer_client.post(f"/console/problems/{problem.pk}/close/", {
        "resolved": "yes", "outcome_en": "Speed bumps fitted.", "outcome_es": "Se instalaron reductores."},
        follow=True)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RESOLVED and problem.outcome["es"] == "Se instalaron reductores."
    body = response.content.decode()
    assert "The project is closed." in body and "Closed on" in body and 'action="/console/problems/' not in \
        body.split("Milestones")[1].split("Updates")[0]


def test_a_project_closed_without_a_resolution(officer_client, officer, problem):
    services.post_update(officer, problem, {"en": "Assessed."}, stage=Stage.ASSESSMENT)
    officer_client.post(f"/console/problems/{problem.pk}/close/", {"resolved": "no", "outcome_en": "Moved away."})
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED_UNRESOLVED


def test_staff_edit_a_project(officer_client, problem, agency):
    owner = Officer.objects.get(agency=agency)
    body = officer_client.get(f"/console/problems/{problem.pk}/edit/").content.decode()
    assert 'value="Speeding near the school"' in body and 'name="concerns"' not in body
    officer_client.post(f"/console/problems/{problem.pk}/edit/", problem_data(owner=str(owner.pk), is_public=""))
    problem.refresh_from_db()
    assert problem.owner == owner and not problem.is_public and problem.title["en"] == "Speeding near Mill Creek school"


def test_the_list_filters_by_status_stage_and_neighbourhood(officer_client, officer, agency):
    north = Neighbourhood.objects.get(agency=agency, slug="alpha-north-end")
    services.open_problem(officer, agency, services.ProblemDetails(title={"en": "Graffiti"}, neighbourhood=north))
    moved = services.open_problem(officer, agency, services.ProblemDetails(title={"en": "Noise"}))
    services.post_update(officer, moved, {"en": "Looking into it."}, stage=Stage.ANALYSIS)
    body = officer_client.get("/console/problems/?stage=analysis").content.decode()
    assert "Noise" in body and "Graffiti" not in body
    body = officer_client.get(f"/console/problems/?neighbourhood={north.pk}").content.decode()
    assert "Graffiti" in body and "Noise" not in body
    body = officer_client.get("/console/problems/?status=resolved").content.decode()
    assert "Graffiti" not in body and "Noise" not in body and "No projects match." in body
