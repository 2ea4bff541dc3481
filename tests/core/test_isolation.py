"""No page or API call lets one agency's people see or change another agency's data.

Every route of the project is fetched as Alpha's admin on Alpha's host, and nothing of Beta may appear.
A new route must be added to ROUTES_WITH_ARGUMENTS (with Beta's objects) or it fails the coverage test.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from commonbeat.accounts import services
from commonbeat.accounts.models import Membership
from commonbeat.accounts.roles import Role
from commonbeat.boards import services as boards
from commonbeat.boards.models import Board, BoardApplication, BoardMember, ImplementationMilestone, MeetingDocument
from commonbeat.core import audit
from commonbeat.core.models import Neighbourhood, Officer
from commonbeat.crisis import services as crisis
from commonbeat.crisis.models import CrisisResponse, TeamMember
from commonbeat.engagement import services as engagement
from commonbeat.engagement.models import Event, Milestone, OfficerParticipation, Problem, Rsvp
from commonbeat.feedback import early_intervention
from commonbeat.feedback import services as feedback
from commonbeat.feedback.models import Alert, AlertPolicy, AllegationCategory, Classification, Kind, Metric, Report
from commonbeat.partners import services as partners
from commonbeat.partners.models import Agreement, Initiative, Partner, Referral
from commonbeat.patrols import services as patrols
from commonbeat.patrols.models import Patrol
from commonbeat.programs import services as programs
from commonbeat.programs.models import Enrolment, Match, Program, ProgramKind, ProgramSession
from commonbeat.surveys import services as surveys
from commonbeat.surveys.models import Survey
from commonbeat.training import services as training
from commonbeat.training.models import Course, ImportBatch, Requirement, TrainingSession

from ..factories import make_user, signed_in_client
from ..insights.isolation_monthly import beta_monthly, monthly_routes
from ..insights.isolation_themes import beta_themes, themes_routes
from ..insights.isolation_triage import beta_triage, triage_routes
from ..recognition.isolation_recognition import beta_recognition, recognition_routes
from ..transparency.isolation_bodycams import beta_bodycams, bodycams_routes
from ..transparency.isolation_news import beta_news, news_routes
from ..transparency.isolation_opendata import beta_opendata, opendata_routes
from ..transparency.isolation_policies import beta_policies, policies_routes

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
    report = Report.objects.get(agency=beta_token.agency, kind=Kind.COMPLAINT)
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
        **programs_routes(beta_token.agency),
        **training_routes(beta_token.agency),
        **boards_routes(beta_token.agency),
        **partners_routes(beta_token.agency),
        **crisis_routes(beta_token.agency),
        **policies_routes(beta_token.agency),
        **news_routes(beta_token.agency),
        **bodycams_routes(beta_token.agency),
        **opendata_routes(beta_token.agency),
        **recognition_routes(beta_token.agency),
        **monthly_routes(beta_token.agency),
        **themes_routes(beta_token.agency),
        **triage_routes(beta_token.agency),
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


def programs_routes(beta) -> dict:
    league = Program.objects.get(agency=beta, slug="beta-league")
    mentoring = Program.objects.get(agency=beta, slug="beta-mentoring")
    session = ProgramSession.objects.get(program=league)
    enrolment, match = Enrolment.objects.get(program=league), Match.objects.get(agency=beta)
    routes = {
        "programs/<slug:slug>/": f"/programs/{league.slug}/",
        "programs/<slug:slug>/apply/": f"/programs/{league.slug}/apply/",
        "programs/<slug:slug>/apply/thanks/": f"/programs/{league.slug}/apply/thanks/",
        "console/programs/<int:pk>/outcome-survey/": f"/console/programs/{mentoring.id}/outcome-survey/",
        "console/programs/<int:pk>/matches/": f"/console/programs/{mentoring.id}/matches/",
        "console/programs/sessions/<int:pk>/attendance/": f"/console/programs/sessions/{session.id}/attendance/",
        "console/programs/matches/<int:pk>/": f"/console/programs/matches/{match.id}/",
        "console/programs/matches/<int:pk>/end/": f"/console/programs/matches/{match.id}/end/",
    }
    for tail in ["", "edit/", "sessions/", "figures.csv"]:
        routes[f"console/programs/<int:pk>/{tail}"] = f"/console/programs/{league.id}/{tail}"
    for tail in ["enrol/", "withdraw/", "consent/"]:
        routes[f"console/programs/enrolments/<int:pk>/{tail}"] = f"/console/programs/enrolments/{enrolment.id}/{tail}"
    return routes


def boards_routes(beta) -> dict:
    board = Board.objects.get(agency=beta, slug="beta-board")
    document = MeetingDocument.objects.get(agency=beta)
    meeting, member = document.meeting, BoardMember.objects.get(board=board)
    application = BoardApplication.objects.get(board=board, member__isnull=True)
    milestone = ImplementationMilestone.objects.get(agency=beta)
    recommendation = milestone.recommendation
    routes = {
        "boards/meetings/<int:pk>/": f"/boards/meetings/{meeting.id}/",
        "boards/meetings/<int:pk>.ics": f"/boards/meetings/{meeting.id}.ics",
        "boards/documents/<int:pk>/": f"/boards/documents/{document.id}/",
        "boards/recommendations/<int:pk>/": f"/boards/recommendations/{recommendation.id}/",
        "boards/<slug:slug>/meetings.ics": f"/boards/{board.slug}/meetings.ics",
        "console/boards/members/<int:pk>/end/": f"/console/boards/members/{member.id}/end/",
        "console/boards/applications/<int:pk>/": f"/console/boards/applications/{application.id}/",
        "console/boards/milestones/<int:pk>/done/": f"/console/boards/milestones/{milestone.id}/done/",
    }
    for tail in ["", "apply/", "apply/thanks/"]:
        routes[f"boards/<slug:slug>/{tail}"] = f"/boards/{board.slug}/{tail}"
    for tail in ["", "edit/", "meetings/new/", "recommendations/new/"]:
        routes[f"console/boards/<int:pk>/{tail}"] = f"/console/boards/{board.id}/{tail}"
    for tail in ["", "edit/", "publish/", "minutes/", "documents/", "cancel/"]:
        routes[f"console/boards/meetings/<int:pk>/{tail}"] = f"/console/boards/meetings/{meeting.id}/{tail}"
    for tail in ["", "respond/", "milestones/"]:
        routes[f"console/boards/recommendations/<int:pk>/{tail}"] = (
            f"/console/boards/recommendations/{recommendation.id}/{tail}")
    return routes


def partners_routes(beta) -> dict:
    partner = Partner.objects.get(agency=beta, slug="beta-food-bank")
    initiative = Initiative.objects.get(agency=beta)
    measure, milestone = initiative.measures.get(), initiative.milestones.get()
    referral = Referral.objects.get(agency=beta)
    agreement = Agreement.objects.get(agency=beta)
    routes = {
        "console/partners/agreements/<int:pk>/document.pdf":
            f"/console/partners/agreements/{agreement.id}/document.pdf",
        "partners/<slug:slug>/": f"/partners/{partner.slug}/",
        "partners/initiatives/<slug:slug>/": f"/partners/initiatives/{initiative.slug}/",
        "console/partners/initiatives/<int:pk>/measures/<int:measure_pk>/":
            f"/console/partners/initiatives/{initiative.id}/measures/{measure.id}/",
        "console/partners/initiatives/<int:pk>/milestones/<int:milestone_pk>/done/":
            f"/console/partners/initiatives/{initiative.id}/milestones/{milestone.id}/done/",
    }
    for tail in ["", "measures/", "milestones/"]:
        routes[f"console/partners/initiatives/<int:pk>/{tail}"] = (
            f"/console/partners/initiatives/{initiative.id}/{tail}")
    for tail in ["", "edit/", "services/", "agreements/", "users/"]:
        routes[f"console/partners/<int:pk>/{tail}"] = f"/console/partners/{partner.id}/{tail}"
    for tail in ["", "accept/", "decline/", "outcome/"]:
        routes[f"console/referrals/<int:pk>/{tail}"] = f"/console/referrals/{referral.id}/{tail}"
    return routes


def crisis_routes(beta) -> dict:
    member = TeamMember.objects.get(agency=beta, kind="clinician")
    response = CrisisResponse.objects.get(agency=beta)
    return {
        "console/crisis/team/<int:pk>/": f"/console/crisis/team/{member.id}/",
        "console/crisis/team/<int:pk>/availability/": f"/console/crisis/team/{member.id}/availability/",
        "console/crisis/responses/<int:pk>/": f"/console/crisis/responses/{response.id}/",
    }


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
    beta_programs(other_agency, other_admin)
    beta_boards(other_agency, other_admin)
    beta_training(other_agency, other_admin)
    beta_partners_and_crisis(other_agency, other_admin)
    survey = surveys.open_survey(other_admin, surveys.create_survey(other_admin, other_agency, slug="beta-survey",
                                                                    title={"en": "Beta trust survey"}))
    surveys.submit_response(other_agency, survey, {"neighbourhood": "beta-north-end", "safety": 5, "respect": 5,
                                                   "listen": 5, "top_issue": "Beta free text"})
    beta_policies(other_agency, other_admin)
    beta_news(other_agency, other_admin)
    beta_bodycams(other_agency, other_admin)
    beta_recognition(other_agency, other_admin)
    beta_monthly(other_agency, other_admin)
    beta_themes(other_agency)
    beta_triage(other_agency)
    beta_opendata(other_agency, other_admin)
    return token, secret


def beta_partners_and_crisis(other_agency, other_admin):
    """A Beta partner with an agreement, an initiative with a measure and a milestone, a referral naming a Beta
    person, and a Beta clinician on a co-responder call with notes."""
    partner = partners.add_partner(other_admin, other_agency, slug="beta-food-bank", name="Beta Food Bank",
                                   kind="mental_health", description={"en": "Beta description"},
                                   languages="English", email="beta@example.org", is_public=True)
    service = partners.add_service(other_admin, partner, name={"en": "Beta groceries"})
    today = other_agency.today()
    partners.add_agreement(other_admin, partner, title="Beta agreement", signed_on=today - timedelta(days=300),
                           expires_on=today + timedelta(days=30))
    initiative = partners.create_initiative(other_admin, other_agency, slug="beta-initiative",
                                            title={"en": "Beta initiative"}, goal={"en": "Beta goal"},
                                            partners=[partner], is_public=True)
    partners.add_measure(other_admin, initiative, name={"en": "Beta measure"}, target=10)
    partners.add_milestone(other_admin, initiative, title={"en": "Beta milestone"})
    partners.refer(other_admin, other_agency, {
        "partner": partner, "service": service, "first_name": "Betty Beta", "contact": "betty@beta.example.org",
        "consent_recorded": True, "consent_method": "verbal", "reason": "food", "note": "Beta note"})
    clinician = crisis.add_member(other_admin, other_agency, crisis.MemberDetails(
        kind="clinician", clinician_name="Beta Clinician", partner=partner))
    officer = crisis.add_member(other_admin, other_agency, crisis.MemberDetails(
        kind="officer", officer=Officer.objects.filter(agency=other_agency).first()))
    crisis.record_response(other_admin, other_agency, crisis.ResponseDetails(
        occurred_at=timezone.now() - timedelta(days=3), call_type="welfare_check", minutes_on_scene=30,
        officers=[officer], clinicians=[clinician], outcomes={"resolved_on_scene"}, notes="Beta crisis notes"))


def beta_engagement(other_agency, other_admin):
    """A Beta event with a reply, an officer's hours and a concern turned project; and a Beta patrol."""
    starts = timezone.now() + timedelta(days=2)
    north = Neighbourhood.objects.get(agency=other_agency, slug="beta-north-end")
    officer = Officer.objects.filter(agency=other_agency).order_by("id").first()
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


