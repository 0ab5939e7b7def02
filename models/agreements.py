"""Agreements (afspraken): who does what by when, linked to a goal and the meeting that made it.

Glossary: afspraak (`Agreement`), eigenaar (owner), wekelijks/maandelijks (recurrence), opvolgen (follow up).
The text and remark are encrypted; owner, dates and status stay clear for scheduling and reminders.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import audit
from models.base import Base, UUIDKey, Versioned, utcnow
from models.encrypted import Encrypted, PersonData, encrypted_check, encrypted_column
from models.members import Member

STATUSES = ("proposed", "accepted", "declined", "done", "cancelled")
OPEN = ("proposed", "accepted")
RECURRENCES = ("none", "weekly", "monthly")


class AgreementRule(ValueError):
    """An agreement change that is not possible; the message says why, in plain words."""


class Agreement(UUIDKey, Versioned, PersonData, Base):
    __tablename__ = "agreements"
    __table_args__ = tuple(c for col in ("what", "remark") for c in encrypted_check(col))

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    recurrence: Mapped[str] = mapped_column(String(12), default="none")
    care_goal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("care_goals.id"))
    meeting_id: Mapped[uuid.UUID | None]  # the MDO that made it (a foreign key once meetings exist)
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
        return self.is_open and self.due_on is not None and self.due_on < (today or date.today())


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


def add_agreement(session, team, actor: Member | None, *, what: str, owner: Member | None = None,
                  due_on: date | None = None, recurrence: str = "none", care_goal_id: uuid.UUID | None = None,
                  meeting_id: uuid.UUID | None = None, status: str = "proposed") -> Agreement:
    """Record who does what by when. `actor` None: the system (the demo, a report that asks for follow-up)."""
    what = (what or "").strip()
    if not what:
        raise AgreementRule("Beschrijf wat er afgesproken is.")
    if recurrence not in RECURRENCES or status not in STATUSES:
        raise AgreementRule("Ongeldige herhaling of status.")
    if owner is not None and owner.team_id != team.id:
        raise AgreementRule("De eigenaar moet lid zijn van het zorgteam.")
    agreement = Agreement(team_id=team.id, person_id=team.person_id, what=what, owner_id=owner.id if owner else None,
                          due_on=due_on, recurrence=recurrence, care_goal_id=care_goal_id, meeting_id=meeting_id,
                          status=status, created_by_id=actor.id if actor else None)
    agreement.ensure_id()
    session.add(agreement)
    audit.record(session, actor, "create", team=team, target=agreement, category="agreements")
    return agreement


def open_agreements(session, team_id: uuid.UUID) -> list[Agreement]:
    """The team's open agreements, soonest due first (those without a date last)."""
    rows = session.scalars(select(Agreement).where(Agreement.team_id == team_id, Agreement.status.in_(OPEN)))
    return sorted(rows, key=lambda a: (a.due_on is None, a.due_on or date.max))
