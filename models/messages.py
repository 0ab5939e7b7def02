"""Team messages (zorgschrift): threads of a first message and its replies; each thread is for the whole team, for
the professionals only, or for one chosen member (a direct message, read only by its author and that member).

Who reads a thread is decided on its first message (the root); a reply inherits the root's audience, and the
recipient of a direct reply is the other one of the two. Unread markers are one watermark per member (the time up
to which they have read the messages); a reply counts as new like any message.
"""
from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, and_, case, func, or_, select
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from models import audit
from models.base import Base, UUIDKey, param, utcnow
from models.consent import visible_categories
from models.encrypted import Encrypted, PersonData, encrypted_check, encrypted_column
from models.members import Member
from models.permissions import PROFESSIONAL_ROLES, Permission

AUDIENCES = ("team", "professionals", "member")
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
    # A direct message (audience "member"): the one member who reads it besides its author.
    recipient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    # A reply: the first message of its thread (a reply to a reply joins the same thread).
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("messages.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24), default="message")
    posted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    _body: Mapped[bytes | None] = encrypted_column("body")

    body = Encrypted("_body")

    author: Mapped[Member | None] = relationship(foreign_keys=[author_id], lazy="joined")
    recipient: Mapped[Member | None] = relationship(foreign_keys=[recipient_id], lazy="joined")

    def encryption_subject(self) -> uuid.UUID:
        return self.person_id


class MessageRead(UUIDKey, Base):
    """Up to when a member has read the team's messages."""

    __tablename__ = "message_reads"
    __table_args__ = (UniqueConstraint("member_id"),)

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"))
    read_up_to: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass
class Thread:
    """A first message and its replies (oldest first), as one member may read them."""

    root: Message
    replies: list[Message] = field(default_factory=list)

    @property
    def last_at(self) -> datetime:
        return max([self.root.posted_at] + [r.posted_at for r in self.replies])

    @property
    def messages(self) -> list[Message]:
        return [self.root, *self.replies]


# --- who reads what ------------------------------------------------------------------------------------------------

def hidden_kinds(visible_categories) -> set[str]:
    """The kinds of message that carry a category not in `visible_categories` (the reader's consent)."""
    return {kind for kind, category in CATEGORY_OF_KIND.items() if category not in visible_categories}


def may_read(member, root: Message, categories) -> bool:
    """Whether `member` (whose consent gives `categories`) reads the thread that `root` starts: a team message
    everyone, a professionals-only one the professionals and its author, a direct one its author and recipient."""
    if root.kind in hidden_kinds(categories):
        return False
    if root.author_id == member.id or root.audience == "team":
        return True
    if root.audience == "professionals":
        return member.role in PROFESSIONAL_ROLES
    return root.audience == "member" and root.recipient_id == member.id


def _reads(member, message, hidden):
    """may_read as SQL, on the columns of `message` (the table or its alias for the roots)."""
    audiences = ("team", "professionals") if member.role in PROFESSIONAL_ROLES else ("team",)
    clause = or_(message.audience.in_(audiences), message.author_id == member.id,
                 and_(message.audience == "member", message.recipient_id == member.id))
    return and_(clause, message.kind.not_in(hidden)) if hidden else clause


def _readable_by(member, root, hidden: set[str] = frozenset()):
    """The messages of `member`'s team they may read: first messages by their own audience, replies by their
    root's (`root`, the alias the query joins on `parent_id`), without the kinds hidden from them."""
    return and_(Message.team_id == member.team_id,
                or_(and_(Message.parent_id.is_(None), _reads(member, Message, hidden)),
                    and_(Message.parent_id.is_not(None), _reads(member, root, hidden))))


def _with_roots(*columns):
    """A select of `columns` over the messages, each joined to the first message of its thread; and that alias."""
    root = aliased(Message)
    return select(*columns).select_from(Message).outerjoin(root, Message.parent_id == root.id), root


def _visible(session, member, *columns):
    """A query of the messages `member` may read (the thread's rule, after the consent filter)."""
    query, root = _with_roots(*columns)
    return query.where(_readable_by(member, root, hidden_kinds(visible_categories(session, member))))


def thread_for(session, member, limit: int = 200) -> list[Message]:
    """The messages `member` may read (after the consent filter), newest first."""
    query = _visible(session, member, Message).order_by(Message.posted_at.desc()).limit(limit)
    return list(session.scalars(query))


def threads_for(session, member, limit: int = 200) -> list[Thread]:
    """The threads `member` may read, the one with the newest message first; replies oldest first."""
    found: dict[uuid.UUID, Thread] = {}
    replies = []
    for message in thread_for(session, member, limit):
        if message.parent_id is None:
            found[message.id] = Thread(message)
        else:
            replies.append(message)
    missing = {r.parent_id for r in replies} - set(found)
    if missing:  # a thread whose first message is older than the newest `limit`
        found.update({m.id: Thread(m) for m in session.scalars(select(Message).where(Message.id.in_(missing)))})
    for reply in reversed(replies):
        found[reply.parent_id].replies.append(reply)
    return sorted(found.values(), key=lambda t: t.last_at, reverse=True)


def read_marker(session, member) -> MessageRead | None:
    return session.scalar(select(MessageRead).where(MessageRead.member_id == member.id))


def unread_count(session, member) -> int:
    """Messages `member` may read (the thread's rule, consent included) posted since their read marker, not
    counting their own: one query (the consent filter is worked out once per request)."""
    query = _unread_query(member.role, frozenset(hidden_kinds(visible_categories(session, member))))
    return session.scalar(query, {"member_id": member.id, "team_id": member.team_id}) or 0


@dataclass(frozen=True)
class _Reader:
    """A member as a statement's parameters: the same rule, whoever the member is."""

    id: object
    team_id: object
    role: str


@functools.cache
def _unread_query(role: str, hidden: frozenset[str]):
    """`unread_count`'s statement for a role and the kinds hidden from the reader, built once with the member and
    the team as parameters: the team menu asks on every team page, and building the statement (and its cache key)
    cost more than running it."""
    reader = _Reader(param("member_id"), param("team_id"), role)
    marker = select(MessageRead.read_up_to).where(MessageRead.member_id == reader.id).scalar_subquery()
    query, root = _with_roots(func.count())
    return query.where(_readable_by(reader, root, set(hidden)),
                       or_(Message.author_id.is_(None), Message.author_id != reader.id),
                       or_(marker.is_(None), Message.posted_at > marker))


def unread_counts(session, members, hidden: dict | None = None) -> dict[uuid.UUID, int]:
    """`unread_count` for many members at once (two queries, not two per team), each
    without the kinds of message `hidden[member.id]` (those carrying a category the member may not see)."""
    members, hidden = list(members), hidden or {}
    if not members:
        return {}
    markers = dict(session.execute(select(MessageRead.member_id, MessageRead.read_up_to).where(
        MessageRead.member_id.in_([m.id for m in members]))).all())
    query, root = _with_roots()
    branches = []
    for member in members:
        branch = and_(_readable_by(member, root, hidden.get(member.id, set())),
                      or_(Message.author_id.is_(None), Message.author_id != member.id))
        if member.id in markers:
            branch = and_(branch, Message.posted_at > markers[member.id])
        branches.append(branch)
    row = session.execute(query.add_columns(*[func.sum(case((branch, 1), else_=0)) for branch in branches])
                          .where(or_(*branches))).one()
    return {m.id: int(n or 0) for m, n in zip(members, row)}


def readable_ids(session, wanted) -> set[uuid.UUID]:
    """Of the message ids asked for in `wanted` ((member, ids, hidden kinds) triples), those the member may read:
    the thread's own rule, so a change in who reads what reaches every page that asks."""
    query, root = _with_roots(Message.id)
    branches = [and_(Message.id.in_(ids), _readable_by(member, root, hidden)) for member, ids, hidden in wanted if ids]
    if not branches:
        return set()
    return set(session.scalars(query.where(or_(*branches))))


def mark_read(session, member, up_to: datetime | None = None) -> None:
    marker = read_marker(session, member)
    if marker is None:
        marker = MessageRead(member_id=member.id)
        marker.ensure_id()
        session.add(marker)
    marker.read_up_to = up_to or utcnow()


# --- posting -------------------------------------------------------------------------------------------------------

def _clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise MessageRule("Schrijf een bericht.")
    if len(body) > MAX_LENGTH:
        raise MessageRule(f"Een bericht is hoogstens {MAX_LENGTH} tekens lang.")
    return body


def _check_recipient(team, author: Member | None, audience: str, recipient: Member | None) -> None:
    """A direct message goes to one current member of the same team, with an account (else nobody can read it)."""
    if audience != "member":
        if recipient is not None:
            raise MessageRule("Kies voor wie het bericht is.")
        return
    if recipient is None or recipient.team_id != team.id or not recipient.active:
        raise MessageRule("Kies voor wie het bericht is.")
    if author is not None and recipient.id == author.id:
        raise MessageRule("Kies iemand anders dan uzelf.")
    if recipient.user_id is None:
        raise MessageRule(f"{recipient.name} heeft geen account en kan geen berichten lezen.")


def _add(session, team, author: Member | None, body: str, **columns) -> Message:
    message = Message(team_id=team.id, person_id=team.person_id, author_id=author.id if author else None,
                      body=body, **columns)
    message.ensure_id()
    session.add(message)
    audit.record(session, author, "create", team=team, target=message, category="messages")
    return message


def post_message(session, team, author: Member | None, body: str, *, audience: str = "team",
                 kind: str = "message", recipient: Member | None = None) -> Message:
    """Start a thread; `author` None is the system (a transition, a report); `recipient` for audience "member"."""
    if author is not None:
        author.require(Permission.MESSAGES_POST)
    body = _clean(body)
    if audience not in AUDIENCES or kind not in KINDS:
        raise MessageRule("Kies voor wie het bericht is.")
    _check_recipient(team, author, audience, recipient)
    return _add(session, team, author, body, audience=audience, kind=kind,
                recipient_id=recipient.id if recipient else None)


def root_of(session, message: Message) -> Message:
    """The first message of the thread `message` belongs to."""
    return message if message.parent_id is None else session.get(Message, message.parent_id)


def post_reply(session, team, author: Member, parent: Message, body: str) -> Message:
    """Reply in the thread of `parent`, with its root's audience; a direct reply goes to the other one of the two."""
    author.require(Permission.MESSAGES_POST)
    root = root_of(session, parent)
    if root.team_id != team.id or not may_read(author, root, visible_categories(session, author)):
        raise MessageRule("U kan op dit bericht niet antwoorden.")
    body = _clean(body)
    recipient_id = None
    if root.audience == "member":
        recipient_id = root.author_id if author.id == root.recipient_id else root.recipient_id
    return _add(session, team, author, body, audience=root.audience, recipient_id=recipient_id, parent_id=root.id)


# --- who hears of it -----------------------------------------------------------------------------------------------

def _with_account(session, team) -> list[Member]:
    members = session.scalars(select(Member).where(Member.team_id == team.id, Member.user_id.is_not(None)))
    return [m for m in members if m.active]


def recipients(session, team, message: Message) -> list[Member]:
    """The active members with an account who should hear of a new message (by mail, without its content): for a
    first message its audience; for a reply the thread's participants (who wrote in it, or to whom it was addressed)
    who may still read it."""
    members = [m for m in _with_account(session, team) if m.id != message.author_id]
    if message.parent_id is not None:
        return _participants(session, members, root_of(session, message))
    if message.audience == "member":
        return [m for m in members if m.id == message.recipient_id]
    return [m for m in members if message.audience == "team" or m.role in PROFESSIONAL_ROLES]


def _participants(session, members: list[Member], root: Message) -> list[Member]:
    authors = session.scalars(select(Message.author_id).where(Message.parent_id == root.id))
    involved = {root.author_id, root.recipient_id, *authors}
    return [m for m in members if m.id in involved and may_read(m, root, visible_categories(session, m))]
