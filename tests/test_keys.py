"""Key rotation: `keys rotate` adds a key-encryption key version and rewraps every data key under it while the
app keeps serving; `--retire` removes an old version only once nothing uses it; `keys rotate-person` moves a
person's values to a new data key in batches that survive an interruption.

The KEK tests run on their own SQLite file and keyring (they change the keyring file); the person tests use
the shared test database in its rolled-back transaction.
"""
from __future__ import annotations

import shutil
import stat
import threading
import time

import pytest
from sqlalchemy import select

from models import DataKey, GoalProfile, IntegrityFailure, Keyring, Member, Person, User, Vault
from models import keys
from models.audit import verify
from models.encrypted import vault_of
from tests.test_crypto import fresh_app, real_login
from tests.test_erasure import _ciphertexts, make_team_like_johan, run
from zorgteam import create_app

JOHANS_DATA = {"": ["Johan Peeters", "Karim El Amrani", "0470 11 22 33"],
               "goals/": ["duivenclub", "kleinkinderen", "Maria"],
               "info/medication/": ["Seretide Diskus 500/50", "Donepezil"],
               "info/condition/": ["Penicilline"]}


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    """The demo on its own SQLite file and keyring, built once; each test works on a copy."""
    app, path = fresh_app(tmp_path_factory.mktemp("demo"))
    app.extensions["zorgteam.db"].engine.dispose()  # checkpoints the WAL into the file
    return path, app.config["ZORGTEAM"].keyring


def _app_on(folder, keyring):
    app = create_app({"database_url": f"sqlite:///{folder / 'zorgteam.db'}", "keyring": str(keyring),
                      "smtp_url": None, "outbox": str(folder / "outbox"), "base_url": "http://zorgteam.test"})
    app.config.update(TESTING=True)
    return app


@pytest.fixture
def site(tmp_path, demo_files):
    """A copy of the demo, served by one app, and a second app on the same files: the operator's command."""
    database, keyring = demo_files
    shutil.copy(database, tmp_path / "zorgteam.db")
    keyring = Keyring.load(keyring)
    keyring.save(tmp_path / "keys" / "keyring.json")
    serving, operator = (_app_on(tmp_path, tmp_path / "keys" / "keyring.json") for _ in range(2))
    yield serving, operator, tmp_path / "keys" / "keyring.json"
    for app in (serving, operator):
        app.extensions["zorgteam.db"].engine.dispose()


def _team_id(app) -> str:
    """Johan's team: the one whose member is the account johan@zorgteam.example."""
    with app.extensions["zorgteam.db"].session() as session:
        return str(session.scalar(select(Member.team_id).join(User, User.id == Member.user_id)
                                  .where(User.email == "johan@zorgteam.example")))


def _versions(app) -> dict[str, int]:
    with app.extensions["zorgteam.db"].session() as session:
        return keys.keys_by_version(session)


def assert_shows_johans_data(app) -> None:
    client = real_login(app, "karim")
    team_id = _team_id(app)
    for path, needles in JOHANS_DATA.items():
        page = client.get(f"/teams/{team_id}/{path}").get_data(as_text=True)
        missing = [n for n in needles if n not in page]
        assert not missing, f"/{path}: {missing}"


# --- rotating the key-encryption key -----------------------------------------------------------------------------

