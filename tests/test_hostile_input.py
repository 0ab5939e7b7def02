"""Hostile input, property-based (Hypothesis): every POST route of the app, found in its url_map, receives random
and malicious values in the fields of its own form (found by reading the pages that show it) and fields it does
not have (team_id, role, user_id, is_admin, version, ...), posted by the coordinator.

Whatever arrives: no server error; nothing changes that the form does not offer to change (no row moves to
another team, no role changes through a form without a role field, nothing of Rita's team or other accounts
changes); every page that shows the values back escapes them (no injected script, handler or javascript: URL);
a redirect never leaves the site. `next=` after login is tried with addresses that browsers read as other sites.
"""
from __future__ import annotations

import uuid
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from models import Base, Member, User
from tests.conftest import PASSWORD, login
from tests.forms import Form, forms_of, inline_code
from tests.test_access import ROUTE_APP, Route, concrete_url
from tests.test_headers import every_get_url
from zorgteam.access import rule_of

EXAMPLES = 10
BOGUS_TOKEN = "0" * 43
HOST = "zorgteam.test"
MARK = "zt-xss"
XSS = [f'<script>alert("{MARK}")</script>', f"<img src=x onerror=alert('{MARK}')>",
       f'"><svg/onload=alert(\'{MARK}\')>', f"' onmouseover='alert(1)' data-x='{MARK}",
       f"javascript:alert('{MARK}')", f"</textarea><script>alert('{MARK}')</script>",
       f"{{{{7*7}}}} {{% raw %}}{MARK}", f"<a href=\"javascript:alert('{MARK}')\">klik</a>"]
RAW_XSS = [f'<script>alert("{MARK}")', f"onerror=alert('{MARK}')", f"onload=alert('{MARK}')",
           f"<script>alert('{MARK}')", f"href=\"javascript:alert('{MARK}')"]
SQL = ["' OR '1'='1", "'; DROP TABLE members; --", "1; SELECT * FROM users", "\\'; --", "%' AND 1=1 --",
       "0x27 UNION SELECT password_hash FROM users --"]
UNICODE = ["\u202eroeJ nahoJ", "\u200f\u200e\u2066isolate\u2069", "e\u0301" * 200, "Z\u0351\u0352\u0353" * 50,
           "🕊️👨‍👩‍👧‍👦🏳️‍🌈", "\ufeffBOM", "\u0000", "a\u0000b", "\u2028\u2029", "ﷺ" * 100, "𝔍𝔬𝔥𝔞𝔫",
           "\U0010ffff", "İstanbul ß ǅ", " ", "\t\n\r\x0b\x0c"]
INVALID_UTF8 = [b"\xed\xa0\x80", b"\xff\xfe\xfd", b"caf\xe9", b"\xc0\xaf", b"\xf4\x90\x80\x80"]  # incl. a surrogate


def _hostile_text():
    control = st.text(st.characters(max_codepoint=0x1F), min_size=1, max_size=20)
    long = st.sampled_from([5_000, 20_000, 600_000]).flatmap(
        lambda n: st.sampled_from(["x", "é", "🕊", XSS[0], "'"]).map(lambda s: (s * n)[:n]))
    return st.one_of(st.sampled_from(XSS), st.sampled_from(SQL), st.sampled_from(UNICODE),
                     st.sampled_from(INVALID_UTF8), control, long, st.text(max_size=60),
                     st.integers().map(str), st.sampled_from(["", "0", "-1", "1e999", "NaN", "null", "[]", "{}",
                                                              "2026-02-30", "9999-12-31", "0000-00-00"]))


HOSTILE = _hostile_text()
EXTRA_NAMES = ["team_id", "role", "user_id", "is_admin", "version", "member_id", "person_id", "id", "owner_id",
               "author_id", "email", "active", "designation", "permissions"]


@st.composite
def submission(draw, form: Form | None, ids: dict[str, str]):
    """Form fields with their own value, a valid choice or a hostile value; plus fields the form does not have."""
    pairs = []
    for field in form.fields if form else []:
        if field.name == "csrf_token" or field.kind in ("submit", "button") and not draw(st.booleans()):
            continue
        own = st.just(field.value if field.kind not in ("checkbox", "radio") else field.value or "on")
        choices = st.sampled_from(field.options) if field.options else own
        value = draw(st.one_of(own, choices, HOSTILE) if field.kind != "select" else st.one_of(choices, HOSTILE))
        if field.kind in ("checkbox", "radio") and not draw(st.booleans()):
            continue
        pairs.append((field.name, value))
    names = {name for name, _ in pairs}
    for name in draw(st.lists(st.sampled_from(EXTRA_NAMES), max_size=4, unique=True)):
        if name not in names:
            pairs.append((name, draw(st.one_of(st.sampled_from(list(ids.values())), HOSTILE))))
    return pairs


