"""No page or API call lets one agency's people see or change another agency's data.

Every route of the project is fetched as Alpha's admin on Alpha's host, and nothing of Beta may appear.
A new route must be added to ROUTES_WITH_ARGUMENTS (with Beta's objects) or it fails the coverage test.
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from commonbeat.accounts import services
from commonbeat.accounts.models import Membership
from commonbeat.accounts.roles import Role
from commonbeat.core import audit
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.engagement import services as engagement
from commonbeat.engagement.models import Event, Milestone, OfficerParticipation, Problem, Rsvp
from commonbeat.feedback import early_intervention
from commonbeat.feedback import services as feedback
from commonbeat.feedback.models import Alert, AlertPolicy, AllegationCategory, Classification, Metric, Report
from commonbeat.patrols import services as patrols
from commonbeat.patrols.models import Patrol
from commonbeat.surveys import services as surveys
from commonbeat.surveys.models import Survey

from ..factories import make_user, signed_in_client

BETA_MARKERS = ["Beta", "beta_admin", "beta-north-end", "Betason"]


def all_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            if "admin" in route or "api/v1" in route or "open311" in route or "{" in route:
                continue  # Django admin and the API are tested on their own below; Open311 in tests/open311
            yield from all_routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def route_args(beta_user, beta_token):
    report = Report.objects.get(agency=beta_token.agency)
    alert = Alert.objects.get(agency=beta_token.agency)
    survey = Survey.objects.get(agency=beta_token.agency, slug="beta-survey")
    return {
        "console/users/<int:user_id>/": f"/console/users/{beta_user.id}/",
        "console/api-tokens/<int:token_id>/revoke/": f"/console/api-tokens/{beta_token.id}/revoke/",
        "console/reports/<int:report_id>/": f"/console/reports/{report.id}/",
        "console/reports/<int:report_id>/<slug:action>/": f"/console/reports/{report.id}/close/",
        "console/reports/<int:report_id>/allegations/<int:allegation_id>/finding/":
            f"/console/reports/{report.id}/allegations/{report.allegations.get().id}/finding/",
        "console/reports/<int:report_id>/attachments/<int:attachment_id>/":
            f"/console/reports/{report.id}/attachments/{report.attachments.get().id}/",
        "console/early-intervention/<int:alert_id>/": f"/console/early-intervention/{alert.id}/",
        "console/early-intervention/<int:alert_id>/<slug:action>/": f"/console/early-intervention/{alert.id}/plan/",
        "console/early-intervention/policies/<int:policy_id>/":
            f"/console/early-intervention/policies/{AlertPolicy.objects.get(agency=beta_token.agency).id}/",
        "s/<slug:slug>/": f"/s/{survey.slug}/",
        "s/<slug:slug>/embed/": f"/s/{survey.slug}/embed/",
        "s/<slug:slug>/thanks/": f"/s/{survey.slug}/thanks/",
        **staff_survey_routes(survey),
        **engagement_routes(beta_token.agency),
    }


def engagement_routes(beta) -> dict:
    event, problem = Event.objects.get(agency=beta), Problem.objects.get(agency=beta)
    rsvp, patrol = Rsvp.objects.get(agency=beta), Patrol.objects.get(agency=beta)
    participation = OfficerParticipation.objects.get(agency=beta)
    milestone = Milestone.objects.get(problem=problem)
    routes = {
        "events/feed/neighbourhood/<slug:slug>.ics": "/events/feed/neighbourhood/beta-south-end.ics",
        "events/feed/kind/<slug:slug>.ics": f"/events/feed/kind/{event.kind.slug}.ics",
        "events/rsvp/<str:token>/": f"/events/rsvp/{engagement.rsvp_token(rsvp)}/",
        "events/<int:pk>/": f"/events/{event.id}/",
        "events/<int:pk>.ics": f"/events/{event.id}.ics",
        "problem-solving/<int:pk>/": f"/problem-solving/{problem.id}/",
        "console/events/participation/<int:pk>/remove/": f"/console/events/participation/{participation.id}/remove/",
        "console/events/rsvps/<int:pk>/check-in/": f"/console/events/rsvps/{rsvp.id}/check-in/",
        "console/events/check-in/<str:token>/": f"/console/events/check-in/{engagement.rsvp_token(rsvp)}/",
        "console/problems/milestones/<int:pk>/done/": f"/console/problems/milestones/{milestone.id}/done/",
        "console/patrols/<int:pk>/": f"/console/patrols/{patrol.id}/",
    }
    for tail in ["", "edit/", "cancel/", "walk-ins/", "participation/", "concerns/", "feedback/", "check-in-code/"]:
        routes[f"console/events/<int:pk>/{tail}"] = f"/console/events/{event.id}/{tail}"
    for tail in ["", "edit/", "updates/", "milestones/", "close/"]:
        routes[f"console/problems/<int:pk>/{tail}"] = f"/console/problems/{problem.id}/{tail}"
    return routes


def staff_survey_routes(survey) -> dict:
    question, response = survey.questions.get(code="top_issue"), survey.responses.get()
    base = f"/console/surveys/{survey.id}"
    routes = {f"console/surveys/<int:survey_id>/{tail}": f"{base}/{tail}" for tail in [
        "", "questions/new/", "procedural-justice/", "schedule/", "open/", "close/", "preview/", "share/", "qr.png",
        "qr.svg", "invitations/", "responses/", "responses.csv"]}
    for tail in ["", "remove/", "move/"]:
        routes[f"console/surveys/<int:survey_id>/questions/<int:question_id>/{tail}"] = (
            f"{base}/questions/{question.id}/{tail}")
    routes["console/surveys/<int:survey_id>/responses/<int:response_id>/"] = f"{base}/responses/{response.id}/"
    return routes


def beta_world(other_agency, other_admin):
    token, secret = services.issue_api_token(other_admin, other_agency, name="beta integration")
    audit.record("beta.secret_thing", actor=other_admin, agency=other_agency, target=other_agency)
    beta_complaint(other_agency, other_admin)
    beta_engagement(other_agency, other_admin)
    survey = surveys.open_survey(other_admin, surveys.create_survey(other_admin, other_agency, slug="beta-survey",
                                                                    title={"en": "Beta trust survey"}))
    surveys.submit_response(other_agency, survey, {"neighbourhood": "beta-north-end", "safety": 5, "respect": 5,
                                                   "listen": 5, "top_issue": "Beta free text"})
    return token, secret


def beta_engagement(other_agency, other_admin):
    """A Beta event with a reply, an officer's hours and a concern turned project; and a Beta patrol."""
    starts = timezone.now() + timedelta(days=2)
    north = Neighbourhood.objects.get(agency=other_agency, slug="beta-north-end")
    officer = Officer.objects.get(agency=other_agency)
    event = engagement.create_event(other_admin, other_agency, engagement.EventDetails(
        kind=engagement.event_kinds(other_agency).first(), title={"en": "Beta block party"}, starts_at=starts,
        ends_at=starts + timedelta(hours=2), address="1 Beta Street", organiser="Beta organiser",
        latitude=40.005, longitude=-79.995))
    engagement.rsvp(other_agency, event, name="Beta Resident", email="beta@example.org")
    engagement.log_participation(other_admin, event, officer, role="host", hours=2)
    concern = engagement.record_concern(other_admin, event, "Beta concern about speeding")
    problem = engagement.open_problem(other_admin, other_agency, engagement.ProblemDetails(
        title={"en": "Beta speeding project"}, neighbourhood=north), concerns=[concern])
    engagement.add_milestone(other_admin, problem, {"en": "Beta milestone"})
    ended = timezone.now() - timedelta(days=2)
    patrols.log_patrol(other_admin, other_agency, patrols.PatrolDetails(
        officer=officer, mode="foot", started_at=ended - timedelta(hours=2), ended_at=ended, neighbourhoods=[north],
        notes="Beta patrol notes"))


