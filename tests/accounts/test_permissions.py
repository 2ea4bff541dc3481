"""Every role × action, stated once as a table so a change of rule is a visible change here."""

import pytest

from commonbeat.accounts.roles import Action, Role, can

R = Role
EXPECTED = {
    Action.USE_CONSOLE: set(Role),
    Action.VIEW_OFFICERS: {R.ENGAGEMENT_STAFF, R.INVESTIGATOR, R.OVERSIGHT_REVIEWER, R.TRAINING_COORDINATOR,
                           R.CRISIS_COORDINATOR, R.AGENCY_ADMIN},
    Action.MANAGE_USERS: {R.AGENCY_ADMIN},
    Action.MANAGE_API_TOKENS: {R.AGENCY_ADMIN},
    Action.VIEW_AUDIT_LOG: {R.OVERSIGHT_REVIEWER, R.AGENCY_ADMIN},
    Action.USE_DJANGO_ADMIN: {R.AGENCY_ADMIN},
    Action.MANAGE_NEIGHBOURHOODS: {R.AGENCY_ADMIN},
    Action.READ_CASES: {R.INVESTIGATOR, R.OVERSIGHT_REVIEWER, R.AGENCY_ADMIN},
    Action.TRIAGE_REPORTS: {R.INVESTIGATOR, R.AGENCY_ADMIN},
    Action.INVESTIGATE: {R.INVESTIGATOR, R.AGENCY_ADMIN},
    Action.REVIEW_FINDINGS: {R.INVESTIGATOR, R.AGENCY_ADMIN},
    Action.VIEW_COMPLAINANT_IDENTITY: {R.INVESTIGATOR, R.AGENCY_ADMIN},
    Action.GRANT_IDENTITY_ACCESS: {R.AGENCY_ADMIN},
    Action.MANAGE_EARLY_INTERVENTION: {R.INVESTIGATOR, R.AGENCY_ADMIN},
    Action.MANAGE_SURVEYS: {R.ENGAGEMENT_STAFF, R.AGENCY_ADMIN},
    Action.MANAGE_EVENTS: {R.ENGAGEMENT_STAFF, R.AGENCY_ADMIN},
    Action.RUN_EVENTS: {R.ENGAGEMENT_STAFF, R.OFFICER, R.AGENCY_ADMIN},
    Action.MANAGE_PROBLEMS: {R.ENGAGEMENT_STAFF, R.OFFICER, R.AGENCY_ADMIN},
    Action.LOG_PATROLS: {R.OFFICER, R.ENGAGEMENT_STAFF, R.AGENCY_ADMIN},
    Action.MANAGE_PATROLS: {R.ENGAGEMENT_STAFF, R.AGENCY_ADMIN},
    Action.VIEW_ENGAGEMENT_FIGURES: {R.ENGAGEMENT_STAFF, R.OVERSIGHT_REVIEWER, R.OFFICER, R.AGENCY_ADMIN},
    Action.MANAGE_TRAINING: {R.TRAINING_COORDINATOR, R.AGENCY_ADMIN},
    Action.VIEW_TRAINING_COMPLIANCE: {R.TRAINING_COORDINATOR, R.OVERSIGHT_REVIEWER, R.AGENCY_ADMIN},
    Action.VIEW_OWN_TRAINING: {R.OFFICER, R.AGENCY_ADMIN},
    Action.MANAGE_PROGRAMS: {R.ENGAGEMENT_STAFF, R.AGENCY_ADMIN},
    Action.MANAGE_BOARDS: {R.ENGAGEMENT_STAFF, R.AGENCY_ADMIN},
    Action.RUN_BOARD_MEETINGS: {R.BOARD_MEMBER, R.ENGAGEMENT_STAFF, R.AGENCY_ADMIN},
    Action.RESPOND_TO_RECOMMENDATIONS: {R.AGENCY_ADMIN},
    Action.MANAGE_PARTNERS: {R.ENGAGEMENT_STAFF, R.CRISIS_COORDINATOR, R.AGENCY_ADMIN},
    Action.MAKE_REFERRALS: {R.OFFICER, R.ENGAGEMENT_STAFF, R.CRISIS_COORDINATOR, R.AGENCY_ADMIN},
    Action.HANDLE_REFERRALS: {R.PARTNER, R.AGENCY_ADMIN},
    Action.MANAGE_CRISIS_TEAM: {R.CRISIS_COORDINATOR, R.AGENCY_ADMIN},
    Action.RECORD_CRISIS_RESPONSES: {R.OFFICER, R.CRISIS_COORDINATOR, R.AGENCY_ADMIN},
    Action.VIEW_CRISIS_FIGURES: {R.CRISIS_COORDINATOR, R.OVERSIGHT_REVIEWER, R.AGENCY_ADMIN},
    Action.MANAGE_POLICIES: {R.AGENCY_ADMIN},
    Action.MODERATE_COMMENTS: {R.ENGAGEMENT_STAFF, R.AGENCY_ADMIN},
    Action.ACKNOWLEDGE_POLICIES: {R.OFFICER, R.AGENCY_ADMIN},
    Action.VIEW_ACKNOWLEDGEMENTS: {R.TRAINING_COORDINATOR, R.OVERSIGHT_REVIEWER, R.AGENCY_ADMIN},
    Action.PUBLISH_UPDATES: {R.ENGAGEMENT_STAFF, R.AGENCY_ADMIN},
    Action.MANAGE_RECORDINGS: {R.INVESTIGATOR, R.AGENCY_ADMIN},
    Action.VIEW_RECORDINGS: {R.INVESTIGATOR, R.OVERSIGHT_REVIEWER, R.AGENCY_ADMIN},
    Action.HANDLE_FOOTAGE_REQUESTS: {R.INVESTIGATOR, R.AGENCY_ADMIN},
    Action.MANAGE_OPEN_DATA: {R.ENGAGEMENT_STAFF, R.AGENCY_ADMIN},
    Action.MANAGE_STORIES: {R.ENGAGEMENT_STAFF, R.AGENCY_ADMIN},
    Action.MANAGE_AWARDS: {R.ENGAGEMENT_STAFF, R.AGENCY_ADMIN},
    Action.SCORE_NOMINATIONS: {R.ENGAGEMENT_STAFF, R.BOARD_MEMBER, R.OVERSIGHT_REVIEWER, R.AGENCY_ADMIN},
    Action.NOMINATE_FOR_AWARDS: {R.OFFICER, R.ENGAGEMENT_STAFF, R.INVESTIGATOR, R.TRAINING_COORDINATOR,
                                 R.CRISIS_COORDINATOR, R.AGENCY_ADMIN},
    Action.MANAGE_MONTHLY_REPORTS: {R.ENGAGEMENT_STAFF, R.AGENCY_ADMIN},
    Action.VIEW_THEMES: {R.ENGAGEMENT_STAFF, R.INVESTIGATOR, R.OVERSIGHT_REVIEWER, R.AGENCY_ADMIN},
    Action.REVIEW_REDACTIONS: {R.ENGAGEMENT_STAFF, R.AGENCY_ADMIN},
}


def test_the_table_covers_every_action():
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_role_may_do_exactly_what_the_table_says(cast, agency, role, action):
    assert can(cast[role], agency, action) == (role in EXPECTED[action])


@pytest.mark.parametrize("action", list(Action))
def test_no_role_reaches_into_another_agency(cast, other_agency, action):
    assert not any(can(user, other_agency, action) for user in cast.values())


def test_residents_and_anonymous_visitors_have_no_staff_action(agency, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    resident = django_user_model.objects.create_user("resident", password="x" * 12)
    for action in Action:
        assert not can(resident, agency, action)
        assert not can(AnonymousUser(), agency, action)


def test_an_object_of_another_agency_is_never_allowed(admin, agency, other_agency):
    assert not can(admin, agency, Action.MANAGE_USERS, obj=other_agency.neighbourhood_set.first())
    assert can(admin, agency, Action.MANAGE_USERS, obj=agency.neighbourhood_set.first())


def test_a_suspended_user_can_do_nothing(admin, agency):
    admin.is_active = False
    admin.save()
    assert not can(admin, agency, Action.USE_CONSOLE)
