"""The mail queue (`QueuedMail`): outgoing mail written in the same transaction as the change it tells about, so a
rolled-back change mails nothing; delivered after the commit and removed once the mail server took it.

Not to be confused with the outbox *folder* (instance/outbox/), where mail is delivered as .eml files when no
SMTP server is configured: this table is the transactional queue in front of either delivery.

What is stored, and why it is sealed: the composed message, headers included. Mails carry no health content, but
the recipient's address and a calendar invite's place and time are personal data. A queued mail is not always
bound to a person in a team (a password reset, an erasure notice after the person is gone), so it cannot go under
a person's data key; it is sealed under one data key of the queue's own (`QUEUE_SUBJECT`), wrapped by the keyring
like every other data key (so `keys rotate` rewraps it) and bound by its associated data to its row. The envelope
recipient is read from the sealed message's To header: no second copy of the address. Only the id, the times and
the number of attempts stay clear. Delivered rows are deleted, so the table normally holds nothing for long.

Delivery claims rows for a while (`claimed_until`) before talking to the mail server outside any transaction, so
two deliverers (the request that queued a mail and a `flask mail deliver` run) do not send one mail twice. A
process that dies after the mail server took a mail but before the row was deleted sends it again once the claim
has run out: at least once, never lost.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import Integer, delete, func, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, UUIDKey, utcnow
from models.encrypted import Codec, Encrypted, PersonData, encrypted_check, encrypted_column

# The subject whose data key seals queued mail (a fixed id: no person, no account has it).
QUEUE_SUBJECT = uuid.UUID("6d61696c-7175-6575-0000-000000000001")
CLAIM = timedelta(minutes=15)  # longer than a delivery of one batch can take; then another deliverer may retry


class _Raw(Codec):
    """The message bytes as they are."""

    def encode(self, value: bytes) -> bytes:
        return bytes(value)

    def decode(self, raw: bytes) -> bytes:
        return bytes(raw)


class QueuedMail(UUIDKey, PersonData, Base):
    """One composed mail waiting for delivery."""

    __tablename__ = "mail_queue"
    __table_args__ = tuple(encrypted_check("message"))

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    _message: Mapped[bytes | None] = encrypted_column("message")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None]
    claimed_until: Mapped[datetime | None]

    message = Encrypted("_message", _Raw())

    def encryption_subject(self) -> uuid.UUID:
        return QUEUE_SUBJECT


def enqueue(session: Session, message: bytes) -> QueuedMail:
    """Queue `message` in the session's transaction; it is written with the rest, or not at all."""
    queued = QueuedMail(id=uuid.uuid4(), message=message, attempts=0)
    session.add(queued)
    return queued


def claim(session: Session, ids: list[uuid.UUID] | None = None, now: datetime | None = None) -> list[QueuedMail]:
    """Claim the waiting mail with `ids` (all waiting mail when None) that nobody else is delivering; returns the
    claimed rows, oldest first. One row at a time, so a row another deliverer claimed meanwhile is left to it."""
    now = now or utcnow()
    free = or_(QueuedMail.claimed_until.is_(None), QueuedMail.claimed_until < now)
    wanted = select(QueuedMail.id).where(free)
    if ids is not None:
        wanted = wanted.where(QueuedMail.id.in_(ids))
    mine = [mail_id for mail_id in session.scalars(wanted).all()
            if session.execute(update(QueuedMail).where(QueuedMail.id == mail_id, free)
                               .values(claimed_until=now + CLAIM)
                               .execution_options(synchronize_session=False)).rowcount == 1]
    if not mine:
        return []
    return list(session.scalars(select(QueuedMail).where(QueuedMail.id.in_(mine)).order_by(QueuedMail.created_at)
                                .execution_options(populate_existing=True)))


def settle(session: Session, delivered: list[uuid.UUID], failed: list[uuid.UUID], dropped: list[uuid.UUID],
           now: datetime | None = None) -> None:
    """After a delivery: remove what the mail server took (or refused for good), free what failed for a retry."""
    if delivered or dropped:
        session.execute(delete(QueuedMail).where(QueuedMail.id.in_(delivered + dropped))
                        .execution_options(synchronize_session=False))
    if failed:
        session.execute(update(QueuedMail).where(QueuedMail.id.in_(failed))
                        .values(attempts=QueuedMail.attempts + 1, last_attempt_at=now or utcnow(),
                                claimed_until=None).execution_options(synchronize_session=False))


def waiting(session: Session) -> int:
    """How many mails wait for delivery."""
    return session.scalar(select(func.count()).select_from(QueuedMail))