# --- which routes, which forms -----------------------------------------------------------------------------------

def _post_routes() -> list[Route]:
    found = {}
    for rule in ROUTE_APP.url_map.iter_rules():
        if "POST" in rule.methods and rule.endpoint not in found:
            found[rule.endpoint] = Route(rule.endpoint, rule.rule, frozenset(rule.arguments), "POST",
                                         rule_of(ROUTE_APP, rule.endpoint))
    return sorted(found.values(), key=lambda r: r.rule)


POST_ROUTES = _post_routes()
_FORMS: dict[str, Form] = {}


def post_url(app, world, route: Route) -> str:
    if "team_id" in route.arguments:
        return concrete_url(app, world, route, world.johan_team)
    values = {name: BOGUS_TOKEN for name in route.arguments}
    return app.url_map.bind(HOST).build(route.endpoint, values, method="POST")


def forms_by_endpoint(app, client, world) -> dict[str, Form]:
    """The POST forms on every page, by the endpoint they post to (the fullest form when several do); read once,
    as the coordinator and as an anonymous visitor (the login and password pages)."""
    if not _FORMS:
        adapter = app.url_map.bind(HOST)
        for who, visitor in (("anonymous", app.test_client()), ("karim", client)):
            for url in every_get_url(app, world):
                response = visitor.get(url)
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                for form in forms_of(response.get_data(as_text=True), url):
                    if form.method != "POST" or urlsplit(form.action).netloc not in ("", HOST):
                        continue
                    endpoint, _args = adapter.match(form.path, method="POST")
                    if len(form.fields) > len(_FORMS.get(endpoint, Form("", "")).fields):
                        _FORMS[endpoint] = form
    return _FORMS


def test_the_forms_are_found_on_the_pages(app, client, login_as, world):
    forms = forms_by_endpoint(app, login_as("karim"), world)
    assert {"auth.login", "messages.post", "goals.add_life_goal", "members.add", "members.edit_person"} <= set(forms)
    assert {"email", "password"} <= forms["auth.login"].names()
    assert forms["members.add"].field("role").options, "select options are read"
    assert len(POST_ROUTES) >= 30


# --- what must not change ------------------------------------------------------------------------------------------

def _rows(db, table, where) -> list[str]:
    return sorted(repr(tuple(row)) for row in db.execute(select(table).where(where)))


def protected(db, world, form: Form | None) -> dict:
    """What no hostile post may change: Rita's team, other accounts, the team of every row, members' roles
    (unless the form has a role field, such as the new team's `my_role` and `members-0-role`) and Karim's address
    and status."""
    db.expire_all()
    rita, karim = world.rita_team.id, world.user("karim").id
    state = {}
    for table in Base.metadata.sorted_tables:
        columns = table.columns
        if "team_id" in columns:
            state[f"{table.name} of Rita's team"] = _rows(db, table, columns.team_id == rita)
            if "id" in columns:
                state[f"{table.name}: team of each row"] = dict(db.execute(select(columns.id, columns.team_id)).all())
    users = Base.metadata.tables["users"]
    state["other accounts"] = _rows(db, users, users.c.id != karim)
    state["karim"] = [(u.email, u.active) for u in db.scalars(select(User).where(User.id == karim))]
    if form is None or not any(name == "role" or name.endswith(("-role", "_role")) for name in form.names()):
        state["roles"] = sorted(f"{m.id}:{m.role}:{m.user_id}" for m in db.scalars(select(Member)))
    return state


def _ids(world) -> dict[str, str]:
    rita = world.rita_team
    return {"rita_team": str(rita.id), "hanne": str(world.user("hanne").id), "person": "person",
            "coordinator": "coordinator", "admin": "1", "true": "true", "rita_person": str(rita.person.id),
            "rita_member": str(world.member("hanne", team=rita).id), "random": str(uuid.uuid4()), "v0": "0"}


# --- what must hold for every response ----------------------------------------------------------------------------

