from datetime import date, timedelta

import pytest
from django.core.cache import cache

from commonbeat.accounts.roles import Role
from commonbeat.programs import services
from commonbeat.programs.models import ProgramKind

from ..factories import signed_in_client


@pytest.fixture(autouse=True)
def forget_submission_tokens():
    cache.clear()


@pytest.fixture
def staff(cast):
    return cast[Role.ENGAGEMENT_STAFF]


@pytest.fixture
def staff_client(staff):
    return signed_in_client(staff)


def make_program(user, agency, *, slug="summer-league", kind=ProgramKind.SPORTS_LEAGUE, min_age=8, max_age=20,
                 capacity=None, is_public=True):
    today = agency.today()
    return services.create_program(user, agency, services.ProgramDetails(
        slug=slug, kind=kind, title={"en": f"Program {slug}", "es": f"Programa {slug}"}, min_age=min_age,
        max_age=max_age, season_starts_on=today - timedelta(days=10), season_ends_on=today + timedelta(days=100),
        description={"en": "Basketball with officers."}, schools="Mill Creek Middle School", capacity=capacity,
        is_public=is_public))


def minor_year(agency) -> int:
    return agency.today().year - 12


def adult_year(agency) -> int:
    return agency.today().year - 19


def application(agency, *, first_name="Zorabel", consent=True, birth_year=None, school="Mill Creek Middle School"):
    return services.Application(
        first_name=first_name, last_initial="Q", birth_year=birth_year or minor_year(agency), school=school,
        guardian_name="Wilhelmina Guardianson" if consent else "", guardian_contact="wilhelmina@example.org"
        if consent else "", relationship="parent" if consent else "", consent_given=consent)


@pytest.fixture
def program(staff, agency):
    return make_program(staff, agency)


@pytest.fixture
def mentorship(staff, agency):
    return make_program(staff, agency, slug="mentoring", kind=ProgramKind.MENTORSHIP)


def days_ago(agency, days: int) -> date:
    return agency.today() - timedelta(days=days)
