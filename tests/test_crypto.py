"""Field-level encryption: no plaintext on disk, values bound to their place, fresh nonces, tamper refusal,
the stored format pinned by a known-answer vector, the database CHECK, the INSZ blind index, and the keyring
checks at start-up.

The on-disk tests run on their own SQLite file (migrated, demo loaded, used through real requests) so that they
can read the database file and its WAL as an attacker with a copy of the disk would.
"""
from __future__ import annotations

import csv
import os
import re
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic import command
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Uuid, bindparam, select, text, update
from sqlalchemy.exc import IntegrityError

import config
from models import IntegrityFailure, Keyring, KeyringError, Member, Person, User, Vault, demo, demo_socialmap
from models.crypto import PENDING, Place
from models.encrypted import vault_of
from models.people import find_by_insz
from tests.conftest import PASSWORD, csrf_token
from zorgteam import create_app
from zorgteam.cli import alembic_config
from zorgteam.keys import init_development_keyring

# --- plaintext on disk ----------------------------------------------------------------------------------------

# The street with the number, not the town alone: the public social map names every town it serves.
PERSON_STRINGS = ["Johan", "Peeters", "Kerkstraat 12", "47031212340", "47.03.12-123.40", "1947-03-12",
                  "Rita", "Vos", "Molenstraat", "Mol", "38060221481", "38.06.02-214.81", "1938-06-02",
                  "014 31 00 01", "Hanne Verheust", "Wit-Gele Kruis Mol", "0499 10 20 30", "Werkdagen 7-15 uur.",
                  "COPD", "duivenclub", "weekdoos", "kortademig", "kleinkinderen"]  # the demo's goals
# Every member's name (also the account's display name), organisation, phone, reachability and relation; but not
# an organisation's name that the public social map lists (Tom's home nursing): the map is public by design, what
# is encrypted is that this member, of this person's team, works there.
DIRECTORY = {row["name"] for row in csv.DictReader(demo_socialmap.SAMPLE.open(encoding="utf-8"))}
SENSITIVE = sorted({s for row in demo.JOHAN_TEAM for s in (row[1], row[4], row[5], row[6], row[8]) if s}
                   - DIRECTORY | set(PERSON_STRINGS))
CLEAR_BY_DESIGN = "karim@zorgteam.example"  # account e-mail addresses stay clear (SECURITY.md)


def plaintext_in(raw: bytes) -> list[str]:
    """The sensitive strings found in `raw`, in UTF-8 or UTF-16. Three-letter strings ("Vos", "Mol") are
    only looked for in UTF-16: three given bytes turn up by chance in a few hundred kB of ciphertext and MACs."""
    found = []
    for needle in SENSITIVE:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            if (encoding != "utf-8" or len(needle) >= 4) and needle.encode(encoding) in raw:
                found.append(f"{needle!r} in {encoding}")
    return found


def fresh_app(folder: Path):
    """An app on a new SQLite file in `folder`/db (keyring in `folder`/keys), migrated, with the demo."""
    (folder / "db").mkdir(parents=True)
    keyring = folder / "keys" / "keyring.json"
    Keyring.generate().save(keyring)
    path = folder / "db" / "zorgteam.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic_config(url), "head")
    app = create_app({"database_url": url, "keyring": str(keyring), "smtp_url": None, "production": False,
                      "outbox": str(folder / "outbox"), "base_url": "http://zorgteam.test"})
    app.config.update(TESTING=True)
    database = app.extensions["zorgteam.db"]
    with database.session() as session, session.begin():
        demo.load(session)
    return app, path


def files_of(path: Path) -> dict[str, bytes]:
    """The database file and, when they exist, its -wal and -shm files."""
    return {p.name: p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()}


def real_login(app, key: str):
    """A client logged in as demo user `key` through the login form, CSRF token and all."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": f"{key}@zorgteam.example", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302, f"login of {key} failed"
    return client


def use_as(app, key: str) -> None:
    """Log in, open every team's overview, members, person and access-log pages, log out."""
    client = real_login(app, key)
    page = client.get("/teams/").get_data(as_text=True)
    team_ids = set(re.findall(r"/teams/([0-9a-f-]{36})/", page))
    assert team_ids
    for team_id in team_ids:
        assert client.get(f"/teams/{team_id}/").status_code == 200
        assert client.get(f"/teams/{team_id}/members/").status_code == 200
        client.get(f"/teams/{team_id}/person")
        client.get(f"/teams/{team_id}/access-log/")
    logout = client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert logout.status_code == 302


