"""Browser journeys: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Fixtures for every journey: `browser` (one Chromium for the session) and `page` (a fresh context per test:
phone viewport, Indonesian browser locale). A failing test leaves a full-page screenshot in
tests/e2e/artifacts/<test name>.png (git-ignored).
"""

import os
import re
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

# Playwright's sync API drives its own asyncio event loop from the main thread and leaves it marked as
# running between calls, for as long as the browser lives (the whole session, so also in test modules
# collected after this one). Django sees that running loop and refuses every ORM call made from the test
# body or from fixture setup and teardown (SynchronousOnlyOperation), although those calls are plain blocking
# calls that never run on the loop. The live server answers requests in its own thread, which has no loop,
# so this switch changes nothing for the code under test.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
PHONE_VIEWPORT = {"width": 360, "height": 800}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _mail_through_the_outbox(settings):
    """Journeys send mail as production does: into the outbox, delivered after the real commit.

    The delivery task runs eagerly in the live server's thread and delivers to the locmem backend, so the
    mail still lands in this process's `mail.outbox`, but only once the request's transaction committed.
    """
    settings.EMAIL_BACKEND = "marketplace.core.mail.OutboxEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _anonymous_page_cache_on(settings):
    """Journeys commit for real, so the page cache and its on-commit invalidation run as in production: a
    journey that changes something and sees it at once proves the invalidation."""
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the whole session; skipped (failed under REQUIRE_SERVICES=1) without Chromium."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # Django keeps connections in an asgiref Local, so code running while Playwright's loop is alive got
        # connection objects of its own; close them, or PostgreSQL cannot drop the test database at the end.
        connections.close_all()


@pytest.fixture
def page(browser):
    """A page in a new browser context: 360x800 phone viewport, browser language Indonesian."""
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Save a full-page screenshot of the test's page when the test body fails."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    page = item.funcargs.get("page")
    if page is None or page.is_closed():
        return
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    path = ARTIFACTS_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', item.name)}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as error:  # noqa: BLE001 - a failed screenshot must never hide the test's own failure
        report.sections.append(("e2e screenshot", f"could not save {path}: {error}"))
    else:
        report.sections.append(("e2e screenshot", str(path)))
