"""Calendar data (RFC 5545/5546): the iMIP invite, update and cancellation of a meeting, and the personal feed.

Glossary: agenda-uitnodiging (invite), kalenderfeed (`CalendarFeed`, a secret, revocable URL).
A calendar provider reads all of this, so titles and descriptions carry no health details: "MDO zorgteam J.P.",
the place, a link to the meeting page. The feed token is stored hashed and shown once.
"""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress
from sqlalchemy import ForeignKey, String, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from models import audit
from models.agreements import OPEN, Agreement
from models.base import Base, UUIDKey, utcnow
from models.calendar_text import day, document, local, text, utc, vtimezone
from models.meetings.planning import BRUSSELS, brussels
from models.meetings.records import Invitee, Meeting
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
    return f"{TITLES.get(meeting.kind, 'Overleg')} zorgteam {person.initials}"


def meeting_url(base_url: str, meeting: Meeting) -> str:
    return f"{base_url.rstrip('/')}/teams/{meeting.team_id}/meetings/{meeting.id}/"


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


def _meeting_texts(meeting: Meeting, person: Person, base_url: str) -> dict[str, str]:
    """What an event of the meeting says: the same in an invite and in the feed."""
    url = meeting_url(base_url, meeting)
    video = f"Deelnemen via video: {meeting.video_link}\n" if meeting.video_link else ""
    return {"summary": meeting_title(meeting, person),
            "location": meeting.place or ("Videogesprek" if meeting.video_link else ""),
            "description": f"Overleg van het zorgteam.\n{video}Meer over dit overleg: {url}", "url": url}


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
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token)))
    user = session.get(User, feed.user_id) if feed is not None else None
    return user if user is not None and user.active else None


def _memberships(session, user: User) -> list[uuid.UUID]:
    today = utcnow().date()
    return list(session.scalars(select(Member.id).where(
        Member.user_id == user.id, or_(Member.ended_on.is_(None), Member.ended_on > today))))


@dataclass(frozen=True)
class FeedMeeting:
    """A meeting as the feed shows it, read with a Core select of only those columns (the feed holds hundreds)."""

    id: uuid.UUID
    team_id: uuid.UUID
    person_id: uuid.UUID
    kind: str
    starts_at: datetime
    duration_minutes: int
    sequence: int
    place: str | None
    video_link: str | None

    ends_at = Meeting.ends_at
    uid = Meeting.uid


def _feed_meetings(session, member_ids: list[uuid.UUID]) -> list[FeedMeeting]:
    since = utcnow() - timedelta(days=180)
    rows = session.execute(select(
        Meeting.id, Meeting.person_id, Meeting._place, Meeting._video_link, Meeting.team_id, Meeting.kind,
        Meeting.starts_at, Meeting.duration_minutes, Meeting.sequence).join(Invitee, Invitee.meeting_id == Meeting.id)
        .where(Invitee.member_id.in_(member_ids), Meeting.status != "cancelled", Meeting.starts_at >= since)).all()
    plain = decrypt_rows(session, Meeting.__tablename__, {"place": TEXT, "video_link": TEXT},
                         [row[:4] for row in rows])
    return [FeedMeeting(r.id, r.team_id, r.person_id, r.kind, r.starts_at, r.duration_minutes, r.sequence, **p)
            for r, p in zip(rows, plain)]


def _meeting_lines(meeting: Meeting, person: Person, base_url: str, stamp: str) -> list[str]:
    """The meeting as a feed event (content lines written directly: a feed holds hundreds)."""
    texts = _meeting_texts(meeting, person, base_url)
    return ["BEGIN:VEVENT", text("SUMMARY", texts["summary"]), local("DTSTART", brussels(meeting.starts_at)),
            local("DTEND", brussels(meeting.ends_at)), stamp, f"UID:{meeting.uid}", f"SEQUENCE:{meeting.sequence}",
            text("DESCRIPTION", texts["description"]), text("LOCATION", texts["location"]), "STATUS:CONFIRMED",
            "TRANSP:OPAQUE", f"URL:{texts['url']}", "END:VEVENT"]


def _task_lines(agreement: Agreement, person: Person, base_url: str, stamp: str) -> list[str]:
    """An agreement's due date as a feed event: all day, repeating when the agreement does."""
    tasks = f"{base_url.rstrip('/')}/my/tasks"
    lines = ["BEGIN:VEVENT", text("SUMMARY", f"Taak voor zorgteam {person.initials}"),
             day("DTSTART", agreement.due_on), day("DTEND", agreement.due_on + timedelta(days=1)), stamp,
             f"UID:agreement-{agreement.id}@zorgteam",
             text("DESCRIPTION", f"Wat er te doen is, ziet u in Zorgteam: {tasks}"), "TRANSP:TRANSPARENT",
             f"URL:{tasks}"]
    if agreement.recurrence in RRULES:
        lines.append(f"RRULE:FREQ={RRULES[agreement.recurrence]}")
    return lines + ["END:VEVENT"]


def feed_ics(session, user: User, base_url: str) -> bytes:
    """The user's meetings (those they are invited to) and the due dates of their open agreements, in every team."""
    members = _memberships(session, user)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "X-WR-CALNAME:Zorgteam"]
    stamp = utc("DTSTAMP", utcnow())
    meetings = _feed_meetings(session, members)
    owned = session.execute(select(Agreement.id, Agreement.person_id, Agreement.due_on, Agreement.recurrence).where(
        Agreement.owner_id.in_(members), Agreement.status.in_(OPEN), Agreement.due_on.is_not(None))).all()
    persons = names_of(session, [m.person_id for m in meetings] + [a.person_id for a in owned])
    if meetings:
        lines.append(vtimezone(BRUSSELS))
    for meeting in meetings:
        lines += _meeting_lines(meeting, persons[meeting.person_id], base_url, stamp)
    for agreement in owned:
        lines += _task_lines(agreement, persons[agreement.person_id], base_url, stamp)
    audit.record(session, user, "read", category="calendar-feed")
    return document(lines + ["END:VCALENDAR"])
