"""The JSON API, driven from its own OpenAPI document: whatever a client sends, no call answers with a server
error and every answer has the shape the document promises.

Every operation is called anonymously and with the agency admin's bearer token, with cases generated from the
schema (its examples, its boundaries and random fuzzing), in process through the WSGI application. The run is
bounded and derandomised, so it repeats exactly.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from commonbeat.accounts import services as accounts
from commonbeat.accounts.roles import Role
from commonbeat.api.api import api
from commonbeat.wsgi import application

from ..factories import make_agency, make_user

CHECKS = [not_a_server_error, response_schema_conformance]
# Schemathesis calls the app at this host; the agency middleware falls back to the first agency for it.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = application
schema.config.generation.update(max_examples=25)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI app would close the database connection after each request (and with it the test's
    transaction on PostgreSQL); Django's own test client switches this off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def caller(request):
    """No token, or the bearer token of the agency's admin (who may call every staff operation)."""
    agency = make_agency("alpha", "alpha.test", west=-90.0)
    make_agency("beta", "beta.test", west=-80.0)
    if request.param == "anonymous":
        return {}
    admin = make_user(agency, Role.AGENCY_ADMIN, "alpha_admin")
    _, secret = accounts.issue_api_token(admin, agency, name="schema test")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("caller", ["anonymous", "staff"], indirect=True)
@schema.parametrize()
@settings(max_examples=25, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_without_server_error_and_as_documented(case, caller):
    case.call_and_validate(headers=caller, checks=CHECKS)
