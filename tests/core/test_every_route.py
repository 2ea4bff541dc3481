"""Every route of the project, anonymous and as the agency's own admin, on the agency's own host and objects.

- Strangers are refused on every staff route (console pages, the accounts pages that need a sign-in, the Django
  admin, the API calls that need a token) and served on every public one; nothing answers 500.
- The agency's admin gets no server error on any route (GET, then an empty POST where GET is not allowed).
- Every HTML page carries exactly the security headers the settings configure.

The world is Beta's (tests/core/test_isolation.py builds it) and every request goes to beta.test.
"""

import importlib
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from csp.constants import NONCE
from django.conf import settings
from django.contrib import admin as django_admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Agency, Neighbourhood, Unit
from commonbeat.engagement import services as engagement
from commonbeat.engagement.models import Rsvp
from commonbeat.feedback.models import Kind, Report
from commonbeat.insights import services as insights
from commonbeat.partners.models import Agreement
from commonbeat.patrols import services as patrols
from commonbeat.training import services as training
from commonbeat.training.models import ImportBatch

from ..factories import make_agency, make_user, signed_in_client
from .test_isolation import all_routes, beta_world, route_args

HOST = "beta.test"
SIGN_IN = "/accounts/sign-in/"
# Accounts pages anyone may open: signing in, and signing out (which only ends the caller's own session).
PUBLIC_ACCOUNT_PAGES = {"accounts/sign-in/", "accounts/sign-out/"}
# Pages for signed-in staff outside the console.
STAFF_PAGES_OUTSIDE_CONSOLE = {"training/mine/"}
# The one page made to be framed by other sites (surveys/views/public.py: embed).
FRAMEABLE = {"s/<slug:slug>/embed/"}
# The API: (route as Django shows it, method, path, needs a token). Every API route must be listed here.
API_CALLS = [
    ("api/v1/openapi.json", "get", "/api/v1/openapi.json", False),
    ("api/v1/docs", "get", "/api/v1/docs", False),
    ("api/v1/", "get", "/api/v1/", False),
    ("api/v1/neighbourhoods", "get", "/api/v1/neighbourhoods", False),
    ("api/v1/neighbourhoods/locate", "get", "/api/v1/neighbourhoods/locate?longitude=-79.995&latitude=40.005", False),
    ("api/v1/reports", "post", "/api/v1/reports", False),
    ("api/v1/reports/track", "post", "/api/v1/reports/track", False),
    ("api/v1/partners", "get", "/api/v1/partners", False),
    ("api/v1/crisis/figures", "get", "/api/v1/crisis/figures", False),
    ("api/v1/me", "get", "/api/v1/me", True),
    ("api/v1/officers", "get", "/api/v1/officers", True),
    ("api/v1/reports", "get", "/api/v1/reports", True),
    ("api/v1/reports/<reference>", "get", "/api/v1/reports/{reference}", True),
    *[(f"api/v1/reports/<reference>/{step}", "post", f"/api/v1/reports/{{reference}}/{step}", True)
      for step in ["triage", "assign", "start", "findings", "close", "messages"]],
    ("api/v1/referrals", "get", "/api/v1/referrals", True),
    ("api/v1/crisis/figures/exact", "get", "/api/v1/crisis/figures/exact", True),
]
OPEN311 = "open311/v2/"

pytestmark = pytest.mark.django_db


@dataclass
class Call:
    route: str
    method: str
    path: str
    staff: bool
    token: bool = False  # an API call made with the bearer token (signed-in pass)


@dataclass
class Answer:
    call: Call
    method: str
    status: int
    content_type: str
    location: str
    headers: dict = field(repr=False)
    error: str = ""


