"""Key rotation: a new key-encryption key (KEK) version that every data key is rewrapped under, retiring old
versions, and moving one person's values to a new data key (DEK) in resumable batches.

Glossary: sleutelbos (keyring), sleutelversleutelingssleutel (KEK), gegevenssleutel (DEK).
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import and_, func, inspect, or_, select, update
from sqlalchemy.orm import Session

from models import audit
from models.base import Base
from models.crypto import DataKey, Keyring, Place, Vault
from models.encrypted import encrypted_attributes


class KeyRefused(Exception):
    """A key operation that would make data unreadable; the message says why, in plain words."""


# --- the key-encryption keys --------------------------------------------------------------------------------

def next_version(keyring: Keyring) -> str:
    """`k<n+1>` after the highest numbered version in the keyring."""
    numbers = [int(m.group(1)) for k in keyring.keks if (m := re.fullmatch(r"k(\d+)", k))]
    return f"k{max(numbers, default=0) + 1}"


def add_version(path: Path) -> Keyring:
    """Add a new KEK version to the keyring file and make it primary; older versions stay until retired, so
    data keys still wrapped under them (by a running app, or in a half-finished rotation) keep unwrapping."""
    keyring = Keyring.load(path)
    version = next_version(keyring)
    keyring.keks[version] = AESGCM.generate_key(256)
    keyring.primary = version
    keyring.save(path)
    return Keyring.load(path)


def stale_keys(session: Session, primary: str) -> list[DataKey]:
    """The data keys not wrapped under the primary KEK."""
    return list(session.scalars(select(DataKey).where(DataKey.kek_id != primary).order_by(DataKey.id)))


def rewrap(vault: Vault, key: DataKey) -> None:
    """Wrap `key` under the vault's primary KEK (the data key itself, and so every value, stays the same)."""
    fresh = vault.wrap(key.id, key.subject_id, vault.unwrap(key), vault.keyring.primary)
    key.kek_id, key.wrapped = fresh.kek_id, fresh.wrapped


def keys_by_version(session: Session) -> dict[str, int]:
    """How many data keys each KEK version wraps."""
    return dict(session.execute(select(DataKey.kek_id, func.count()).group_by(DataKey.kek_id)).all())


def retire(session: Session, path: Path, version: str) -> Keyring:
    """Remove KEK `version` from the keyring file; refused while it is primary or any data key uses it."""
    keyring = Keyring.load(path)
    if version not in keyring.keks:
        raise KeyRefused(f"Key version {version} is not in the keyring ({', '.join(sorted(keyring.keks))}).")
    if version == keyring.primary:
        raise KeyRefused(f"Key version {version} is the primary version; run `keys rotate` first.")
    in_use = keys_by_version(session).get(version, 0)
    if in_use:
        raise KeyRefused(f"Key version {version} still wraps {in_use} data key(s); run `keys rotate` first.")
    del keyring.keks[version]
    keyring.save(path)
    return Keyring.load(path)


# --- one person's data key ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class EncryptedTable:
    """A table holding values encrypted under a person's data key: its encrypted columns and subject column."""

    table: object
    columns: tuple[str, ...]
    subject: str


def person_tables() -> list[EncryptedTable]:
    """Every mapped table with values under a person's key: `persons` itself (subject: its id) and each table
    with a `person_id`. Accounts are their own subjects and are not part of a person's record."""
    found = []
    for mapper in sorted(Base.registry.mappers, key=lambda m: m.class_.__name__):
        cls, attrs = mapper.class_, encrypted_attributes(mapper.class_)
        table = cls.__table__
        subject = "person_id" if "person_id" in table.c else "id" if table.name == "persons" else None
        if attrs and subject:
            columns = tuple(sorted(inspect(cls).attrs[a.column_attr].columns[0].name for a in attrs))
            found.append(EncryptedTable(table, columns, subject))
    return found


def _not_under(table, column: str, dek_id: uuid.UUID):
    value = table.c[column]
    return and_(value.is_not(None), func.substr(value, 2, 16) != dek_id.bytes)


def _stale_rows(entry: EncryptedTable, person_id: uuid.UUID, dek_id: uuid.UUID):
    t = entry.table
    return select(t.c.id, *(t.c[c] for c in entry.columns)).where(
        t.c[entry.subject] == person_id, or_(*(_not_under(t, c, dek_id) for c in entry.columns)))


