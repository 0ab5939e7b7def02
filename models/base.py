"""The declarative base: naming convention, UUID keys, UTC timestamps and optimistic version columns."""
from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime

from sqlalchemy import BindParameter, Date, DateTime, MetaData, TypeDecorator, Uuid, bindparam
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given where UTC is required")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


@functools.lru_cache(maxsize=16384)
def _uuid_of_text(text: str | None) -> uuid.UUID | None:
    """None too, so that the cache itself is the result processor: no Python call of ours for an id it knows."""
    return None if text is None else uuid.UUID(text)


@functools.lru_cache(maxsize=16384)
def _text_of_uuid_int(number: int) -> str:
    return str(uuid.UUID(int=number))


def id_text(value: uuid.UUID) -> str:
    """`str(value)`, made once per worker: a feed writes a thousand ids into its links and UIDs, and
    `UUID.__str__` costs a microsecond. Found by the id's int (UUID.__hash__ is Python); ids only. Anything
    else (None for an id not yet given) as `str` writes it."""
    return _text_of_uuid_int(value.int) if type(value) is uuid.UUID else str(value)


class CachedUuid(Uuid):
    """Uuid, with each id SQLite gives as text made a UUID once per worker: my tasks across 150 teams reads about
    2,000 ids, and `uuid.UUID(text)` cost more than the rest of their rows. Ids only (stored in the clear anyway);
    PostgreSQL gives UUIDs itself."""

    cache_ok = True

    def result_processor(self, dialect, coltype):
        convert = super().result_processor(dialect, coltype)
        if convert is None or not self.as_uuid:
            return convert
        return _uuid_of_text


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {uuid.UUID: CachedUuid(), datetime: UTCDateTime()}


PARAM_TYPES = {"id": Uuid(), "date": Date(), "time": UTCDateTime()}


def param(name: str, kind: str = "id") -> BindParameter:
    """A parameter (an id, a date or a UTC time) of a statement built once with `functools.cache`: the pages every
    request shows run the same few statements, and building one (and its cache key) costs more than running it."""
    return bindparam(name, type_=PARAM_TYPES[kind])


class UUIDKey:
    """Application-generated UUID keys: known before the first flush (encryption needs them) and leak no counts."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)

    def ensure_id(self) -> uuid.UUID:
        if self.id is None:
            self.id = uuid.uuid4()
        return self.id


class Versioned:
    """Optimistic locking: a stale update raises StaleDataError instead of overwriting."""

    version: Mapped[int] = mapped_column(nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class StaleEdit(Exception):
    """Somebody else changed the record since the form was opened."""

    def __init__(self, current):
        super().__init__("stale edit")
        self.current = current


def check_version(record: Versioned, seen: int) -> None:
    """Refuse an edit made on an older version than the one stored."""
    if record.version != seen:
        raise StaleEdit(record)
