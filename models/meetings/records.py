"""The records of an MDO (multidisciplinair overleg): the meeting, its invitees with their attendance, and feedback.

Glossary: overleg (`Meeting`), uitgenodigde (`Invitee`), aanwezigheid (attendance), verslag (minutes),
agenda, overlegorganisator (organiser), terugkoppeling (`Feedback`).
Place, video link, agenda, minutes, the facts of the rules checklist and the feedback are encrypted; dates,
kinds, statuses and attendance modes stay clear for scheduling and reminders.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDKey, Versioned, id_text, utcnow
from models.encrypted import JSON, Encrypted, PersonData, encrypted_check, encrypted_column
from models.members import Member

KINDS = ("mdo", "gdt", "loc", "team")  # Flemish reimbursable MDO, GDT meeting, Lokaal Cliëntoverleg, team meeting
REIMBURSABLE = ("mdo", "gdt")
STATUSES = ("planned", "held", "cancelled")
MODES = ("present", "video", "phone", "excused", "absent")
TOOK_PART = ("present", "video", "phone")
INVITEE_ROLES = ("chair", "required", "optional")
RESPONSES = ("NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE")
HELPED = ("yes", "somewhat", "no")


def _sealed(*columns: str) -> tuple:
    return tuple(c for col in columns for c in encrypted_check(col))


class Meeting(UUIDKey, Versioned, PersonData, Base):
    """One meeting about the person: planned, held (and closed) or cancelled."""

    __tablename__ = "meetings"
    __table_args__ = _sealed("place", "video_link", "agenda", "minutes", "facts")

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="planned")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    organiser_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # iCalendar SEQUENCE: up with each real change
    next_meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    _place: Mapped[bytes | None] = encrypted_column("place")
    _video_link: Mapped[bytes | None] = encrypted_column("video_link")
    _agenda: Mapped[bytes | None] = encrypted_column("agenda")
    _minutes: Mapped[bytes | None] = encrypted_column("minutes")
    _facts: Mapped[bytes | None] = encrypted_column("facts")

    place = Encrypted("_place")
    video_link = Encrypted("_video_link")
    agenda = Encrypted("_agenda", JSON)  # [{"text", "source": goal|agreement|journal|free, "category", "ref"}]
    minutes = Encrypted("_minutes")
    facts = Encrypted("_facts", JSON)  # what the rules checklist needs: residence, consent, katz_score, ...

    organiser: Mapped[Member | None] = relationship(foreign_keys=[organiser_id], lazy="joined")
    next_meeting: Mapped[Meeting | None] = relationship(remote_side="Meeting.id", foreign_keys=[next_meeting_id])
    invitees: Mapped[list[Invitee]] = relationship(back_populates="meeting", cascade="all, delete-orphan",
                                                   order_by="Invitee.created_at", lazy="selectin")

    def encryption_subject(self) -> uuid.UUID:
        return self.person_id

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def uid(self) -> str:
        """The iCalendar UID: the same for every invite, update and cancellation of this meeting."""
        return meeting_uid(self.id)

    @property
    def is_planned(self) -> bool:
        return self.status == "planned"

    def invitee_of(self, member_id: uuid.UUID) -> Invitee | None:
        return next((i for i in self.invitees if i.member_id == member_id), None)


class Invitee(UUIDKey, Base):
    """A member invited to a meeting: their iCalendar role and answer, and afterwards how they took part."""

    __tablename__ = "meeting_invitees"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    role: Mapped[str] = mapped_column(String(12), default="required")
    response: Mapped[str] = mapped_column(String(16), default="NEEDS-ACTION")
    joins: Mapped[str | None] = mapped_column(String(12))  # how they plan to take part: present, video or phone
    attendance: Mapped[str | None] = mapped_column(String(12))  # one of MODES once the meeting is held
    paid: Mapped[bool] = mapped_column(Boolean, default=False)  # asks a fee for this meeting (GDT: at most 4)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="invitees")
    member: Mapped[Member] = relationship(lazy="joined")

    @property
    def took_part(self) -> bool:
        return self.attendance in TOOK_PART


class Feedback(UUIDKey, PersonData, Base):
    """After a meeting: did it help, and what should change; one answer per participant."""

    __tablename__ = "meeting_feedback"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),) + _sealed("helped", "change")

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    _helped: Mapped[bytes | None] = encrypted_column("helped")
    _change: Mapped[bytes | None] = encrypted_column("change")

    helped = Encrypted("_helped")  # one of HELPED
    change = Encrypted("_change")

    member: Mapped[Member] = relationship(lazy="joined")

    def encryption_subject(self) -> uuid.UUID:
        return self.person_id


def meeting_uid(meeting_id: uuid.UUID) -> str:
    """A meeting's iCalendar UID (`Meeting.uid`; the feed, which reads rows, not objects, writes it too)."""
    return f"meeting-{id_text(meeting_id)}@zorgteam"
