"""The audit trail: every change and every read of the person's data is logged, without health content; the chain
is append-only and `flask audit verify` names the first edited, deleted or reordered entry; the access-log page
shows the person and their representative who viewed what, and is itself logged.

Tampering needs the append-only triggers gone, so it happens only on throwaway copies of a separate SQLite file.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from alembic import command
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError

import config
from models import AuditEvent, Keyring, Member, User, demo
from models.audit import record, verify
from models.encrypted import vault_of
from tests.conftest import login
from zorgteam import create_app
from zorgteam.audit import PAGE
from zorgteam.cli import alembic_config


def _url(team, path=""):
    return f"/teams/{team.id}/{path}"


def _events_after(db, seq: int) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq)))


def _last_seq(db) -> int:
    return db.scalar(select(func.max(AuditEvent.seq))) or 0


# --- what is logged -------------------------------------------------------------------------------------------

def test_adding_a_member_through_the_form_is_logged(login_as, world, db):
    team, karim = world.johan_team, world.user("karim")
    before = _last_seq(db)
    response = login_as("karim").post(_url(team, "members/new"), data={
        "name": "Wim Peeters", "role": "informal_carer", "relation": "zoon", "discipline": ""})
    assert response.status_code == 302
    added = [m for m in db.scalars(select(Member).where(Member.team_id == team.id)) if m.name == "Wim Peeters"][0]
    [event] = [e for e in _events_after(db, before) if e.action == "create"]
    assert (event.actor_id, event.actor_role, event.object_type, event.object_id) == (
        karim.id, "professional", "members", str(added.id))
    assert (event.team_id, event.person_id, event.outcome) == (team.id, team.person_id, "ok")
    assert event.ip == "127.0.0.1" and event.request_id


@pytest.mark.parametrize("change, action", [("edit", "update"), ("end", "delete")])
def test_changing_or_ending_a_membership_is_logged(login_as, world, db, change, action):
    jef = world.member("jef")
    before = _last_seq(db)
    data = {"name": "Jef Claes", "role": "volunteer", "discipline": "", "version": str(jef.version),
            "confirm": "yes"}  # ending a membership asks first: this is the confirmed answer
    client = login_as("karim")
    assert client.post(_url(world.johan_team, f"members/{jef.id}/{change}"), data=data).status_code == 302
    events = [(e.action, e.object_id, e.actor_id) for e in _events_after(db, before)]
    assert (action, str(jef.id), world.user("karim").id) in events


def test_opening_the_overview_and_the_members_is_logged_as_reads(login_as, world, db):
    team, tom = world.johan_team, world.user("tom")
    before = _last_seq(db)
    client = login_as("tom")
    assert client.get(_url(team)).status_code == 200
    assert client.get(_url(team, "members/")).status_code == 200
    reads = [(e.action, e.actor_id, e.category, e.object_type, e.object_id, e.person_id)
             for e in _events_after(db, before)]
    assert reads == [("read", tom.id, "overview", "persons", str(team.person_id), team.person_id),
                     ("read", tom.id, "condition", None, None, team.person_id),  # the allergies on the overview
                     ("read", tom.id, "members-list", None, None, team.person_id)]


def test_opening_the_persons_record_is_logged(login_as, world, db):
    before = _last_seq(db)
    assert login_as("karim").get(_url(world.johan_team, "person")).status_code == 200
    assert [e.action for e in _events_after(db, before)] == ["read"]


def test_a_refused_access_is_logged(login_as, world, db):
    before = _last_seq(db)
    assert login_as("tom").get(_url(world.johan_team, "access-log/")).status_code == 403
    [event] = _events_after(db, before)
    assert (event.action, event.outcome, event.actor_id) == ("denied", "denied", world.user("tom").id)


SENSITIVE = ["Johan", "Peeters", "Kerkstraat", "Geel", "47031212340", "47.03.12", "1947-03-12", "Rita Vos",
             "Molenstraat", "0470 11 22 33", "014 58 12 34", "COPD", "zuurstof", "Wim", "0477 00 11 22",
             "ziekenfonds", "Thuis, best in de voormiddag", "echtgenote", "dochter", "duivenclub", "weekdoos"]


def test_no_audit_row_holds_health_content(login_as, world, db):
    team = world.johan_team
    karim = login_as("karim")
    karim.post(_url(team, "members/new"), data={
        "name": "Wim Peeters", "role": "informal_carer", "relation": "zoon", "phone": "0477 00 11 22",
        "reachability": "Niet tijdens de COPD-controle of als de zuurstof geleverd wordt", "discipline": ""})
    karim.get("/teams/?q=Peeters")
    karim.get(_url(team, "person"))
    for key in ("tom", "maria", "johan"):
        client = login_as(key)
        client.get(_url(team))
        client.get(_url(team, "members/"))
        client.get(_url(team, "access-log/"))
    table = AuditEvent.__table__
    rows = db.execute(select(table)).all()
    assert len(rows) > 20 and any(r.action == "search" for r in rows)
    found = [(row.seq, column, needle) for row in rows for column, value in row._mapping.items()
             for needle in SENSITIVE if value is not None and (
                 needle.encode() in value if isinstance(value, bytes) else needle.lower() in str(value).lower())]
    assert found == []


# --- append-only, and the chain -------------------------------------------------------------------------------

@pytest.mark.parametrize("statement", ["update", "delete"])
def test_the_database_refuses_to_change_an_audit_row(db, statement):
    table = AuditEvent.__table__
    query = update(table).values(action="read") if statement == "update" else table.delete()
    with pytest.raises(DBAPIError, match="append-only"):
        with db.begin_nested():
            db.execute(query.where(table.c.seq == 1))
    assert db.get(AuditEvent, 1) is not None


def test_the_chain_of_the_test_database_holds_after_requests(login_as, world, db):
    login_as("tom").get(_url(world.johan_team))
    assert _last_seq(db) > 16
    assert verify(db, vault_of(db).keyring.audit_key) is None
    assert verify(db, b"another key, or a forged chain") == 1


@pytest.fixture(scope="module")
def chain_template(tmp_path_factory):
    """A separate SQLite file with the demo and a few requests, closed (checkpointed) so that it can be copied."""
    folder = tmp_path_factory.mktemp("audit")
    keyring = folder / "keys" / "keyring.json"
    Keyring.generate().save(keyring)
    path = folder / "db" / "template.db"
    path.parent.mkdir()
    command.upgrade(alembic_config(f"sqlite:///{path}"), "head")
    app = _app(path, keyring)
    database = app.extensions["zorgteam.db"]
    with database.session() as session, session.begin():
        demo.load(session)
    client = app.test_client()
    for key in ("karim", "tom", "maria", "johan"):
        with database.session() as session:
            user = session.scalar(select(User).where(User.email == f"{key}@zorgteam.example"))
            team_id = session.scalar(select(Member.team_id).where(Member.user_id == user.id))
            login(client, session, user)
        assert client.get(f"/teams/{team_id}/").status_code == 200
    database.engine.dispose()
    return path, keyring


def _app(path, keyring):
    app = create_app({"database_url": f"sqlite:///{path}", "keyring": str(keyring), "smtp_url": None,
                      "production": False, "outbox": str(path.parent / "outbox")})
    app.config.update(TESTING=True)
    return app


@pytest.fixture
def chain(chain_template, tmp_path):
    """A throwaway copy of the template: tamper with it at will."""
    template, keyring = chain_template
    path = tmp_path / "zorgteam.db"
    shutil.copyfile(template, path)
    app = _app(path, keyring)
    yield app
    app.extensions["zorgteam.db"].engine.dispose()


DISABLE_TRIGGERS = {  # the names of migrations/versions/0001_foundation.py
    "sqlite": ["DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"],
    "postgresql": ["ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change"],
}


def tamper(app, *statements: str) -> None:
    """Run `statements` on audit_events with the append-only triggers out of the way (committed)."""
    engine = app.extensions["zorgteam.db"].engine
    with engine.begin() as connection:
        for statement in DISABLE_TRIGGERS[engine.dialect.name] + list(statements):
            connection.exec_driver_sql(statement)


def run_verify(app):
    """`flask audit verify` through the test runner (which, unlike `flask`, pushes no app context itself)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def _length(app) -> int:
    with app.extensions["zorgteam.db"].session() as session:
        return _last_seq(session)


