"""The home screen (mijn overzicht) across one user's teams: agreements due, meetings coming up, teams without a
planned follow-up meeting, and what changed since the member's last visit, read from the audit trail.

"Last visit" needs no table of its own: it is the member's latest audited activity in the team up to `boundary`,
the audit chain's head when the current login session began. So a GET writes nothing new, the answer stays the
same for the whole session, and having opened a team page (or one's tasks) in an earlier session counts as a visit.
Glossary: overzicht (home), sinds uw vorige bezoek (changes since the last visit), vervolgoverleg (follow-up MDO).
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select

from models.agreements import OPEN, Agreement, may_view, sort_key
from models.audit import AuditEvent, AuditHead
from models.consent import CATEGORIES
from models.meetings import Meeting
from models.messages import hidden_kinds, readable_ids
from models.permissions import Designation, Permission, Role
from models.teams import CareTeam

CHANGES = ("create", "update", "delete", "hand-over", "invite", "consent")  # not reads, searches, exports, logins
SOON = timedelta(days=7)  # an agreement due within a week is "due soon"
LIMIT = 500  # changes read at most per home screen, newest first
GOAL_TABLES = ("goal_profiles", "life_goals", "care_goals", "goal_evaluations", "health_scorings")
# Who may learn that something changed in a part of the team: the permission that part needs to be read.
AREA_PERMISSIONS = {
    "agreements": Permission.AGREEMENTS_VIEW,
    "messages": Permission.MESSAGES_VIEW,
    "goals": Permission.GOALS_VIEW,
    "meetings": Permission.MEETINGS_READ,
    "feedback": Permission.MEETINGS_MANAGE,
    "members": Permission.TEAM_VIEW,
    "person": Permission.PERSON_VIEW_IDENTITY,
    "consent": Permission.CONSENT_MANAGE,
}


# --- since your last visit -----------------------------------------------------------------------------------------

def boundary(session) -> int:
    """The audit chain's head now: everything up to it happened before this visit."""
    return session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0


def last_visits(session, user_id: uuid.UUID, team_ids, before: int) -> dict[uuid.UUID, int]:
    """Per team, the sequence number of the user's latest audited activity there up to `before`: one statement,
    one probe of the (actor, team, seq) index per team."""
    team_ids = list(team_ids)
    if not team_ids:
        return {}
    latest = (select(AuditEvent.seq).where(AuditEvent.actor_id == user_id, AuditEvent.team_id == CareTeam.id,
                                           AuditEvent.seq <= before)
              .order_by(AuditEvent.seq.desc()).limit(1).correlate(CareTeam).scalar_subquery())
    rows = session.execute(select(CareTeam.id, latest).where(CareTeam.id.in_(team_ids)))
    return {team_id: seq for team_id, seq in rows if seq is not None}


def thresholds(visits: dict[uuid.UUID, int], team_ids) -> dict[uuid.UUID, int]:
    """Where "since your last visit" starts in each team: the last visit there; for a team never opened, the
    user's latest visit to any of their teams. No visit at all (a first visit): nothing to compare with."""
    fallback = max(visits.values(), default=None)
    if fallback is None:
        return {}
    return {team_id: visits.get(team_id, fallback) for team_id in team_ids}


def changes_since(session, user_id: uuid.UUID, since: dict[uuid.UUID, int]) -> list[AuditEvent]:
    """Other people's changes in each team after its threshold, newest first (at most LIMIT)."""
    if not since:
        return []
    per_team = [and_(AuditEvent.team_id == team_id, AuditEvent.seq > seq) for team_id, seq in since.items()]
    query = select(AuditEvent).where(or_(*per_team), AuditEvent.action.in_(CHANGES),
                                     or_(AuditEvent.actor_id.is_(None), AuditEvent.actor_id != user_id))
    return list(session.scalars(query.order_by(AuditEvent.seq.desc()).limit(LIMIT)))


def area_of(event: AuditEvent) -> str | None:
    """The part of the team a change is about (each has its own rule for who may know); None: not shown."""
    category, table = event.category or "", event.object_type or ""
    if event.action == "consent":
        return "consent"
    if category in CATEGORIES or category in ("agreements", "messages", "goals", "feedback"):
        return category
    if category in ("meetings", "attendance", "minutes"):
        return "meetings"
    if table == "members" or event.action == "hand-over":
        return "members"
    if table == "persons":
        return "person"
    return "goals" if table in GOAL_TABLES else None


