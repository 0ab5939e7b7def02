"""Reminders (herinneringen) for the `notify` cron command: agreements due soon or overdue to their owner, and a
meeting the day before to each invitee. What was sent is recorded, so each reminder goes out once."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from models.agreements import OPEN, Agreement
from models.base import Base, UUIDKey, utcnow
from models.meetings.planning import brussels
from models.meetings.records import Meeting
from models.members import Member

KINDS = ("agreement-due", "agreement-overdue", "meeting")


class SentReminder(UUIDKey, Base):
    """A reminder that went out: of what (`kind`, `object_id`), to whom, for which date."""

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("kind", "object_id", "member_id", "for_date"),)

    kind: Mapped[str] = mapped_column(String(24))
    object_id: Mapped[uuid.UUID]
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    for_date: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass
class Reminder:
    kind: str
    subject: Agreement | Meeting
    member: Member
    for_date: date

    @property
    def key(self) -> tuple:
        return (self.kind, self.subject.id, self.member.id, self.for_date)


def _agreement_reminders(session, today: date, soon_days: int) -> list[Reminder]:
    rows = session.scalars(select(Agreement).where(Agreement.status.in_(OPEN), Agreement.owner_id.is_not(None),
                                                   Agreement.due_on <= today + timedelta(days=soon_days)))
    return [Reminder("agreement-overdue" if a.due_on < today else "agreement-due", a, a.owner, a.due_on)
            for a in rows if a.owner is not None and a.owner.active]


def _meeting_reminders(session, now: datetime, hours: int) -> list[Reminder]:
    rows = session.scalars(select(Meeting).where(Meeting.status == "planned", Meeting.starts_at > now,
                                                 Meeting.starts_at <= now + timedelta(hours=hours)))
    return [Reminder("meeting", m, i.member, brussels(m.starts_at).date())
            for m in rows for i in m.invitees if i.member.active]


def _sent(session) -> set[tuple]:
    since = utcnow().date() - timedelta(days=400)
    rows = session.execute(select(SentReminder.kind, SentReminder.object_id, SentReminder.member_id,
                                  SentReminder.for_date).where(SentReminder.for_date >= since))
    return {tuple(row) for row in rows}


def due_reminders(session, now: datetime | None = None, *, soon_days: int = 1,
                  meeting_hours: int = 24) -> list[Reminder]:
    """Every reminder that should go out now and has not gone out before."""
    now = now or utcnow()
    found = _agreement_reminders(session, brussels(now).date(), soon_days) + _meeting_reminders(
        session, now, meeting_hours)
    sent = _sent(session)
    return [r for r in found if r.key not in sent]


def mark_sent(session, reminder: Reminder) -> None:
    kind, object_id, member_id, for_date = reminder.key
    session.add(SentReminder(kind=kind, object_id=object_id, member_id=member_id, for_date=for_date))
