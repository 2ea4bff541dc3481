"""The demo's advisory boards: two boards with members and applications, two years of meetings, and
recommendations across every status, some overdue; the demo board user holds a seat."""

import random

import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.boards import queries, seeding, services
from commonbeat.boards.models import (
    ApplicationStatus,
    Board,
    BoardApplication,
    Meeting,
    MeetingStatus,
    Recommendation,
    RecommendationStatus,
)
from commonbeat.core.seeding import SeedContext

from ..factories import make_agency, make_user


@pytest.fixture
def port_alder(db):
    agency = make_agency("port-alder", "port-alder.test")
    make_user(agency, Role.AGENCY_ADMIN, "admin")
    make_user(agency, Role.BOARD_MEMBER, "board")
    return agency


def test_the_demo_boards_have_members_meetings_and_recommendations_in_every_state(port_alder):
    context = SeedContext(agency=port_alder, rng=random.Random(7))
    seeding.seed(context)

    boards = {board.slug: board for board in Board.objects.filter(agency=port_alder)}
    assert set(boards) == {"community-advisory-board", "youth-advisory-council"}
    cab = boards["community-advisory-board"]
    assert cab.seat_count == 11 and len(services.vacant_seats(cab)) == 1
    assert services.active_members(cab).filter(user__username="board", seat=1).exists()
    assert BoardApplication.objects.filter(agency=port_alder, status=ApplicationStatus.PENDING).count() == 6

    meetings = Meeting.objects.filter(agency=port_alder)
    assert meetings.filter(status=MeetingStatus.HELD).count() > 40
    assert meetings.filter(starts_at__gt=timezone.now(), notice_published_at__isnull=False).exists()
    held = meetings.filter(status=MeetingStatus.HELD).first()
    assert set(held.agenda) == {"en", "es"} and set(held.minutes) == {"en", "es"}

    today = port_alder.today()
    recommendations = services.with_overdue_flags(Recommendation.objects.filter(agency=port_alder), today)
    assert recommendations.count() == 15
    assert set(recommendations.values_list("status", flat=True)) == set(RecommendationStatus.values)
    assert recommendations.filter(response_overdue=True).exists()
    assert recommendations.filter(implementation_overdue=True).exists()
    assert any(item.shown for item in queries.make_up(cab, "en"))
    assert "advisory boards" in context.log[-1]


def test_a_second_agency_gets_one_smaller_board(agency, cast):
    context = SeedContext(agency=agency, rng=random.Random(3))
    seeding.seed(context)
    board = Board.objects.get(agency=agency)
    assert Recommendation.objects.filter(board=board).count() == 4
    assert BoardApplication.objects.filter(board=board).count() == 1
