"""Who may open each staff page of events and problem-solving projects.

Anonymous visitors are sent to sign in; a board member is refused everywhere; officers run events (check-in,
walk-ins, participation, concerns) and projects but cannot plan or cancel events; engagement staff and admins
can do everything. Another agency's events, replies, participation, projects and milestones are not found
(404), and posting to them changes nothing.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Officer
from commonbeat.engagement import services
from commonbeat.engagement.models import (
    Attendance,
    Concern,
    Event,
    EventKind,
    EventStatus,
    Milestone,
    OfficerParticipation,
    Problem,
    ProblemUpdate,
    Stage,
)

from ..factories import make_user, signed_in_client


@pytest.fixture(autouse=True)
def forget_submission_tokens():
    cache.clear()


def world(agency, user) -> dict:
    """An event that is over (with a reply, an officer logged and a concern) and a project in assessment with a
    milestone."""
    starts = timezone.now() + timedelta(days=2)
    event = services.create_event(user, agency, services.EventDetails(
        kind=services.event_kinds(agency).get(slug="community-meeting"), title={"en": f"{agency.slug} forum"},
        starts_at=starts, ends_at=starts + timedelta(hours=2), address="1 Main St", organiser="Engagement",
        latitude=40.005, longitude=(-89.995 if agency.slug == "alpha" else -79.995)))
    reply = services.rsvp(agency, event, name=f"{agency.slug} resident", email="resident@example.org")
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=3),
                                             ends_at=timezone.now() - timedelta(hours=1))
    event.refresh_from_db()
    officer = Officer.objects.get(agency=agency)
    participation = services.log_participation(user, event, officer, role="host", hours=2)
    concern = services.record_concern(user, event, f"{agency.slug} concern")
    problem = services.open_problem(user, agency, services.ProblemDetails(title={"en": f"{agency.slug} project"}))
    services.post_update(user, problem, {"en": "Assessed."}, stage=Stage.ASSESSMENT)
    milestone = services.add_milestone(user, problem, {"en": "Survey"})
    return {"event": event, "rsvp": reply.rsvp, "token": reply.token, "participation": participation,
            "concern": concern, "problem": problem, "milestone": milestone, "officer": officer}


@pytest.fixture
def alpha(agency, cast):
    return world(agency, cast[Role.ENGAGEMENT_STAFF])


@pytest.fixture
def beta(other_agency, other_admin):
    return world(other_agency, other_admin)


def run_pages(w) -> list[str]:
    event = w["event"].pk
    return ["/console/events/", "/console/events/?when=past", f"/console/events/{event}/",
            f"/console/events/check-in/{w['token']}/",
            f"/console/events/{event}/check-in-code/?code={w['token']}"]


def run_posts(w) -> list[str]:
    event = w["event"].pk
    return [f"/console/events/rsvps/{w['rsvp'].pk}/check-in/", f"/console/events/check-in/{w['token']}/",
            f"/console/events/{event}/walk-ins/", f"/console/events/{event}/participation/",
            f"/console/events/participation/{w['participation'].pk}/remove/", f"/console/events/{event}/concerns/"]


def manage_pages(w) -> list[str]:
    event = w["event"].pk
    return ["/console/events/new/", "/console/events/kinds/", f"/console/events/{event}/edit/",
            f"/console/events/{event}/cancel/"]


def manage_posts(w) -> list[str]:
    event = w["event"].pk
    return ["/console/events/new/", "/console/events/kinds/", f"/console/events/{event}/edit/",
            f"/console/events/{event}/cancel/", f"/console/events/{event}/feedback/"]


def problem_pages(w) -> list[str]:
    problem = w["problem"].pk
    return ["/console/problems/", "/console/problems/new/", f"/console/problems/new/?concern={w['concern'].pk}",
            f"/console/problems/{problem}/", f"/console/problems/{problem}/edit/"]


def problem_posts(w) -> list[str]:
    problem = w["problem"].pk
    return ["/console/problems/new/", f"/console/problems/{problem}/edit/", f"/console/problems/{problem}/updates/",
            f"/console/problems/{problem}/milestones/", f"/console/problems/milestones/{w['milestone'].pk}/done/",
            f"/console/problems/{problem}/close/"]


def all_pages(w) -> list[str]:
    return run_pages(w) + manage_pages(w) + problem_pages(w)


def all_posts(w) -> list[str]:
    return run_posts(w) + manage_posts(w) + problem_posts(w)


def malicious(w) -> dict:
    """What a post would do if it were allowed; none of it may happen."""
    return {"people": "50", "officer": str(w["officer"].pk), "role": "presenter", "hours": "9", "text": "Hijack",
            "reason": "Hijack", "slug": "hijack", "name_en": "Hijack", "title_en": "Hijacked", "text_en": "Hijack",
            "stage": "response", "resolved": "yes", "outcome_en": "Hijacked", "kind": "1", "day": "2030-01-01",
            "start_time": "10:00", "end_time": "11:00", "address": "x", "organiser": "x",
            "concerns": [str(w["concern"].pk)]}


def assert_unchanged(w) -> None:
    agency = w["event"].agency
    w["event"].refresh_from_db()
    w["problem"].refresh_from_db()
    w["milestone"].refresh_from_db()
    assert w["event"].status == EventStatus.SCHEDULED and w["event"].title["en"].endswith("forum")
    assert not w["event"].feedback_survey_slug
    assert not Attendance.objects.filter(event=w["event"]).exists()
    assert OfficerParticipation.objects.get(event=w["event"]).hours == 2
    assert list(Concern.objects.filter(agency=agency).values_list("text", flat=True)) == [w["concern"].text]
    assert Event.objects.filter(agency=agency).count() == 1 and Problem.objects.filter(agency=agency).count() == 1
    assert not EventKind.objects.filter(agency=agency, slug="hijack").exists()
    assert w["problem"].status == "open" and w["problem"].stage == Stage.ASSESSMENT
    assert w["problem"].title["en"].endswith("project") and w["milestone"].done_on is None
    assert ProblemUpdate.objects.filter(problem=w["problem"]).count() == 1
    assert Milestone.objects.filter(problem=w["problem"]).count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, alpha):
    for url in all_pages(alpha):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/?next="), url
    for url in all_posts(alpha):
        response = client.post(url, malicious(alpha))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/?next="), url
    assert_unchanged(alpha)


def test_staff_who_have_not_passed_the_second_factor_are_asked_for_it(client, cast, alpha):
    client.force_login(cast[Role.OFFICER])
    for url in all_pages(alpha):
        assert client.get(url)["Location"].startswith("/accounts/sign-in/code/"), url


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER])
def test_roles_that_do_not_run_events_are_refused_everywhere(cast, alpha, role):
    client = signed_in_client(cast[role])
    for url in all_pages(alpha):
        assert client.get(url).status_code == 403, url
    for url in all_posts(alpha):
        assert client.post(url, malicious(alpha)).status_code == 403, url
    assert_unchanged(alpha)


def test_officers_run_events_and_projects_but_cannot_plan_events(cast, alpha):
    client = signed_in_client(cast[Role.OFFICER])
    for url in run_pages(alpha) + problem_pages(alpha):
        assert client.get(url).status_code in (200, 302), url
    assert client.get(f"/console/events/{alpha['event'].pk}/").status_code == 200
    for url in manage_pages(alpha):
        assert client.get(url).status_code == 403, url
    for url in manage_posts(alpha):
        assert client.post(url, malicious(alpha)).status_code == 403, url
    assert_unchanged(alpha)
    response = client.post(f"/console/events/rsvps/{alpha['rsvp'].pk}/check-in/")
    assert response.status_code == 302 and Attendance.objects.filter(rsvp=alpha["rsvp"]).exists()


@pytest.mark.parametrize("role", [Role.ENGAGEMENT_STAFF, Role.AGENCY_ADMIN])
def test_engagement_staff_and_admins_open_every_page(cast, alpha, role):
    client = signed_in_client(cast[role])
    for url in all_pages(alpha):
        assert client.get(url).status_code in (200, 302), url
    for url in run_pages(alpha)[:4] + manage_pages(alpha) + problem_pages(alpha):
        assert client.get(url).status_code == 200, url


def test_engagement_staff_can_do_everything(cast, alpha, django_capture_on_commit_callbacks):
    client = signed_in_client(cast[Role.ENGAGEMENT_STAFF])
    w = alpha
    with django_capture_on_commit_callbacks(execute=True):
        for url, data in [
            (f"/console/events/rsvps/{w['rsvp'].pk}/check-in/", {}),
            (f"/console/events/{w['event'].pk}/walk-ins/", {"people": "3"}),
            (f"/console/events/{w['event'].pk}/concerns/", {"text": "Another concern"}),
            (f"/console/events/{w['event'].pk}/feedback/", {}),
            (f"/console/problems/milestones/{w['milestone'].pk}/done/", {}),
            (f"/console/problems/{w['problem'].pk}/close/", {"resolved": "yes", "outcome_en": "Done."}),
            (f"/console/events/{w['event'].pk}/cancel/", {"reason": "Done"}),
        ]:
            assert client.post(url, data).status_code == 302, url
    w["event"].refresh_from_db()
    w["problem"].refresh_from_db()
    assert w["event"].status == EventStatus.CANCELLED and w["event"].feedback_survey_slug
    assert w["problem"].status == "resolved"
    assert Attendance.objects.filter(event=w["event"]).count() == 2


def test_another_agencys_objects_are_not_found(admin_client, alpha, beta):
    event, problem = beta["event"].pk, beta["problem"].pk
    pages = [f"/console/events/{event}/", f"/console/events/{event}/edit/", f"/console/events/{event}/cancel/",
             f"/console/events/check-in/{beta['token']}/", f"/console/events/{event}/check-in-code/?code=abc",
             f"/console/problems/{problem}/", f"/console/problems/{problem}/edit/"]
    for url in pages:
        assert admin_client.get(url).status_code == 404, url
    for url in (all_posts(beta)):
        if url in ("/console/events/new/", "/console/events/kinds/", "/console/problems/new/"):
            continue
        assert admin_client.post(url, malicious(beta)).status_code == 404, url
    assert_unchanged(beta)


def test_another_agencys_concerns_cannot_start_a_project_here(admin_client, alpha, beta):
    response = admin_client.post("/console/problems/new/", {"title_en": "Mixed", "is_public": "on",
                                                             "concerns": [str(beta["concern"].pk)]})
    assert response.status_code == 200 and Problem.objects.filter(agency=alpha["event"].agency).count() == 1
    beta["concern"].refresh_from_db()
    assert beta["concern"].problem is None


def test_lists_show_only_this_agencys_events_projects_and_concerns(admin_client, alpha, beta):
    body = admin_client.get("/console/events/?when=past").content.decode()
    assert "alpha forum" in body and "beta forum" not in body
    body = admin_client.get("/console/problems/").content.decode()
    assert "alpha project" in body and "alpha concern" in body
    assert "beta project" not in body and "beta concern" not in body


def test_another_agencys_admin_has_no_access_on_this_agencys_host(other_admin, alpha):
    client = signed_in_client(other_admin, host="alpha.test")
    for url in all_pages(alpha):
        assert client.get(url).status_code == 403, url


def test_a_user_with_no_role_is_refused(agency, alpha):
    client = signed_in_client(make_user(agency, None, "nobody"))
    assert client.get("/console/events/").status_code == 403
    assert client.get("/console/problems/").status_code == 403


def test_the_admin_shows_this_agencys_events_read_only_and_no_resident_names(admin_client, alpha, beta):
    body = admin_client.get("/admin/engagement/event/").content.decode()
    assert "alpha forum" in body and "beta forum" not in body
    assert admin_client.get("/admin/engagement/event/add/").status_code == 403
    # Django's admin sends a row it cannot find in the admin's queryset back to the index.
    assert admin_client.get(f"/admin/engagement/event/{beta['event'].pk}/change/")["Location"] == "/admin/"
    for model in ["eventkind", "rsvp", "attendance", "officerparticipation", "problem", "concern"]:
        assert admin_client.get(f"/admin/engagement/{model}/").status_code == 200, model
    reply = admin_client.get(f"/admin/engagement/rsvp/{alpha['rsvp'].pk}/change/").content.decode()
    assert "alpha resident" not in reply and "resident@example.org" not in reply
    assert 'name="_save"' not in reply
