"""Faults: the server killed mid-write, a full disk, a locked database, two people editing the same record.

- A real gunicorn serves a copy of the demo (its own SQLite file and keyring in tmp) while the test posts
  messages; the serving process is SIGKILLed fifty times at random moments. Afterwards SQLite finds the file
  intact, every write the server acknowledged is there and decrypts, and `audit verify` passes.
- A full disk (`PRAGMA max_page_count`) and a locked database (another connection holding `BEGIN EXCLUSIVE`;
  on PostgreSQL a locked row and `lock_timeout`) give the friendly 503 page and change nothing.
- For every model with a version column (models.base.Versioned) its web form refuses a stale edit with 409 and
  the current version, never overwriting silently; a model added without an edit route here fails the test.
"""
from __future__ import annotations

import os
import random
import re
import shutil
import sqlite3
import time
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from models import Agreement, Base, CareGoal, CareTeam, GoalProfile, InfoItem, LifeGoal, Meeting, Member, Person, User
from models.base import Versioned
from models.messages import Message
from tests.conftest import login
from tests.forms import forms_of
from tests.killable_server import Gunicorn, Writers, request
from tests.test_access import TEAM_ROUTES, concrete_url
from tests.test_headers import header_problems
from zorgteam import create_app
from zorgteam import messages as zorgteam_messages

ON_POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith("postgresql")
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="SQLite's own file, pragmas and locks")
UNAVAILABLE = "Zorgteam is even niet bereikbaar"


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def table_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as connection:
        return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                for name in Base.metadata.tables}


