"""Steps and checks for every app's browser tests: axe-core, page addresses, staff sign-in, TOTP codes.

    from .helpers import assert_no_axe_violations, sign_in_quickly, url

    sign_in_quickly(page, live_server, admin)
    page.goto(url(live_server, "accounts:users"))
    assert_no_axe_violations(page)
"""

import base64

from django.conf import settings
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from ..factories import signed_in_client

PASSWORD = "correct horse battery staple"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def url(live_server, name: str, *args, language: str = "en") -> str:
    """The live server's address of a named page, e.g. url(live_server, "core:home", language="es")."""
    with translation.override(language):
        return live_server.url + reverse(name, args=args)


def assert_no_axe_violations(page: Page) -> None:
    """Run axe-core (WCAG 2.0 and 2.1, levels A and AA) on the page as it is now; fail listing each violation."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # The site's Content-Security-Policy refuses inline scripts, which is how add_script_tag(path=...) injects
        # a file. The page keeps its policy (the test sees what residents get), so the vendored axe.min.js is
        # loaded as any script of the site is: from its static files.
        page.add_script_tag(url=static("vendor/axe/axe.min.js"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = result["violations"]
    assert not violations, (
        f"axe-core found {len(violations)} accessibility violation(s) on {page.url}:\n"
        + format_axe_violations(violations)
    )


def format_axe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append("    at " + " ".join(str(part) for part in node["target"]))
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def code_for_key(key: bytes) -> str:
    """The six-digit code an authenticator app holding `key` shows now."""
    return f"{totp(key):06d}"


def current_code(user) -> str:
    return code_for_key(TOTPDevice.objects.get(user=user, confirmed=True).bin_key)


def wrong_code(user) -> str:
    """A six-digit code the user's authenticator accepts at no time near now (whatever the clock drift)."""
    key = TOTPDevice.objects.get(user=user, confirmed=True).bin_key
    near = {f"{totp(key, drift=drift):06d}" for drift in range(-3, 4)}
    return next(code for code in (f"{n:06d}" for n in range(123456, 1_000_000)) if code not in near)


def key_from_display(text: str) -> bytes:
    """The secret behind the key shown for typing into an app: base32 in groups of four, padding dropped."""
    compact = "".join(text.split()).upper()
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def submit(page: Page) -> None:
    """Press the main form's submit button (the one form with class usa-form on the page)."""
    page.locator("form.usa-form [type=submit]").click()


def enter_password(page: Page, live_server, user, password: str = PASSWORD) -> None:
    """The first step of staff sign-in, through the form; ends on the code or authenticator page."""
    page.goto(url(live_server, "accounts:sign_in"))
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        submit(page)


def sign_in(page: Page, live_server, user) -> None:
    """Both steps of staff sign-in through the forms, for a user with an authenticator; ends on the console."""
    enter_password(page, live_server, user)
    page.locator("input[name=code]").fill(current_code(user))
    submit(page)
    page.wait_for_url(url(live_server, "accounts:console"))


def sign_in_quickly(page: Page, live_server, user) -> None:
    """Give the page's browser context the session of a user who has passed both steps, without the forms.

    For tests about what comes after sign-in; the sign-in itself is tested through the forms."""
    client: Client = signed_in_client(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