def every_pattern(resolver=None, prefix=""):
    """Every URL pattern of the project as Django shows it, the admin, the API and Open311 included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            yield from every_pattern(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def admin_object_id(model, beta: Agency, beta_admin) -> str:
    """An object of Beta's for the admin's change/delete/history pages ("0" when Beta has none of that kind)."""
    names = {f.name for f in model._meta.concrete_fields}
    if model is Agency:
        found = beta
    elif "agency" in names:
        found = model._default_manager.filter(agency=beta).order_by("pk").first()
    elif "user" in names:
        found = model._default_manager.filter(user=beta_admin).order_by("pk").first()
    else:
        found = model._default_manager.order_by("pk").first()
    return str(found.pk) if found else "0"


def admin_paths(beta: Agency, beta_admin) -> dict:
    unit = Unit.objects.filter(agency=beta).first()
    device = TOTPDevice.objects.get(user=beta_admin)
    paths = {
        "admin/r/<path:content_type_id>/<path:object_id>/":
            f"/admin/r/{ContentType.objects.get_for_model(Unit).id}/{unit.id}/",
        "admin/otp_totp/totpdevice/<int:pk>/config/": f"/admin/otp_totp/totpdevice/{device.id}/config/",
        "admin/otp_totp/totpdevice/<int:pk>/qrcode/": f"/admin/otp_totp/totpdevice/{device.id}/qrcode/",
        "admin/(?P<url>.*)": "/admin/no-such-page/",
    }
    for route in every_pattern():
        if route.startswith("admin/(?P<app_label>"):
            paths[route] = "/admin/core/"
        elif route.startswith("admin/") and route not in paths:
            paths[route] = "/" + route
    for model in django_admin.site._registry:
        base = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        object_id = admin_object_id(model, beta, beta_admin)
        for tail in ["", "history/", "delete/", "change/"]:
            paths[f"{base}<path:object_id>/{tail}"] = f"/{base}{object_id}/{tail}"
    return paths


def open311_paths(beta: Agency) -> dict:
    reference = Report.objects.filter(agency=beta).order_by("pk").first().reference
    paths = {}
    for route in every_pattern():
        if route.startswith(OPEN311):
            path = ("/" + route.replace(r"\.(?P<fmt>json|xml)", ".json")
                    .replace(r"(?P<service_code>[\w-]+)", Kind.COMPLAINT.value)
                    .replace(r"(?P<service_request_id>[\w-]+)", reference)
                    .replace(r"(?P<token>[\w-]+)", "some-token")
                    .replace("(?P<path>.*)", "no-such-endpoint.json"))
            paths[route] = path
    return paths


def is_staff_page(route: str) -> bool:
    return (route.startswith("console/") or route in STAFF_PAGES_OUTSIDE_CONSOLE
            or (route.startswith("accounts/") and route not in PUBLIC_ACCOUNT_PAGES))


def plan(beta: Agency, beta_admin, token) -> list[Call]:
    """One call for every URL pattern (two for an API path that takes two methods)."""
    arguments = route_args(beta_admin, token)
    calls = [Call(r, "get", "/" + r if "<" not in r else arguments[r], staff=is_staff_page(r)) for r in all_routes()]
    calls += [Call(r, "get", path, staff=True) for r, path in admin_paths(beta, beta_admin).items()]
    calls += [Call(r, "get", path, staff=False) for r, path in open311_paths(beta).items()]
    reference = Report.objects.filter(agency=beta, kind=Kind.COMPLAINT).first().reference
    calls += [Call(r, method, path.format(reference=reference), staff=staff, token=True)
              for r, method, path, staff in API_CALLS]
    return calls


def more_of_beta(beta: Agency, beta_admin) -> None:
    """What the isolation world lacks for these routes: the agreement's signed document (so that its download
    serves a file) and objects for more of the admin's change pages."""
    Agreement.objects.get(agency=beta).document.save("beta.pdf", ContentFile(b"%PDF-1.4 Beta agreement"))
    insights.settings_for(beta).save()
    training.run_import(beta_admin, beta, ImportBatch.objects.get(agency=beta))
    engagement.check_in(beta_admin, Rsvp.objects.get(agency=beta))
    patrols.set_target(beta_admin, beta, Neighbourhood.objects.get(agency=beta, slug="beta-north-end"), 10)
    Group.objects.create(name="Beta group")
    StaticDevice.objects.create(user=beta_admin, name="Beta backup codes")


@dataclass
class World:
    beta: Agency
    beta_admin: object
    secret: str
    calls: list


@contextmanager
def built_beta(django_db_blocker):
    """Beta's world (and an empty Alpha), for a module-scoped fixture: yields Beta, its admin, the admin's API
    token and the token's secret, and rolls everything back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        make_agency("alpha", "alpha.test", west=-90.0)
        beta = make_agency("beta", HOST, west=-80.0)
        beta_admin = make_user(beta, Role.AGENCY_ADMIN, "beta_admin")
        token, secret = beta_world(beta, beta_admin)
        more_of_beta(beta, beta_admin)
        yield beta, beta_admin, token, secret
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Beta's world, built once for the module and rolled back at its end."""
    with built_beta(django_db_blocker) as (beta, beta_admin, token, secret):
        yield World(beta, beta_admin, secret, plan(beta, beta_admin, token))


def fetch(client: Client, call: Call, method: str, **extra) -> Answer:
    response = getattr(client, method)(call.path, **extra)
    if response.streaming:
        b"".join(response.streaming_content)
    error = ""
    if response.status_code >= 500 and getattr(response, "exc_info", None):
        error = repr(response.exc_info[1])
    return Answer(call, method, response.status_code, response.headers.get("Content-Type", ""),
                  response.headers.get("Location", ""), dict(response.headers), error)