def begin_person_rotation(session: Session, vault: Vault, person_id: uuid.UUID) -> DataKey:
    """The data key the person's values move to: a new one, or the newest when a rotation was interrupted
    (a person has more than one data key only while their values move)."""
    keys = list(session.scalars(select(DataKey).where(DataKey.subject_id == person_id)
                                .order_by(DataKey.created_at, DataKey.id)))
    if len(keys) > 1:
        return keys[-1]
    target = vault.new_data_key(person_id)
    session.add(target)
    return target


def count_stale(session: Session, person_id: uuid.UUID, dek_id: uuid.UUID) -> int:
    """How many of the person's rows still hold a value not under `dek_id`."""
    return sum(session.scalar(select(func.count()).select_from(_stale_rows(e, person_id, dek_id).subquery()))
               for e in person_tables())


def reencrypt_batch(session: Session, vault: Vault, person_id: uuid.UUID, dek_id: uuid.UUID,
                    size: int) -> int:
    """Re-encrypt up to `size` rows of the person under `dek_id`; the number of rows done (0: none left).
    A plain UPDATE, so the rows' edit versions stay and nobody's open form turns stale."""
    session.info.setdefault("current_dek", {})[person_id] = dek_id
    done = 0
    for entry in person_tables():
        for row in session.execute(_stale_rows(entry, person_id, dek_id).limit(size - done)).all():
            values = {c: _reseal(session, vault, Place(entry.table.name, c, row.id, person_id), row._mapping[c],
                                 dek_id) for c in entry.columns}
            values = {c: v for c, v in values.items() if v is not None}
            session.execute(update(entry.table).where(entry.table.c.id == row.id).values(values))
            done += 1
        if done >= size:
            break
    return done


def _reseal(session, vault: Vault, place: Place, stored: bytes | None, dek_id: uuid.UUID) -> bytes | None:
    if stored is None or bytes(stored[1:17]) == dek_id.bytes:
        return None
    return vault.encrypt(session, place, vault.decrypt(session, place, bytes(stored)))


def finish_person_rotation(session: Session, vault: Vault, person_id: uuid.UUID, dek_id: uuid.UUID) -> list:
    """Delete the person's other data keys once no value uses them; refused while one still does."""
    if count_stale(session, person_id, dek_id):
        raise KeyRefused("Some values are not yet under the new data key; run the rotation again.")
    old = list(session.scalars(select(DataKey.id).where(DataKey.subject_id == person_id, DataKey.id != dek_id)))
    for key in session.scalars(select(DataKey).where(DataKey.id.in_(old))):
        session.delete(key)
    vault.forget(old)
    return old


@dataclass
class PersonRotation:
    """Where a person's key rotation stands: the target key, rows moved in this run, whether it finished."""

    dek_id: uuid.UUID
    moved: int = 0
    finished: bool = False
    retired: tuple = ()


def rotate_person(sessions, vault: Vault, person_id: uuid.UUID, *, batch_size: int = 200,
                  max_rows: int | None = None, progress=lambda moved: None) -> PersonRotation:
    """Move every value of the person to a new data key, one committed batch at a time, then delete the old
    key. Killed halfway, it resumes where it stopped when run again. `sessions()` gives a new session;
    `max_rows` stops early (unfinished) after about that many rows; `progress(n)` hears of each batch."""
    with sessions() as session, session.begin():
        state = PersonRotation(begin_person_rotation(session, vault, person_id).id)
    while max_rows is None or state.moved < max_rows:
        size = batch_size if max_rows is None else min(batch_size, max_rows - state.moved)
        with sessions() as session, session.begin():
            moved = reencrypt_batch(session, vault, person_id, state.dek_id, size)
        if not moved:
            return _finish(sessions, vault, person_id, state)
        state.moved += moved
        progress(moved)
    return state


def _finish(sessions, vault: Vault, person_id: uuid.UUID, state: PersonRotation) -> PersonRotation:
    with sessions() as session, session.begin():
        state.retired = tuple(finish_person_rotation(session, vault, person_id, state.dek_id))
        audit.append(session, vault.keyring.audit_key, action="rekey", person_id=person_id,
                     object_type="data_keys", object_id=str(state.dek_id))
    state.finished = True
    return state
