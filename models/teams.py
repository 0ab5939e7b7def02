"""The care team (`CareTeam`, zorgteam): one per person, with the care question (zorgvraag) in the person's words,
simple or complex care, and its closing (afsluiten); its designations (coordinator, representative, trusted person)
with history."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDKey, Versioned, utcnow
from models.encrypted import Encrypted, PersonData, encrypted_check, encrypted_column
from models.people import Person

CARE_LEVELS = ("simple", "complex")


class NotInTeam(LookupError):
    """The record asked for does not belong to this team (the web layer answers 404)."""


class CareTeam(UUIDKey, PersonData, Versioned, Base):
    """Everyone around one person. Children are reached only through `team.get`.

    Once closed (`closed_on`), the team is read-only; why it closed is encrypted, like everything about the person.
    Versioned: the care question is edited in a form, and a stale edit must not overwrite a newer one."""

    __tablename__ = "care_teams"
    __table_args__ = tuple(c for col in ("care_question", "closed_reason", "closed_note")
                           for c in encrypted_check(col))

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    care_level: Mapped[str] = mapped_column(String(10), default="simple", server_default="simple")
    _care_question: Mapped[bytes | None] = encrypted_column("care_question")
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    _closed_reason: Mapped[bytes | None] = encrypted_column("closed_reason")
    _closed_note: Mapped[bytes | None] = encrypted_column("closed_note")

    care_question = Encrypted("_care_question")  # in the person's own words
    closed_reason = Encrypted("_closed_reason")  # one of models.lifecycle.CLOSING_REASONS
    closed_note = Encrypted("_closed_note")  # the reason in words, for "other"

    person: Mapped[Person] = relationship(lazy="joined")

    def encryption_subject(self) -> uuid.UUID:
        if self.person_id is None:
            self.person_id = self.person.ensure_id()
        return self.person_id

    @property
    def closed(self) -> bool:
        return self.closed_on is not None

    def get(self, session, model, record_id):
        """The `model` record `record_id` of this team; NotInTeam when it belongs elsewhere or does not exist."""
        try:
            record_id = uuid.UUID(str(record_id))
        except ValueError:
            raise NotInTeam(record_id) from None
        found = session.scalar(select(model).where(model.id == record_id, model.team_id == self.id))
        if found is None:
            raise NotInTeam(record_id)
        return found


class DesignationRecord(UUIDKey, Base):
    """Who held a designation from when to when; the current holder has no end."""

    __tablename__ = "designations"

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    assigned_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    member = relationship("Member", lazy="joined")