def beta_complaint(other_agency, other_admin):
    """A Beta complaint under investigation, with a file, and an early-intervention alert on its officer."""
    upload = SimpleUploadedFile("beta-evidence.txt", b"Beta evidence", content_type="text/plain")
    report = feedback.file_report(other_agency, feedback.Submission(
        kind="complaint", narrative="Beta narrative: pushed outside the Beta station.", files=[upload],
        name="Beta Complainant"), channel="web").report
    officer = Officer.objects.get(agency=other_agency)
    feedback.settings_for(other_agency)
    category = AllegationCategory.objects.get(agency=other_agency, code="force")
    report = feedback.triage(other_admin, report, Classification.FORMAL_COMPLAINT,
                             [feedback.AllegationInput(category, officer, "Beta allegation")])
    investigator = make_user(other_agency, Role.INVESTIGATOR, "beta_investigator")
    feedback.start_investigation(investigator, feedback.assign(other_admin, report, investigator))
    feedback.save_alert_policy(other_admin, other_agency, name="Beta policy", metric=Metric.COMPLAINTS, unit=None,
                               period_days=180, warning_threshold=1, critical_threshold=2)
    early_intervention.evaluate(other_agency)


def test_every_route_is_covered(agency, other_agency, other_admin):
    token, _secret = beta_world(other_agency, other_admin)
    with_arguments = {r for r in all_routes() if "<" in r}
    assert with_arguments == set(route_args(other_admin, token)), "add new routes to route_args()"


