"""Role × route: every staff page answers 403 to a signed-in user whose only role may not do the page's action,
and lets in every role that may; every staff API call refuses the token of a role without its action.

The action of a page is the one its view declares through `staff_required` (`required_action`), and whether a
role may do it is what `can()` says: the matrix is the permission table, checked on the real routes with
Beta's real objects (tests/core/test_isolation.py builds them), on Beta's host.
"""

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import resolve

from commonbeat.accounts import services as accounts
from commonbeat.accounts.roles import Action, Role, can
from commonbeat.core.models import Officer
from commonbeat.feedback import services as feedback
from commonbeat.feedback.models import AllegationCategory, Classification, FindingType, Kind, Report, Status

from ..core.test_every_route import HOST, PUBLIC_ACCOUNT_PAGES, built_beta, is_staff_page
from ..core.test_isolation import all_routes, route_args
from ..factories import make_user, signed_in_client

pytestmark = pytest.mark.django_db

# Pages reached while signing in, before any role counts: a user with no role passes through them too.
SIGN_IN_STEPS = {"accounts/sign-in/code/", "accounts/sign-in/authenticator/"}
# Pages where, past the role, the person's relation to the thing decides: a role the table allows may still be
# refused. They are held to the refusals of the table all the same.
DECIDED_BY_RELATION = {
    "console/patrols/targets/": "officers set targets only when they supervise others",
    "console/acknowledgements/team/": "only an officer with people to supervise has a team",
    "console/awards/nominations/<int:pk>/": "nominations are read by award staff and the program's panel",
    "console/awards/nominations/<int:pk>/score/": "only members of the program's panel score",
}
# Pages whose view declares the console only and then asks for one of several actions itself
# (boards/views/staff.py: board_staff). Held here to what they really need.
BOARD_ACTIONS = (Action.MANAGE_BOARDS, Action.RUN_BOARD_MEETINGS, Action.RESPOND_TO_RECOMMENDATIONS)
@dataclass
class Route:
    route: str
    path: str
    actions: tuple[Action, ...]  # one of them is needed; () when the view declares nothing


@dataclass
class Answer:
    route: Route
    role: Role
    method: str
    status: int


def stand_in_path(route: str) -> str:
    """A path for a route Beta has no object for yet: the role check comes before the object is looked up, so a
    refused role still gets its 403 and an allowed one a 404."""
    return "/" + re.sub(r"<(\w+:)?\w+>", lambda m: "999999" if m.group(1) == "int:" else "no-such-thing", route)


def staff_routes(arguments: dict) -> list[Route]:
    routes = []
    for route in all_routes():
        if not is_staff_page(route) or route in PUBLIC_ACCOUNT_PAGES:
            continue
        path = (arguments.get(route) or stand_in_path(route)) if "<" in route else "/" + route
        declared = getattr(resolve(path).func, "required_actions", ())
        routes.append(Route(route, path, declared))
    return routes


def case_in(beta, admin, investigator, status: str) -> Report:
    """A fresh complaint of Beta's brought to `status` through the services, as staff would."""
    report = feedback.file_report(beta, feedback.Submission(kind=Kind.COMPLAINT, narrative=f"Beta case {status}"),
                                  channel="web").report
    if status == Status.RECEIVED:
        return report
    category = AllegationCategory.objects.get(agency=beta, code="force")
    officer = Officer.objects.filter(agency=beta).first()
    report = feedback.triage(admin, report, Classification.FORMAL_COMPLAINT,
                             [feedback.AllegationInput(category, officer, "Beta allegation")])
    if status == Status.TRIAGED:
        return report
    report = feedback.assign(admin, report, investigator)
    if status == Status.ASSIGNED:
        return report
    report = feedback.start_investigation(investigator, report)
    if status == Status.INVESTIGATING:
        return report
    finding = FindingType.objects.filter(agency=beta).first()
    feedback.record_finding(investigator, report.allegations.get(), finding, "Beta reason")
    return feedback.submit_for_review(investigator, report)


@dataclass
class World:
    beta: object
    users: dict
    secrets: dict
    routes: list
    api_calls: list


