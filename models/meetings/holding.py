"""Holding a meeting: attendance and its mode, minutes, GAS evaluations recorded in the meeting, decisions made
into agreements in the same flow, the next meeting planned, and only then closed; afterwards, feedback."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from models import audit
from models.agreements import Agreement, add_agreement
from models.base import check_version, utcnow
from models.goals import CareGoal, GoalEvaluation, evaluate
from models.meetings.planning import MeetingRule, brussels
from models.meetings.records import HELPED, MODES, Feedback, Meeting
from models.members import Member
from models.permissions import Permission


def _require_open(meeting: Meeting) -> None:
    if not meeting.is_planned:
        raise MeetingRule("Dit overleg is al afgesloten of geannuleerd.")


def meeting_day(meeting: Meeting) -> date:
    return brussels(meeting.starts_at).date()


def record_attendance(session, meeting: Meeting, actor: Member, modes: dict[uuid.UUID, str | None],
                      paid: set[uuid.UUID] = frozenset()) -> None:
    """How each invitee took part (present, video, phone, excused, absent), and who asks a fee."""
    actor.require(Permission.MEETINGS_MANAGE)
    _require_open(meeting)
    if any(mode not in MODES for mode in modes.values() if mode):
        raise MeetingRule("Kies voor elke uitgenodigde hoe die deelnam.")
    for invitee in meeting.invitees:
        if invitee.member_id in modes:
            invitee.attendance = modes[invitee.member_id] or None
        invitee.paid = invitee.member_id in paid
    audit.record(session, actor, "update", team=actor.team, target=meeting, category="attendance")


def save_minutes(session, meeting: Meeting, actor: Member, seen_version: int, minutes: str | None) -> None:
    """Write the minutes; refused when someone else changed the meeting since `seen_version`."""
    actor.require(Permission.MEETINGS_MANAGE)
    _require_open(meeting)
    check_version(meeting, seen_version)
    meeting.minutes = (minutes or "").strip() or None
    audit.record(session, actor, "update", team=actor.team, target=meeting, category="minutes")


def save_facts(session, meeting: Meeting, actor: Member, facts: dict) -> None:
    """What the rules checklist needs to know (residence, consent form, Katz score, home nursing, psychiatry)."""
    actor.require(Permission.MEETINGS_MANAGE)
    meeting.facts = {**(meeting.facts or {}), **facts}
    audit.record(session, actor, "update", team=actor.team, target=meeting, category="meetings")


def evaluate_in_meeting(session, meeting: Meeting, goal: CareGoal, actor: Member, *, level: int | None,
                        achievement: str, remark: str | None = None) -> GoalEvaluation:
    """Score a care goal (GAS) in this meeting: the evaluation carries the meeting and its date."""
    _require_open(meeting)
    if goal.team_id != meeting.team_id:
        raise MeetingRule("Dit doel hoort niet bij dit zorgteam.")
    return evaluate(session, goal, actor, level=level, achievement=achievement, remark=remark,
                    on=min(meeting_day(meeting), date.today()), meeting_id=meeting.id)


def add_decision(session, meeting: Meeting, actor: Member, **agreement) -> Agreement:
    """A decision of the meeting, made into an agreement that remembers the meeting."""
    actor.require(Permission.MEETINGS_MANAGE)
    _require_open(meeting)
    return add_agreement(session, actor.team, actor, meeting_id=meeting.id, **agreement)


def close_meeting(session, meeting: Meeting, actor: Member, next_meeting: Meeting | None, *,
                  no_next_reason: str | None = None) -> Meeting:
    """Close a held meeting; the next one must be planned first (or the reason why there is none written down)."""
    actor.require(Permission.MEETINGS_MANAGE)
    _require_open(meeting)
    if next_meeting is None and not (no_next_reason or "").strip():
        raise MeetingRule("Plan eerst het volgende overleg, of schrijf op waarom er geen volgend overleg komt.")
    if next_meeting is not None and (next_meeting.team_id != meeting.team_id or next_meeting.id == meeting.id):
        raise MeetingRule("Het volgende overleg moet een ander overleg van dit zorgteam zijn.")
    meeting.status, meeting.closed_at = "held", utcnow()
    meeting.next_meeting = next_meeting
    if next_meeting is None:
        meeting.facts = {**(meeting.facts or {}), "no_next_reason": no_next_reason.strip()}
    audit.record(session, actor, "update", team=actor.team, target=meeting, category="meetings")
    return meeting


def evaluations_of(session, meeting: Meeting) -> list[GoalEvaluation]:
    return list(session.scalars(select(GoalEvaluation).where(GoalEvaluation.meeting_id == meeting.id)
                                .order_by(GoalEvaluation.created_at)))


def decisions_of(session, meeting: Meeting) -> list[Agreement]:
    return list(session.scalars(select(Agreement).where(Agreement.meeting_id == meeting.id)
                                .order_by(Agreement.created_at)))


def may_give_feedback(meeting: Meeting, member: Member) -> bool:
    """After the meeting, the person and everyone who took part."""
    invitee = meeting.invitee_of(member.id)
    return meeting.status == "held" and (member.role == "person" or (invitee is not None and invitee.took_part))


def give_feedback(session, meeting: Meeting, member: Member, *, helped: str, change: str | None) -> Feedback:
    """Answer the two questions (did it help; what should change); answering again replaces the answer."""
    if not may_give_feedback(meeting, member):
        raise MeetingRule("Alleen wie aan het overleg deelnam, kan er iets over zeggen.")
    if helped not in HELPED:
        raise MeetingRule("Kies of het overleg geholpen heeft.")
    found = session.scalar(select(Feedback).where(Feedback.meeting_id == meeting.id,
                                                  Feedback.member_id == member.id))
    if found is None:
        found = Feedback(meeting_id=meeting.id, member_id=member.id, person_id=meeting.person_id)
        found.ensure_id()
        session.add(found)
    found.helped, found.change, found.answered_at = helped, (change or "").strip() or None, utcnow()
    audit.record(session, member, "create", team=member.team, target=found, category="feedback")
    return found


def feedback_of(session, meeting: Meeting) -> list[Feedback]:
    return list(session.scalars(select(Feedback).where(Feedback.meeting_id == meeting.id)
                                .order_by(Feedback.answered_at)))