def without_exceptions(client: Client) -> Client:
    """A server error comes back as a 500 answer (to be listed with the others) instead of stopping the test."""
    client.raise_request_exception = False
    return client


@pytest.fixture(scope="module")
def anonymous_answers(world, django_db_blocker) -> list[Answer]:
    """Every route fetched by a stranger: GET, and an empty POST where GET is not allowed."""
    client = without_exceptions(Client(HTTP_HOST=HOST))
    answers = []
    with django_db_blocker.unblock():
        for call in world.calls:
            answer = fetch(client, call, call.method)
            if answer.status == 405:
                answer = fetch(client, call, "post")
            answers.append(answer)
    return answers


@pytest.fixture(scope="module")
def admin_answers(world, django_db_blocker) -> list[Answer]:
    """Every route fetched as Beta's admin (API calls with Beta's token): GET first, then an empty POST to every
    route that does not take GET; signing out comes last."""
    token = {"HTTP_AUTHORIZATION": f"Bearer {world.secret}"}
    answers, posts = [], []
    with django_db_blocker.unblock():
        client = without_exceptions(signed_in_client(world.beta_admin, host=HOST))
        for call in world.calls:
            if call.method == "post":
                posts.append(call)
                continue
            answer = fetch(client, call, "get", **(token if call.token else {}))
            if answer.status == 405:
                posts.append(call)
            else:
                answers.append(answer)
        # The API calls before the console's revoking of the token; signing out last of all.
        posts.sort(key=lambda call: (call.route == "accounts/sign-out/", not call.token))
        for call in posts:
            extra = {"content_type": "application/json", **token} if call.token else {}
            answers.append(fetch(client, call, "post", data="{}" if call.token else {}, **extra))
    return answers


def describe(answers: list[Answer]) -> str:
    return "\n".join(f"{a.method.upper()} {a.call.path} ({a.call.route}): {a.status} {a.location} {a.error}"
                     for a in answers)


def test_every_pattern_of_the_project_is_fetched(world):
    fetched = {call.route for call in world.calls}
    assert fetched == set(every_pattern()), "give new routes a concrete path (test_isolation.route_args, API_CALLS)"
    assert len(world.calls) > 550


def test_strangers_are_sent_to_sign_in_on_every_staff_page(anonymous_answers):
    pages = [a for a in anonymous_answers
             if a.call.staff and not a.call.token and not a.call.route.startswith("admin/")]
    assert len(pages) > 200
    wrong = [a for a in pages if a.status != 302 or urlsplit(a.location).path != SIGN_IN]
    assert not wrong, "staff pages must send strangers to sign in:\n" + describe(wrong)


def test_strangers_are_sent_to_sign_in_on_every_admin_page(anonymous_answers, world):
    pages = [a for a in anonymous_answers if a.call.route.startswith("admin/")]
    assert len(pages) > 150
    # The admin's own sign-in page hands over to the project's sign-in page (with its second factor); signing
    # out of the admin without a session goes to the admin's index, which asks for a sign-in.
    admin_sign_in, admin_index = reverse("admin:login"), reverse("admin:index")
    targets = {a.call.path: urlsplit(a.location).path for a in pages if a.status == 302}
    wrong = [a for a in pages if targets.get(a.call.path) not in (SIGN_IN, admin_sign_in)
             and not (a.call.route == "admin/logout/" and targets.get(a.call.path) == admin_index)]
    assert not wrong, "admin pages must send strangers to sign in:\n" + describe(wrong)
    assert targets[admin_sign_in] == SIGN_IN
    assert targets[admin_index] == admin_sign_in


def test_strangers_get_401_from_every_staff_api_call(anonymous_answers):
    calls = [a for a in anonymous_answers if a.call.token and a.call.staff]
    assert len(calls) == sum(1 for *_, staff in API_CALLS if staff)
    wrong = [a for a in calls if a.status not in (401, 403)]
    assert not wrong, "staff API calls must refuse strangers:\n" + describe(wrong)


def test_strangers_are_served_every_public_route(anonymous_answers):
    public = [a for a in anonymous_answers if not a.call.staff]
    assert len(public) > 100
    broken = [a for a in public if a.status >= 500]
    assert not broken, "public routes must not fail:\n" + describe(broken)
    locked = [a for a in public if urlsplit(a.location).path == SIGN_IN]
    assert not locked, "public routes must not ask for a sign-in:\n" + describe(locked)
    pages = [a for a in public if a.method == "get" and "<" not in a.call.route and not a.call.token
             and not a.call.route.startswith(OPEN311) and a.call.route != "accounts/sign-out/"]
    not_served = [a for a in pages if a.status != 200]
    assert not not_served, "public pages without arguments must answer 200:\n" + describe(not_served)


