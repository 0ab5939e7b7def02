"""Headers and errors (SECURITY.md): on every page the app serves, found in its url_map so that pages added later
are covered too, for a logged-in coordinator and for an anonymous visitor: a Content-Security-Policy without
'unsafe-inline' that forbids framing, no sniffing, no referrer, no caching of logged-in pages, HSTS in production;
nothing inline that this policy would block; friendly error pages with a reference number and no stack trace.

That no GET changes the database is tested for every GET route in test_access.py (test_no_get_changes_the_database).
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from models import Base, Keyring
from tests.forms import inline_code
from tests.test_access import GET_ROUTES, ROUTE_APP, concrete_url
from zorgteam import create_app
from zorgteam.access import PUBLIC, Blueprint

BOGUS_TOKEN = "0" * 43
STATIC_FILE = "zorgteam.css"
STACK_TRACE = re.compile(r"Traceback|File &#34;|File \"|line \d+, in |sqlalchemy\.|werkzeug\.|jinja2\.")


def other_get_urls(app) -> list[str]:
    """Every GET rule outside /teams/<team_id>/, its arguments filled (tokens with a token that is no one's)."""
    urls = []
    adapter = app.url_map.bind("zorgteam.test")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or "team_id" in rule.arguments:
            continue
        values = {name: STATIC_FILE if name == "filename" else BOGUS_TOKEN for name in rule.arguments}
        urls.append(adapter.build(rule.endpoint, values))
    return urls


def every_get_url(app, world) -> list[str]:
    """Every page the app serves, for Johan's team, as test_access.py fills team URLs."""
    team = [concrete_url(app, world, route, world.johan_team) for route in GET_ROUTES]
    return sorted(set(other_get_urls(app)) | set(team))


def directives(csp: str) -> dict[str, list[str]]:
    parsed = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def header_problems(response, logged_in: bool, url: str) -> list[str]:
    """What is wrong with the security headers of one response."""
    headers, problems = response.headers, []
    csp = directives(headers.get("Content-Security-Policy", ""))
    if not csp:
        problems.append("no Content-Security-Policy")
    if any("'unsafe-inline'" in values or "'unsafe-eval'" in values for values in csp.values()):
        problems.append(f"unsafe-inline or unsafe-eval in the CSP: {headers['Content-Security-Policy']}")
    if csp.get("frame-ancestors") != ["'none'"]:
        problems.append("frame-ancestors is not 'none'")
    if "script-src" not in csp and "default-src" not in csp:
        problems.append("neither script-src nor default-src")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if headers.get("Referrer-Policy") != "no-referrer":
        problems.append("Referrer-Policy is not no-referrer")
    if logged_in and not url.startswith("/static/") and "no-store" not in headers.get("Cache-Control", ""):
        problems.append("a logged-in page without Cache-Control: no-store")
    if "Strict-Transport-Security" in headers:
        problems.append("HSTS outside production (it would pin a development host to HTTPS)")
    if response.mimetype == "text/html":
        problems.extend(inline_code(response.get_data(as_text=True)))
    return [f"{url} ({response.status_code}): {p}" for p in problems]


def _check_every_page(client, urls, logged_in: bool) -> dict[str, int]:
    problems, statuses = [], {}
    for url in urls:
        response = client.get(url)
        statuses[url] = response.status_code
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        problems.extend(header_problems(response, logged_in, url))
    assert problems == []
    return statuses


def test_every_page_for_a_coordinator_has_the_security_headers(app, login_as, world):
    urls = every_get_url(app, world)
    assert len(urls) >= 40, urls  # the url_map, not a list kept by hand
    statuses = _check_every_page(login_as("karim"), urls, logged_in=True)
    served = [url for url, status in statuses.items() if status == 200 and "/teams/" in url]
    assert len(served) >= 30, "most team pages should be served to the coordinator"


def test_every_page_for_an_anonymous_visitor_has_the_security_headers(app, client, world):
    statuses = _check_every_page(client, every_get_url(app, world), logged_in=False)
    assert statuses["/login"] == 200
    assert all(statuses[url] in (302, 404) for url in statuses if url.startswith("/teams/"))


def test_the_checks_themselves_catch_what_they_look_for():
    """The header and inline checks must be able to fail."""
    class Fake:
        status_code, mimetype = 200, "text/html"
        headers = {"Content-Security-Policy": "default-src 'self' 'unsafe-inline'"}

        def get_data(self, as_text):
            return '<p style="color:red" onclick="x()"><script>alert(1)</script><a href="javascript:x()">x</a></p>'
    problems = " | ".join(header_problems(Fake(), True, "/x"))
    for expected in ("unsafe-inline", "frame-ancestors", "nosniff", "no-referrer", "no-store", "<script> without src",
                     "onclick", "style=", "javascript:"):
        assert expected in problems


# --- production mode and error pages, on apps of their own --------------------------------------------------------

crash = Blueprint("crash", __name__)


@crash.route("/test-only/crash", access=PUBLIC)
def crash_now():
    raise RuntimeError("a bug with a secret in it: 47.03.12-123.40")


@pytest.fixture(scope="module")
def separate_app():
    """Not the suite's app: that one has TESTING on, which lets exceptions through instead of handling them."""
    def make(production: bool):
        with tempfile.TemporaryDirectory() as folder:
            keyring = Path(folder) / "keyring.json"
            Keyring.generate().save(keyring)
            app = create_app({"database_url": "sqlite://", "keyring": str(keyring), "smtp_url": None,
                              "outbox": folder, "base_url": "https://zorgteam.test", "production": production})
        app.register_blueprint(crash)
        Base.metadata.create_all(app.extensions["zorgteam.db"].engine)  # in memory: one connection per thread
        return app
    return make


def test_production_sends_hsts_on_pages_and_errors(separate_app):
    client = separate_app(True).test_client()
    for url, status in (("/login", 200), ("/nowhere", 404), ("/test-only/crash", 500)):
        response = client.get(url, base_url="https://zorgteam.test")
        assert response.status_code == status
        hsts = response.headers.get("Strict-Transport-Security", "")
        assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts), (url, hsts)
        assert int(hsts.split("=")[1].split(";")[0]) >= 31536000