def _encode(pairs) -> bytes:
    return urlencode([(k, v) for k, v in pairs]).encode()


def check_response(response, where: str) -> None:
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    if response.status_code in (301, 302, 303, 307, 308):
        assert_local(response.headers["Location"], where)
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        raw = [marker for marker in RAW_XSS if marker in html]
        assert raw == [], f"{where} shows unescaped input: {raw}"
        assert inline_code(html) == [], f"{where}: {inline_code(html)}"


def assert_local(location: str, where: str) -> None:
    """The address a browser would go to (it reads backslashes as slashes and drops tabs and newlines) is ours."""
    as_browser = "".join(c for c in location if c not in "\t\n\r").replace("\\", "/").strip()
    target = urlsplit(urljoin(f"http://{HOST}/login", as_browser))
    assert (target.scheme, target.netloc) == ("http", HOST), f"{where} redirects to {location!r}"


@pytest.mark.parametrize("route", POST_ROUTES, ids=lambda r: r.endpoint)
def test_hostile_posts(app, client, db, world, route):
    karim = world.user("karim")
    login(client, db, karim)
    form = forms_by_endpoint(app, client, world).get(route.endpoint)
    url = post_url(app, world, route)
    before = protected(db, world, form)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(pairs=submission(form, _ids(world)))
    def post_anything(pairs):
        login(client, db, karim)  # again each time: some posts log out or end sessions
        response = client.post(url, data=_encode(pairs), content_type="application/x-www-form-urlencoded")
        check_response(response, f"POST {url}")
        location = response.headers.get("Location")
        if response.status_code in (302, 303) and location:
            check_response(client.get(location), f"GET {location} after POST {url}")

    post_anything()
    assert_unchanged(before, protected(db, world, form))


def assert_unchanged(before: dict, after: dict) -> None:
    """Equal, except that rows may come and go (a post may add or remove records): rows kept keep their team."""
    for key, old in before.items():
        new = after[key]
        if isinstance(old, dict):
            moved = {row: (old[row], new[row]) for row in old.keys() & new.keys() if old[row] != new[row]}
            assert moved == {}, f"{key}: rows moved to another team"
        else:
            assert new == old, key


def test_a_nul_character_is_refused_on_every_database(login_as, db, world):
    """PostgreSQL cannot store NUL in text; SQLite can: refused up front, both behave the same."""
    url = f"/teams/{world.johan_team.id}/messages/"
    response = login_as("karim").post(url, data=MultiDict([("audience", "team"), ("body", "Goed"),
                                                                  ("body", "a\x00b")]))
    assert response.status_code == 400
    assert "a\x00b" not in login_as("karim").get(url).get_data(as_text=True)


# --- next= ---------------------------------------------------------------------------------------------------------

FOREIGN = ["///evil.example", "https:evil.example", "http:/\\evil.example", "\\\\evil.example", " //evil.example",
           "/\\/evil.example", "//evil.example@zorgteam.test", "/%2F/evil.example", "data:text/html,<script>x</script>",
           "JaVaScRiPt:alert(1)", "\tjavascript:alert(1)", "/\n/evil.example", "http://zorgteam.test@evil.example/"]


@pytest.mark.parametrize("target", FOREIGN)
def test_next_after_login_stays_on_the_site(client, target):
    # test_auth.py tries the classic forms (//, https://, /\\, javascript:); these are the less obvious ones
    response = client.post("/login?" + urlencode({"next": target}),
                           data={"email": "karim@zorgteam.example", "password": PASSWORD})
    assert response.status_code == 302
    assert_local(response.headers["Location"], f"next={target!r}")


PIECES = ["/", "\\", "//", "evil.example", "http:", "https:", "%2F", "%5C", "%09", "\t", " ", "javascript:", "@",
          ":", ".", "teams", "?", "#", "%00", "\x00", "\n"]


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(target=st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join))
@example(target="/\n")  # was a 500: a line break in the Location header
@example(target="/\r\nSet-Cookie: session=x")
def test_no_next_leads_off_the_site(client, target):
    """Any mix of the pieces open redirects are made of: the language switch (same safe_next) stays local."""
    response = client.post("/language", data={"lang": "en", "next": target})
    if "\x00" in target:
        assert response.status_code == 400, "a NUL character in a form is refused"
        return
    assert response.status_code in (302, 303)
    assert_local(response.headers["Location"], f"next={target!r}")
