"""Decrypting many values together (`Vault.batch`, `decrypt_rows`): the same plaintexts as one value at a time, the
same associated data bytes, and the same refusals: a value moved to another row, column or person still fails,
in the batch too, with the one generic error, logged.
"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from models import IntegrityFailure, Keyring, Meeting, Person, Vault
from models.crypto import Place, associated_data, place_data, row_data
from models.encrypted import TEXT, decrypt_rows, vault_of
from models.people import names_of
from tests.test_crypto import KAT_DEK, KAT_DEK_ID, KAT_KEK, KAT_ROW, KAT_STORED, KAT_SUBJECT

NAME_COLUMNS = ("given_name", "family_name", "phone")


def _person_rows(db):
    return db.execute(select(Person.id, Person._given_name, Person._family_name, Person._phone)).all()


def test_the_associated_data_put_together_in_parts_is_the_same_bytes():
    row, subject, key = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    assert place_data("persons", "given_name") + row_data(row, subject) + associated_data(key) == associated_data(
        "persons", "given_name", row, subject, key)
    assert row_data("not-a-uuid", subject) == associated_data("not-a-uuid", subject)  # any id, as str() gives it


def test_a_batch_decrypts_every_value_as_decrypt_does_one_by_one(db, world):
    vault = vault_of(db)
    for given, family in (("Zoë", "Dubois-Ağaoğlu"), ("An", "")):  # beside the demo's two: no phone, non-ASCII
        db.add(Person(given_name=given, family_name=family))
    db.flush()
    rows = _person_rows(db)
    assert len(rows) == 4 and any(phone is None for *_, phone in rows)
    batch = vault.batch(db, "persons", NAME_COLUMNS)
    for person_id, *stored in rows:
        single = [None if value is None else vault.decrypt(db, Place("persons", column, person_id, person_id), value)
                  for column, value in zip(NAME_COLUMNS, stored)]
        assert batch.row(person_id, person_id, stored) == single


def test_decrypt_rows_gives_what_the_encrypted_attributes_give(db, world):
    meetings = db.execute(select(Meeting.id, Meeting.person_id, Meeting._place, Meeting._video_link)).all()
    plain = decrypt_rows(db, "meetings", {"place": TEXT, "video_link": TEXT}, meetings)
    assert meetings and [{"place": m.place, "video_link": m.video_link}
                         for m in (db.get(Meeting, row.id) for row in meetings)] == plain
    names = names_of(db, [row.person_id for row in meetings])
    assert {p: (n.given_name, n.family_name) for p, n in names.items()} == {
        p: (db.get(Person, p).given_name, db.get(Person, p).family_name) for p in names}


def test_a_fresh_vault_decrypts_the_known_answer_in_a_batch(db):
    vault = Vault(Keyring({"k1": KAT_KEK}, "k1", bytes(32), bytes(32), "x"))
    db.add(vault.wrap(KAT_DEK_ID, KAT_SUBJECT, KAT_DEK))
    db.flush()
    fresh = Vault(vault.keyring)  # no cached keys: the batch loads and unwraps the stored one
    stored = bytes.fromhex(KAT_STORED)
    assert fresh.batch(db, "persons", ["given_name"]).row(KAT_ROW, KAT_SUBJECT, [stored]) == [b"Johan"]


def _johans(db, world):
    johan, rita = world.johan_team.person, world.rita_team.person
    stored = db.scalar(select(Person._given_name).where(Person.id == johan.id))
    return johan.id, rita.id, stored


@pytest.mark.parametrize("place", ["right", "other row", "other person", "other row and person", "other column",
                                   "other table"])
def test_a_value_in_a_batch_decrypts_only_at_its_own_place(db, world, caplog, place):
    johan, rita, stored = _johans(db, world)
    table, column, row, subject = {
        "right": ("persons", "given_name", johan, johan), "other row": ("persons", "given_name", rita, johan),
        "other person": ("persons", "given_name", johan, rita), "other row and person": (
            "persons", "given_name", rita, rita), "other column": ("persons", "family_name", johan, johan),
        "other table": ("members", "given_name", johan, johan)}[place]
    batch = vault_of(db).batch(db, table, [column])
    if place == "right":
        assert batch.row(row, subject, [stored]) == [b"Johan"]
        return
    with pytest.raises(IntegrityFailure) as failure:
        batch.row(row, subject, [stored])
    assert str(failure.value) == str(IntegrityFailure())
    assert any(r.levelname == "ERROR" and r.name == "models.crypto" for r in caplog.records)


def test_a_moved_value_fails_among_good_ones(db, world):
    """decrypt_rows with one moved value: the whole read fails, not just that value."""
    johan, rita, stored = _johans(db, world)
    rows = [(p, p, g, f) for p, g, f in db.execute(select(Person.id, Person._given_name, Person._family_name))]
    rows.append((rita, rita, stored, None))
    with pytest.raises(IntegrityFailure):
        decrypt_rows(db, "persons", {"given_name": TEXT, "family_name": TEXT}, rows)


@pytest.mark.parametrize("damage", ["truncated", "no version byte", "flipped bit", "unknown key"])
def test_a_damaged_value_is_refused_in_a_batch(db, world, damage):
    johan, _, stored = _johans(db, world)
    value = {"truncated": stored[:40], "no version byte": b"\x02" + stored[1:],
             "flipped bit": stored[:-1] + bytes([stored[-1] ^ 1]),
             "unknown key": stored[:1] + uuid.uuid4().bytes + stored[17:]}[damage]
    with pytest.raises(IntegrityFailure):
        vault_of(db).batch(db, "persons", ["given_name"]).row(johan, johan, [value])


def test_a_forgotten_data_key_is_unwrapped_again(db, world):
    """`forget` (erasure, rotation) drops the batch's cipher too: the next batch goes back to the data_keys."""
    vault = vault_of(db)
    johan, _, stored = _johans(db, world)
    assert vault.batch(db, "persons", ["given_name"]).row(johan, johan, [stored]) == [b"Johan"]
    vault.forget([uuid.UUID(bytes=stored[1:17])])
    assert stored[1:17] not in vault._by_header
    assert vault.batch(db, "persons", ["given_name"]).row(johan, johan, [stored]) == [b"Johan"]
