"""Browser tests: Debian's Chromium driven by Playwright against the application served on
loopback, with a fresh database of the backend under test holding the demo data and one published
statistics release.

Nothing is downloaded: Playwright drives /usr/bin/chromium (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 when
installing it), and axe-core's script ships inside the axe-playwright-python wheel. Without Chromium
or Playwright the whole directory is skipped and the run ends with a line saying so.
"""

from __future__ import annotations

import os
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.browser.support import RELEASE_ID

CHROMIUM = os.environ.get("BROWSER_TESTS_CHROMIUM", "/usr/bin/chromium")
HERE = Path(__file__).parent
# Screenshots and axe reports, kept after the run for a person to look at (git-ignored).
ARTIFACTS = Path(os.environ.get("BROWSER_TESTS_ARTIFACTS", HERE / "artifacts"))
# The release is published at its release date (docs/statistics.md, ST20) or later.
PUBLISHED_AT = datetime(2025, 11, 20, 6, 0, tzinfo=UTC)


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -c constraints.txt -e '.[dev]')"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} not found (apt-get install chromium)"
    return None


SKIP_REASON = _missing()


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if HERE in Path(str(item.fspath)).parents]
    for item in browser_items:
        # The served application commits for real: no outer rolled-back transaction.
        item.add_marker(pytest.mark.no_db_transaction)
        # One served application and one Chromium per run: under pytest-xdist, all on one worker.
        item.add_marker(pytest.mark.xdist_group("browser"))
        item.add_marker(pytest.mark.slow)
        if SKIP_REASON:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {SKIP_REASON}"))
    config._browser_tests_count = len(browser_items)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    count = getattr(config, "_browser_tests_count", 0)
    if count and SKIP_REASON:
        terminalreporter.write_line(f"BROWSER TESTS SKIPPED ({count} tests): {SKIP_REASON}", yellow=True, bold=True)
    elif count:
        terminalreporter.write_line(f"browser tests ran in Chromium ({CHROMIUM}); screenshots in {ARTIFACTS}")


def _seed(app) -> None:
    """Cases in 2025-Q3 (beside the demo data) and the published release the ministry reads."""
    from mediation.accounts.models import StaffUser
    from mediation.extensions import db
    from mediation.statistics.release import build_release, publish_release
    from tests.statistics.microdata import insert_cases, standard_world

    with app.app_context():
        insert_cases(standard_world())
        build_release(db.session, RELEASE_ID, now=PUBLISHED_AT)
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin"))
        publish_release(db.session, RELEASE_ID, admin, now=PUBLISHED_AT)
        db.session.commit()


@pytest.fixture(scope="session")
def served_app(fresh_app):
    """The application on a free loopback port, in a thread, with CSRF protection on as in production,
    the demo data and one published statistics release."""
    if SKIP_REASON:
        pytest.skip(SKIP_REASON)
    app = fresh_app(demo=True, WTF_CSRF_ENABLED=True)
    _seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-tests-server", daemon=True)
    thread.start()
    app.config["BROWSER_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        from mediation.extensions import db

        db.engine.dispose()  # PostgreSQL: let the throw-away database be dropped


@pytest.fixture(scope="session")
def base_url(served_app) -> str:
    return served_app.config["BROWSER_BASE_URL"]


@pytest.fixture(scope="session")
def browser():
    if SKIP_REASON:
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(request, browser, base_url):
    """Pages in fresh browser contexts (no shared cookies); a failing test leaves a screenshot of each."""
    contexts, pages = [], []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height},
                                      accept_downloads=True, locale="ar-MA")
        context.set_default_timeout(10_000)
        contexts.append(context)
        pages.append(context.new_page())
        return pages[-1]

    yield make
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(pages):
            name = "".join(c if c.isalnum() else "-" for c in request.node.name)
            page.screenshot(path=ARTIFACTS / f"FAILED-{name}-{number}.png", full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture(scope="session", autouse=True)
def _clean_artifacts():
    if ARTIFACTS.exists() and not SKIP_REASON:
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