def test_verify_passes_on_the_intact_chain(chain):
    assert _length(chain) > 20
    assert run_verify(chain) == (0, "Audit trail intact.\n")


def test_verify_names_a_row_edited_by_hand(chain):
    k = _length(chain) // 2
    tamper(chain, f"UPDATE audit_events SET ip = '10.0.0.66' WHERE seq = {k}")
    assert run_verify(chain) == (1, f"Audit trail broken at entry {k}.\n")


def test_the_flask_command_fails_on_a_broken_chain(chain):
    settings = chain.config["ZORGTEAM"]
    tamper(chain, "UPDATE audit_events SET actor_role = 'person' WHERE seq = 3")
    env = {**os.environ, "DATABASE_URL": settings.database_url, "ZORGTEAM_KEYRING": str(settings.keyring)}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "audit", "verify"], cwd=config.ROOT,
                          env=env, capture_output=True, text=True)
    assert (done.returncode, done.stderr.strip().splitlines()[-1]) == (1, "Audit trail broken at entry 3.")


def test_verify_names_the_first_of_several_edits(chain):
    k = _length(chain) // 2
    tamper(chain, f"UPDATE audit_events SET action = 'read' WHERE seq = {k + 3}",
           f"UPDATE audit_events SET outcome = 'denied' WHERE seq = {k}")
    assert run_verify(chain) == (1, f"Audit trail broken at entry {k}.\n")


def test_verify_names_a_deleted_row(chain):
    k = _length(chain) // 2
    tamper(chain, f"DELETE FROM audit_events WHERE seq = {k}")
    assert run_verify(chain) == (1, f"Audit trail broken at entry {k}.\n")