def test_development_sends_no_hsts(separate_app):
    assert "Strict-Transport-Security" not in separate_app(False).test_client().get("/login").headers


def assert_friendly(response, status: int, title: str) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f"<h1>{title}</h1>" in html
    reference = re.search(r"Referentie: <code>([0-9a-f]{12})</code>", html)
    assert reference, html
    assert not STACK_TRACE.search(html), html
    assert "47.03.12-123.40" not in html and "RuntimeError" not in html
    assert header_problems(response, False, "error page") == []
    return reference.group(1)


def test_a_crash_is_a_friendly_500_with_a_reference_that_is_in_the_log(separate_app, caplog):
    client = separate_app(False).test_client()
    reference = assert_friendly(client.get("/test-only/crash"), 500, "Er ging iets mis")
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info, "the log keeps the stack trace under the reference shown"
    other = assert_friendly(client.get("/test-only/crash"), 500, "Er ging iets mis")
    assert other != reference


@pytest.mark.parametrize("method, url, status, title", [
    ("GET", "/this/page/does/not/exist", 404, "Deze pagina bestaat niet"),
    ("GET", "/logout", 405, "Dit kan zo niet"),
    ("POST", "/teams/", 405, "Dit kan zo niet"),
])
def test_http_errors_are_friendly_pages(separate_app, method, url, status, title):
    client = separate_app(False).test_client()
    assert_friendly(client.open(url, method=method), status, title)


def test_a_forbidden_page_is_friendly(app, login_as, world):
    # Tom may not add members: the guard answers 403 with the friendly page (and the suite's own app).
    response = login_as("tom").get(f"/teams/{world.johan_team.id}/members/new")
    assert_friendly(response, 403, "U hebt hier geen toegang toe")


def test_another_teams_page_is_a_friendly_404(app, login_as, world):
    response = login_as("karim").get(f"/teams/{world.rita_team.id}/")
    assert_friendly(response, 404, "Deze pagina bestaat niet")


def test_the_route_list_comes_from_the_url_map():
    """A rule added to the app is in the list without editing this file."""
    assert {"/login", "/teams/", "/my/tasks", "/account/"} <= set(other_get_urls(ROUTE_APP))
