"""Planning a meeting: who is invited, when and where, the proposed agenda; moving, re-inviting and cancelling.

Every change of time, place or invitees raises the iCalendar SEQUENCE, so calendars replace the event they hold.
Domain operations take the acting member, check the permission, write the audit trail and flush, never commit.
"""
from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from models import audit
from models.agreements import open_agreements
from models.base import check_version, param, utcnow
from models.consent import may_see
from models.goals import care_goals, evaluations_by_goal
from models.info import TRANSITIONS, items_of
from models.meetings.records import INVITEE_ROLES, KINDS, Invitee, Meeting
from models.members import Member, current_designations, team_members
from models.permissions import Designation, Permission, Role
from models.socialmap.referrals import referrals_of
from models.teams import CareTeam

BRUSSELS = ZoneInfo("Europe/Brussels")
MOVING = ("starts_at", "duration_minutes", "place", "video_link", "kind", "organiser_id")  # calendars must hear


class MeetingRule(ValueError):
    """A meeting change that is not possible; the message says why, in plain words."""


@dataclass
class Change:
    """What a change did, so the web layer knows whom to send an update or a cancellation."""

    meeting: Meeting
    changed: bool = False
    removed: list[Member] = field(default_factory=list)
    added: list[Member] = field(default_factory=list)


def brussels(moment: datetime) -> datetime:
    """The moment as wall-clock time in Brussels."""
    return moment.astimezone(BRUSSELS)


def at_brussels(day: date, time) -> datetime:
    """A date and a Brussels wall-clock time as an aware datetime (DST handled by zoneinfo)."""
    return datetime.combine(day, time, tzinfo=BRUSSELS)


def _check(kind: str, duration: int, invitees: list[Member], team: CareTeam) -> None:
    if kind not in KINDS:
        raise MeetingRule("Kies het soort overleg.")
    if not 15 <= duration <= 480:
        raise MeetingRule("Een overleg duurt tussen een kwartier en acht uur.")
    if any(m.team_id != team.id or not m.active for m in invitees):
        raise MeetingRule("Alleen huidige leden van het zorgteam kunnen uitgenodigd worden.")


def default_invitees(session, team: CareTeam) -> list[Member]:
    """Whom a new meeting invites unless the planner says otherwise: the person and their representative."""
    representative = current_designations(session, team).get(Designation.REPRESENTATIVE)
    return [m for m in team_members(session, team)
            if m.role == Role.PERSON or (representative is not None and m.id == representative.member_id)]


def _invite(meeting: Meeting, member: Member) -> Invitee:
    role = "chair" if member.id == meeting.organiser_id else "required"
    invitee = Invitee(member_id=member.id, member=member, role=role)
    invitee.ensure_id()
    meeting.invitees.append(invitee)
    return invitee


def plan_meeting(session, team: CareTeam, actor: Member | None, *, kind: str, starts_at: datetime,
                 duration_minutes: int = 60, place: str | None = None, video_link: str | None = None,
                 organiser: Member | None = None, invitees: list[Member] = (), agenda: list[dict] | None = None,
                 facts: dict | None = None) -> Meeting:
    """Plan a meeting; the organiser is always among the invitees (as chair)."""
    if actor is not None:
        actor.require(Permission.MEETINGS_MANAGE)
    invitees = _with_organiser(list(invitees), organiser)
    _check(kind, duration_minutes, invitees, team)
    meeting = Meeting(team_id=team.id, person_id=team.person_id, kind=kind, starts_at=starts_at,
                      duration_minutes=duration_minutes, place=place or None, video_link=video_link or None,
                      organiser_id=organiser.id if organiser else None, agenda=agenda or [], facts=facts or {},
                      created_by_id=actor.id if actor else None, sequence=0)
    meeting.ensure_id()
    for member in invitees:
        _invite(meeting, member)
    session.add(meeting)
    audit.record(session, actor, "create", team=team, target=meeting, category="meetings")
    return meeting


def _with_organiser(invitees: list[Member], organiser: Member | None) -> list[Member]:
    if organiser is not None and organiser.id not in {m.id for m in invitees}:
        invitees.insert(0, organiser)
    return invitees


def change_meeting(session, meeting: Meeting, actor: Member, seen_version: int, *, invitees: list[Member] | None = None,
                   **changes) -> Change:
    """Move a meeting or change its place, organiser, agenda or invitees; SEQUENCE rises when calendars must know."""
    actor.require(Permission.MEETINGS_MANAGE)
    check_version(meeting, seen_version)
    if not meeting.is_planned:
        raise MeetingRule("Dit overleg is al afgesloten of geannuleerd.")
    result = Change(meeting)
    for key, value in changes.items():
        if getattr(meeting, key) != value:
            result.changed |= key in MOVING
            setattr(meeting, key, value)
    if invitees is not None:
        organiser = next((m for m in invitees if m.id == meeting.organiser_id), None) or meeting.organiser
        _check(meeting.kind, meeting.duration_minutes, _with_organiser(list(invitees), organiser), actor.team)
        _set_invitees(meeting, _with_organiser(list(invitees), organiser), result)
    if result.changed or result.added or result.removed:
        meeting.sequence += 1
        audit.record(session, actor, "update", team=actor.team, target=meeting, category="meetings")
    return result


