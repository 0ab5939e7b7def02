"""Team messages (zorgschrift): one thread per team; each message is for the whole team or for professionals only.

Unread markers are one watermark per member (the time up to which they have read the thread).
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import audit
from models.base import Base, UUIDKey, utcnow
from models.encrypted import Encrypted, PersonData, encrypted_check, encrypted_column
from models.members import Member
from models.permissions import PROFESSIONAL_ROLES, Permission

AUDIENCES = ("team", "professionals")
KINDS = ("message", "medication-problem", "transition")
MAX_LENGTH = 4000
# Messages that carry the content of a category (a reported medication problem): only for whoever may see it.
CATEGORY_OF_KIND = {"medication-problem": "medication"}


class MessageRule(ValueError):
    """A message that cannot be posted; the message says why, in plain words."""


class Message(UUIDKey, PersonData, Base):
    __tablename__ = "messages"
    __table_args__ = tuple(encrypted_check("body"))

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    audience: Mapped[str] = mapped_column(String(16), default="team")
    kind: Mapped[str] = mapped_column(String(24), default="message")
    posted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    _body: Mapped[bytes | None] = encrypted_column("body")

    body = Encrypted("_body")

    author: Mapped[Member | None] = relationship(lazy="joined")

    def encryption_subject(self) -> uuid.UUID:
        return self.person_id


class MessageRead(UUIDKey, Base):
    """Up to when a member has read the team's thread."""

    __tablename__ = "message_reads"
    __table_args__ = (UniqueConstraint("member_id"),)

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"))
    read_up_to: Mapped[datetime] = mapped_column(default=utcnow)


def hidden_kinds(visible_categories) -> set[str]:
    """The kinds of message that carry a category not in `visible_categories` (the reader's consent)."""
    return {kind for kind, category in CATEGORY_OF_KIND.items() if category not in visible_categories}


def _audience_clause(member):
    """Professionals-only messages reach professionals (and their own author), never family carers."""
    if member.role in PROFESSIONAL_ROLES:
        return True
    return or_(Message.audience == "team", Message.author_id == member.id)


def post_message(session, team, author: Member | None, body: str, *, audience: str = "team",
                 kind: str = "message") -> Message:
    """Post to the team's thread; `author` None is the system (a transition, a report)."""
    if author is not None:
        author.require(Permission.MESSAGES_POST)
    body = (body or "").strip()
    if not body:
        raise MessageRule("Schrijf een bericht.")
    if len(body) > MAX_LENGTH:
        raise MessageRule(f"Een bericht is hoogstens {MAX_LENGTH} tekens lang.")
    if audience not in AUDIENCES or kind not in KINDS:
        raise MessageRule("Kies voor wie het bericht is.")
    message = Message(team_id=team.id, person_id=team.person_id, author_id=author.id if author else None,
                      audience=audience, kind=kind, body=body)
    message.ensure_id()
    session.add(message)
    audit.record(session, author, "create", team=team, target=message, category="messages")
    return message


def thread_for(session, member, limit: int = 200) -> list[Message]:
    """The messages `member` may read, newest first."""
    query = select(Message).where(Message.team_id == member.team_id, _audience_clause(member))
    return list(session.scalars(query.order_by(Message.posted_at.desc()).limit(limit)))


def read_marker(session, member) -> MessageRead | None:
    return session.scalar(select(MessageRead).where(MessageRead.member_id == member.id))


def unread_count(session, member, hidden_kinds=()) -> int:
    """New messages since the member's last visit, not their own, nor of `hidden_kinds`: one query."""
    marker = select(MessageRead.read_up_to).where(MessageRead.member_id == member.id).scalar_subquery()
    query = select(func.count()).select_from(Message).where(
        Message.team_id == member.team_id, _audience_clause(member),
        or_(Message.author_id.is_(None), Message.author_id != member.id),
        or_(marker.is_(None), Message.posted_at > marker))
    if hidden_kinds:
        query = query.where(Message.kind.not_in(sorted(hidden_kinds)))
    return session.scalar(query) or 0


def mark_read(session, member, up_to: datetime | None = None) -> None:
    marker = read_marker(session, member)
    if marker is None:
        marker = MessageRead(member_id=member.id)
        marker.ensure_id()
        session.add(marker)
    marker.read_up_to = up_to or utcnow()


def recipients(session, team, audience: str, exclude: uuid.UUID | None = None) -> list[Member]:
    """The active members with an account who should hear of a new message (by mail, without its content)."""
    members = session.scalars(select(Member).where(Member.team_id == team.id, Member.user_id.is_not(None)))
    return [m for m in members if m.active and m.id != exclude
            and (audience == "team" or m.role in PROFESSIONAL_ROLES)]
