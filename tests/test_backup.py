"""Backups: `flask backup PATH` copies the SQLite database consistently while the app keeps writing; the copy,
opened by a new app with the same keyring, shows Johan's data and its audit trail verifies; without the
keyring it is unreadable; on PostgreSQL the command refuses and names pg_dump.
"""
from __future__ import annotations

import shutil
import sqlite3
import stat
import threading
import time

import pytest
from sqlalchemy import select

from models import IntegrityFailure, Keyring, Person
from models.audit import verify
from tests.test_crypto import real_login
from tests.test_erasure import run
from tests.test_keys import _app_on, _team_id, assert_shows_johans_data, demo_files  # noqa: F401 (fixture)
from zorgteam import create_app
from zorgteam.backup import BackupRefused, sqlite_path


@pytest.fixture
def running(tmp_path, demo_files):  # noqa: F811
    """A copy of the demo, served by an app, with its keyring."""
    database, keyring = demo_files
    shutil.copy(database, tmp_path / "zorgteam.db")
    Keyring.load(keyring).save(tmp_path / "keys" / "keyring.json")
    app = _app_on(tmp_path, tmp_path / "keys" / "keyring.json")
    yield app
    app.extensions["zorgteam.db"].engine.dispose()


def _restored(folder, copy, keyring):
    """A new app on a restored copy."""
    folder.mkdir()
    shutil.copy(copy, folder / "zorgteam.db")
    return _app_on(folder, keyring)


def test_a_backup_taken_while_the_app_writes_restores_and_reads_back(running, tmp_path):
    client, team_id = real_login(running, "karim"), _team_id(running)
    stop, statuses = threading.Event(), []

    def keep_writing():  # every page view appends to the audit trail
        while not stop.is_set():
            statuses.append(client.get(f"/teams/{team_id}/goals/").status_code)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(statuses) < 2:
            time.sleep(0.01)
        results = [run(running, "backup", str(tmp_path / f"copy{i}.db")) for i in range(3)]
        seen = len(statuses)
        while len(statuses) < seen + 2:  # the app wrote on after the backups
            time.sleep(0.01)
    finally:
        stop.set()
        writer.join()
    assert all(r.exit_code == 0 for r in results), [r.output for r in results]
    assert "keyring" in results[0].output and set(statuses) == {200}
    keyring = running.config["ZORGTEAM"].keyring
    for i in range(3):
        copy = tmp_path / f"copy{i}.db"
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert not (tmp_path / f"copy{i}.db-wal").exists() and not (tmp_path / f"copy{i}.db.partial").exists()
        with sqlite3.connect(copy) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        restored = _restored(tmp_path / f"restored{i}", copy, keyring)
        with restored.extensions["zorgteam.db"].session() as session:
            assert verify(session, Keyring.load(keyring).audit_key) is None  # one consistent moment
            assert {p.full_name for p in session.scalars(select(Person))} == {"Johan Peeters", "Rita Vos"}
    assert_shows_johans_data(restored)  # through the pages, as a user of the restored site


def test_the_copy_is_unreadable_without_its_keyring(running, tmp_path):
    assert run(running, "backup", str(tmp_path / "copy.db")).exit_code == 0
    other = tmp_path / "other" / "keyring.json"
    Keyring.generate().save(other)
    stranger = _restored(tmp_path / "restored", tmp_path / "copy.db", other)
    with stranger.extensions["zorgteam.db"].session() as session:
        johan = session.scalars(select(Person)).first()
        with pytest.raises(IntegrityFailure):
            johan.given_name
    raw = (tmp_path / "copy.db").read_bytes()
    assert b"Johan" not in raw and b"Kerkstraat 12" not in raw


def test_an_existing_file_is_not_overwritten(running, tmp_path):
    target = tmp_path / "copy.db"
    target.write_bytes(b"keep me")
    result = run(running, "backup", str(target))
    assert result.exit_code != 0 and "already exists" in result.output
    assert target.read_bytes() == b"keep me"


def test_on_postgresql_the_command_refuses_and_names_pg_dump(running, tmp_path):
    keyring = running.config["ZORGTEAM"].keyring
    postgres = create_app({"database_url": "postgresql+psycopg://zorgteam@127.0.0.1:1/zorgteam",
                           "keyring": str(keyring), "smtp_url": None, "outbox": str(tmp_path)})
    result = run(postgres, "backup", str(tmp_path / "copy.db"))
    assert result.exit_code != 0 and "pg_dump" in result.output and "pg_restore" in result.output
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "mysql://x@y/z"])
def test_other_databases_are_refused(url):
    with pytest.raises(BackupRefused):
        sqlite_path(url)