def _set_invitees(meeting: Meeting, wanted: list[Member], result: Change) -> None:
    wanted_ids = {m.id for m in wanted}
    for invitee in list(meeting.invitees):
        if invitee.member_id not in wanted_ids:
            result.removed.append(invitee.member)
            meeting.invitees.remove(invitee)
    current = {i.member_id for i in meeting.invitees}
    for member in wanted:
        if member.id not in current:
            _invite(meeting, member)
            result.added.append(member)
    for invitee in meeting.invitees:
        invitee.role = "chair" if invitee.member_id == meeting.organiser_id else (
            invitee.role if invitee.role in INVITEE_ROLES[1:] else "required")


def cancel_meeting(session, meeting: Meeting, actor: Member) -> Meeting:
    """Cancel a planned meeting: invitees receive a CANCEL for the same event."""
    actor.require(Permission.MEETINGS_MANAGE)
    if not meeting.is_planned:
        raise MeetingRule("Dit overleg is al afgesloten of geannuleerd.")
    meeting.status, meeting.cancelled_at = "cancelled", utcnow()
    meeting.sequence += 1
    audit.record(session, actor, "delete", team=actor.team, target=meeting, category="meetings")
    return meeting


def meetings_of(session, team_id: uuid.UUID) -> list[Meeting]:
    """Every meeting of the team, the latest first."""
    return list(session.scalars(select(Meeting).where(Meeting.team_id == team_id)
                                .order_by(Meeting.starts_at.desc())))


def next_meeting(session, team_id: uuid.UUID, now: datetime | None = None) -> Meeting | None:
    """The first planned meeting that has not ended yet."""
    now = now or utcnow()
    return session.scalar(_next_meeting_query(), {"team_id": team_id, "since": now - timedelta(hours=8)})


@functools.cache
def _next_meeting_query():
    return (select(Meeting).where(Meeting.team_id == param("team_id"), Meeting.status == "planned",
                                  Meeting.starts_at >= param("since", "time"))
            .order_by(Meeting.starts_at).limit(1)
            .options(lazyload(Meeting.invitees), lazyload(Meeting.organiser)))  # not its team and person


def last_held(session, team_id: uuid.UUID, before: datetime) -> Meeting | None:
    return session.scalar(select(Meeting).where(Meeting.team_id == team_id, Meeting.status == "held",
                                                Meeting.starts_at < before)
                          .order_by(Meeting.starts_at.desc()).limit(1))


def _goal_items(session, team: CareTeam, day: date, interval_days: int) -> list[dict]:
    """Open care goals due for evaluation: never evaluated, not for `interval_days`, or past their target date."""
    evaluations = evaluations_by_goal(session, team.id)
    items = []
    for goal in care_goals(session, team.id):
        done = evaluations.get(goal.id, [])
        last = done[-1].evaluated_on if done else None
        due = last is None or (day - last).days >= interval_days or (goal.target_date and goal.target_date <= day)
        if goal.lifecycle == "active" and due:
            items.append({"source": "goal", "ref": str(goal.id), "category": None, "text": goal.text})
    return items


def _agreement_items(session, team: CareTeam, day: date) -> list[dict]:
    items = []
    for agreement in open_agreements(session, team.id):
        owner = agreement.owner.name if agreement.owner else None
        items.append({"source": "agreement", "ref": str(agreement.id), "category": None, "text": agreement.what,
                      "owner": owner, "due_on": agreement.due_on.isoformat() if agreement.due_on else None,
                      "overdue": agreement.overdue(min(day, date.today()))})
    return items


def _referral_items(session, team: CareTeam) -> list[dict]:
    """Referrals still waiting for help to start: asked, or on a waiting list."""
    return [{"source": "referral", "ref": str(r.id), "category": None, "text": r.organisation.name, "need": r.need,
             "status": r.status, "since": (r.waitlisted_on or r.asked_on).isoformat()}
            for r in referrals_of(session, team.id) if r.is_open]


def _journal_items(session, team: CareTeam, planner: Member | None, since: date) -> list[dict]:
    """Transitions (admission, discharge, move) since the last meeting, only when the planner may see the journal."""
    if planner is not None and not may_see(session, planner, "journal"):
        return []
    return [{"source": "journal", "ref": str(item.id), "category": "journal", "text": item.value("text"),
             "on": item.value("occurred_on")}
            for item in items_of(session, team.id, "journal")
            if item.value("kind") in TRANSITIONS and (item.as_date("occurred_on") or date.min) >= since]


def propose_agenda(session, team: CareTeam, planner: Member | None, starts_at: datetime, *,
                   interval_days: int = 28) -> list[dict]:
    """The agenda a new meeting starts from: goals to evaluate, open and overdue agreements, referrals still
    waiting, recent transitions."""
    day = brussels(starts_at).date()
    previous = last_held(session, team.id, starts_at)
    since = brussels(previous.starts_at).date() if previous else day - timedelta(days=90)
    return (_goal_items(session, team, day, interval_days) + _agreement_items(session, team, day)
            + _referral_items(session, team) + _journal_items(session, team, planner, since))


def visible_agenda(session, meeting: Meeting, viewer: Member) -> list[dict]:
    """The agenda as `viewer` may see it: items from a shared-information category pass the consent filter;
    hidden ones keep their place but say so, without their content."""
    allowed = {}
    shown = []
    for item in meeting.agenda or []:
        category = item.get("category")
        if category and category not in allowed:
            allowed[category] = may_see(session, viewer, category)
        shown.append(item if not category or allowed[category] else {"source": item.get("source"), "hidden": True,
                                                                     "category": category})
    return shown
