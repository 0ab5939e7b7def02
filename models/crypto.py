"""Field-level encryption: the keyring, per-person data keys, AES-256-GCM values bound to their place, blind indexes.

Stored value: version byte | data key id (16 bytes) | nonce (12 bytes) | ciphertext and tag.
Associated data: table | column | row id | subject id | data key id, each length-prefixed, so a value
copied to another row, column or person does not decrypt.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import LargeBinary, String, select
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UUIDKey, utcnow

FORMAT_VERSION = 1
HEADER = bytes([FORMAT_VERSION])
NONCE_SIZE = 12
# A value not yet encrypted; it fails the CHECK constraint if it ever reaches the database.
PENDING = b"\x00pending"

log = logging.getLogger(__name__)


class KeyringError(Exception):
    """The keyring is missing, unreadable, or readable by others."""


class IntegrityFailure(Exception):
    """One generic answer for every value that does not decrypt where it is."""

    def __init__(self):
        super().__init__("Een versleutelde waarde kon niet worden gecontroleerd.")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@dataclass
class Keyring:
    """The key-encryption keys (versioned, one primary) and the blind-index and audit keys, outside the database."""

    keks: dict[str, bytes]
    primary: str
    blind_index_key: bytes
    audit_key: bytes
    secret_key: str
    # Where it was loaded from and the file's (mtime, size, inode) then: a running app re-reads a rotated keyring.
    path: Path | None = field(default=None, compare=False, repr=False)
    stamp: tuple | None = field(default=None, compare=False, repr=False)

    @classmethod
    def generate(cls) -> Keyring:
        return cls({"k1": AESGCM.generate_key(256)}, "k1", secrets.token_bytes(32),
                   secrets.token_bytes(32), secrets.token_hex(32))

    @classmethod
    def load(cls, path: Path) -> Keyring:
        """Read the keyring, refusing a missing file or one that others can read."""
        if not path.is_file():
            raise KeyringError(f"Geen sleutelbos gevonden op {path}.")
        if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyringError(f"De sleutelbos {path} is leesbaar voor anderen; zet de rechten op 0600.")
        data = json.loads(path.read_text())
        keyring = cls({k: base64.b64decode(v) for k, v in data["keks"].items()}, data["primary"],
                      base64.b64decode(data["blind_index_key"]), base64.b64decode(data["audit_key"]),
                      data["secret_key"])
        if keyring.primary not in keyring.keks or any(len(k) != 32 for k in keyring.keks.values()):
            raise KeyringError(f"De sleutelbos {path} is onvolledig.")
        keyring.path, keyring.stamp = path, file_stamp(path)
        return keyring

    def changed_on_disk(self) -> bool:
        """True when the file this keyring came from was replaced since (by `keys rotate`, say)."""
        return self.path is not None and file_stamp(self.path) != self.stamp

    def save(self, path: Path) -> None:
        """Write the keyring with mode 0600, atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"keks": {k: _b64(v) for k, v in self.keks.items()}, "primary": self.primary,
                "blind_index_key": _b64(self.blind_index_key), "audit_key": _b64(self.audit_key),
                "secret_key": self.secret_key}
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(data, out, indent=2)
        os.replace(tmp, path)


def file_stamp(path: Path) -> tuple | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size, found.st_ino


class DataKey(UUIDKey, Base):
    """A data key (DEK) of one subject (a person, or an account), wrapped by a key-encryption key."""

    __tablename__ = "data_keys"

    subject_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kek_id: Mapped[str] = mapped_column(String(32))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def associated_data(*parts: object) -> bytes:
    """Length-prefixed parts, so that no two different places give the same bytes."""
    return b"".join([_prefixed_id(part) for part in parts])


@functools.lru_cache(maxsize=32768, typed=True)
def _prefixed(part: object) -> bytes:
    # Table and column names and row, person and key ids (identifiers, stored in the clear anyway): a page
    # decrypts hundreds of values of the same few rows, and turning a UUID into text costs more than AES-GCM.
    raw = str(part).encode()
    return len(raw).to_bytes(4, "big") + raw


def place_data(table: str, column: str) -> bytes:
    """The first two parts of a value's associated data (table, column): the same for a whole column."""
    return _prefixed(table) + _prefixed(column)


def row_data(row_id: object, subject_id: object) -> bytes:
    """The middle two parts (row id, subject id): the same for every column of a row (`_prefixed_id`, inlined:
    a batch asks once per row)."""
    return ((_prefixed_uuid_int(row_id.int) if type(row_id) is uuid.UUID else _prefixed(row_id))
            + (_prefixed_uuid_int(subject_id.int) if type(subject_id) is uuid.UUID else _prefixed(subject_id)))


def _prefixed_id(part: object) -> bytes:
    # A UUID is looked up by its int (hashed in C; UUID.__hash__ is Python and a page hashes a thousand ids).
    # str(UUID(int=n)) is str(part), so the bytes are those of `_prefixed(part)`.
    return _prefixed_uuid_int(part.int) if type(part) is uuid.UUID else _prefixed(part)


