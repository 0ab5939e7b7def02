"""Goal-oriented care (doelgerichte zorg): life goals in the person's words, care goals serving them, GAS evaluations,
the "what matters to me" profile and the positive-health scorings.

Glossary: levensdoel (`LifeGoal`), zorg- en ondersteuningsdoel (`CareGoal`), evaluatie (`GoalEvaluation`),
"wat voor mij belangrijk is" (`GoalProfile`), Positieve Gezondheid / spinnenweb (`HealthScoring`).
Every text, level and score is encrypted under the person's key; ids, dates and statuses stay clear.
"""
from __future__ import annotations

import functools
import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import audit
from models.base import Base, UUIDKey, Versioned, check_version, param, utcnow
from models.encrypted import JSON, TEXT, Encrypted, PersonData, decrypt_rows, encrypted_check, encrypted_column
from models.gas import LEVELS
from models.members import Member
from models.permissions import Permission
from models.teams import CareTeam

DIMENSIONS = ("bodily_functions", "mental_wellbeing", "meaningfulness", "quality_of_life", "participation",
              "daily_functioning")
LIFECYCLE = ("proposed", "active", "on-hold", "completed", "cancelled")  # FHIR Goal.lifecycleStatus
ACHIEVEMENT = ("in-progress", "improving", "worsening", "no-change", "achieved", "not-achieved")
OPEN = ("proposed", "active", "on-hold")


class GoalRule(ValueError):
    """A change that breaks a rule of goals; the message says which, in plain words."""


class TeamRecord(UUIDKey, PersonData):
    """A record of one team, encrypted under its person's key."""

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))

    def encryption_subject(self) -> uuid.UUID:
        return self.person_id


def _sealed(*columns: str) -> tuple:
    return tuple(c for col in columns for c in encrypted_check(col))


class GoalProfile(TeamRecord, Versioned, Base):
    """'Wat voor mij belangrijk is': the person's wishes and what makes a good day, one per team."""

    __tablename__ = "goal_profiles"
    __table_args__ = _sealed("important", "good_day")

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True, unique=True)

    _important: Mapped[bytes | None] = encrypted_column("important")
    _good_day: Mapped[bytes | None] = encrypted_column("good_day")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    important = Encrypted("_important")
    good_day = Encrypted("_good_day")


class LifeGoal(TeamRecord, Versioned, Base):
    """What really matters to the person, in their own words; `position` orders by importance (1 first)."""

    __tablename__ = "life_goals"
    __table_args__ = _sealed("text", "dimension")

    position: Mapped[int] = mapped_column(Integer)
    lifecycle: Mapped[str] = mapped_column(String(16), default="active")
    expressed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    expressed_on: Mapped[date] = mapped_column(Date, default=date.today)
    _text: Mapped[bytes | None] = encrypted_column("text")
    _dimension: Mapped[bytes | None] = encrypted_column("dimension")

    text = Encrypted("_text")
    dimension = Encrypted("_dimension")  # one of DIMENSIONS, or None

    expressed_by: Mapped[Member | None] = relationship(lazy="joined")


