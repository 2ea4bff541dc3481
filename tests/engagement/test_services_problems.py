"""Problem-solving projects: opened from concerns, worked through the SARA stages with milestones and updates,
and closed only once the response has been assessed."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import AuditEvent, Neighbourhood, Officer
from commonbeat.engagement import services
from commonbeat.engagement.models import Concern, Problem, ProblemStatus, ProblemUpdate, Stage
from commonbeat.engagement.services import EngagementError, ProblemDetails

from ..factories import make_user


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


@pytest.fixture
def officer_user(cast):
    return cast[Role.OFFICER]


@pytest.fixture
def event(agency, staff):
    starts = timezone.now() + timedelta(days=1)
    return services.create_event(staff, agency, services.EventDetails(
        kind=services.event_kinds(agency).get(slug="community-meeting"), title={"en": "South End meeting"},
        starts_at=starts, ends_at=starts + timedelta(hours=2), address="9 Elm St", organiser="Engagement",
        latitude=40.005, longitude=-89.985))


@pytest.fixture
def problem(agency, staff) -> Problem:
    return services.open_problem(staff, agency, ProblemDetails(
        title={"en": "Speeding on Elm St", "es": "Exceso de velocidad en Elm St"}))


def walk_to(actor, problem: Problem, stage: str) -> Problem:
    """Post an update that moves the project to `stage`."""
    services.post_update(actor, problem, {"en": f"Now in {stage}.", "es": f"Ahora en {stage}."}, stage=stage)
    problem.refresh_from_db()
    return problem


def test_concerns_raised_at_a_meeting_become_a_project_in_scanning(agency, event, officer_user):
    concerns = [services.record_concern(officer_user, event, text) for text in ("Speeding", "Racing at night")]
    problem = services.open_problem(officer_user, agency, ProblemDetails(title={"en": "Speeding on Elm St"}),
                                    concerns=concerns)
    assert (problem.stage, problem.status) == (Stage.SCANNING, ProblemStatus.OPEN)
    assert problem.neighbourhood.slug == "alpha-south-end"  # from the concerns, where the meeting was
    assert set(Concern.objects.filter(problem=problem).values_list("text", flat=True)) == {"Speeding",
                                                                                          "Racing at night"}
    assert AuditEvent.objects.get(action="engagement.problem_opened").changes["concerns"] == [c.pk for c in concerns]


def test_a_project_needs_an_english_title_and_the_agencys_own_places_people_and_concerns(
        agency, other_agency, staff, event):
    with pytest.raises(EngagementError, match="title in English"):
        services.open_problem(staff, agency, ProblemDetails(title={"es": "Solo en español"}))
    with pytest.raises(EngagementError, match="agency's own"):
        services.open_problem(staff, agency, ProblemDetails(
            title={"en": "Noise"}, neighbourhood=Neighbourhood.objects.filter(agency=other_agency).first()))
    with pytest.raises(EngagementError, match="agency's own"):
        services.open_problem(staff, agency, ProblemDetails(
            title={"en": "Noise"}, owner=Officer.objects.get(agency=other_agency)))
    foreign = Concern.objects.create(agency=other_agency, text="Theirs", recorded_at=timezone.now())
    with pytest.raises(EngagementError, match="agency's own concerns"):
        services.open_problem(staff, agency, ProblemDetails(title={"en": "Noise"}), concerns=[foreign])
    assert not Problem.objects.exists()


def test_updates_move_the_project_through_the_stages_and_may_go_back(problem, staff):
    for stage in (Stage.ANALYSIS, Stage.RESPONSE, Stage.ASSESSMENT, Stage.ANALYSIS):
        problem = walk_to(staff, problem, stage)
        assert problem.stage == stage
    note = services.post_update(staff, problem, {"en": "Still counting cars."})
    problem.refresh_from_db()
    assert note.stage == Stage.ANALYSIS and problem.stage == Stage.ANALYSIS  # a note without a stage stays put
    assert list(problem.updates.values_list("stage", flat=True)) == [
        Stage.ANALYSIS, Stage.ANALYSIS, Stage.ASSESSMENT, Stage.RESPONSE, Stage.ANALYSIS]  # newest first
    stages = [e.changes["stage"] for e in AuditEvent.objects.filter(action="engagement.problem_update_posted")
              .order_by("id")]
    assert stages[0] == ["scanning", "analysis"] and stages[-1] == ["analysis", "analysis"]


def test_an_update_can_be_kept_internal_and_needs_english(problem, staff):
    internal = services.post_update(staff, problem, {"en": "Names of callers kept out."}, is_public=False)
    assert not internal.is_public
    with pytest.raises(EngagementError, match="in English"):
        services.post_update(staff, problem, {"es": "Solo en español"})
    with pytest.raises(EngagementError, match="Choose a stage"):
        services.post_update(staff, problem, {"en": "Done"}, stage="celebration")
    assert ProblemUpdate.objects.count() == 1


def test_milestones_measure_progress(problem, staff):
    assert services.progress(problem) is None
    first = services.add_milestone(staff, problem, {"en": "Map the calls", "es": "Mapear las llamadas"},
                                   due_on=date(2030, 1, 31))
    second = services.add_milestone(staff, problem, {"en": "Meet residents"})
    third = services.add_milestone(staff, problem, {"en": "Speed trailer"})
    assert [m.position for m in (first, second, third)] == [0, 1, 2]
    assert services.progress(problem) == 0

    services.complete_milestone(staff, first, done_on=date(2030, 1, 20))
    assert services.progress(problem) == 33
    done = services.complete_milestone(staff, second)
    assert done.done_on == timezone.localdate()
    assert services.progress(problem) == 67
    with pytest.raises(EngagementError, match="already done"):
        services.complete_milestone(staff, second)
    with pytest.raises(EngagementError, match="in English"):
        services.add_milestone(staff, problem, {"es": "Sin inglés"})


def test_a_project_is_closed_only_once_its_response_is_assessed(problem, staff):
    for stage in (Stage.SCANNING, Stage.ANALYSIS, Stage.RESPONSE):
        problem = walk_to(staff, problem, stage)
        with pytest.raises(EngagementError, match="Assess the response"):
            services.close_problem(staff, problem, resolved=True, outcome={"en": "Fixed."})
    problem = walk_to(staff, problem, Stage.ASSESSMENT)
    with pytest.raises(EngagementError, match="Say what came of the project"):
        services.close_problem(staff, problem, resolved=True, outcome={"es": "Resuelto."})

    closed = services.close_problem(staff, problem, resolved=True,
                                    outcome={"en": "Speeds fell by a third.", "es": "La velocidad bajó un tercio."})

    assert closed.status == ProblemStatus.RESOLVED and closed.closed_at is not None
    assert Problem.objects.get(pk=problem.pk).outcome["es"] == "La velocidad bajó un tercio."
    assert AuditEvent.objects.get(action="engagement.problem_closed").changes["status"] == "resolved"


def test_a_project_can_close_without_a_resolution(problem, staff):
    problem = walk_to(staff, problem, Stage.ASSESSMENT)
    closed = services.close_problem(staff, problem, resolved=False, outcome={"en": "No funding this year."})
    assert closed.status == ProblemStatus.CLOSED_UNRESOLVED


def test_a_closed_project_refuses_updates_milestones_and_closing_again(problem, staff):
    milestone = services.add_milestone(staff, problem, {"en": "Map the calls"})
    problem = walk_to(staff, problem, Stage.ASSESSMENT)
    services.close_problem(staff, problem, resolved=True, outcome={"en": "Fixed."})
    problem.refresh_from_db()
    for attempt in (lambda: services.post_update(staff, problem, {"en": "One more thing"}),
                    lambda: services.add_milestone(staff, problem, {"en": "Another"}),
                    lambda: services.complete_milestone(staff, milestone),
                    lambda: services.close_problem(staff, problem, resolved=False, outcome={"en": "Again"})):
        with pytest.raises(EngagementError, match="closed"):
            attempt()
    assert problem.updates.count() == 1 and problem.milestones.count() == 1


def test_concerns_are_linked_and_unlinked_within_the_agency(agency, other_agency, problem, event, staff):
    concern = services.record_concern(staff, event, "Speeding")
    services.link_concern(staff, concern, problem)
    assert Concern.objects.get(pk=concern.pk).problem == problem
    services.link_concern(staff, concern, None)
    assert Concern.objects.get(pk=concern.pk).problem is None
    theirs = Problem.objects.create(agency=other_agency, title={"en": "Theirs"}, opened_at=timezone.now())
    with pytest.raises(EngagementError, match="agency's projects"):
        services.link_concern(staff, concern, theirs)


def test_a_project_can_be_edited_and_hidden_from_the_public(agency, problem, officer_user):
    owner = Officer.objects.get(agency=agency)
    changed = services.update_problem(officer_user, problem, ProblemDetails(
        title={"en": "Speeding on Elm and 5th"}, owner=owner, partner_organisations=" City Traffic \n\n Schools ",
        is_public=False))
    stored = Problem.objects.get(pk=changed.pk)
    assert stored.owner == owner and not stored.is_public and stored.partners == ["City Traffic", "Schools"]


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER])
def test_only_engagement_staff_officers_and_admins_run_projects(agency, cast, problem, role):
    with pytest.raises(PermissionDenied):
        services.open_problem(cast[role], agency, ProblemDetails(title={"en": "Noise"}))
    with pytest.raises(PermissionDenied):
        services.post_update(cast[role], problem, {"en": "Hello"})
    with pytest.raises(PermissionDenied):
        services.add_milestone(cast[role], problem, {"en": "A step"})
    services.open_problem(cast[Role.AGENCY_ADMIN], agency, ProblemDetails(title={"en": "Noise"}))
    assert Problem.objects.count() == 2


def test_another_agencys_officer_cannot_touch_a_project(other_agency, problem):
    stranger = make_user(other_agency, Role.OFFICER, "beta_officer")
    with pytest.raises(PermissionDenied):
        services.post_update(stranger, problem, {"en": "Hello"})
    with pytest.raises(PermissionDenied):
        services.update_problem(stranger, problem, ProblemDetails(title={"en": "Taken over"}))
    assert Problem.objects.get(pk=problem.pk).title["en"] == "Speeding on Elm St"