def api_calls(beta, admin) -> list[tuple[str, str, dict, tuple[Action, ...]]]:
    """(method, path, JSON body, the actions of which it needs one) for every staff API call, each on a case in
    the state it works on and with a valid body, so that only the role can stand in the way."""
    investigator = make_user(beta, Role.INVESTIGATOR, "matrix_case_investigator")
    received, triaged, assigned = (case_in(beta, admin, investigator, s)
                                   for s in [Status.RECEIVED, Status.TRIAGED, Status.ASSIGNED])
    investigating, review = (case_in(beta, admin, investigator, s) for s in [Status.INVESTIGATING, Status.REVIEW])
    allegation = investigating.allegations.get()
    finding = FindingType.objects.filter(agency=beta).first()
    base = "/api/v1/reports/"
    return [
        ("get", "/api/v1/me", {}, (Action.USE_CONSOLE,)),
        ("get", "/api/v1/officers", {}, (Action.VIEW_OFFICERS,)),
        ("get", "/api/v1/reports", {}, (Action.READ_CASES,)),
        ("get", f"{base}{received.reference}", {}, (Action.READ_CASES,)),
        ("post", f"{base}{received.reference}/triage",
         {"classification": Classification.FORMAL_COMPLAINT, "allegations": [{"category": "force"}]},
         (Action.TRIAGE_REPORTS,)),
        ("post", f"{base}{triaged.reference}/assign", {"investigator": "beta_investigator"},
         (Action.TRIAGE_REPORTS,)),
        ("post", f"{base}{assigned.reference}/start", {}, (Action.INVESTIGATE,)),
        ("post", f"{base}{investigating.reference}/findings",
         {"findings": [{"allegation": allegation.id, "finding": finding.code, "reason": "Because"}]},
         (Action.INVESTIGATE,)),
        ("post", f"{base}{review.reference}/close", {"outcome_summary": "Closed after review"},
         (Action.REVIEW_FINDINGS,)),
        ("post", f"{base}{investigating.reference}/messages", {"body": "A word from the agency"},
         (Action.INVESTIGATE,)),
        ("get", "/api/v1/crisis/figures/exact", {}, (Action.VIEW_CRISIS_FIGURES,)),
        ("get", "/api/v1/referrals", {}, (Action.MAKE_REFERRALS, Action.HANDLE_REFERRALS)),
    ]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with built_beta(django_db_blocker) as (beta, beta_admin, token, _secret):
        users = {role: make_user(beta, role, f"matrix_{role.value}") for role in Role}
        secrets = {role: accounts.issue_api_token(beta_admin, beta, name=f"matrix {role.value}", user=user)[1]
                   for role, user in users.items()}
        yield World(beta, users, secrets, staff_routes(route_args(beta_admin, token)), api_calls(beta, beta_admin))


def allowed(world: World, role: Role, actions: tuple[Action, ...]) -> bool:
    return any(can(world.users[role], world.beta, action) for action in actions)


@pytest.fixture(scope="module")
def page_answers(world, django_db_blocker) -> list[Answer]:
    """Every staff page fetched by one user of each role: GET, and an empty POST where GET is not allowed. The
    refused POSTs go first; those a role may send come last, so a change they make cannot hide a refusal."""
    answers, posts = [], []
    with django_db_blocker.unblock():
        clients = {role: signed_in_client(user, host=HOST) for role, user in world.users.items()}
        for client in clients.values():
            client.raise_request_exception = False
        for route in world.routes:
            for role, client in clients.items():
                status = client.get(route.path).status_code
                if status == 405:
                    posts.append((route, role))
                else:
                    answers.append(Answer(route, role, "get", status))
        posts.sort(key=lambda post: allowed(world, post[1], post[0].actions))
        for route, role in posts:
            answers.append(Answer(route, role, "post", clients[role].post(route.path).status_code))
    return answers


def describe(answers) -> str:
    return "\n".join(f"{a.method.upper()} {a.route.path} as {a.role.value} ({a.route.actions}): {a.status}"
                     for a in answers)


def test_every_staff_view_declares_the_action_it_needs(world):
    undeclared = [r.route for r in world.routes if not r.actions and r.route not in SIGN_IN_STEPS]
    assert not undeclared, "staff views without staff_required(Action.X):\n" + "\n".join(undeclared)
    assert len(world.routes) > 200
    declared = {action for r in world.routes for action in r.actions}
    assert declared > {Action.USE_CONSOLE, Action.READ_CASES, Action.MANAGE_USERS, Action.MANAGE_BOARDS}


def test_a_role_that_may_not_do_the_action_is_refused_on_every_staff_page(world, page_answers):
    refused_ones = [a for a in page_answers if a.route.actions and not allowed(world, a.role, a.route.actions)]
    assert len(refused_ones) > 500
    let_in = [a for a in refused_ones if a.status != 403]
    assert not let_in, "pages that should answer 403:\n" + describe(let_in)


def test_a_role_that_may_do_the_action_is_let_in_on_every_staff_page(world, page_answers):
    allowed_ones = [a for a in page_answers if a.route.actions and allowed(world, a.role, a.route.actions)
                    and a.route.route not in DECIDED_BY_RELATION]
    assert len(allowed_ones) > 300
    refused = [a for a in allowed_ones if a.status == 403 or a.status >= 500]
    assert not refused, "pages that refuse a role the table allows:\n" + describe(refused)


def test_every_role_passes_the_sign_in_steps_without_a_403(world, page_answers):
    steps = [a for a in page_answers if a.route.route in SIGN_IN_STEPS]
    assert len(steps) == len(SIGN_IN_STEPS) * len(Role)
    assert all(a.status != 403 for a in steps), describe(steps)


def test_a_token_of_a_role_without_the_action_is_refused_by_every_staff_api_call(world, django_db_blocker):
    client = Client(HTTP_HOST=HOST)
    wrong, refusals, lets = [], 0, 0
    with django_db_blocker.unblock():
        for method, path, body, action in world.api_calls:
            for role, secret in world.secrets.items():
                if allowed(world, role, action):
                    if method != "get":
                        continue  # a call the role may make would change the case for the next role
                    lets += 1
                    status = client.get(path, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code
                    if status in (401, 403):
                        wrong.append(f"{method} {path} as {role.value}: {status} (the table allows {action})")
                    continue
                refusals += 1
                response = getattr(client, method)(path, **({"data": body, "content_type": "application/json"}
                                                             if method == "post" else {}),
                                                   HTTP_AUTHORIZATION=f"Bearer {secret}")
                if response.status_code not in (401, 403):
                    wrong.append(f"{method} {path} as {role.value}: {response.status_code} (needs {action})")
    assert refusals > 50 and lets > 10
    assert not wrong, "\n".join(wrong)
