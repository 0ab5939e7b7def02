"""Browser harness: the app served for real on 127.0.0.1 against its own database, and one Chromium per session.

The live server cannot share the suite's database: the other tests roll back to a committed demo state, while a
browser logs in for real and leaves sessions and audit rows behind. So the live server gets a database of its own
(a second SQLite file, or `<test db>_browser` on PostgreSQL), migrated to head with the demo loaded.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from models import demo
from zorgteam import create_app
from zorgteam.cli import alembic_config

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENS = Path(__file__).resolve().parents[2] / "test-results" / "screens"


def _postgres_browser_database(url: str) -> str:
    """Create `<db>_browser` beside the test database when missing, empty its schema; returns its URL."""
    main = make_url(url)
    browser = main.set(database=f"{main.database}_browser")
    engine = create_engine(main, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                       {"name": browser.database})
            if not exists:
                quoted = connection.dialect.identifier_preparer.quote(browser.database)
                connection.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        engine.dispose()
    engine = create_engine(browser)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    return browser.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def browser_database_url(tmp_path_factory) -> str:
    """A database of the live server's own, migrated to head (not the one the rolled-back tests use)."""
    url = os.environ.get("DATABASE_URL") or ""
    if url.startswith("postgresql"):
        url = _postgres_browser_database(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'browser.db'}"
    command.upgrade(alembic_config(url), "head")
    return url


@pytest.fixture(scope="session")
def live_outbox(tmp_path_factory) -> Path:
    """The folder where the live server writes its mail (.eml files), for tests that follow a link in one."""
    return tmp_path_factory.mktemp("browser-outbox")


@pytest.fixture(scope="session")
def live_server(browser_database_url, keyring_path, live_outbox):
    """The app with the demo loaded, served by werkzeug in a background thread; yields its base URL."""
    app = create_app({"database_url": browser_database_url, "keyring": str(keyring_path), "smtp_url": None,
                      "outbox": str(live_outbox),
                      "base_url": "http://zorgteam.test", "require_2fa_for_professionals": False})
    database = app.extensions["zorgteam.db"]
    with database.session() as session, session.begin():
        demo.load(session)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
    database.engine.dispose()


def _unavailable(reason: str):
    """No Chromium: a failure when ZORGTEAM_REQUIRE_BROWSER=1 (make test), a skip otherwise."""
    if os.environ.get("ZORGTEAM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"The browser tests need Chromium at {CHROMIUM} (apt-get install chromium, or make "
                    f"system-deps), and ZORGTEAM_REQUIRE_BROWSER=1 forbids skipping them: {reason}", pytrace=False)
    pytest.skip(f"no usable Chromium: {reason}")


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for all browser tests (Debian's, launched as RECIPES.md says).

    Package scope, so in effect once per session: while Playwright's sync API is started, the main thread looks as
    if an asyncio loop were running there (asyncio.run() refuses), so it is stopped before the rest of the suite.
    """
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing or not executable")
    from playwright.sync_api import Error, sync_playwright
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Error as error:
        playwright.stop()
        _unavailable(f"Chromium did not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(width, height)`: a page in a fresh context (own cookies) on the live server."""
    contexts = []

    def make(width: int, height: int):
        context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server,
                                      locale="nl-BE")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()
    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screens() -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS
