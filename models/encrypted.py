"""Encrypted attributes: a descriptor over a ciphertext column, sealed in before_flush once the row id is known.

    class Person(PersonData, Base):
        _name: Mapped[bytes | None] = encrypted_column("name")
        name = Encrypted("_name")

Reading decrypts (and caches the plaintext for that ciphertext); writing keeps the plaintext pending and
puts a placeholder in the column, which the CHECK constraint refuses should it ever be flushed unsealed.
"""
from __future__ import annotations

import functools
import json
import uuid
from datetime import date

from sqlalchemy import CheckConstraint, LargeBinary, event, inspect
from sqlalchemy.orm import Session, mapped_column, object_session

from models.crypto import HEADER, PENDING, Place, Vault


class Codec:
    """How a Python value becomes bytes and back."""

    def encode(self, value) -> bytes:
        return str(value).encode()

    def decode(self, raw: bytes):
        return raw.decode()


class DateCodec(Codec):
    def encode(self, value: date) -> bytes:
        return value.isoformat().encode()

    def decode(self, raw: bytes) -> date:
        return date.fromisoformat(raw.decode())


class JSONCodec(Codec):
    def encode(self, value) -> bytes:
        return json.dumps(value, ensure_ascii=False, sort_keys=True).encode()

    def decode(self, raw: bytes):
        return json.loads(raw)


TEXT, DATE, JSON = Codec(), DateCodec(), JSONCodec()


def encrypted_check(column: str) -> list[CheckConstraint]:
    """The database refuses a value in `column` that does not start with the format's version byte."""
    return [
        CheckConstraint(f"substr({column}, 1, 1) = X'01'", name=f"{column}_sealed").ddl_if(dialect="sqlite"),
        CheckConstraint(f"get_byte({column}, 0) = 1", name=f"{column}_sealed").ddl_if(dialect="postgresql"),
    ]


def encrypted_column(name: str):
    """The ciphertext column behind an Encrypted attribute."""
    return mapped_column(name, LargeBinary, nullable=True)


def vault_of(session) -> Vault:
    return session.info["vault"]


class Encrypted:
    """A plaintext attribute stored encrypted in the column attribute `column_attr`."""

    def __init__(self, column_attr: str, codec: Codec = TEXT):
        self.column_attr = column_attr
        self.codec = codec

    def __set_name__(self, owner, name):
        self.name = name
        self.columns = {}  # the column name behind this attribute, by class (looked up once)

    def column(self, cls) -> str:
        name = self.columns.get(cls)
        if name is None:
            name = self.columns[cls] = inspect(cls).attrs[self.column_attr].columns[0].name
        return name

    def place(self, obj) -> Place:
        return Place(obj.__tablename__, self.column(type(obj)), obj.id, obj.encryption_subject())

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        pending = obj.__dict__.get("_zt_pending", {})
        if self.name in pending:
            return pending[self.name]
        stored = getattr(obj, self.column_attr)
        if stored is None:
            return None
        cached = obj.__dict__.setdefault("_zt_plain", {}).get(self.name)
        if cached is not None and cached[0] is stored:
            return cached[1]
        session = object_session(obj)
        vault = vault_of(session)
        value = self.codec.decode(vault.decrypt(session, self.place(obj), stored,
                                                warm=lambda: warm_keys(session, vault)))
        obj.__dict__["_zt_plain"][self.name] = (stored, value)
        return value

    def __set__(self, obj, value):
        if value is None:
            obj.__dict__.get("_zt_pending", {}).pop(self.name, None)
            setattr(obj, self.column_attr, None)
            return
        obj.__dict__.setdefault("_zt_pending", {})[self.name] = value
        setattr(obj, self.column_attr, PENDING)

    def seal(self, session, obj) -> None:
        """Encrypt the pending plaintext into the column (called from before_flush)."""
        value = obj.__dict__["_zt_pending"].pop(self.name)
        stored = vault_of(session).encrypt(session, self.place(obj), self.codec.encode(value))
        setattr(obj, self.column_attr, stored)
        obj.__dict__.setdefault("_zt_plain", {})[self.name] = (stored, value)


class PersonData:
    """A row whose encrypted values belong to one subject: the person (or, for accounts, the user)."""

    def encryption_subject(self) -> uuid.UUID:
        raise NotImplementedError


@functools.cache
def encrypted_attributes(cls) -> list[Encrypted]:
    return [v for k in dir(cls) if isinstance(v := getattr(cls, k, None), Encrypted)]


def warm_keys(session, vault: Vault) -> None:
    """Load, together, the data keys of every encrypted value the session holds (the first value a page
    decrypts brings the keys of all the rows it loaded: no query per person)."""
    wanted = set()
    for obj in list(session.identity_map.values()):
        for attr in encrypted_attributes(type(obj)):
            stored = obj.__dict__.get(attr.column_attr)
            if stored is not None and len(stored) > 17 and stored[:1] == HEADER:
                wanted.add(uuid.UUID(bytes=bytes(stored[1:17])))
    vault.load_keys(session, wanted)


def decrypt_rows(session, table: str, columns: dict[str, Codec], rows) -> list[dict]:
    """Decrypt the values of rows read with a Core select (no ORM objects: a list page reads only what it shows).

    Each row is (row id, subject id, one ciphertext per name in `columns`, in that order); the data keys of all
    the rows are loaded together first. Each value is bound to its place exactly as the Encrypted attribute's
    (`Batch` puts the same associated data together from parts made once per column, row and key)."""
    vault = vault_of(session)
    vault.load_keys_of(session, {bytes(v[1:17]) for row in rows for v in row[2:] if v is not None})
    batch = vault.batch(session, table, columns)
    names, decoders = list(columns), [codec.decode for codec in columns.values()]
    found = []
    for row_id, subject_id, *stored in rows:
        plain = batch.row(row_id, subject_id, stored)
        found.append({name: None if raw is None else decode(raw)
                      for name, decode, raw in zip(names, decoders, plain)})
    return found


def _seal_pending(session: Session, flush_context, instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        pending = obj.__dict__.get("_zt_pending")
        if not pending:
            continue
        obj.ensure_id()
        for attr in encrypted_attributes(type(obj)):
            if attr.name in pending:
                attr.seal(session, obj)


def install(session_factory) -> None:
    """Seal pending values before every flush of sessions made by `session_factory`."""
    event.listen(session_factory, "before_flush", _seal_pending)