def copy_database(source_url: str, keyring: Path, folder: Path) -> tuple[Path, Path]:
    """A consistent copy of the suite's demo database (the SQLite backup API) with a copy of its keyring."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "zorgteam.db"
    with closing(sqlite3.connect(sqlite_path(source_url))) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        dst.execute("VACUUM")  # no free pages left: a full disk must show with the first page that is needed
    (folder / "keys").mkdir()
    keys = folder / "keys" / "keyring.json"
    shutil.copyfile(keyring, keys)
    keys.chmod(0o600)
    return target, keys


def friendly_503(response) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 503, html[:400]
    assert f"<h1>{UNAVAILABLE}</h1>" in html
    assert re.search(r"Referentie: <code>[0-9a-f]{12}</code>", html)
    assert "Traceback" not in html and "sqlite" not in html.lower() and "OperationalError" not in html
    assert header_problems(response, True, "503") == []
    assert response.headers["Retry-After"].isdigit()


# --- the app on a copy of its own, for faults the suite's shared connection cannot take ------------------------

class OwnApp:
    """The app on its own copy of the demo database, as production runs it (TESTING off), Karim logged in."""

    def __init__(self, database_url: str, keyring: Path, folder: Path):
        self.path, keys = copy_database(database_url, keyring, folder)
        self.app = create_app({"database_url": f"sqlite:///{self.path}", "keyring": str(keys), "smtp_url": None,
                               "outbox": str(folder / "outbox"), "base_url": "http://zorgteam.test"})
        self.app.config["WTF_CSRF_ENABLED"] = False
        self.database = self.app.extensions["zorgteam.db"]
        self.client = self.app.test_client()
        with self.database.session() as session:
            karim = session.scalar(select(User).where(User.email == "karim@zorgteam.example"))
            login(self.client, session, karim)
            self.team_id = session.scalar(select(Member.team_id).where(Member.user_id == karim.id,
                                                                       Member.role != "person"))

    def on_every_connection(self, *pragmas: str) -> None:
        """Run `pragmas` on each new connection of the app's engine (after its own), starting from a fresh pool."""
        def run(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            for pragma in pragmas:
                cursor.execute("PRAGMA " + pragma)
            cursor.close()
        event.listen(self.database.engine, "connect", run)
        self.database.engine.dispose()
        self._listener = run

    def back_to_normal(self) -> None:
        event.remove(self.database.engine, "connect", self._listener)
        self.database.engine.dispose()

    def post_message(self, body: str):
        return self.client.post(f"/teams/{self.team_id}/messages/", data={"body": body, "audience": "team"})

    def stored_bodies(self) -> list[str]:
        with self.database.session() as session:
            return [m.body for m in session.scalars(select(Message).where(Message.team_id == self.team_id))]


@pytest.fixture
def own_app(app, database_url, keyring_path, tmp_path):
    own = OwnApp(database_url, keyring_path, tmp_path / "own")
    yield own
    own.database.engine.dispose()


@sqlite_only
def test_a_full_disk_gives_a_friendly_503_and_keeps_nothing(own_app):
    before = table_counts(own_app.path)
    own_app.on_every_connection("max_page_count = 1")  # SQLite keeps it at the current size: full from now on
    body = "Een lang bericht dat niet meer past. " + "🕊" * 3900  # needs new (overflow) pages
    friendly_503(own_app.post_message(body))
    assert table_counts(own_app.path) == before
    own_app.back_to_normal()
    assert own_app.post_message(body).status_code == 302, "with room again the same message is kept"
    assert body in own_app.stored_bodies()


@sqlite_only
def test_a_locked_database_gives_a_friendly_503_and_keeps_nothing(own_app):
    before = table_counts(own_app.path)
    own_app.on_every_connection("busy_timeout = 200")
    with closing(sqlite3.connect(own_app.path, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        friendly_503(own_app.post_message("Geschreven terwijl iemand anders de database vasthoudt."))
        friendly_503(own_app.client.get(f"/teams/{own_app.team_id}/"))
        other.execute("ROLLBACK")
    assert table_counts(own_app.path) == before
    assert own_app.post_message("Na het slot.").status_code == 302
    assert "Na het slot." in own_app.stored_bodies()


def _counts(db) -> dict[str, int]:
    db.expire_all()
    return {name: db.scalar(select(func.count()).select_from(table)) for name, table in Base.metadata.tables.items()}


def test_a_database_error_in_the_middle_of_a_view_is_a_503_not_a_500(login_as, db, world, monkeypatch):
    """An OperationalError while the view runs (not at the commit) is the same friendly page, nothing kept."""
    def broken(session, team, author, body, **_kw):
        session.add(Message(team_id=team.id, person_id=team.person.id, author_id=author.id, body=body))
        session.flush()  # the message is written, then the database fails before the request ends
        raise OperationalError("INSERT INTO audit_events ...", {}, sqlite3.OperationalError("disk I/O error"))
    client = login_as("karim")
    monkeypatch.setattr(zorgteam_messages, "post_message", broken)
    before = _counts(db)
    friendly_503(client.post(f"/teams/{world.johan_team.id}/messages/", data={"body": "Half geschreven"}))
    assert _counts(db) == before


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL's row locks and lock_timeout")
def test_a_locked_row_on_postgresql_gives_a_friendly_503_and_keeps_nothing(app, database, db, login_as, world):
    person = world.johan_team.person
    version, family_name = person.version, person.family_name
    db.execute(text("SET LOCAL lock_timeout = '300ms'"))  # on the suite's connection: the app's requests too
    db.commit()
    client = login_as("karim")
    data = {"given_name": "Johan", "family_name": "Peeters-Vos", "birth_date": "1947-03-12",
            "insz": "47.03.12-123.40", "language": "nl", "version": str(version)}
    with database.engine.connect() as other, other.begin():
        other.execute(text("SELECT 1 FROM persons WHERE id = :id FOR UPDATE"), {"id": person.id})
        friendly_503(client.post(f"/teams/{world.johan_team.id}/person", data=data))
    db.expire_all()
    assert (db.get(Person, person.id).version, db.get(Person, person.id).family_name) == (version, family_name)
    assert client.post(f"/teams/{world.johan_team.id}/person", data=data).status_code == 302


# --- two people editing the same record ---------------------------------------------------------------------------

# Every Versioned model -> its edit forms: (endpoint the form posts to, endpoint of the page that shows the form).
EDITS = {
    Agreement: [("agreements.edit", "agreements.edit")],
    Member: [("members.edit", "members.edit")],
    Person: [("members.edit_person", "members.edit_person")],
    GoalProfile: [("goals.profile", "goals.profile")],
    LifeGoal: [("goals.edit_life_goal", "goals.edit_life_goal")],
    CareGoal: [("goals.edit_care_goal", "goals.edit_care_goal")],
    InfoItem: [("info.edit_item", "info.edit_item"), ("info.edit_sheet", "info.edit_sheet")],
    Meeting: [("meetings.edit", "meetings.edit"), ("meetings.minutes", "meetings.hold")],
    CareTeam: [("lifecycle.care_question", "lifecycle.care_question")],
}
# Versioned records whose stale edits are tested beside their own forms, because they do not fit the form above:
# the social map and its contact persons are no team's (their pages are not under /teams/), and a referral's
# status form has no free text.
STALE_TESTED_ELSEWHERE = {
    "Organisation": "tests/test_socialmap.py::test_a_stale_edit_of_an_organisation_is_refused",
    "Contact": "tests/test_socialmap_contacts.py::test_a_stale_edit_of_a_contact_person_is_refused",
    "Referral": "tests/test_referrals.py::test_a_stale_status_form_says_so_in_plain_words",
}
EDIT_CASES = [(model.__name__, post, page) for model, forms in EDITS.items() for post, page in forms]
ROUTES = {route.endpoint: route for route in TEAM_ROUTES}


def versioned_models() -> set[type]:
    return {mapper.class_ for mapper in Base.registry.mappers if issubclass(mapper.class_, Versioned)}


def test_every_versioned_model_has_an_edit_form_here():
    missing = sorted(model.__name__ for model in versioned_models() - set(EDITS)
                     if model.__name__ not in STALE_TESTED_ELSEWHERE)
    assert missing == [], (f"{missing} have a version column but no edit route in EDITS (tests/test_faults.py): "
                           f"map each to the form that edits it, so that stale edits are tested")
    unknown = sorted({endpoint for _model, post, page in EDIT_CASES for endpoint in (post, page)} - set(ROUTES))
    assert unknown == [], f"EDITS names routes the app does not have: {unknown}"


def _edit_form(client, page_url: str, post_url: str):
    response = client.get(page_url)
    assert response.status_code == 200, f"{page_url}: {response.status_code}"
    found = [f for f in forms_of(response.get_data(as_text=True), page_url) if f.path == post_url]
    assert found, f"no form posting to {post_url} on {page_url}"
    form = found[0]
    assert form.field("version") is not None, f"the form posting to {post_url} carries no version"
    return form


def _with(form, name: str, value: str) -> list[tuple[str, str]]:
    return [(key, value if key == name else old) for key, old in form.values()]


def _post(client, url, pairs):
    return client.post(url, data=urlencode(pairs), content_type="application/x-www-form-urlencoded")


def _field_to_edit(form, post_endpoint: str) -> str:
    """The first free-text field: the one each editor changes."""
    text_fields = [f for f in form.fields if f.is_text and f.name not in ("csrf_token", "version")]
    assert text_fields, f"{post_endpoint}: no free-text field to edit"
    return text_fields[0].name


@pytest.mark.parametrize("model, post_endpoint, page_endpoint", EDIT_CASES, ids=[f"{m}-{p}" for m, p, _ in EDIT_CASES])
def test_a_stale_edit_is_refused_with_the_current_version(app, client, db, world, model, post_endpoint,
                                                          page_endpoint):
    page_url = concrete_url(app, world, ROUTES[page_endpoint], world.johan_team)
    post_url = concrete_url(app, world, ROUTES[post_endpoint], world.johan_team)
    login(client, db, world.user("karim"))
    other = app.test_client()  # the second editor: a browser of its own (the coordinator may edit everything)
    login(other, db, world.user("karim"))
    first, second = _edit_form(client, page_url, post_url), _edit_form(other, page_url, post_url)
    name = _field_to_edit(first, post_endpoint)
    theirs = f"Eerste versie {uuid.uuid4().hex[:6]}"
    mine = f"Tweede versie {uuid.uuid4().hex[:6]}"

    saved = _post(client, post_url, _with(first, name, theirs))
    assert saved.status_code in (302, 303), f"the first edit should be saved: {saved.status_code}"
    refused = _post(other, post_url, _with(second, name, mine))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409, f"a stale edit answered {refused.status_code}"
    assert "intussen gewijzigd" in html, "the second editor is told why"
    assert theirs in html and mine not in html, "the 409 page shows the version now stored"

    again = _edit_form(client, page_url, post_url)
    assert theirs in repr(again.values()) and mine not in repr(again.values())
    fresh = next(f for f in forms_of(html, post_url) if f.path == post_url)
    retry = _post(other, post_url, _with(fresh, name, mine))
    assert retry.status_code in (302, 303), "on the version shown, the second edit goes through"


# --- the server killed mid-write, fifty times ---------------------------------------------------------------------

KILLS = 50
FULL_KILLS = {17, 34}  # these take the whole server (master and workers) and start it anew; the others one worker


def _logged_in_karim(database: Path, keyring: Path, folder: Path) -> tuple[str, str]:
    """A session row for Karim in the copy: (cookie token, path of the messages of Johan's team)."""
    app = create_app({"database_url": f"sqlite:///{database}", "keyring": str(keyring), "smtp_url": None,
                      "outbox": str(folder / "outbox"), "base_url": "http://zorgteam.test"})
    database_ = app.extensions["zorgteam.db"]
    with database_.session() as session:
        karim = session.scalar(select(User).where(User.email == "karim@zorgteam.example"))
        client = app.test_client()
        login(client, session, karim)
        team_id = session.scalar(select(Member.team_id).where(Member.user_id == karim.id, Member.role != "person"))
    database_.engine.dispose()
    return client.get_cookie("session").value, f"/teams/{team_id}/messages/"


def _check_afterwards(database: Path, keyring: Path, folder: Path, acknowledged: list[str]) -> None:
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    app = create_app({"database_url": f"sqlite:///{database}", "keyring": str(keyring), "smtp_url": None,
                      "outbox": str(folder / "outbox"), "base_url": "http://zorgteam.test"})
    engine = app.extensions["zorgteam.db"].engine
    with app.extensions["zorgteam.db"].session() as session:
        stored = {m.body for m in session.scalars(select(Message))}  # every one decrypts, or this raises
    missing = [body for body in acknowledged if body not in stored]
    assert missing == [], f"{len(missing)} acknowledged writes are gone, e.g. {missing[:3]}"
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["audit", "verify"])
    engine.dispose()
    assert result.exit_code == 0 and "intact" in result.output, result.output


@sqlite_only
def test_fifty_kills_during_writes_lose_no_acknowledged_write(app, database_url, keyring_path, tmp_path):
    folder = tmp_path / "killed"
    database, keyring = copy_database(database_url, keyring_path, folder)
    cookie, path = _logged_in_karim(database, keyring, folder)
    server = Gunicorn(folder, database, keyring)
    server.start()
    status, page = request(server.port, "GET", path, cookie=cookie)
    assert status == 200, page[:500]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    rng, mid_write = random.Random(), 0
    try:
        with Writers(server.port, path, cookie, token) as writers:
            for kill in range(1, KILLS + 1):
                writers.progress(len(writers.acknowledged), server)
                time.sleep(rng.uniform(0, 0.25))  # a random moment while the writers keep posting
                mid_write += writers.in_flight > 0
                if kill in FULL_KILLS:
                    server.kill_everything()
                    server.start()
                else:
                    assert server.kill_a_worker(), "gunicorn did not replace its killed workers"
            writers.progress(len(writers.acknowledged), server)
    finally:
        server.kill_everything()
    assert not [s for s in writers.statuses if s >= 500], f"server errors: {writers.statuses}"
    assert mid_write >= KILLS * 0.8, f"only {mid_write} of {KILLS} kills came while a write was in flight"
    assert writers.interrupted >= 10, "the kills should have cut requests off mid-flight"
    _check_afterwards(database, keyring, folder, writers.acknowledged)
