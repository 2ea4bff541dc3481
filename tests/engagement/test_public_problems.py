"""Residents follow the problem-solving projects their concerns became: where each stands, and what came of it."""

import re
import zoneinfo
from datetime import date, timedelta

import pytest
from django.utils import dateformat, timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.engagement import services
from commonbeat.engagement.models import Problem, ProblemUpdate, Stage

from ..factories import make_user


@pytest.fixture
def officer_user(cast):
    return cast[Role.OFFICER]


def north(agency):
    return Neighbourhood.objects.get(agency=agency, slug="alpha-north-end")


def open_project(agency, actor, title: str, **details) -> Problem:
    return services.open_problem(actor, agency, services.ProblemDetails(title={"en": title}, **details))


def page(response) -> str:
    return response.content.decode()


def visible(body: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", body).split())


def test_the_list_shows_public_projects_with_their_stage_progress_and_last_update(client, agency, officer_user):
    project = open_project(agency, officer_user, "Slow traffic on Oak Street", neighbourhood=north(agency))
    services.post_update(officer_user, project, {"en": "We counted cars."}, stage=Stage.ANALYSIS)
    first = services.add_milestone(officer_user, project, {"en": "Count traffic"})
    services.add_milestone(officer_user, project, {"en": "Install signs"})
    services.complete_milestone(officer_user, first)
    open_project(agency, officer_user, "Internal review", is_public=False)

    body = page(client.get("/problem-solving/"))

    assert "<h1>Problem-solving projects</h1>" in body
    assert "Slow traffic on Oak Street" in body and "Internal review" not in body
    assert "Alpha North End" in body
    assert "50% of milestones done" in body
    today_in_chicago = timezone.localtime(timezone=zoneinfo.ZoneInfo("America/Chicago")).date()
    assert f"Last update {dateformat.format(today_in_chicago, 'N j, Y')}" in visible(body)
    assert "usa-step-indicator__segment usa-step-indicator__segment--complete" in body
    assert 'usa-step-indicator__segment--current" aria-current="step"' in body
    assert "Stage 2 of 4 Analysis" in visible(body)  # in words, not only colour


def test_projects_are_filtered_by_neighbourhood_and_status(client, agency, officer_user):
    open_project(agency, officer_user, "North project", neighbourhood=north(agency))
    open_project(agency, officer_user, "Anywhere project")
    done = open_project(agency, officer_user, "Finished project")
    services.post_update(officer_user, done, {"en": "Assessed."}, stage=Stage.ASSESSMENT)
    services.close_problem(officer_user, done, resolved=True, outcome={"en": "Fixed."})

    in_north = page(client.get("/problem-solving/", {"neighbourhood": "alpha-north-end"}))
    resolved = page(client.get("/problem-solving/", {"status": "resolved"}))
    wrong = page(client.get("/problem-solving/", {"status": "nonsense"}))

    assert "North project" in in_north and "Anywhere project" not in in_north
    assert "Finished project" in resolved and "North project" not in resolved
    assert "Choose a status from the list." in wrong


def test_a_project_page_tells_residents_where_it_stands_without_naming_officers(client, agency, officer_user):
    officer = Officer.objects.get(agency=agency, badge_number="101")
    project = open_project(agency, officer_user, "Slow traffic on Oak Street", neighbourhood=north(agency),
                           owner=officer, summary={"en": "Cars speed past the school."},
                           partner_organisations="Oak Street School\nAlpha Traffic Department")
    services.post_update(officer_user, project, {"en": "First, public update."}, stage=Stage.ANALYSIS)
    services.post_update(officer_user, project, {"en": "Secret internal note."}, is_public=False)
    latest = services.post_update(officer_user, project, {"en": "Newest public update."}, stage=Stage.RESPONSE)
    ProblemUpdate.objects.filter(pk=latest.pk).update(written_at=timezone.now() + timedelta(minutes=1))
    milestone = services.add_milestone(officer_user, project, {"en": "Install signs"}, due_on=date(2031, 3, 1))
    services.add_milestone(officer_user, project, {"en": "Measure speeds again"})
    services.complete_milestone(officer_user, milestone, done_on=date(2031, 2, 20))

    body = page(client.get(f"/problem-solving/{project.pk}/"))

    assert "<h1>Slow traffic on Oak Street</h1>" in body
    assert "Cars speed past the school." in body
    assert "Led by the Alpha Patrol" in body
    assert "Alphason" not in body and "Pat " not in visible(body)
    assert "<li>Oak Street School</li><li>Alpha Traffic Department</li>" in body
    assert "Stage 3 of 4 Response" in visible(body)
    assert body.index("Newest public update.") < body.index("First, public update.")
    assert "Secret internal note." not in body
    assert "Install signs" in body and "March 1, 2031" in body and "Done Feb. 20, 2031" in body
    assert "Measure speeds again" in body and "Not yet" in body
    assert "50% of milestones done." in body


def test_a_closed_project_says_what_came_of_it(client, agency, officer_user):
    project = open_project(agency, officer_user, "Dark alley")
    services.post_update(officer_user, project, {"en": "Lights tested."}, stage=Stage.ASSESSMENT)
    services.close_problem(officer_user, project, resolved=True,
                           outcome={"en": "New street lights; no break-ins since.", "es": "Nuevas farolas."})

    english = page(client.get(f"/problem-solving/{project.pk}/"))
    spanish = page(client.get(f"/es/problem-solving/{project.pk}/"))

    assert "What came of it" in english and "Status: Resolved" in visible(english)
    assert "New street lights; no break-ins since." in english
    assert "Nuevas farolas." in spanish and '<html lang="es"' in spanish


def test_a_project_kept_from_the_public_does_not_exist_for_residents(client, agency, officer_user):
    private = open_project(agency, officer_user, "Internal review", is_public=False)

    response = client.get(f"/problem-solving/{private.pk}/")

    assert response.status_code == 404
    assert "Internal review" not in page(response)


def test_another_agencys_project_is_not_found_on_alphas_site(client, agency, other_agency):
    beta_officer = make_user(other_agency, Role.OFFICER, "beta_officer")
    theirs = open_project(other_agency, beta_officer, "Beta project")

    assert client.get(f"/problem-solving/{theirs.pk}/", HTTP_HOST="alpha.test").status_code == 404
    assert "Beta project" not in page(client.get("/problem-solving/", HTTP_HOST="alpha.test"))
    assert client.get(f"/problem-solving/{theirs.pk}/", HTTP_HOST="beta.test").status_code == 200