def test_rotate_adds_a_primary_version_and_rewraps_every_data_key(site):
    serving, operator, path = site
    before = _versions(operator)
    assert set(before) == {"k1"}
    result = run(operator, "keys", "rotate")
    assert result.exit_code == 0, result.output
    assert "Rewrapping data keys" in result.output and f"{sum(before.values())} data key(s) rewrapped" in result.output
    keyring = Keyring.load(path)
    assert (keyring.primary, sorted(keyring.keks)) == ("k2", ["k1", "k2"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and not path.with_suffix(".tmp").exists()
    assert _versions(operator) == {"k2": sum(before.values())}  # nothing is wrapped under k1 any more
    vault = serving.extensions["zorgteam.db"].vault
    vault.forget(list(vault._ciphers))  # as a fresh worker: it must unwrap, with a version it did not know
    assert_shows_johans_data(serving)  # the running app, started with k1 only, re-read the keyring
    assert serving.extensions["zorgteam.db"].vault.keyring.primary == "k2"


def test_the_keys_really_are_wrapped_under_the_new_version(site):
    _serving, operator, path = site
    run(operator, "keys", "rotate")
    keyring = Keyring.load(path)
    only_k2 = Vault(Keyring({"k2": keyring.keks["k2"]}, "k2", keyring.blind_index_key, keyring.audit_key, "x"))
    only_k1 = Vault(Keyring({"k1": keyring.keks["k1"]}, "k1", keyring.blind_index_key, keyring.audit_key, "x"))
    with operator.extensions["zorgteam.db"].session() as session:
        data_keys = list(session.scalars(select(DataKey)))
        assert all(len(only_k2.unwrap(key)) == 32 for key in data_keys)
        with pytest.raises(IntegrityFailure):
            only_k1.unwrap(data_keys[0])
        assert verify(session, keyring.audit_key) is None


def test_no_request_fails_while_the_keys_rotate(site):
    """Requests run in a thread against the serving app (which forgets its unwrapped keys before each one, as a
    fresh worker would) while another app instance rotates; afterwards it serves with the new version."""
    serving, operator, _path = site
    client, team_id = real_login(serving, "karim"), _team_id(serving)
    vault = serving.extensions["zorgteam.db"].vault
    statuses, windows, stop = [], [], threading.Event()

    def keep_asking():
        while not stop.is_set():
            vault.forget(list(vault._ciphers))
            started = time.monotonic()
            response = client.get(f"/teams/{team_id}/goals/")
            ok = response.status_code == 200 and "duivenclub" in response.get_data(as_text=True)
            statuses.append(response.status_code if ok else f"{response.status_code} without the goals")
            windows.append((started, time.monotonic()))

    asking = threading.Thread(target=keep_asking)
    asking.start()
    while len(statuses) < 3:
        time.sleep(0.01)
    rotation_started = time.monotonic()
    result = run(operator, "keys", "rotate")
    rotation_ended, seen = time.monotonic(), len(statuses)
    while len(statuses) < seen + 3:
        time.sleep(0.01)
    stop.set()
    asking.join()
    assert result.exit_code == 0, result.output
    assert set(statuses) == {200}, statuses
    assert any(start < rotation_ended and end > rotation_started for start, end in windows)  # overlapped
    assert any(start > rotation_ended for start, _ in windows)  # and went on after it
    assert vault.keyring.primary == "k2" and _versions(serving) == {"k2": sum(_versions(serving).values())}


def test_a_new_data_key_made_by_the_running_app_goes_under_the_new_version(site):
    serving, operator, _path = site
    run(operator, "keys", "rotate")
    database = serving.extensions["zorgteam.db"]
    with database.session() as session, session.begin():
        key = database.vault.new_data_key(Person().ensure_id())
        session.add(key)
    assert key.kek_id == "k2"


def test_retire_refuses_the_primary_and_a_version_still_in_use_then_removes_it(site):
    serving, operator, path = site
    refused = run(operator, "keys", "rotate", "--retire", "k1")
    assert refused.exit_code != 0 and "primary" in refused.output
    run(operator, "keys", "rotate")
    database = operator.extensions["zorgteam.db"]
    vault = Vault(Keyring.load(path))
    with database.session() as session, session.begin():  # one data key left under k1, as a straggler would be
        key = session.scalars(select(DataKey)).first()
        old = vault.wrap(key.id, key.subject_id, vault.unwrap(key), "k1")
        key.kek_id, key.wrapped = old.kek_id, old.wrapped
    in_use = run(operator, "keys", "rotate", "--retire", "k1")
    assert in_use.exit_code != 0 and "still wraps 1 data key" in in_use.output
    assert "k1" in Keyring.load(path).keks
    assert run(operator, "keys", "rotate").exit_code == 0  # k3 rewraps the straggler too
    retired = run(operator, "keys", "rotate", "--retire", "k1")
    assert retired.exit_code == 0, retired.output
    assert sorted(Keyring.load(path).keks) == ["k2", "k3"] and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert run(operator, "keys", "rotate", "--retire", "k9").exit_code != 0
    assert_shows_johans_data(_app_on(path.parent.parent, path))  # a restarted app, without k1


# --- rotating one person's data key ------------------------------------------------------------------------------

def _dek_of(db, person_id):
    return list(db.scalars(select(DataKey.id).where(DataKey.subject_id == person_id)))


def _all_decrypt_under(db, person_id, dek_id) -> int:
    """Every value of the person starts with `dek_id` and decrypts with a vault that has no cached keys."""
    fresh = Vault(vault_of(db).keyring)
    values = _ciphertexts(db, person_id)
    for place, stored in values:
        assert stored[1:17] == dek_id.bytes, place
        fresh.decrypt(db, place, stored)
    return len(values)


def test_rotating_a_person_moves_every_value_and_deletes_the_old_key(database, db, world):
    johan = world.johan_team.person
    [old] = _dek_of(db, johan.id)
    versions = {m.id: m.version for m in db.scalars(select(Member).where(Member.person_id == johan.id))}
    state = keys.rotate_person(database.session, database.vault, johan.id, batch_size=25)
    assert state.finished and state.retired == (old,) and state.moved > 40
    db.expire_all()
    assert _dek_of(db, johan.id) == [state.dek_id]
    assert _all_decrypt_under(db, johan.id, state.dek_id) > 100
    assert {m.id: m.version for m in db.scalars(select(Member).where(Member.person_id == johan.id))} == versions
    assert db.get(Person, johan.id).insz == "47.03.12-123.40"
    rita = world.rita_team.person
    assert rita.given_name == "Rita" and _dek_of(db, rita.id) != [state.dek_id]


def test_a_person_rotation_stopped_halfway_finishes_when_run_again(database, db, world, lena):
    person_id = lena.person_id
    [old] = _dek_of(db, person_id)
    stopped = keys.rotate_person(database.session, database.vault, person_id, batch_size=10, max_rows=30)
    assert not stopped.finished and stopped.moved == 30
    db.expire_all()
    assert sorted(_dek_of(db, person_id)) == sorted([old, stopped.dek_id])  # both, while values move
    assert db.get(Person, person_id).given_name == "Lena"  # half-moved data reads fine meanwhile
    resumed = keys.rotate_person(database.session, database.vault, person_id, batch_size=10)
    assert resumed.finished and resumed.dek_id == stopped.dek_id and resumed.retired == (old,)
    db.expire_all()
    assert _all_decrypt_under(db, person_id, resumed.dek_id) > 100
    assert _dek_of(db, person_id) == [resumed.dek_id]


def test_a_person_rotation_killed_inside_a_batch_loses_nothing(database, db, world, lena, monkeypatch):
    person_id = lena.person_id
    real_encrypt, calls = Vault.encrypt, []

    def dying(self, session, place, plaintext):
        calls.append(place)
        if len(calls) == 45:  # in the fifth batch of ten rows
            raise KeyboardInterrupt("killed")
        return real_encrypt(self, session, place, plaintext)

    monkeypatch.setattr(Vault, "encrypt", dying)
    with pytest.raises(KeyboardInterrupt):
        keys.rotate_person(database.session, database.vault, person_id, batch_size=10)
    monkeypatch.setattr(Vault, "encrypt", real_encrypt)
    db.expire_all()
    assert len(_dek_of(db, person_id)) == 2
    state = keys.rotate_person(database.session, database.vault, person_id, batch_size=10)
    assert state.finished
    db.expire_all()
    assert _all_decrypt_under(db, person_id, state.dek_id) > 100
    assert db.get(GoalProfile, db.scalar(select(GoalProfile.id).where(GoalProfile.person_id == person_id))).good_day


def test_the_old_key_is_kept_while_a_value_still_uses_it(database, db, world):
    johan = world.johan_team.person
    stopped = keys.rotate_person(database.session, database.vault, johan.id, batch_size=5, max_rows=5)
    with database.session() as session, session.begin():
        with pytest.raises(keys.KeyRefused):
            keys.finish_person_rotation(session, database.vault, johan.id, stopped.dek_id)
    db.expire_all()
    assert len(_dek_of(db, johan.id)) == 2


def test_the_command_rotates_a_person_and_the_app_still_shows_their_data(app, login_as, db, world):
    team_id, johan_id = world.johan_team.id, world.johan_team.person.id
    result = run(app, "keys", "rotate-person", str(team_id), "--batch-size", "50")
    assert result.exit_code == 0, result.output
    assert "row(s) re-encrypted" in result.output and "1 old data key(s) deleted" in result.output
    db.expire_all()
    [dek] = _dek_of(db, johan_id)
    assert _all_decrypt_under(db, johan_id, dek) > 100
    page = login_as("karim").get(f"/teams/{team_id}/goals/").get_data(as_text=True)
    assert "duivenclub" in page
    assert run(app, "audit", "verify").exit_code == 0
    assert run(app, "keys", "rotate-person", "00000000-0000-4000-8000-000000000000").exit_code != 0


def test_every_person_table_is_rotated():
    """The rotation finds a person's values through `person_tables`; pin the tables it knows."""
    names = {entry.table.name for entry in keys.person_tables()}
    assert {"persons", "members", "life_goals", "care_goals", "goal_evaluations", "info_items", "messages",
            "consent_events", "meetings", "agreements", "goal_profiles", "health_scorings"} <= names
    assert "users" not in names


@pytest.fixture
def lena(db, world):
    return make_team_like_johan(db, world)
