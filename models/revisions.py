"""Rectification and restriction (GDPR art. 16 and 18): `Revision` keeps the previous version of a corrected
value, encrypted under the person's key with its own associated data; `Restriction` marks a record that is kept
but not shown, on the person's request.

Scope. Revisions: the person record (`persons`) and shared information (`info_items`), written by a before_flush
hook whenever an encrypted value of such a row changes, whoever changes it. Restriction: shared-information items
and sheets (hidden from the category pages, the overview, the MDO agenda and the care plan; not editable) and the
person record's details (birth date, INSZ, address, phone, GP: hidden on the overview). Both stay in the
database and in the person's own export; the person, the representative and the coordinator see them on the
record page, with the history.

Glossary: rechtzetting (rectification), beperking (restriction), vorige versie (revision).
"""
from __future__ import annotations

import functools
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, bindparam, event, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models import audit
from models.audit import AuditEvent
from models.base import Base, UUIDKey, param, utcnow
from models.encrypted import Encrypted, PersonData, encrypted_attributes, encrypted_check, encrypted_column, vault_of
from models.permissions import Permission

TRACKED = ("persons", "info_items")  # tables whose corrected values keep their previous version
RESTRICTABLE = ("persons", "info_items")


class Revision(UUIDKey, PersonData, Base):
    """The value a field of a record had before it was corrected (text as its codec stores it), and when and by
    whom it was replaced. Identifiers clear, the value encrypted."""

    __tablename__ = "revisions"
    __table_args__ = tuple(encrypted_check("value"))

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID] = mapped_column(index=True)
    field: Mapped[str] = mapped_column(String(40))
    record_version: Mapped[int | None]
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)
    replaced_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    _value: Mapped[bytes | None] = encrypted_column("value")

    value = Encrypted("_value")

    def encryption_subject(self) -> uuid.UUID:
        return self.person_id


class Restriction(UUIDKey, Base):
    """A record kept but not shown, from the person's request until it is lifted."""

    __tablename__ = "restrictions"

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID] = mapped_column(index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))


class Restricted(PermissionError):
    """The record is restricted on the person's request: kept, not shown, not changed."""


# --- rectification: the previous versions -----------------------------------------------------------------------

def _person_of(obj) -> uuid.UUID:
    return obj.encryption_subject()


def _actor_of(session, obj) -> uuid.UUID | None:
    """Who made the change: the audit event written for this record in the same transaction, if any."""
    for pending in session.new:
        if isinstance(pending, AuditEvent) and pending.object_id == str(obj.id):
            return pending.actor_id
    return None


def _previous(session, obj, attr: Encrypted) -> str | None:
    """The stored text of the value before this change, when it really changed; None otherwise."""
    history = inspect(obj).attrs[attr.column_attr].history
    old = history.deleted[0] if history.deleted else None
    if not old or not history.has_changes():
        return None
    before = vault_of(session).decrypt(session, attr.place(obj), bytes(old)).decode()
    now = getattr(obj, attr.name)
    return None if now is not None and attr.codec.encode(now).decode() == before else before


def _keep_previous(session: Session, _flush_context, _instances) -> None:
    for obj in list(session.dirty):
        if getattr(obj, "__tablename__", None) not in TRACKED or not session.is_modified(obj):
            continue
        for attr in encrypted_attributes(type(obj)):
            before = _previous(session, obj, attr)
            if before is not None:
                _add_revision(session, obj, attr, before)


def _add_revision(session, obj, attr: Encrypted, before: str) -> None:
    column = inspect(type(obj)).attrs[attr.column_attr].columns[0].name
    committed = inspect(obj).attrs["version"].history.deleted if hasattr(obj, "version") else ()
    revision = Revision(person_id=_person_of(obj), table_name=obj.__tablename__, record_id=obj.id, field=column,
                        record_version=committed[0] if committed else getattr(obj, "version", None),
                        replaced_by_id=_actor_of(session, obj), value=before)
    revision.ensure_id()
    Revision.value.seal(session, revision)  # sealed here: this hook may run after the one that seals the rest
    session.add(revision)


def install(session_factory) -> None:
    """Keep previous versions on every flush of sessions made by `session_factory`."""
    event.listen(session_factory, "before_flush", _keep_previous)


def revisions_of(session, table: str, record_id: uuid.UUID) -> list[Revision]:
    """The previous versions of one record, newest first."""
    return list(session.scalars(select(Revision).where(Revision.table_name == table, Revision.record_id == record_id)
                                .order_by(Revision.replaced_at.desc(), Revision.id)))


def revisions_of_person(session, person_id: uuid.UUID) -> dict[uuid.UUID, list[Revision]]:
    """All previous versions of the person's tracked records, by record id, newest first."""
    found: dict[uuid.UUID, list[Revision]] = {}
    for revision in session.scalars(select(Revision).where(Revision.person_id == person_id)
                                    .order_by(Revision.replaced_at.desc(), Revision.id)):
        found.setdefault(revision.record_id, []).append(revision)
    return found


# --- restriction ---------------------------------------------------------------------------------------------

def restricted_ids(table: str):
    """A subquery of the ids of `table` restricted now: `Model.id.not_in(restricted_ids(...))` hides them."""
    return select(Restriction.record_id).where(Restriction.table_name == table, Restriction.lifted_at.is_(None))


def restriction_of(session, table: str, record_id: uuid.UUID) -> Restriction | None:
    return session.scalar(_restriction_query(), {"table": table, "record_id": record_id})


@functools.cache  # built once: the overview asks on every visit
def _restriction_query():
    return select(Restriction).where(Restriction.table_name == bindparam("table", type_=String()),
                                     Restriction.record_id == param("record_id"), Restriction.lifted_at.is_(None))


@functools.cache
def _restricted_query():
    return select(Restriction.id).where(Restriction.table_name == bindparam("table", type_=String()),
                                        Restriction.record_id == param("record_id"),
                                        Restriction.lifted_at.is_(None)).limit(1)


def is_restricted(session, table: str, record_id: uuid.UUID) -> bool:
    """Whether the record is restricted now (its id only: the overview asks on every visit)."""
    return session.scalar(_restricted_query(), {"table": table, "record_id": record_id}) is not None


def restrict(session, team, actor, record) -> Restriction:
    """Restrict `record` (the person, or an info item of `team`) on the person's request; idempotent."""
    actor.require(Permission.RECORD_RESTRICT)
    found = restriction_of(session, record.__tablename__, record.id)
    if found is not None:
        return found
    restriction = Restriction(team_id=team.id, person_id=team.person_id, table_name=record.__tablename__,
                              record_id=record.id, requested_by_id=actor.id)
    restriction.ensure_id()
    session.add(restriction)
    audit.record(session, actor, "restrict", team=team, target=record, category=getattr(record, "category", None))
    return restriction


def lift(session, team, actor, record) -> None:
    """Show `record` again; nothing happens when it was not restricted."""
    actor.require(Permission.RECORD_RESTRICT)
    found = restriction_of(session, record.__tablename__, record.id)
    if found is not None:
        found.lifted_at, found.lifted_by_id = utcnow(), actor.id
        audit.record(session, actor, "lift", team=team, target=record, category=getattr(record, "category", None))