@functools.lru_cache(maxsize=32768)
def _prefixed_uuid_int(number: int) -> bytes:
    return _prefixed(uuid.UUID(int=number))


@functools.lru_cache(maxsize=32768)
def key_id_of(raw: bytes) -> uuid.UUID:
    """The data key id in a stored value's header (bytes 1 to 17)."""
    return uuid.UUID(bytes=raw)


@dataclass(frozen=True)
class Place:
    """Where a value lives: what its associated data binds it to."""

    table: str
    column: str
    row_id: uuid.UUID
    subject_id: uuid.UUID


@dataclass
class Vault:
    """Encrypts and decrypts values for one keyring; caches unwrapped data keys by id."""

    keyring: Keyring
    _ciphers: dict[uuid.UUID, AESGCM] = field(default_factory=dict)
    # The same ciphers by the 16 bytes of a stored value's header, with their prefixed key id (for `Batch`).
    _by_header: dict[bytes, tuple[AESGCM, bytes]] = field(default_factory=dict)

    def refresh(self) -> bool:
        """Re-read the keyring when its file changed (a rotation by another process); True when it did."""
        if not self.keyring.changed_on_disk():
            return False
        self.keyring = Keyring.load(self.keyring.path)
        log.info("keyring re-read: primary key-encryption key is now %s", self.keyring.primary)
        return True

    def wrap(self, dek_id: uuid.UUID, subject_id: uuid.UUID, raw: bytes, kek_id: str | None = None) -> DataKey:
        if kek_id is None:
            self.refresh()  # a new data key goes under the primary of the keyring as it is on disk now
        kek_id = kek_id or self.keyring.primary
        nonce = os.urandom(NONCE_SIZE)
        aad = associated_data("data_keys", dek_id, subject_id, kek_id)
        wrapped = nonce + AESGCM(self.keyring.keks[kek_id]).encrypt(nonce, raw, aad)
        return DataKey(id=dek_id, subject_id=subject_id, kek_id=kek_id, wrapped=wrapped)

    def unwrap(self, key: DataKey) -> bytes:
        kek = self.keyring.keks.get(key.kek_id)
        if kek is None and self.refresh():  # wrapped under a version added after this keyring was read
            kek = self.keyring.keks.get(key.kek_id)
        if kek is None:
            log.error("data key %s is wrapped under unknown key-encryption key %s", key.id, key.kek_id)
            raise IntegrityFailure()
        aad = associated_data("data_keys", key.id, key.subject_id, key.kek_id)
        try:
            return AESGCM(kek).decrypt(key.wrapped[:NONCE_SIZE], key.wrapped[NONCE_SIZE:], aad)
        except InvalidTag:
            log.error("data key %s does not unwrap", key.id)
            raise IntegrityFailure() from None

    def new_data_key(self, subject_id: uuid.UUID) -> DataKey:
        """A fresh DEK for `subject_id`, wrapped under the primary KEK."""
        raw = AESGCM.generate_key(256)
        key = self.wrap(uuid.uuid4(), subject_id, raw)
        self._ciphers[key.id] = AESGCM(raw)
        return key

    def current_key(self, session, subject_id: uuid.UUID) -> uuid.UUID:
        """The id of the subject's newest data key, created (and added to `session`) when there is none."""
        cache = session.info.setdefault("current_dek", {})
        if subject_id not in cache:
            with session.no_autoflush:
                dek_id = session.scalar(select(DataKey.id).where(DataKey.subject_id == subject_id)
                                        .order_by(DataKey.created_at.desc()).limit(1))
            if dek_id is None:
                key = self.new_data_key(subject_id)
                session.add(key)
                dek_id = key.id
            cache[subject_id] = dek_id
        return cache[subject_id]

    def load_keys(self, session, dek_ids) -> None:
        """Unwrap the data keys `dek_ids` not yet cached, in one query per 500 (a list page of 150 persons
        needs 150 keys: one query, not 150)."""
        missing = [dek_id for dek_id in set(dek_ids) if dek_id not in self._ciphers]
        for start in range(0, len(missing), 500):
            with session.no_autoflush:
                found = session.scalars(select(DataKey).where(DataKey.id.in_(missing[start:start + 500])))
            for key in found:
                self._ciphers[key.id] = AESGCM(self.unwrap(key))

    def load_keys_of(self, session, headers) -> None:
        """`load_keys` for the key ids of stored values (their bytes 1 to 17), leaving out those a batch has met
        already without making a UUID of them: a feed's 600 values are under 150 keys, all cached after its first."""
        self.load_keys(session, {key_id_of(raw) for raw in headers if raw not in self._by_header})

    def forget(self, dek_ids) -> None:
        """Drop cached data keys (after erasure or rotation)."""
        for dek_id in dek_ids:
            self._ciphers.pop(dek_id, None)
            self._by_header.pop(dek_id.bytes, None)

    def _cipher(self, session, dek_id: uuid.UUID, subject_id: uuid.UUID) -> AESGCM:
        cipher = self._ciphers.get(dek_id)
        if cipher is None:
            with session.no_autoflush:
                key = session.get(DataKey, dek_id) if session is not None else None
            if key is None or key.subject_id != subject_id:
                log.error("no data key %s for subject %s", dek_id, subject_id)
                raise IntegrityFailure()
            cipher = self._ciphers[dek_id] = AESGCM(self.unwrap(key))
        return cipher

    def encrypt(self, session, place: Place, plaintext: bytes) -> bytes:
        dek_id = self.current_key(session, place.subject_id)
        nonce = os.urandom(NONCE_SIZE)
        aad = associated_data(place.table, place.column, place.row_id, place.subject_id, dek_id)
        sealed = self._cipher(session, dek_id, place.subject_id).encrypt(nonce, plaintext, aad)
        return HEADER + dek_id.bytes + nonce + sealed

    def decrypt(self, session, place: Place, stored: bytes, warm=None) -> bytes:
        """The plaintext of `stored` at `place`; `warm()` runs first when its data key is not cached yet (to
        load the keys of everything else the page will show along with it)."""
        if len(stored) < 1 + 16 + NONCE_SIZE + 16 or stored[:1] != HEADER:
            raise IntegrityFailure()
        dek_id = key_id_of(bytes(stored[1:17]))
        if warm is not None and dek_id not in self._ciphers:
            warm()
        nonce, sealed = stored[17:17 + NONCE_SIZE], stored[17 + NONCE_SIZE:]
        aad = associated_data(place.table, place.column, place.row_id, place.subject_id, dek_id)
        try:
            return self._cipher(session, dek_id, place.subject_id).decrypt(bytes(nonce), bytes(sealed), aad)
        except InvalidTag:
            log.error("value in %s.%s of row %s does not decrypt", place.table, place.column, place.row_id)
            raise IntegrityFailure() from None

    def batch(self, session, table: str, columns) -> Batch:
        """A decryption of many rows of `table`, each with a value (or None) for every one of `columns`."""
        return Batch(self, session, table, tuple(columns))

    def blind_index(self, column: str, value: str) -> bytes:
        """HMAC-SHA256 with a key derived per column, truncated to 16 bytes: equal values, equal index."""
        column_key = hmac.new(self.keyring.blind_index_key, b"blind-index|" + column.encode(), hashlib.sha256)
        return hmac.new(column_key.digest(), value.encode(), hashlib.sha256).digest()[:16]