def test_verify_notices_the_last_row_deleted(chain):
    n = _length(chain)
    tamper(chain, f"DELETE FROM audit_events WHERE seq = {n}")
    assert run_verify(chain) == (1, f"Audit trail broken at entry {n}.\n")


def test_verify_names_two_rows_reordered(chain):
    k = _length(chain) // 2
    tamper(chain, f"UPDATE audit_events SET seq = -1 WHERE seq = {k}",
           f"UPDATE audit_events SET seq = {k} WHERE seq = {k + 1}",
           f"UPDATE audit_events SET seq = {k + 1} WHERE seq = -1")
    assert run_verify(chain) == (1, f"Audit trail broken at entry {k}.\n")


# --- the access-log page --------------------------------------------------------------------------------------

@pytest.mark.parametrize("key, status", [("karim", 200), ("maria", 200), ("johan", 200), ("tom", 403),
                                         ("hanne", 404)])
def test_who_may_read_the_access_log(login_as, world, key, status):
    assert login_as(key).get(_url(world.johan_team, "access-log/")).status_code == status


def test_the_access_log_says_in_plain_words_who_viewed_what(login_as, world, db):
    team = world.johan_team
    login_as("tom").get(_url(team))
    login_as("hanne").get(_url(world.rita_team))
    page = login_as("johan").get(_url(team, "access-log/")).get_data(as_text=True)
    assert "Tom Wouters (thuisverpleegkundige) bekeek het overzicht van het zorgteam" in page
    entries = page.split('<ol class="list log"')[1].split("</ol>")[0].count("<li>")
    events = db.scalar(select(func.count()).where(AuditEvent.team_id == team.id))  # this read too
    assert entries == min(events, PAGE)
    assert "Zorgteam (automatisch) bekeek" not in page  # Hanne's read of Rita's team stays out


def test_reading_the_access_log_is_itself_logged(login_as, world, db):
    team = world.johan_team
    before = _last_seq(db)
    client = login_as("maria")
    client.get(_url(team, "access-log/"))
    [event] = _events_after(db, before)
    assert (event.action, event.category, event.actor_id, event.team_id) == (
        "read", "access-log", world.user("maria").id, team.id)
    page = client.get(_url(team, "access-log/")).get_data(as_text=True)
    assert "Maria Peeters (mantelzorger) bekeek wie de gegevens bekeek" in page


def test_an_outsiders_attempt_is_logged_and_shown_to_the_person(login_as, world, db):
    before = _last_seq(db)
    assert login_as("hanne").get(_url(world.johan_team, "goals/")).status_code == 404
    [event] = _events_after(db, before)
    assert (event.action, event.outcome, event.team_id) == ("denied", "denied", world.johan_team.id)
    page = login_as("johan").get(_url(world.johan_team, "access-log/")).get_data(as_text=True)
    assert "Iemand buiten het zorgteam kreeg geen toegang tot een pagina van het zorgteam" in page


def test_an_unknown_team_id_leaves_no_trace(login_as, world, db):
    before = _last_seq(db)
    assert login_as("hanne").get("/teams/00000000-0000-4000-8000-000000000000/").status_code == 404
    assert _events_after(db, before) == []


def test_a_refusal_and_a_hand_over_read_in_plain_words(login_as, world, db):
    login_as("tom").get(_url(world.johan_team, "access-log/"))
    login_as("karim").post(_url(world.johan_team, "designations"),
                           data={"kind": "trusted_person", "member_id": str(world.member("maria").id)})
    page = login_as("maria").get(_url(world.johan_team, "access-log/")).get_data(as_text=True)
    assert "Tom Wouters (thuisverpleegkundige) kreeg geen toegang tot wie de gegevens bekeek" in page
    assert "Karim El Amrani (maatschappelijk werker) droeg een rol over: vertrouwenspersoon" in page


def test_older_entries_of_the_access_log_are_a_page_further(login_as, world, db):
    client = login_as("johan")
    for _ in range(PAGE + 5):
        record(db, world.member("tom"), "read", team=world.johan_team, category="medication")
    db.commit()
    first = client.get(_url(world.johan_team, "access-log/")).get_data(as_text=True)
    link = re.search(r'href="([^"]*access-log/\?before=(\d+))"', first)
    assert link, "no link to older entries"
    older = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    count = older.split('<ol class="list log"')[1].split("</ol>")[0].count("<li>")
    total = db.scalar(select(func.count()).where(AuditEvent.team_id == world.johan_team.id))
    assert count == min(PAGE, total - PAGE - 1)  # the second page's own read is newer than the first page
    assert "Naar de nieuwste" in older


@pytest.mark.parametrize("marker", ["abc", "²", "9" * 40])  # "²" is a digit to isdigit; 40 nines overflow a bigint
def test_a_bad_page_marker_shows_the_newest(login_as, world, marker):
    page = login_as("johan").get(_url(world.johan_team, f"access-log/?before={marker}"))
    assert page.status_code == 200 and "Naar de nieuwste" not in page.get_data(as_text=True)