def may_know(member, event: AuditEvent, categories: frozenset[str]) -> bool:
    """Whether `member` may learn that this change happened: never about what they may not read themselves (a
    category without consent, professionals-only parts for a family carer, anything about care for a volunteer)."""
    area = area_of(event)
    if area is None:
        return False
    if area in CATEGORIES:
        return member.may(Permission.INFO_VIEW) and area in categories
    if area == "consent" and event.object_id == str(member.id):
        return True  # what they themselves may see changed (they got a mail about it too)
    if area == "agreements" and member.role == Role.VOLUNTEER and not member.may(Permission.AGREEMENTS_MANAGE):
        return False  # volunteers see only their own agreements, and those are on their task list
    return member.may(AREA_PERMISSIONS[area])


def _message_id(event: AuditEvent) -> uuid.UUID | None:
    try:
        return uuid.UUID(event.object_id or "")
    except ValueError:
        return None


def visible_changes(session, members, events, categories: dict) -> dict[uuid.UUID, list[AuditEvent]]:
    """The changes each member may know of, by team; a message only when they may read it in the thread."""
    by_team = {m.team_id: m for m in members}
    candidates = [(by_team[e.team_id], e) for e in events
                  if e.team_id in by_team and may_know(by_team[e.team_id], e, categories[by_team[e.team_id].id])]
    asked: dict[uuid.UUID, set] = {}
    for member, event in candidates:
        if area_of(event) == "messages":
            asked.setdefault(member.id, set()).add(_message_id(event))
    readable = readable_ids(session, [(m, asked[m.id] - {None}, hidden_kinds(categories[m.id]))
                                      for m in members if m.id in asked])
    found: dict[uuid.UUID, list[AuditEvent]] = {}
    for member, event in candidates:
        if area_of(event) != "messages" or _message_id(event) in readable:
            found.setdefault(member.team_id, []).append(event)
    return found


# --- what is due and coming up -------------------------------------------------------------------------------------

def follows_up(member) -> bool:
    """The coordinator follows up everyone's agreements in the team."""
    return Designation.COORDINATOR in member.held


def due_agreements(session, members, today: date | None = None) -> list[Agreement]:
    """Open agreements overdue or due within SOON: the user's own, and everyone's in the teams they coordinate."""
    today = today or date.today()
    if not members:
        return []
    clause = Agreement.owner_id.in_([m.id for m in members])
    coordinated = [m.team_id for m in members if follows_up(m)]
    if coordinated:
        clause = or_(clause, Agreement.team_id.in_(coordinated))
    query = select(Agreement).where(clause, Agreement.status.in_(OPEN), Agreement.due_on.is_not(None),
                                    Agreement.due_on <= today + SOON)
    by_team = {m.team_id: m for m in members}
    found = [a for a in session.scalars(query) if a.team_id in by_team and may_view(by_team[a.team_id], a)]
    return sorted(found, key=lambda a: sort_key(a, today))


def upcoming_meetings(session, team_ids, now: datetime) -> list[Meeting]:
    """The planned meetings of these teams that have not ended yet, soonest first."""
    team_ids = list(team_ids)
    if not team_ids:
        return []
    return list(session.scalars(select(Meeting).where(
        Meeting.team_id.in_(team_ids), Meeting.status == "planned", Meeting.starts_at >= now - timedelta(hours=8))
        .order_by(Meeting.starts_at)))


def may_see_meeting(member, meeting: Meeting) -> bool:
    """As on the team overview: whoever reads the team's meetings, or is invited to this one."""
    return member.may(Permission.MEETINGS_READ) or meeting.invitee_of(member.id) is not None


def without_follow_up(members, upcoming: list[Meeting]) -> list:
    """The memberships that plan meetings (coordinator, meeting organiser) in teams with no meeting planned."""
    planned = {m.team_id for m in upcoming}
    return [m for m in members if m.may(Permission.MEETINGS_MANAGE) and m.team_id not in planned]


def lands_on_tasks(members) -> bool:
    """Family carers and volunteers land on their tasks; anyone who is also a professional or coordinates a team
    lands on the home screen."""
    return bool(members) and all(m.role in (Role.INFORMAL_CARER, Role.VOLUNTEER) and not follows_up(m)
                                 for m in members)