def beta_program(other_admin, other_agency, slug: str, kind: str, title: str) -> Program:
    today = other_agency.today()
    return programs.create_program(other_admin, other_agency, programs.ProgramDetails(
        slug=slug, kind=kind, title={"en": title}, min_age=8, max_age=20, season_starts_on=today - timedelta(days=10),
        season_ends_on=today + timedelta(days=100), description={"en": "Beta description"},
        schools="Beta Middle School"))


def beta_minor_enrolled(other_admin, other_agency, program: Program) -> Enrolment:
    """A minor named Beta, applied for by a guardian with consent, then enrolled."""
    enrolment = programs.apply(other_agency, program, programs.Application(
        first_name="Beta", last_initial="Q", birth_year=other_agency.today().year - 12,
        school="Beta Middle School", guardian_name="Gwen Betason", guardian_contact="gwen.betason@example.org",
        relationship="parent", consent_given=True)).enrolment
    return programs.enrol(other_admin, enrolment)


def beta_programs(other_agency, other_admin):
    """A Beta league with a session attended by a minor; a Beta mentorship with Officer Betason matched to a
    mentee, a logged meeting and an outcome survey."""
    league = beta_program(other_admin, other_agency, "beta-league", ProgramKind.SPORTS_LEAGUE, "Beta summer league")
    starts = timezone.now() - timedelta(days=1)
    session = programs.add_session(other_admin, league, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                   place="Beta gym")
    programs.record_attendance(other_admin, session, [beta_minor_enrolled(other_admin, other_agency, league)])
    mentoring = beta_program(other_admin, other_agency, "beta-mentoring", ProgramKind.MENTORSHIP, "Beta mentoring")
    mentee = beta_minor_enrolled(other_admin, other_agency, mentoring)
    today = other_agency.today()
    officer = Officer.objects.filter(agency=other_agency).order_by("id").first()
    mentor = programs.register_mentor(other_admin, other_agency, officer,
                                      background_check_on=today - timedelta(days=30))
    match = programs.match_mentor(other_admin, mentor, mentee, started_on=today - timedelta(days=7))
    programs.log_meeting(other_admin, match, met_on=today - timedelta(days=1), minutes=60, note="Beta meeting note")
    programs.open_outcome_survey(other_admin, mentoring, today.year)


