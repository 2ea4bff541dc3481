import pytest
from django.utils import translation

from commonbeat.accounts.roles import Role

from .factories import make_agency, make_user, signed_in_client


@pytest.fixture(autouse=True)
def english_unless_a_test_says_otherwise():
    """A request to a /es/ page leaves Spanish active in the thread; each test starts in English."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def agency(db):
    """Alpha: the first agency, so it is also the default for unknown hosts such as 'testserver'."""
    return make_agency("alpha", "alpha.test", west=-90.0)


@pytest.fixture
def other_agency(agency):
    return make_agency("beta", "beta.test", west=-80.0)


@pytest.fixture
def cast(agency):
    """One user per role in Alpha, each with a confirmed authenticator."""
    return {role: make_user(agency, role, role.value) for role in Role}


@pytest.fixture
def admin(cast):
    return cast[Role.AGENCY_ADMIN]


@pytest.fixture
def admin_client(admin):
    return signed_in_client(admin)


@pytest.fixture
def other_admin(other_agency):
    return make_user(other_agency, Role.AGENCY_ADMIN, "beta_admin")