def test_the_agency_admin_gets_no_server_error_anywhere(admin_answers, world):
    assert len(admin_answers) == len(world.calls)
    broken = [a for a in admin_answers if a.status >= 500]
    assert not broken, "routes failing for the agency's admin:\n" + describe(broken)
    api = [a for a in admin_answers if a.call.token and a.call.staff]
    assert api and all(a.status == 200 for a in api if a.method == "get"), describe(api)
    assert not [a for a in api if a.status in (401, 403)], describe(api)
    console = [a for a in admin_answers if a.call.route.startswith("console/") and a.method == "get"]
    refused = [a for a in console if a.status in (403, 404) or urlsplit(a.location).path == SIGN_IN]
    assert not refused, "the agency's admin must reach the console with its own objects:\n" + describe(refused)


def directives(policy: str) -> dict:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def header_problems(answer: Answer) -> list[str]:
    """What differs from the headers the settings configure (settings/base.py)."""
    headers, problems = answer.headers, []
    frameable = answer.call.route in FRAMEABLE
    policy = directives(headers.get("Content-Security-Policy", ""))
    for name, values in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items():
        expected = ["*"] if frameable and name == "frame-ancestors" else [v for v in values if v != NONCE]
        if name not in policy or not set(expected) <= set(policy[name]):
            problems.append(f"CSP {name} is {policy.get(name)}, expected {expected}")
    if policy.get("frame-ancestors") != (["*"] if frameable else ["'none'"]):
        problems.append(f"CSP frame-ancestors is {policy.get('frame-ancestors')}")
    if headers.get("X-Frame-Options") != (None if frameable else settings.X_FRAME_OPTIONS):
        problems.append(f"X-Frame-Options is {headers.get('X-Frame-Options')}")
    if headers.get("Referrer-Policy") != settings.SECURE_REFERRER_POLICY:
        problems.append(f"Referrer-Policy is {headers.get('Referrer-Policy')}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options is {headers.get('X-Content-Type-Options')}")
    return problems


def test_the_settings_ask_for_these_headers():
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF is True
    assert settings.SECURE_REFERRER_POLICY
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("who", ["anonymous_answers", "admin_answers"])
def test_every_html_answer_carries_the_security_headers(who, request):
    answers = request.getfixturevalue(who)
    html = [a for a in answers if a.content_type.startswith("text/html")]
    assert len(html) > 200
    wrong = [f"{a.method.upper()} {a.call.path}: {problem}" for a in html for problem in header_problems(a)]
    assert not wrong, "\n".join(wrong)


def test_a_framed_survey_is_the_only_frameable_page(admin_answers):
    embed = [a for a in admin_answers if a.call.route in FRAMEABLE]
    assert [a.status for a in embed] == [200]
    assert "X-Frame-Options" not in embed[0].headers
    others = [a for a in admin_answers if a.call.route not in FRAMEABLE and a.content_type.startswith("text/html")]
    assert all(a.headers.get("X-Frame-Options") == "DENY" for a in others)


def production_hsts(monkeypatch) -> dict:
    """The HSTS settings of settings/production.py, read by importing it with the environment it demands."""
    from commonbeat.settings import base

    monkeypatch.setenv("SECRET_KEY", "s" * 60)
    monkeypatch.setenv("ALLOWED_HOSTS", HOST)
    monkeypatch.delenv("SECURE_HSTS_SECONDS", raising=False)
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    monkeypatch.setattr(base, "COMMONBEAT_ENCRYPTION_KEYS", ["a key"])
    sys.modules.pop("commonbeat.settings.production", None)
    try:
        production = importlib.import_module("commonbeat.settings.production")
    finally:
        sys.modules.pop("commonbeat.settings.production", None)
    return {name: getattr(production, name) for name in
            ["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"]}


def test_https_answers_carry_hsts_as_in_production(world, django_db_blocker, monkeypatch):
    hsts = production_hsts(monkeypatch)
    assert hsts["SECURE_HSTS_SECONDS"] > 0
    expected = f"max-age={hsts['SECURE_HSTS_SECONDS']}"
    expected += "; includeSubDomains" if hsts["SECURE_HSTS_INCLUDE_SUBDOMAINS"] else ""
    expected += "; preload" if hsts["SECURE_HSTS_PRELOAD"] else ""
    with django_db_blocker.unblock(), override_settings(**hsts):
        stranger = Client(HTTP_HOST=HOST)
        staff = signed_in_client(world.beta_admin, host=HOST)
        for client, path in [(stranger, "/"), (stranger, SIGN_IN), (stranger, "/console/"), (staff, "/console/"),
                             (staff, "/console/users/"), (stranger, "/api/v1/neighbourhoods")]:
            assert client.get(path, secure=True).headers.get("Strict-Transport-Security") == expected, path
            assert "Strict-Transport-Security" not in client.get(path).headers, path