class CareGoal(TeamRecord, Versioned, Base):
    """A care or support goal serving a life goal, with an owner, a target date and optional GAS levels."""

    __tablename__ = "care_goals"
    __table_args__ = _sealed("text", "gas")

    life_goal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("life_goals.id"), index=True)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    target_date: Mapped[date | None] = mapped_column(Date)
    lifecycle: Mapped[str] = mapped_column(String(16), default="proposed")
    achievement: Mapped[str] = mapped_column(String(16), default="in-progress")
    weight: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    _text: Mapped[bytes | None] = encrypted_column("text")
    _gas: Mapped[bytes | None] = encrypted_column("gas")

    text = Encrypted("_text")
    gas = Encrypted("_gas", JSON)  # {"levels": {"-2": ..., "2": ...}, "baseline": -1}, or None without GAS

    owner: Mapped[Member | None] = relationship(foreign_keys=[owner_id], lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.lifecycle in OPEN

    @property
    def baseline(self) -> int | None:
        return self.gas["baseline"] if self.gas else None

    def level_text(self, level: int) -> str:
        return (self.gas or {}).get("levels", {}).get(str(level), "")


class GoalEvaluation(TeamRecord, Base):
    """A scored evaluation of a care goal: the GAS level reached, by whom, when, in which meeting, with a remark."""

    __tablename__ = "goal_evaluations"
    __table_args__ = _sealed("level", "remark")

    care_goal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_goals.id"), index=True)
    evaluated_on: Mapped[date] = mapped_column(Date)
    evaluated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"), index=True)  # its MDO
    achievement: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    _level: Mapped[bytes | None] = encrypted_column("level")
    _remark: Mapped[bytes | None] = encrypted_column("remark")

    level = Encrypted("_level", JSON)  # -2..2, or None when the goal has no GAS levels
    remark = Encrypted("_remark")

    evaluated_by: Mapped[Member | None] = relationship(lazy="joined")


class HealthScoring(TeamRecord, Base):
    """One scoring of the six dimensions of positive health, 0-10 each (the spider web)."""

    __tablename__ = "health_scorings"
    __table_args__ = _sealed("scores", "remark")

    scored_on: Mapped[date] = mapped_column(Date)
    scored_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    _scores: Mapped[bytes | None] = encrypted_column("scores")
    _remark: Mapped[bytes | None] = encrypted_column("remark")

    scores = Encrypted("_scores", JSON)  # {dimension: 0..10}
    remark = Encrypted("_remark")

    scored_by: Mapped[Member | None] = relationship(lazy="joined")


def _require(actor: Member | None, permission: Permission) -> None:
    if actor is not None:
        actor.require(permission)


def _new(session, cls, team: CareTeam, **values):
    record = cls(team_id=team.id, person_id=team.person_id, **values)
    record.ensure_id()
    session.add(record)
    return record


def _update(session, record, actor, seen_version: int | None, changes: dict) -> None:
    if seen_version is not None:
        check_version(record, seen_version)
    for key, value in changes.items():
        setattr(record, key, value)
    audit.record(session, actor, "update", team=actor.team if actor else None, target=record)


def profile_of(session, team: CareTeam) -> GoalProfile | None:
    return session.scalar(select(GoalProfile).where(GoalProfile.team_id == team.id))


def save_profile(session, team: CareTeam, actor: Member | None, seen_version: int | None, *,
                 important: str | None, good_day: str | None) -> GoalProfile:
    """Write 'wat voor mij belangrijk is'; refused when someone changed it since `seen_version`."""
    _require(actor, Permission.LIFE_GOALS_WRITE)
    profile = profile_of(session, team)
    if profile is None:
        profile = _new(session, GoalProfile, team, important=important, good_day=good_day)
        audit.record(session, actor, "create", team=team, target=profile, category="goals")
        return profile
    _update(session, profile, actor, seen_version, {"important": important, "good_day": good_day})
    return profile


def _check_dimension(dimension: str | None) -> None:
    if dimension is not None and dimension not in DIMENSIONS:
        raise GoalRule("Kies een van de zes dimensies van Positieve Gezondheid.")


def add_life_goal(session, team: CareTeam, actor: Member | None, *, text: str, dimension: str | None = None,
                  expressed_by: Member | None = None, expressed_on: date | None = None) -> LifeGoal:
    """Add a life goal at the end of the person's order of importance."""
    _require(actor, Permission.LIFE_GOALS_WRITE)
    _check_dimension(dimension)
    last = session.scalar(select(func.max(LifeGoal.position)).where(LifeGoal.team_id == team.id)) or 0
    goal = _new(session, LifeGoal, team, text=text, dimension=dimension, position=last + 1,
                expressed_by_id=expressed_by.id if expressed_by else None, expressed_on=expressed_on or date.today())
    audit.record(session, actor, "create", team=team, target=goal, category="goals")
    return goal


def update_life_goal(session, goal: LifeGoal, actor: Member | None, seen_version: int, **changes) -> LifeGoal:
    """Change a life goal's words, dimension, status or who expressed it."""
    _require(actor, Permission.LIFE_GOALS_WRITE)
    _check_dimension(changes.get("dimension"))
    if changes.get("lifecycle", goal.lifecycle) not in LIFECYCLE:
        raise GoalRule("Onbekende status.")
    _update(session, goal, actor, seen_version, changes)
    return goal


def move_life_goal(session, goal: LifeGoal, actor: Member | None, step: int) -> None:
    """Move a life goal one place up (step -1, more important) or down (+1) in the person's order."""
    _require(actor, Permission.LIFE_GOALS_WRITE)
    goals = life_goals(session, goal.team_id)
    index = goals.index(goal)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(goals):
        return
    goals[index], goals[other] = goals[other], goals[index]
    for position, each in enumerate(goals, start=1):
        each.position = position
    audit.record(session, actor, "update", team=actor.team if actor else None, target=goal, category="goals")


def life_goals(session, team_id: uuid.UUID) -> list[LifeGoal]:
    return list(session.scalars(select(LifeGoal).where(LifeGoal.team_id == team_id)
                                .order_by(LifeGoal.position, LifeGoal.expressed_on)))


def life_goal_texts(session, team_id: uuid.UUID) -> list[str]:
    """The active life goals in the person's words, in order: all the overview shows of them (a Core select of the
    ciphertexts, decrypted together, instead of goals with their authors, teams and persons joined)."""
    rows = session.execute(_life_goal_texts_query(), {"team_id": team_id}).all()
    return [values["text"] for values in decrypt_rows(session, LifeGoal.__tablename__, {"text": TEXT}, rows)]


@functools.cache  # built once: the overview runs it on every visit
def _life_goal_texts_query():
    return (select(LifeGoal.id, LifeGoal.person_id, LifeGoal._text)
            .where(LifeGoal.team_id == param("team_id"), LifeGoal.lifecycle == "active")
            .order_by(LifeGoal.position, LifeGoal.expressed_on))


def check_gas(gas: dict | None) -> None:
    """GAS needs a description for each of the five levels and a baseline among them."""
    if gas is None:
        return
    levels = gas.get("levels", {})
    if any(not (levels.get(str(level)) or "").strip() for level in LEVELS):
        raise GoalRule("Beschrijf alle vijf niveaus, van -2 tot +2, of laat ze allemaal leeg.")
    if gas.get("baseline") not in LEVELS:
        raise GoalRule("Kies het startniveau (meestal -1).")


def add_care_goal(session, team: CareTeam, actor: Member | None, life_goal: LifeGoal, *, text: str,
                  owner: Member | None = None, target_date: date | None = None, gas: dict | None = None,
                  lifecycle: str = "proposed", weight: int = 1) -> CareGoal:
    """Propose a care goal serving `life_goal`, optionally with GAS levels and a baseline."""
    _require(actor, Permission.CARE_GOALS_MANAGE)
    if life_goal.team_id != team.id:
        raise GoalRule("Dit levensdoel hoort niet bij dit zorgteam.")
    check_gas(gas)
    goal = _new(session, CareGoal, team, life_goal_id=life_goal.id, text=text, owner_id=owner.id if owner else None,
                target_date=target_date, gas=gas, lifecycle=lifecycle, weight=weight,
                created_by_id=actor.id if actor else None)
    audit.record(session, actor, "create", team=team, target=goal, category="goals")
    return goal


def update_care_goal(session, goal: CareGoal, actor: Member | None, seen_version: int, **changes) -> CareGoal:
    """Change a care goal (its words, owner, target, GAS levels, status); closing is a status change."""
    _require(actor, Permission.CARE_GOALS_MANAGE)
    if changes.get("lifecycle", goal.lifecycle) not in LIFECYCLE:
        raise GoalRule("Onbekende status.")
    if changes.get("achievement", goal.achievement) not in ACHIEVEMENT:
        raise GoalRule("Onbekende voortgang.")
    if "gas" in changes:
        check_gas(changes["gas"])
    _update(session, goal, actor, seen_version, changes)
    return goal


def evaluate(session, goal: CareGoal, actor: Member | None, *, level: int | None, achievement: str,
             remark: str | None = None, on: date | None = None, meeting_id: uuid.UUID | None = None,
             ) -> GoalEvaluation:
    """Score the level a care goal reached (GAS) and its progress; the goal's achievement follows."""
    _require(actor, Permission.CARE_GOALS_EVALUATE)
    if goal.gas and level not in LEVELS:
        raise GoalRule("Kies het bereikte niveau, van -2 tot +2.")
    if achievement not in ACHIEVEMENT:
        raise GoalRule("Kies hoe het doel evolueert.")
    evaluation = _new(session, GoalEvaluation, actor.team if actor else goal_team(session, goal),
                      care_goal_id=goal.id, level=level if goal.gas else None, achievement=achievement,
                      remark=remark, evaluated_on=on or date.today(), meeting_id=meeting_id,
                      evaluated_by_id=actor.id if actor else None)
    goal.achievement = achievement
    audit.record(session, actor, "create", team=actor.team if actor else None, target=evaluation, category="goals")
    return evaluation


def goal_team(session, goal) -> CareTeam:
    return session.get(CareTeam, goal.team_id)


def evaluations_by_goal(session, team_id: uuid.UUID) -> dict[uuid.UUID, list[GoalEvaluation]]:
    """Every evaluation of the team's care goals, oldest first, by care goal id."""
    found: dict[uuid.UUID, list[GoalEvaluation]] = {}
    rows = session.scalars(select(GoalEvaluation).where(GoalEvaluation.team_id == team_id)
                           .order_by(GoalEvaluation.evaluated_on, GoalEvaluation.created_at))
    for row in rows:
        found.setdefault(row.care_goal_id, []).append(row)
    return found


def care_goals(session, team_id: uuid.UUID) -> list[CareGoal]:
    return list(session.scalars(select(CareGoal).where(CareGoal.team_id == team_id)
                                .order_by(CareGoal.created_at)))


def check_scores(scores: dict) -> None:
    if set(scores) != set(DIMENSIONS) or any(not isinstance(v, int) or not 0 <= v <= 10 for v in scores.values()):
        raise GoalRule("Geef elke dimensie een score van 0 tot 10.")


def score_health(session, team: CareTeam, actor: Member | None, scores: dict, *, remark: str | None = None,
                 on: date | None = None) -> HealthScoring:
    """Record the person's scores of the six dimensions of positive health."""
    _require(actor, Permission.HEALTH_SCORE)
    check_scores(scores)
    scoring = _new(session, HealthScoring, team, scores=scores, remark=remark, scored_on=on or date.today(),
                   scored_by_id=actor.id if actor else None)
    audit.record(session, actor, "create", team=team, target=scoring, category="goals")
    return scoring


def health_scorings(session, team_id: uuid.UUID) -> list[HealthScoring]:
    """Every scoring, oldest first."""
    return list(session.scalars(select(HealthScoring).where(HealthScoring.team_id == team_id)
                                .order_by(HealthScoring.scored_on, HealthScoring.created_at)))
