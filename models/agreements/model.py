"""The agreement records: an agreement (afspraak) and each completed occurrence of it (its history).

The text and remark are encrypted; owner, dates and status stay clear for scheduling and reminders.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDKey, Versioned, utcnow
from models.encrypted import Encrypted, PersonData, encrypted_check, encrypted_column
from models.members import Member

STATUSES = ("proposed", "accepted", "declined", "done", "cancelled")
OPEN = ("proposed", "accepted")
RECURRENCES = ("none", "weekly", "monthly")


class AgreementRule(ValueError):
    """An agreement change that is not possible; the message says why, in plain words."""


class AlreadyDone(AgreementRule):
    """A "Klaar" for an occurrence that is already done: a double tap, a form sent again."""


class OccurrenceMoved(AgreementRule):
    """A "Klaar" for an occurrence the agreement no longer has (someone changed its date meanwhile)."""


def is_overdue(status: str, due_on: date | None, today: date | None = None) -> bool:
    """Open and its date has passed: for an agreement, and for the plain columns of one (a list that sorts 200
    agreements before it loads any)."""
    return status in OPEN and due_on is not None and due_on < (today or date.today())


class Agreement(UUIDKey, Versioned, PersonData, Base):
    __tablename__ = "agreements"
    __table_args__ = tuple(c for col in ("what", "remark") for c in encrypted_check(col))

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    recurrence: Mapped[str] = mapped_column(String(12), default="none")
    care_goal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("care_goals.id"))
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"), index=True)  # the MDO that made it
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    recurs_from: Mapped[date | None] = mapped_column(Date)  # the first date of a recurring series (its anchor)
    _what: Mapped[bytes | None] = encrypted_column("what")
    _remark: Mapped[bytes | None] = encrypted_column("remark")

    what = Encrypted("_what")
    remark = Encrypted("_remark")

    owner: Mapped[Member | None] = relationship(foreign_keys=[owner_id], lazy="joined")

    def encryption_subject(self) -> uuid.UUID:
        return self.person_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def overdue(self, today: date | None = None) -> bool:
        return is_overdue(self.status, self.due_on, today)


class AgreementCompletion(UUIDKey, PersonData, Base):
    """One completed occurrence of an agreement (every one of a recurring series): the history of who did it when."""

    __tablename__ = "agreement_completions"
    __table_args__ = tuple(encrypted_check("note"))

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    occurrence_on: Mapped[date | None] = mapped_column(Date)  # the due date that was met (None: no date)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    _note: Mapped[bytes | None] = encrypted_column("note")

    note = Encrypted("_note")

    completed_by: Mapped[Member | None] = relationship(lazy="joined")

    def encryption_subject(self) -> uuid.UUID:
        return self.person_id