MIN_STORED = 1 + 16 + NONCE_SIZE + 16  # header, key id, nonce and tag: anything shorter is not a value


class Batch:
    """Decrypts the values of many rows of one table (a feed's 600, a list page's 450), exactly as `Vault.decrypt`
    would one by one, with the same associated data bytes, but put together from parts made once: table and
    column once per column, row and subject once per row, the key id once per data key (found by the 16 bytes of
    the header, not a UUID per value). A value from another row, column or person still fails: its parts differ."""

    def __init__(self, vault: Vault, session, table: str, columns: tuple[str, ...]):
        self.vault, self.session, self.table, self.columns = vault, session, table, columns
        self.heads = [place_data(table, column) for column in columns]
        self.keys = vault._by_header

    def row(self, row_id: uuid.UUID, subject_id: uuid.UUID, stored) -> list[bytes | None]:
        """The plaintexts of one row's values, in the order of `columns` (None stays None)."""
        middle = row_data(row_id, subject_id)
        return [None if value is None else self._open(index, middle, row_id, subject_id, value)
                for index, value in enumerate(stored)]

    def _open(self, index: int, middle: bytes, row_id, subject_id, stored) -> bytes:
        if len(stored) < MIN_STORED or stored[0] != FORMAT_VERSION:
            raise IntegrityFailure()
        stored = bytes(stored)  # a memoryview from some drivers
        cipher, key_part = self.keys.get(stored[1:17]) or self._key(stored[1:17], subject_id)
        try:
            return cipher.decrypt(stored[17:17 + NONCE_SIZE], stored[17 + NONCE_SIZE:],
                                  self.heads[index] + middle + key_part)
        except InvalidTag:
            log.error("value in %s.%s of row %s does not decrypt", self.table, self.columns[index], row_id)
            raise IntegrityFailure() from None

    def _key(self, raw_id: bytes, subject_id: uuid.UUID) -> tuple[AESGCM, bytes]:
        """The cipher of a data key not met by a batch before (loaded as `Vault.decrypt` would)."""
        dek_id = key_id_of(raw_id)
        found = self.keys[raw_id] = (self.vault._cipher(self.session, dek_id, subject_id), _prefixed(dek_id))
        return found
