"""The board's recommendation, the department's response and the milestones of carrying it out, with the two
overdue flags computed by `services.with_overdue_flags`."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from commonbeat.accounts.roles import Role
from commonbeat.boards import services
from commonbeat.boards.models import Recommendation, RecommendationStatus
from commonbeat.core.models import AuditEvent

TITLE = {"en": "Publish stop data quarterly", "es": "Publicar datos de paradas cada trimestre"}
TEXT = {"en": "Publish stop data by neighbourhood.", "es": "Publicar datos por barrio."}


def flags(recommendation, today):
    found = services.with_overdue_flags(Recommendation.objects.filter(pk=recommendation.pk), today).get()
    return found.response_overdue, found.implementation_overdue


@pytest.fixture
def today(agency):
    return agency.today()


@pytest.fixture
def recommendation(board, board_member, today):
    return services.record_recommendation(board_member, board, title=TITLE, text=TEXT,
                                          made_on=today - timedelta(days=10))


def test_a_board_member_records_numbered_recommendations_due_for_response_in_90_days(board, board_member, today):
    first = services.record_recommendation(board_member, board, title=TITLE, text=TEXT, made_on=today)
    second = services.record_recommendation(board_member, board, title=TITLE, text=TEXT, made_on=today)
    assert (first.number, second.number) == (1, 2)
    assert first.status == RecommendationStatus.AWAITING
    assert first.response_due_on == today + timedelta(days=services.RESPONSE_DAYS)
    assert AuditEvent.objects.filter(action="boards.recommendation_recorded", object_id=str(first.pk)).exists()


def test_an_officer_cannot_record_a_recommendation(board, cast, today):
    with pytest.raises(PermissionDenied):
        services.record_recommendation(cast[Role.OFFICER], board, title=TITLE, text=TEXT, made_on=today)


def test_only_an_admin_gives_the_departments_response(recommendation, cast, today):
    for role in (Role.BOARD_MEMBER, Role.ENGAGEMENT_STAFF):
        with pytest.raises(PermissionDenied):
            services.respond(cast[role], recommendation, status="accepted", rationale={"en": "Yes"},
                             responded_on=today)


def test_a_response_is_overdue_once_90_days_pass_without_one(recommendation, today):
    assert flags(recommendation, today) == (False, False)
    due = recommendation.response_due_on
    assert flags(recommendation, due) == (False, False)
    assert flags(recommendation, due + timedelta(days=1)) == (True, False)


def test_under_review_moves_the_due_date_and_stays_overdue_after_it(recommendation, admin, today):
    services.respond(admin, recommendation, status="under_review", rationale={"en": "Costing it."},
                     responded_on=today, due_on=today + timedelta(days=30))
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.UNDER_REVIEW
    assert recommendation.response_due_on == today + timedelta(days=30)
    assert flags(recommendation, today + timedelta(days=30)) == (False, False)
    assert flags(recommendation, today + timedelta(days=31)) == (True, False)


def test_under_review_must_say_when_the_final_response_comes(recommendation, admin, today):
    with pytest.raises(services.BoardError, match="by when the final response"):
        services.respond(admin, recommendation, status="under_review", rationale={"en": "Costing it."},
                         responded_on=today)


def test_every_response_gives_its_reasons(recommendation, admin, today):
    with pytest.raises(services.BoardError, match="reasons"):
        services.respond(admin, recommendation, status="declined", rationale={"en": "  "}, responded_on=today)


def test_a_final_response_cannot_go_back_to_under_review(recommendation, admin, today):
    services.respond(admin, recommendation, status="declined", rationale={"en": "State law."}, responded_on=today)
    with pytest.raises(services.BoardError, match="final response"):
        services.respond(admin, recommendation, status="under_review", rationale={"en": "Again"},
                         responded_on=today, due_on=today + timedelta(days=5))


def test_a_declined_recommendation_is_never_overdue(recommendation, admin, today):
    services.respond(admin, recommendation, status="declined", rationale={"en": "State law."}, responded_on=today)
    assert flags(recommendation, today + timedelta(days=400)) == (False, False)


def test_implementation_is_overdue_when_a_milestone_passes_undone_until_it_is_done(recommendation, admin, today):
    services.respond(admin, recommendation, status="accepted", rationale={"en": "Agreed."}, responded_on=today,
                     due_on=today + timedelta(days=180))
    milestone = services.add_milestone(admin, recommendation, title={"en": "First report"},
                                       due_on=today + timedelta(days=14))
    assert flags(recommendation, today + timedelta(days=14)) == (False, False)
    assert flags(recommendation, today + timedelta(days=15)) == (False, True)
    services.complete_milestone(admin, milestone, done_on=today)
    assert flags(recommendation, today + timedelta(days=15)) == (False, False)


def test_milestones_wait_for_the_department_to_accept(recommendation, admin, today):
    with pytest.raises(services.BoardError, match="accepted"):
        services.add_milestone(admin, recommendation, title={"en": "Step"}, due_on=today)


def test_a_response_cannot_be_dated_before_the_recommendation(recommendation, admin):
    with pytest.raises(services.BoardError, match="before the recommendation"):
        services.respond(admin, recommendation, status="accepted", rationale={"en": "Yes"},
                         responded_on=recommendation.made_on - timedelta(days=1))
