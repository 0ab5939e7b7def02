"""Calendar data (RFC 5545/5546): the iMIP invite, update and cancellation of a meeting, and the personal feed.

Glossary: agenda-uitnodiging (invite), kalenderfeed (`CalendarFeed`, a secret, revocable URL).
A calendar provider reads all of this, so titles and descriptions carry no health details: "MDO zorgteam J.P.",
the place, a link to the meeting page. The feed token is stored hashed and shown once.
"""
from __future__ import annotations

import functools
import secrets
import uuid
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress
from sqlalchemy import ForeignKey, String, bindparam, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from models import audit
from models.agreements import OPEN, Agreement
from models.base import Base, UUIDKey, id_text, param, utcnow
from models.calendar_text import day, fold, folded_text, local, stream, utc, vtimezone
from models.meetings.planning import BRUSSELS, brussels
from models.meetings.records import Invitee, Meeting, meeting_uid
from models.members import Member
from models.encrypted import TEXT, decrypt_rows
from models.people import Person, names_of
from models.users import User, token_hash

PRODID = "-//Zorgteam//Overleg en afspraken//NL"
SENDER = "mailto:no-reply@zorgteam.example"
TITLES = {"mdo": "MDO", "gdt": "GDT-overleg", "loc": "Lokaal cliëntoverleg", "team": "Teamoverleg"}
ICAL_ROLES = {"chair": "CHAIR", "required": "REQ-PARTICIPANT", "optional": "OPT-PARTICIPANT"}
RRULES = {"weekly": "WEEKLY", "monthly": "MONTHLY"}


def meeting_title(meeting: Meeting, person: Person) -> str:
    """"MDO zorgteam J.P.": the kind and the person's initials, nothing about their health."""
    return title_of(meeting.kind, person.initials)


def title_of(kind: str, initials: str) -> str:
    return f"{TITLES.get(kind, 'Overleg')} zorgteam {initials}"


def meeting_url(base_url: str, meeting: Meeting) -> str:
    return meeting_link(base_url.rstrip("/"), meeting.team_id, meeting.id)


def meeting_link(base: str, team_id: uuid.UUID, meeting_id: uuid.UUID) -> str:
    """The meeting page's URL, from a base URL without its trailing slash."""
    return f"{base}/teams/{id_text(team_id)}/meetings/{id_text(meeting_id)}/"


def address_of(session, member: Member) -> str | None:
    """The member's e-mail address: their own contact address, else their account's."""
    if member.email:
        return member.email
    user = session.get(User, member.user_id) if member.user_id else None
    return user.email if user else None


def _cal_address(session, member: Member) -> vCalAddress:
    """A calendar address with the member's name; the person is named by initials, like the title."""
    email = address_of(session, member)
    address = vCalAddress(f"mailto:{email}" if email else f"urn:uuid:{member.id}")
    address.params["CN"] = session.get(Person, member.person_id).initials if member.role == "person" else member.name
    return address


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _finish(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _description(url: str, video_link: str | None) -> str:
    """What an event of the meeting says (the same in an invite and in the feed)."""
    video = f"Deelnemen via video: {video_link}\n" if video_link else ""
    return f"Overleg van het zorgteam.\n{video}Meer over dit overleg: {url}"


def _location(place: str | None, video_link: str | None) -> str:
    return place or ("Videogesprek" if video_link else "")


def _meeting_texts(meeting: Meeting, person: Person, base_url: str) -> dict[str, str]:
    url = meeting_url(base_url, meeting)
    return {"summary": meeting_title(meeting, person), "location": _location(meeting.place, meeting.video_link),
            "description": _description(url, meeting.video_link), "url": url}


def _meeting_event(session, meeting: Meeting, person: Person, base_url: str, status: str) -> Event:
    event = Event()
    texts = _meeting_texts(meeting, person, base_url)
    event.add("uid", meeting.uid)
    event.add("dtstamp", utcnow())
    event.add("sequence", meeting.sequence)
    event.add("dtstart", brussels(meeting.starts_at))
    event.add("dtend", brussels(meeting.ends_at))
    for name in ("summary", "location", "description", "url"):
        event.add(name, texts[name])
    event.add("status", status)
    event.add("transp", "OPAQUE")
    return event


def _attendee(session, invitee: Invitee) -> vCalAddress:
    address = _cal_address(session, invitee.member)
    address.params.update({"CUTYPE": "INDIVIDUAL", "ROLE": ICAL_ROLES.get(invitee.role, "REQ-PARTICIPANT"),
                           "PARTSTAT": invitee.response, "RSVP": "TRUE"})
    return address


def meeting_ics(session, meeting: Meeting, base_url: str, *, method: str | None = None,
                invitees: list[Invitee] | None = None) -> bytes:
    """The meeting as an iTIP message: REQUEST while planned or held, CANCEL once cancelled (or for `invitees`
    removed from it). ORGANIZER, one ATTENDEE per invitee, a UID that never changes, DTSTAMP, SEQUENCE."""
    person = session.get(Person, meeting.person_id)
    method = method or ("CANCEL" if meeting.status == "cancelled" else "REQUEST")
    calendar = _calendar(method)
    event = _meeting_event(session, meeting, person, base_url, "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organiser = meeting.organiser or next((i.member for i in meeting.invitees), None)
    if organiser is not None:
        address = _cal_address(session, organiser)
        address.params["SENT-BY"] = SENDER
        event.add("organizer", address)
    for invitee in meeting.invitees if invitees is None else invitees:
        event.add("attendee", _attendee(session, invitee))
    calendar.add_component(event)
    return _finish(calendar)


class CalendarFeed(UUIDKey, Base):
    """One secret feed URL per account; only the token's hash is kept."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def feed_of(session, user: User) -> CalendarFeed | None:
    return session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def issue_feed(session, user: User) -> str:
    """Create the user's feed, or rotate it: the old URL stops working. Returns the token, to be shown once."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(session, user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        feed.ensure_id()
        session.add(feed)
    feed.token_hash, feed.created_at = token_hash(token), utcnow()
    audit.record(session, user, "update", target=feed, category="calendar-feed")
    return token


def revoke_feed(session, user: User) -> None:
    feed = feed_of(session, user)
    if feed is not None:
        session.delete(feed)
        audit.record(session, user, "delete", target=feed, category="calendar-feed")


def feed_owner(session, token: str) -> User | None:
    """The active account whose feed `token` opens; None for an unknown, rotated or revoked token."""
    user_id = session.scalar(_owner_query(), {"token_hash": token_hash(token)})
    user = session.get(User, user_id) if user_id is not None else None
    return user if user is not None and user.active else None


@functools.cache  # built once: a calendar program asks every few minutes
def _owner_query():
    return select(CalendarFeed.user_id).where(CalendarFeed.token_hash == bindparam("token_hash", type_=String()))


@functools.cache  # built once: building a statement and its cache key costs more than running it
def _feed_statements():
    """The feed's meetings (those the user's active memberships are invited to) and open tasks with a due date,
    only the columns the events show. The memberships are a subquery of both: binding their 150 ids into each
    (as before) cost more in SQLAlchemy than SQLite saves with a list (measured), and the rows come in the same
    order; a join would not keep it."""
    members = select(Member.id).where(Member.user_id == param("user_id"),
                                      or_(Member.ended_on.is_(None), Member.ended_on > param("today", "date")))
    meetings = select(
        Meeting.id, Meeting.person_id, Meeting._place, Meeting._video_link, Meeting.team_id, Meeting.kind,
        Meeting.starts_at, Meeting.duration_minutes, Meeting.sequence).join(Invitee, Invitee.meeting_id == Meeting.id) \
        .where(Invitee.member_id.in_(members), Meeting.status != "cancelled", Meeting.starts_at >= param("since", "time"))
    tasks = select(Agreement.id, Agreement.person_id, Agreement.due_on, Agreement.recurrence).where(
        Agreement.owner_id.in_(members), Agreement.status.in_(OPEN), Agreement.due_on.is_not(None))
    return meetings, tasks


PLACE_COLUMNS = {"place": TEXT, "video_link": TEXT}  # the meetings' ciphertexts, in the select's order
FEED_START = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
                           "X-WR-CALNAME:Zorgteam"])


def _meeting_block(row: tuple, plain: dict, summary: str, base: str, stamp: str) -> str:
    """One meeting as a folded VEVENT block, saying what an invite says (`_meeting_texts`), written directly (a
    feed holds hundreds). UID and SEQUENCE (an id, a number) and the local times are short ASCII: never folded."""
    meeting_id, _, _, _, team_id, _, starts_at, minutes, sequence = row  # unpacked: a Row's attributes cost more
    url, video = meeting_link(base, team_id, meeting_id), plain["video_link"]
    # brussels(), inlined (600 calls a feed); the end is Meeting.ends_at
    starts, ends = starts_at.astimezone(BRUSSELS), (starts_at + timedelta(minutes=minutes)).astimezone(BRUSSELS)
    return (f"BEGIN:VEVENT\r\n{summary}\r\n{local('DTSTART', starts)}\r\n{local('DTEND', ends)}\r\n{stamp}\r\n"
            f"UID:{meeting_uid(meeting_id)}\r\nSEQUENCE:{sequence}\r\n"
            f"{folded_text('DESCRIPTION', _description(url, video))}\r\n"
            f"{folded_text('LOCATION', _location(plain['place'], video))}\r\nSTATUS:CONFIRMED\r\nTRANSP:OPAQUE\r\n"
            f"{fold('URL:' + url)}\r\nEND:VEVENT")


def _meeting_blocks(session, rows, persons: dict, base_url: str, stamp: str) -> list[str]:
    """The meetings' events; places and video links decrypted together, each title made once per kind and person."""
    plain = decrypt_rows(session, Meeting.__tablename__, PLACE_COLUMNS, [row[:4] for row in rows])
    base, titles, blocks = base_url.rstrip("/"), {}, []
    for row, values in zip(rows, plain):
        key = (row[5], row[1].int)  # kind and person (the id's int: hashed in C, UUID.__hash__ is Python)
        title = titles.get(key) or titles.setdefault(key, folded_text(
            "SUMMARY", title_of(row[5], persons[row[1]].initials)))
        blocks.append(_meeting_block(row, values, title, base, stamp))
    return blocks


def _task_blocks(rows, persons: dict, base_url: str, stamp: str) -> list[str]:
    """Agreements' due dates as all-day VEVENT blocks. What every task says but its person, dates and id (the
    description and the link to /my/tasks) is folded once, and each person's title once."""
    tasks = f"{base_url.rstrip('/')}/my/tasks"
    shared = f"{folded_text('DESCRIPTION', f'Wat er te doen is, ziet u in Zorgteam: {tasks}')}\r\n" \
             f"TRANSP:TRANSPARENT\r\n{fold('URL:' + tasks)}"
    titles: dict = {}
    blocks = []
    for row in rows:
        title = titles.get(row[1].int) or titles.setdefault(row[1].int, folded_text(
            "SUMMARY", f"Taak voor zorgteam {persons[row[1]].initials}"))
        blocks.append(_task_block(row, title, shared, stamp))
    return blocks


def _task_block(row: tuple, title: str, shared: str, stamp: str) -> str:
    """All day, repeating when the agreement does."""
    agreement_id, _, due_on, recurrence = row
    repeat = f"RRULE:FREQ={RRULES[recurrence]}\r\n" if recurrence in RRULES else ""
    return (f"BEGIN:VEVENT\r\n{title}\r\n{day('DTSTART', due_on)}\r\n"
            f"{day('DTEND', due_on + timedelta(days=1))}\r\n{stamp}\r\nUID:agreement-{id_text(agreement_id)}"
            f"@zorgteam\r\n{shared}\r\n{repeat}END:VEVENT")


def feed_ics(session, user: User, base_url: str) -> bytes:
    """The user's meetings (those they are invited to) and the due dates of their open agreements, in every team."""
    now = utcnow()
    meetings, tasks = _feed_statements()
    params = {"user_id": user.id, "today": now.date(), "since": now - timedelta(days=180)}
    # Through the session's connection (its transaction): Core rows without the ORM's step per row, a sixth of
    # reading them. Nothing is pending to flush first: the feed's request has only looked up the token.
    connection = session.connection()
    rows, owned = connection.execute(meetings, params).all(), connection.execute(tasks, params).all()
    persons = names_of(session, [row[1] for row in rows] + [row[1] for row in owned])  # person ids
    stamp = utc("DTSTAMP", now)
    blocks = [FEED_START] + ([vtimezone(BRUSSELS)] if rows else [])
    blocks += _meeting_blocks(session, rows, persons, base_url, stamp)
    blocks += _task_blocks(owned, persons, base_url, stamp)
    audit.record(session, user, "read", category="calendar-feed")
    return stream(blocks + ["END:VCALENDAR"])