def test_alpha_admin_sees_nothing_of_beta_on_any_page(admin, other_agency, other_admin):
    token, _secret = beta_world(other_agency, other_admin)
    client = signed_in_client(admin, host="alpha.test")
    paths = ["/" + r for r in all_routes() if "<" not in r] + list(route_args(other_admin, token).values())
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 302, 404, 405), (path, response.status_code)
        body = response.content.decode()
        for marker in BETA_MARKERS:
            assert marker not in body, f"{marker} leaked on {path}"


def test_alpha_admin_cannot_change_beta_people_or_tokens(admin, other_agency, other_admin):
    token, secret = beta_world(other_agency, other_admin)
    client = signed_in_client(admin, host="alpha.test")
    assert client.post(f"/console/users/{other_admin.id}/", {"roles": ["officer"]}).status_code == 404
    assert client.post(f"/console/users/{other_admin.id}/", {"suspend": "1"}).status_code == 404
    assert client.post(f"/console/api-tokens/{token.id}/revoke/").status_code == 404
    other_admin.refresh_from_db()
    token.refresh_from_db()
    assert other_admin.is_active and token.revoked_at is None
    assert list(Membership.objects.filter(user=other_admin).values_list("role", flat=True)) == ["agency_admin"]


def test_a_beta_admin_has_no_access_on_alphas_host(agency, other_agency, other_admin):
    client = signed_in_client(other_admin, host="alpha.test")
    for path in ["/console/", "/console/users/", "/console/officers/", "/console/audit-log/"]:
        assert client.get(path).status_code == 403, path
    assert client.get("/admin/", follow=True).status_code == 403


def test_the_same_person_in_two_agencies_sees_each_only_on_its_host(agency, other_agency):
    person = make_user(agency, Role.INVESTIGATOR, "both")
    Membership.objects.create(agency=other_agency, user=person, role=Role.OFFICER)
    alpha = signed_in_client(person, host="alpha.test").get("/console/officers/").content.decode()
    assert "Alphason" in alpha and "Betason" not in alpha
    assert signed_in_client(person, host="beta.test").get("/console/officers/").status_code == 403


def test_api_tokens_work_only_for_their_own_agency(client, admin, agency, other_agency, other_admin):
    _token, beta_secret = beta_world(other_agency, other_admin)
    _alpha_token, alpha_secret = services.issue_api_token(admin, agency, name="alpha")
    header = {"HTTP_AUTHORIZATION": f"Bearer {beta_secret}"}
    assert client.get("/api/v1/me", HTTP_HOST="alpha.test", **header).status_code == 401
    assert client.get("/api/v1/me", HTTP_HOST="beta.test", **header).json()["agency"] == "beta"
    alpha_header = {"HTTP_AUTHORIZATION": f"Bearer {alpha_secret}"}
    assert client.get("/api/v1/officers", HTTP_HOST="beta.test", **alpha_header).status_code == 401
    officers = client.get("/api/v1/officers", HTTP_HOST="alpha.test", **alpha_header).json()
    assert {o["last_name"] for o in officers} == {"Alphason"}


def test_public_pages_and_data_follow_the_host(client, agency, other_agency):
    alpha = client.get("/api/v1/neighbourhoods", HTTP_HOST="alpha.test").json()
    beta = client.get("/api/v1/neighbourhoods", HTTP_HOST="beta.test").json()
    assert {n["slug"] for n in alpha} == {"alpha-north-end", "alpha-south-end"}
    assert {n["slug"] for n in beta} == {"beta-north-end", "beta-south-end"}
    home = client.get("/", HTTP_HOST="beta.test").content.decode()
    assert "Beta Police Department" in home and "Alpha North End" not in home
    geojson = client.get("/neighbourhoods.geojson", HTTP_HOST="beta.test").json()
    assert {f["id"] for f in geojson["features"]} == {"beta-north-end", "beta-south-end"}
