"""The audit trail (`AuditEvent`): who did what to whose data, when and from where; append-only and HMAC-chained."""
from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, utcnow

ACTIONS = ("create", "read", "update", "delete", "search", "export", "print", "consent", "login",
           "logout", "login-failed", "denied", "hand-over", "invite", "erase", "rekey", "restrict",
           "lift", "close", "import")
GENESIS = b"\x00" * 32


class AuditEvent(Base):
    """One entry; identifiers only, never health content or secrets. Database triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_events"
    # The home screen: a member's last visit to each of their teams, and what changed in a team since then.
    __table_args__ = (Index("ix_audit_events_actor_team_seq", "actor_id", "team_id", "seq"),
                      Index("ix_audit_events_team_seq", "team_id", "seq"))

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor_id: Mapped[uuid.UUID | None]
    actor_role: Mapped[str | None] = mapped_column(String(40))
    on_behalf_of: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    team_id: Mapped[uuid.UUID | None]  # looked up through ix_audit_events_team_seq (team_id first)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    mac: Mapped[bytes] = mapped_column(LargeBinary(32))

    FIELDS = ("seq", "at", "actor_id", "actor_role", "on_behalf_of", "action", "person_id", "team_id",
              "object_type", "object_id", "category", "ip", "request_id", "outcome")

    def canonical(self) -> bytes:
        """The row as stable bytes: what the MAC covers."""
        values = {}
        for name in self.FIELDS:
            value = getattr(self, name)
            values[name] = value.isoformat() if isinstance(value, datetime) else (
                None if value is None else str(value))
        return json.dumps(values, sort_keys=True, separators=(",", ":")).encode()


class AuditHead(Base):
    """The end of the chain: the last sequence number and MAC. Locking it orders concurrent appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    mac: Mapped[bytes] = mapped_column(LargeBinary(32))


def chain_mac(key: bytes, previous: bytes, event: AuditEvent) -> bytes:
    return hmac.new(key, previous + b"|" + event.canonical(), hashlib.sha256).digest()


_HEAD = select(AuditHead).where(AuditHead.id == 1).with_for_update()  # built once: nearly every request appends


def _head(session) -> AuditHead:
    head = session.scalar(_HEAD)
    if head is None:
        head = AuditHead(id=1, seq=0, mac=GENESIS)
        session.add(head)
    return head


def append(session, key: bytes, **fields) -> AuditEvent:
    """Add an event to the chain in the caller's transaction: it commits with the change it records.

    The event takes its place in the chain (sequence number, MAC) when the session flushes, so the chain's
    head is locked only from then until the commit, not for the whole request."""
    context = session.info.get("request_context", {})
    fields.setdefault("outcome", "ok")  # the column default comes too late: the MAC must cover what is stored
    event = AuditEvent(at=utcnow().replace(microsecond=0), ip=context.get("ip"),
                       request_id=context.get("request_id"), **fields)
    session.info.setdefault("audit_pending", []).append((key, event))
    session.add(event)
    return event


@event.listens_for(Session, "before_flush")  # every session: an event is never stored outside the chain
def _chain_pending(session, _flush_context, _instances) -> None:
    """Give the events added since the last flush their sequence numbers and MACs, in the order they were added."""
    pending = [(key, e) for key, e in session.info.pop("audit_pending", ()) if e in session.new]
    if not pending:
        return
    with session.no_autoflush:
        head = _head(session)
        for key, entry in pending:
            entry.seq = head.seq + 1
            entry.mac = chain_mac(key, head.mac, entry)
            head.seq, head.mac = entry.seq, entry.mac


def verify(session, key: bytes) -> int | None:
    """The sequence number of the first entry that was edited, removed or reordered; None when the chain holds."""
    previous, expected_seq = GENESIS, 1
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000):
        if event.seq != expected_seq or not hmac.compare_digest(event.mac, chain_mac(key, previous, event)):
            return expected_seq
        previous, expected_seq = event.mac, expected_seq + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != expected_seq - 1 or head.mac != previous):
        return expected_seq
    return None


def record(session, actor, action: str, *, team=None, target=None, category: str | None = None,
           outcome: str = "ok", on_behalf_of: uuid.UUID | None = None) -> AuditEvent:
    """Log `action` by `actor` (a team member or an account) on `target` in `team`."""
    is_member = hasattr(actor, "team_id")
    user_id = actor.user_id if is_member else getattr(actor, "id", None)
    role = actor.role if is_member else None
    team = team or (actor.team if is_member else None)
    return append(
        session, session.info["vault"].keyring.audit_key, action=action, actor_id=user_id,
        actor_role=str(role) if role else None, on_behalf_of=on_behalf_of,
        person_id=team.person_id if team is not None else None, team_id=team.id if team is not None else None,
        object_type=getattr(target, "__tablename__", None), object_id=str(target.id) if target is not None else None,
        category=category, outcome=outcome)
