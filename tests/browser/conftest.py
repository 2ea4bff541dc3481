"""Playwright in Debian Chromium against pytest-django's live server.

One browser for the whole session; each test gets fresh browser contexts (cookies, storage), so no test sees
another's session. Steps and checks to reuse are in helpers.py.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

CHROMIUM = os.environ.get("COMMONBEAT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}

expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(config, items):
    """A browser test without the marker would run (and start Chromium) in the fast `-m "not browser"` run."""
    here = Path(__file__).parent
    unmarked = [item.nodeid for item in items
                if here in item.path.parents and item.get_closest_marker("browser") is None]
    if unmarked:
        raise pytest.UsageError("Set `pytestmark = pytest.mark.browser` in every module of tests/browser; missing in:\n"
                                + "\n".join(unmarked))


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API keeps an asyncio event loop running in this thread; without this, Django refuses
    # database access from it (SynchronousOnlyOperation) when a test reads or writes rows between browser steps.
    # Set here rather than at import, so a run without browser tests keeps Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as running:
        yield running
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"The browser tests drive Debian's Chromium, which is not at {CHROMIUM}. Install it with "
            "`apt-get install chromium`, or point COMMONBEAT_CHROMIUM at a Chromium binary "
            "(`playwright install` is not used).",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open a page in a new browser context: new_page(java_script_enabled=False), new_page(viewport=...).

    Desktop width and English unless told otherwise. An uncaught script error in any of the pages fails the test.
    """
    contexts: list[BrowserContext] = []
    script_errors: list[str] = []

    def open_page(**context_options) -> Page:
        context_options.setdefault("viewport", DESKTOP)
        context_options.setdefault("locale", "en-US")
        context = browser.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not script_errors, "Uncaught script errors:\n" + "\n".join(script_errors)


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()