@pytest.fixture(scope="module")
def used_database(tmp_path_factory):
    """Demo loaded and used by five accounts; the files as they are with the engine open, then after it closed."""
    app, path = fresh_app(tmp_path_factory.mktemp("disk"))
    for key in ("karim", "tom", "maria", "johan", "hanne"):
        use_as(app, key)
    while_open = files_of(path)
    app.extensions["zorgteam.db"].engine.dispose()
    return {"app": app, "path": path, "open": while_open, "closed": files_of(path)}


def test_the_wal_holds_no_plaintext_while_the_app_runs(used_database):
    files = used_database["open"]
    wal = files.get("zorgteam.db-wal", b"")
    assert CLEAR_BY_DESIGN.encode() in wal, "the demo should still be in the un-checkpointed WAL"
    for name, raw in files.items():
        assert plaintext_in(raw) == [], name


def test_the_database_file_holds_no_plaintext_after_the_app_closed(used_database):
    files = used_database["closed"]
    assert CLEAR_BY_DESIGN.encode() in files["zorgteam.db"], "the checkpoint should have moved the data here"
    for name, raw in files.items():
        assert plaintext_in(raw) == [], name


def test_changes_through_the_forms_leave_no_plaintext(used_database):
    folder = used_database["path"].parent.parent
    app = create_app({"database_url": f"sqlite:///{used_database['path']}", "production": False, "smtp_url": None,
                      "keyring": str(folder / "keys" / "keyring.json"), "outbox": str(folder / "outbox")})
    app.config.update(TESTING=True)
    database = app.extensions["zorgteam.db"]
    with database.session() as session:
        lotte = session.scalar(select(Member).join(User, User.id == Member.user_id)
                               .where(User.email == "lotte@zorgteam.example"))
    client = real_login(app, "karim")
    members_url = f"/teams/{lotte.team_id}/members/"
    token = csrf_token(client.get(members_url).get_data(as_text=True))
    added = client.post(f"{members_url}new", data={"csrf_token": token, "name": "Wim Peeters", "discipline": "",
                                                   "role": "informal_carer", "phone": "0477 00 11 22"})
    ended = client.post(f"{members_url}{lotte.id}/end", data={"csrf_token": token, "confirm": "yes"})
    assert added.status_code == ended.status_code == 302
    assert client.get(members_url).status_code == 200  # shows (and removes) the flash messages
    found = {name: plaintext_in(raw) for name, raw in files_of(used_database["path"]).items()}
    database.engine.dispose()
    assert all(v == [] for v in found.values()), found


# --- values bound to their place ------------------------------------------------------------------------------

def _copy(db, model, column: str, source_id, target_id) -> None:
    """Copy the stored bytes of `column` from one row to another, behind the model's back (raw SQL)."""
    table = model.__table__
    value = db.execute(select(table.c[column]).where(table.c.id == source_id)).scalar_one()
    db.execute(update(table).where(table.c.id == target_id).values({column: value}))
    db.expire_all()


def test_a_value_copied_to_another_person_fails_and_is_logged(db, world, caplog):
    johan, rita = world.johan_team.person, world.rita_team.person
    assert rita.given_name == "Rita"
    _copy(db, Person, "given_name", johan.id, rita.id)
    with pytest.raises(IntegrityFailure) as failure:
        db.get(Person, rita.id).given_name
    assert str(failure.value) == str(IntegrityFailure())  # the one generic answer
    assert any(r.levelname == "ERROR" and r.name == "models.crypto" for r in caplog.records)


def test_a_value_copied_to_another_column_of_the_row_fails(db, world):
    johan_id = world.johan_team.person.id
    table = Person.__table__
    db.execute(update(table).where(table.c.id == johan_id).values(family_name=table.c.given_name))
    db.expire_all()
    johan = db.get(Person, johan_id)
    assert johan.given_name == "Johan"
    with pytest.raises(IntegrityFailure):
        johan.family_name


def test_a_member_value_copied_to_another_member_fails(db, world):
    karim, tom = world.member("karim"), world.member("tom")
    hanne = world.member("hanne", world.rita_team)
    _copy(db, Member, "phone", karim.id, tom.id)  # same table, same person, other row
    _copy(db, Member, "reachability", karim.id, hanne.id)  # another person's team
    assert db.get(Member, karim.id).phone == "0470 11 22 33"
    with pytest.raises(IntegrityFailure):
        db.get(Member, tom.id).phone
    with pytest.raises(IntegrityFailure):
        db.get(Member, hanne.id).reachability


