"""Roles and what each may do. The one place permissions are decided (`can`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    ENGAGEMENT_STAFF = "engagement_staff", _("Engagement staff")
    INVESTIGATOR = "investigator", _("Investigator (professional standards)")
    OVERSIGHT_REVIEWER = "oversight_reviewer", _("Oversight reviewer (civilian board)")
    TRAINING_COORDINATOR = "training_coordinator", _("Training coordinator")
    CRISIS_COORDINATOR = "crisis_coordinator", _("Crisis coordinator")
    BOARD_MEMBER = "board_member", _("Board member")
    PARTNER = "partner", _("Partner organisation staff")
    AGENCY_ADMIN = "agency_admin", _("Agency admin")


class Action(models.TextChoices):
    """Things a staff member can do. Each app adds the actions it needs here."""

    USE_CONSOLE = "use_console", _("Use the staff console")
    VIEW_OFFICERS = "view_officers", _("See the officer roster")
    MANAGE_USERS = "manage_users", _("Manage users and roles")
    MANAGE_API_TOKENS = "manage_api_tokens", _("Issue API tokens")
    VIEW_AUDIT_LOG = "view_audit_log", _("Read the audit log")
    USE_DJANGO_ADMIN = "use_django_admin", _("Use the Django admin")
    MANAGE_NEIGHBOURHOODS = "manage_neighbourhoods", _("Edit neighbourhoods and census make-up")
    READ_CASES = "read_cases", _("Read complaint cases and findings")
    TRIAGE_REPORTS = "triage_reports", _("Triage and assign reports")
    INVESTIGATE = "investigate", _("Investigate complaints")
    REVIEW_FINDINGS = "review_findings", _("Review findings and close cases")
    VIEW_COMPLAINANT_IDENTITY = "view_complainant_identity", _("See who filed a report")
    GRANT_IDENTITY_ACCESS = "grant_identity_access", _("Let a reviewer see who filed a report")
    MANAGE_EARLY_INTERVENTION = "manage_early_intervention", _("Review early-intervention alerts")
    MANAGE_SURVEYS = "manage_surveys", _("Build and distribute surveys, read responses")
    MANAGE_EVENTS = "manage_events", _("Plan community events and read RSVPs")
    RUN_EVENTS = "run_events", _("Check people in and log officer participation at events")
    MANAGE_PROBLEMS = "manage_problems", _("Run problem-solving projects")
    LOG_PATROLS = "log_patrols", _("Log foot and bike patrols")
    MANAGE_PATROLS = "manage_patrols", _("See every patrol and set weekly patrol targets")
    VIEW_ENGAGEMENT_FIGURES = "view_engagement_figures", _("See engagement figures by unit and officer")
    MANAGE_TRAINING = "manage_training", _("Manage courses, requirements, sessions and training records")
    VIEW_TRAINING_COMPLIANCE = "view_training_compliance", _("See every officer's training compliance")
    VIEW_OWN_TRAINING = "view_own_training", _("See one's own training record")
    MANAGE_PROGRAMS = "manage_programs", _("Run youth programs, enrolments and mentoring")
    MANAGE_BOARDS = "manage_boards", _("Manage advisory boards, seats and applications")
    RUN_BOARD_MEETINGS = "run_board_meetings", _("Publish board meetings and the board's recommendations")
    RESPOND_TO_RECOMMENDATIONS = "respond_to_recommendations", _("Give the department's response to recommendations")
    MANAGE_PARTNERS = "manage_partners", _("Manage partner organisations, agreements and joint initiatives")
    MAKE_REFERRALS = "make_referrals", _("Refer a person to a partner's service")
    HANDLE_REFERRALS = "handle_referrals", _("Accept, decline and report on referrals to one's own organisation")
    MANAGE_CRISIS_TEAM = "manage_crisis_team", _("Manage the crisis team roster and availability")
    RECORD_CRISIS_RESPONSES = "record_crisis_responses", _("Record crisis responses and their outcomes")
    VIEW_CRISIS_FIGURES = "view_crisis_figures", _("See crisis response figures in full")
    MANAGE_POLICIES = "manage_policies", _("Draft and publish policies and answer public comments")
    MODERATE_COMMENTS = "moderate_comments", _("Moderate public comments on draft policies")
    ACKNOWLEDGE_POLICIES = "acknowledge_policies", _("Acknowledge having read a new policy version")
    VIEW_ACKNOWLEDGEMENTS = "view_acknowledgements", _("See which officers have acknowledged each policy")
    PUBLISH_UPDATES = "publish_updates", _("Publish news, public meeting notices and safety alerts")
    MANAGE_RECORDINGS = "manage_recordings", _("Register body-worn camera recordings and their retention")
    VIEW_RECORDINGS = "view_recordings", _("See the body-worn camera recording registry")
    HANDLE_FOOTAGE_REQUESTS = "handle_footage_requests", _("Work public requests for body-worn camera footage")
    MANAGE_OPEN_DATA = "manage_open_data", _("Manage the open data catalogue")
    MANAGE_STORIES = "manage_stories", _("Write, moderate and publish positive stories")
    MANAGE_AWARDS = "manage_awards", _("Run award programs, review nominations and announce awards")
    SCORE_NOMINATIONS = "score_nominations", _("Score nominations as a member of an award panel")
    NOMINATE_FOR_AWARDS = "nominate_for_awards", _("Put someone forward for an award from the console")
    MANAGE_MONTHLY_REPORTS = "manage_monthly_reports", _("Build and publish the monthly community report")
    VIEW_THEMES = "view_themes", _("See the themes of residents' words, with exact counts")
    REVIEW_REDACTIONS = "review_redactions", _("Review and correct redactions of residents' words before publication")


ALL_STAFF = frozenset(Role)

# action -> roles allowed. An agency admin may do everything in the agency.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.USE_CONSOLE: ALL_STAFF,
    Action.VIEW_OFFICERS: frozenset(
        {Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER, Role.TRAINING_COORDINATOR, Role.CRISIS_COORDINATOR,
         Role.ENGAGEMENT_STAFF}
    ),
    Action.MANAGE_USERS: frozenset(),
    Action.MANAGE_API_TOKENS: frozenset(),
    Action.VIEW_AUDIT_LOG: frozenset({Role.OVERSIGHT_REVIEWER}),
    Action.USE_DJANGO_ADMIN: frozenset(),
    Action.MANAGE_NEIGHBOURHOODS: frozenset(),
    Action.READ_CASES: frozenset({Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER}),
    Action.TRIAGE_REPORTS: frozenset({Role.INVESTIGATOR}),
    Action.INVESTIGATE: frozenset({Role.INVESTIGATOR}),
    Action.REVIEW_FINDINGS: frozenset({Role.INVESTIGATOR}),
    Action.VIEW_COMPLAINANT_IDENTITY: frozenset({Role.INVESTIGATOR}),
    Action.GRANT_IDENTITY_ACCESS: frozenset(),
    Action.MANAGE_EARLY_INTERVENTION: frozenset({Role.INVESTIGATOR}),
    Action.MANAGE_SURVEYS: frozenset({Role.ENGAGEMENT_STAFF}),
    Action.MANAGE_EVENTS: frozenset({Role.ENGAGEMENT_STAFF}),
    Action.RUN_EVENTS: frozenset({Role.ENGAGEMENT_STAFF, Role.OFFICER}),
    Action.MANAGE_PROBLEMS: frozenset({Role.ENGAGEMENT_STAFF, Role.OFFICER}),
    Action.LOG_PATROLS: frozenset({Role.OFFICER, Role.ENGAGEMENT_STAFF}),
    Action.MANAGE_PATROLS: frozenset({Role.ENGAGEMENT_STAFF}),
    Action.VIEW_ENGAGEMENT_FIGURES: frozenset({Role.ENGAGEMENT_STAFF, Role.OVERSIGHT_REVIEWER, Role.OFFICER}),
    Action.MANAGE_TRAINING: frozenset({Role.TRAINING_COORDINATOR}),
    Action.VIEW_TRAINING_COMPLIANCE: frozenset({Role.TRAINING_COORDINATOR, Role.OVERSIGHT_REVIEWER}),
    Action.VIEW_OWN_TRAINING: frozenset({Role.OFFICER}),
    Action.MANAGE_PROGRAMS: frozenset({Role.ENGAGEMENT_STAFF}),
    Action.MANAGE_BOARDS: frozenset({Role.ENGAGEMENT_STAFF}),
    Action.RUN_BOARD_MEETINGS: frozenset({Role.BOARD_MEMBER, Role.ENGAGEMENT_STAFF}),
    Action.RESPOND_TO_RECOMMENDATIONS: frozenset(),
    Action.MANAGE_PARTNERS: frozenset({Role.ENGAGEMENT_STAFF, Role.CRISIS_COORDINATOR}),
    Action.MAKE_REFERRALS: frozenset({Role.OFFICER, Role.ENGAGEMENT_STAFF, Role.CRISIS_COORDINATOR}),
    Action.HANDLE_REFERRALS: frozenset({Role.PARTNER}),
    Action.MANAGE_CRISIS_TEAM: frozenset({Role.CRISIS_COORDINATOR}),
    Action.RECORD_CRISIS_RESPONSES: frozenset({Role.OFFICER, Role.CRISIS_COORDINATOR}),
    Action.VIEW_CRISIS_FIGURES: frozenset({Role.CRISIS_COORDINATOR, Role.OVERSIGHT_REVIEWER}),
    Action.MANAGE_POLICIES: frozenset(),
    Action.MODERATE_COMMENTS: frozenset({Role.ENGAGEMENT_STAFF}),
    Action.ACKNOWLEDGE_POLICIES: frozenset({Role.OFFICER}),
    Action.VIEW_ACKNOWLEDGEMENTS: frozenset({Role.TRAINING_COORDINATOR, Role.OVERSIGHT_REVIEWER}),
    Action.PUBLISH_UPDATES: frozenset({Role.ENGAGEMENT_STAFF}),
    Action.MANAGE_RECORDINGS: frozenset({Role.INVESTIGATOR}),
    Action.VIEW_RECORDINGS: frozenset({Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER}),
    Action.HANDLE_FOOTAGE_REQUESTS: frozenset({Role.INVESTIGATOR}),
    Action.MANAGE_OPEN_DATA: frozenset({Role.ENGAGEMENT_STAFF}),
    Action.MANAGE_STORIES: frozenset({Role.ENGAGEMENT_STAFF}),
    Action.MANAGE_AWARDS: frozenset({Role.ENGAGEMENT_STAFF}),
    Action.SCORE_NOMINATIONS: frozenset({Role.ENGAGEMENT_STAFF, Role.BOARD_MEMBER, Role.OVERSIGHT_REVIEWER}),
    Action.NOMINATE_FOR_AWARDS: frozenset({Role.OFFICER, Role.ENGAGEMENT_STAFF, Role.INVESTIGATOR,
                                           Role.TRAINING_COORDINATOR, Role.CRISIS_COORDINATOR}),
    Action.MANAGE_MONTHLY_REPORTS: frozenset({Role.ENGAGEMENT_STAFF}),
    Action.VIEW_THEMES: frozenset({Role.ENGAGEMENT_STAFF, Role.INVESTIGATOR, Role.OVERSIGHT_REVIEWER}),
    Action.REVIEW_REDACTIONS: frozenset({Role.ENGAGEMENT_STAFF}),
}


def roles_of(user, agency) -> set[Role]:
    if user is None or not user.is_authenticated or not user.is_active or agency is None:
        return set()
    cached = getattr(user, "_roles_cache", None)
    if cached is None or cached[0] != agency.id:
        roles = {Role(r) for r in user.memberships.filter(agency=agency).values_list("role", flat=True)}
        user._roles_cache = (agency.id, roles)
    return set(user._roles_cache[1])


def can(user, agency, action: Action, obj=None) -> bool:
    """Whether `user` may do `action` in `agency` (and on `obj`, which must belong to that agency)."""
    if obj is not None and getattr(obj, "agency_id", None) != getattr(agency, "id", None):
        return False
    roles = roles_of(user, agency)
    return Role.AGENCY_ADMIN in roles or bool(roles & PERMISSIONS[action])