def beta_boards(other_agency, other_admin):
    """A Beta board with a pending and an appointed applicant, a published meeting with a document, and a
    recommendation the department accepted, with a milestone."""
    board = boards.create_board(other_admin, other_agency, boards.BoardDetails(
        slug="beta-board", name={"en": "Beta board"}, purpose={"en": "Beta purpose"}, seat_count=5, term_months=12))
    for name in ["Beta Applicant", "Beta Member"]:
        application = boards.apply(other_agency, board, boards.ApplicationDetails(
            name=name, email=f"{name.split()[1].lower()}@beta.example.org", statement="Beta statement")).application
    today = other_agency.today()
    boards.appoint(other_admin, application, term_start=today - timedelta(days=30))
    starts = (timezone.now() + timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    meeting = boards.publish_notice(other_admin, boards.schedule_meeting(other_admin, board, boards.MeetingDetails(
        starts_at=starts, ends_at=starts + timedelta(hours=2), place="Beta hall", agenda={"en": "Beta agenda"})))
    upload = SimpleUploadedFile("beta-agenda.pdf", b"%PDF-1.4 Beta agenda", content_type="application/pdf")
    boards.add_document(other_admin, meeting, title="Beta agenda pack", upload=upload)
    recommendation = boards.record_recommendation(
        other_admin, board, title={"en": "Beta recommendation"}, text={"en": "Beta recommendation text"},
        made_on=today - timedelta(days=10))
    boards.respond(other_admin, recommendation, status="accepted", rationale={"en": "Beta rationale"},
                   responded_on=today, due_on=today + timedelta(days=60))
    boards.add_milestone(other_admin, recommendation, title={"en": "Beta milestone"}, due_on=today + timedelta(days=30))


def beta_training(other_agency, other_admin):
    """A Beta course with a requirement, a session, and an uploaded learning-system export."""
    course = training.create_course(other_admin, other_agency, training.CourseDetails(
        code="BETA-1", title={"en": "Beta de-escalation"}, category="de_escalation", hours=Decimal(8),
        recurrence_months=12))
    training.create_requirement(other_admin, other_agency, training.RequirementDetails(
        course=course, hours_required=Decimal(8), every_months=12))
    starts = timezone.now() + timedelta(days=5)
    training.schedule_session(other_admin, other_agency, training.SessionDetails(
        course=course, starts_at=starts, ends_at=starts + timedelta(hours=8), place="Beta academy"))
    training.upload_import(other_admin, other_agency, source_system="beta-lms", filename="beta.csv",
                           content=b"badge_number,course_code,completed_on,hours,record_id\n101,BETA-1,2026-01-05,8,b1\n")


def training_routes(beta) -> dict:
    course, session = Course.objects.get(agency=beta, code="BETA-1"), TrainingSession.objects.get(agency=beta)
    requirement, batch = Requirement.objects.get(agency=beta), ImportBatch.objects.get(agency=beta)
    officer = Officer.objects.filter(agency=beta).order_by("id").first()
    base = "/console/training"
    return {
        "console/training/courses/<int:pk>/edit/": f"{base}/courses/{course.id}/edit/",
        "console/training/requirements/<int:pk>/edit/": f"{base}/requirements/{requirement.id}/edit/",
        "console/training/sessions/<int:pk>/": f"{base}/sessions/{session.id}/",
        "console/training/sessions/<int:pk>/roster/": f"{base}/sessions/{session.id}/roster/",
        "console/training/sessions/<int:pk>/attendance/": f"{base}/sessions/{session.id}/attendance/",
        "console/training/import/<int:pk>/": f"{base}/import/{batch.id}/",
        "console/training/import/<int:pk>/run/": f"{base}/import/{batch.id}/run/",
        "console/training/officers/<int:pk>/": f"{base}/officers/{officer.id}/",
    }


def beta_complaint(other_agency, other_admin):
    """A Beta complaint under investigation, with a file, and an early-intervention alert on its officer."""
    upload = SimpleUploadedFile("beta-evidence.txt", b"Beta evidence", content_type="text/plain")
    report = feedback.file_report(other_agency, feedback.Submission(
        kind="complaint", narrative="Beta narrative: pushed outside the Beta station.", files=[upload],
        name="Beta Complainant"), channel="web").report
    officer = Officer.objects.filter(agency=other_agency).order_by("id").first()
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
        body = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
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