def test_ten_thousand_encryptions_of_one_value_at_one_place_all_differ(db, world):
    johan = world.johan_team.person
    place, vault = Place("persons", "given_name", johan.id, johan.id), vault_of(db)
    values = [vault.encrypt(db, place, b"Johan") for _ in range(10_000)]
    assert len(set(values)) == 10_000
    assert len({v[17:29] for v in values}) == 10_000  # the nonces
    assert all(vault.decrypt(db, place, v) == b"Johan" for v in values)


# 0: version byte, 1-16: data key id, 17-28: nonce, 29-33: ciphertext of "Johan", 34-49: tag
@pytest.mark.parametrize("position", [0, 1, 8, 16, 17, 22, 28, 29, 31, 33, 34, 40, 49])
@pytest.mark.parametrize("bit", [0, 7])
def test_a_flipped_bit_anywhere_is_refused(db, world, position, bit):
    johan = world.johan_team.person
    stored = johan._given_name
    assert len(stored) == 50
    place, vault = Place("persons", "given_name", johan.id, johan.id), vault_of(db)
    assert vault.decrypt(db, place, stored) == b"Johan"
    flipped = bytearray(stored)
    flipped[position] ^= 1 << bit
    with pytest.raises(IntegrityFailure):
        vault.decrypt(db, place, bytes(flipped))


def test_a_flipped_bit_in_the_database_is_refused_on_read(db, world):
    johan_id = world.johan_team.person.id
    stored = bytearray(world.johan_team.person._insz)
    stored[-1] ^= 0x80
    db.execute(update(Person.__table__).where(Person.__table__.c.id == johan_id).values(insz=bytes(stored)))
    db.expire_all()
    with pytest.raises(IntegrityFailure):
        db.get(Person, johan_id).insz


def test_a_truncated_value_is_refused(db, world):
    johan = world.johan_team.person
    place = Place("persons", "given_name", johan.id, johan.id)
    for length in (0, 1, 17, 29, 44, 49):
        with pytest.raises(IntegrityFailure):
            vault_of(db).decrypt(db, place, johan._given_name[:length])


# --- the stored format, pinned --------------------------------------------------------------------------------

KAT_KEK, KAT_DEK = bytes(range(32)), bytes(range(32, 64))
KAT_DEK_ID = uuid.UUID("0000d0e1-0000-4000-8000-000000000001")
KAT_ROW = uuid.UUID("00000e55-0000-4000-8000-000000000002")
KAT_SUBJECT = uuid.UUID("00000e55-0000-4000-8000-000000000003")
KAT_NONCE = bytes.fromhex("cafebabefacedbaddecaf888")
# 01 | data key id | nonce | AES-256-GCM("Johan") | tag; computed once by hand (see the next test)
KAT_STORED = ("01" "0000d0e1000040008000000000000001" "cafebabefacedbaddecaf888"
              "cd908e1616" "255924b60c522a0323ebcfabf550af72")


def test_the_known_answer_is_the_documented_layout():
    """version byte 0x01 | 16-byte data key id | 12-byte nonce | ciphertext + 16-byte tag, with associated data
    table | column | row id | subject id | data key id, each part behind a 4-byte big-endian length."""
    parts = [b"persons", b"given_name", str(KAT_ROW).encode(), str(KAT_SUBJECT).encode(), str(KAT_DEK_ID).encode()]
    aad = b"".join(len(p).to_bytes(4, "big") + p for p in parts)
    sealed = AESGCM(KAT_DEK).encrypt(KAT_NONCE, b"Johan", aad)
    assert (b"\x01" + KAT_DEK_ID.bytes + KAT_NONCE + sealed).hex() == KAT_STORED


def test_the_vault_writes_the_known_answer(db, monkeypatch):
    vault = Vault(Keyring({"k1": KAT_KEK}, "k1", bytes(32), bytes(32), "x"))
    db.add(vault.wrap(KAT_DEK_ID, KAT_SUBJECT, KAT_DEK))  # the subject's only data key, with a fixed value
    db.flush()
    fresh = Vault(vault.keyring)  # no cached keys: it must find and unwrap the stored one
    place = Place("persons", "given_name", KAT_ROW, KAT_SUBJECT)
    with monkeypatch.context() as patch:
        patch.setattr("models.crypto.os.urandom", lambda n: KAT_NONCE[:n] if n == 12 else pytest.fail("urandom"))
        stored = fresh.encrypt(db, place, b"Johan")
    assert stored.hex() == KAT_STORED
    assert Vault(vault.keyring).decrypt(db, place, bytes.fromhex(KAT_STORED)) == b"Johan"


# --- the database CHECK ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("model, column, value", [
    (Person, "given_name", b"Johan"), (Person, "insz", b"47031212340"), (Member, "phone", b"0470 11 22 33"),
    (User, "name", b"Karim El Amrani"), (Person, "family_name", PENDING)])
