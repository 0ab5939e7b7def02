"""The printable care plan (zorgplan): one page-flow for the person, a GP or a hospital, gathered for the member
who prints it: the person, what matters to them, the care goals and how they are going, the team and how to
reach them, the open agreements, the referrals, the next meeting and the advance care planning.

Shared information passes the consent filter (models/consent.py); each category read is audited, and the plan
itself as a "print".
"""
from __future__ import annotations

from dataclasses import dataclass, field

from models import audit
from models.agreements import Agreement, may_view, open_agreements
from models.consent import visible_categories
from models.goals import CareGoal, GoalEvaluation, LifeGoal, care_goals, evaluations_by_goal, life_goals
from models.info import InfoItem, day_schedule, read_category
from models.meetings.planning import next_meeting
from models.meetings.records import Meeting
from models.members import Member, current_designations, team_members
from models.permissions import Permission
from models.revisions import is_restricted
from models.socialmap.referrals import Referral, referrals_of
from models.teams import CareTeam, DesignationRecord


@dataclass
class CareGoalLine:
    goal: CareGoal
    latest: GoalEvaluation | None


@dataclass
class CarePlan:
    """What the plan shows; a category the member may not see stays None (and the plan says it is not shared)."""

    team: CareTeam
    member: Member
    life_goals: list[LifeGoal]
    care_goals: list[CareGoalLine]
    members: list[Member]
    designations: dict[str, DesignationRecord]
    agreements: list[Agreement]
    next_meeting: Meeting | None
    shown: frozenset[str]
    identity_restricted: bool  # on the person's request: birth date, INSZ, address, phone and GP are not shown
    allergies: str | None = None
    medication: dict[str, list[InfoItem]] | None = None
    advance_care: InfoItem | None = None
    directives: list[InfoItem] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)  # the organisations asked for help, and since when

    @property
    def person(self):
        return self.team.person


def _care_goal_lines(session, team: CareTeam) -> list[CareGoalLine]:
    evaluations = evaluations_by_goal(session, team.id)
    return [CareGoalLine(goal, (evaluations.get(goal.id) or [None])[-1])
            for goal in care_goals(session, team.id) if goal.lifecycle != "cancelled"]


def _shared(session, plan: CarePlan) -> None:
    """The categories of shared information in the plan, each through the consent filter (and audited)."""
    if "condition" in plan.shown:
        sheet, _items = read_category(session, plan.member, "condition")
        plan.allergies = sheet.value("allergies") if sheet else None
    if "medication" in plan.shown:
        _sheet, items = read_category(session, plan.member, "medication")
        plan.medication = {moment: lines for moment, lines in day_schedule(items).items() if lines}
    if "advance-care" in plan.shown:
        plan.advance_care, plan.directives = read_category(session, plan.member, "advance-care")


def care_plan(session, team: CareTeam, member: Member) -> CarePlan:
    """The care plan as `member` may see it; printing it is audited."""
    member.require(Permission.GOALS_VIEW)
    audit.record(session, member, "print", team=team, target=team.person, category="careplan")
    plan = CarePlan(
        team=team, member=member, shown=visible_categories(session, member),
        identity_restricted=is_restricted(session, "persons", team.person_id),
        life_goals=[g for g in life_goals(session, team.id) if g.lifecycle == "active"],
        care_goals=_care_goal_lines(session, team), members=team_members(session, team),
        designations=current_designations(session, team),
        agreements=[a for a in open_agreements(session, team.id) if may_view(member, a)],
        next_meeting=next_meeting(session, team.id) if member.may(Permission.MEETINGS_VIEW) else None,
        referrals=referrals_of(session, team.id) if member.may(Permission.REFERRALS_VIEW) else [])
    _shared(session, plan)
    return plan
