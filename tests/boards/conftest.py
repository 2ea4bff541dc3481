from datetime import timedelta

import pytest
from django.utils import timezone

from commonbeat.accounts.roles import Role
from commonbeat.boards import services

from ..factories import make_user


@pytest.fixture
def manager(cast):
    return cast[Role.ENGAGEMENT_STAFF]


@pytest.fixture
def board_member(cast):
    return cast[Role.BOARD_MEMBER]


@pytest.fixture
def board(agency, manager):
    return services.create_board(manager, agency, services.BoardDetails(
        slug="community-advisory-board", name={"en": "Community Advisory Board", "es": "Consejo Asesor Comunitario"},
        purpose={"en": "Advises the chief.", "es": "Asesora al jefe."}, seat_count=7, term_months=24))


@pytest.fixture
def other_board(other_agency):
    staff = make_user(other_agency, Role.AGENCY_ADMIN, "beta_boards_admin")
    return services.create_board(staff, other_agency, services.BoardDetails(
        slug="beta-board", name={"en": "Beta Board"}, seat_count=5, term_months=12))


def application_details(**overrides) -> services.ApplicationDetails:
    values = {"name": "Rosa Rivera", "email": "rosa@example.org", "statement": "I care about my neighbourhood.",
              "age_band": "30-44", "gender": "female", "race_ethnicity": "hispanic"}
    values.update(overrides)
    return services.ApplicationDetails(**values)


@pytest.fixture
def upcoming_meeting(board, board_member):
    starts = (timezone.now() + timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    return services.schedule_meeting(board_member, board, services.MeetingDetails(
        starts_at=starts, ends_at=starts + timedelta(hours=2), place="City Hall, Room B",
        agenda={"en": "1. Stop data", "es": "1. Datos de paradas"}))