def test_the_database_refuses_plaintext_in_an_encrypted_column(db, world, model, column, value):
    row_id = {Person: world.johan_team.person.id, Member: world.member("karim").id,
              User: world.user("karim").id}[model]
    table = model.__table__
    with pytest.raises(IntegrityError):
        with db.begin_nested():
            db.execute(update(table).where(table.c.id == row_id).values({column: value}))
    with db.begin_nested() as savepoint:  # control: a value that starts with the version byte passes the CHECK
        db.execute(update(table).where(table.c.id == row_id).values({column: b"\x01" + value}))
        savepoint.rollback()
    assert db.execute(select(table.c[column]).where(table.c.id == row_id)).scalar_one()[:1] == b"\x01"


def test_the_database_refuses_a_plaintext_string_in_raw_sql(db, world):
    statement = text("UPDATE persons SET address = 'Kerkstraat 12, 2440 Geel' WHERE id = :id")
    with pytest.raises(IntegrityError):
        with db.begin_nested():
            db.execute(statement.bindparams(bindparam("id", world.johan_team.person.id, type_=Uuid())))
    assert db.get(Person, world.johan_team.person.id).address["street"] == "Kerkstraat 12"


# --- the blind index ------------------------------------------------------------------------------------------

def test_the_blind_index_finds_a_person_by_insz(db, world):
    johan, rita = world.johan_team.person, world.rita_team.person
    assert find_by_insz(db, "47.03.12-123.40").id == johan.id
    assert find_by_insz(db, "47031212340").id == johan.id
    assert find_by_insz(db, "38.06.02-214.81").id == rita.id
    assert find_by_insz(db, "47.03.12-123.41") is None


def test_the_stored_index_is_not_the_insz(db, world):
    johan, rita = world.johan_team.person, world.rita_team.person
    for person, digits in ((johan, "47031212340"), (rita, "38060221481")):
        index = db.execute(select(Person.__table__.c.insz_index).where(Person.__table__.c.id == person.id)).scalar()
        assert len(index) == 16
        assert digits.encode() not in index and index != digits.encode()
        assert digits.encode() not in person._insz
    assert johan.insz_index != rita.insz_index


# --- the keyring ----------------------------------------------------------------------------------------------

def _start(folder: Path, keyring: Path, production: bool = False):
    return create_app({"database_url": f"sqlite:///{folder / 'db' / 'zorgteam.db'}", "keyring": str(keyring),
                       "production": production, "smtp_url": None, "outbox": str(folder / "outbox")})


def test_the_app_refuses_to_start_without_a_keyring(tmp_path):
    with pytest.raises(KeyringError):
        _start(tmp_path, tmp_path / "keys" / "missing.json")


@pytest.mark.parametrize("mode", [0o640, 0o644, 0o604], ids=oct)
def test_the_app_refuses_a_keyring_others_can_read(tmp_path, mode):
    keyring = tmp_path / "keys" / "keyring.json"
    Keyring.generate().save(keyring)
    assert _start(tmp_path, keyring) is not None  # control: 0600 starts
    keyring.chmod(mode)
    with pytest.raises(KeyringError):
        _start(tmp_path, keyring)


def test_in_production_the_keyring_must_not_sit_beside_the_database(tmp_path):
    beside, elsewhere = tmp_path / "db" / "keyring.json", tmp_path / "keys" / "keyring.json"
    for path in (beside, elsewhere):
        Keyring.generate().save(path)
    assert _start(tmp_path, elsewhere, production=True) is not None
    assert _start(tmp_path, beside, production=False) is not None  # allowed in development
    with pytest.raises(KeyringError):
        _start(tmp_path, beside, production=True)


def test_init_creates_a_keyring_only_its_owner_can_read(tmp_path, monkeypatch):
    path = tmp_path / "new" / "keyring.json"
    monkeypatch.setenv("ZORGTEAM_KEYRING", str(path))
    assert init_development_keyring() is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_bytes()
    assert init_development_keyring() is False and path.read_bytes() == before  # never overwrites
    assert Keyring.load(path).primary in Keyring.load(path).keks


def test_python_m_zorgteam_keys_init_creates_a_0600_keyring(tmp_path):
    path = tmp_path / "cli" / "keyring.json"
    env = {**os.environ, "ZORGTEAM_KEYRING": str(path)}
    subprocess.run([sys.executable, "-m", "zorgteam.keys", "init"], cwd=config.ROOT, env=env, check=True,
                   capture_output=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    Keyring.load(path)
