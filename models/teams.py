"""The care team (`CareTeam`, zorgteam): one per person; its designations (coordinator, representative, trusted person) with history."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDKey, utcnow
from models.people import Person


class NotInTeam(LookupError):
    """The record asked for does not belong to this team (the web layer answers 404)."""


class CareTeam(UUIDKey, Base):
    """Everyone around one person. Children are reached only through `team.get`."""

    __tablename__ = "care_teams"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(lazy="joined")

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
