"""Consent (toestemming): per member and category of shared information, set by the person, the representative or
the coordinator on their behalf; a category can be limited to professionals; every change is kept as history.

`may_see` is the one consent filter: every page, the overview, the MDO agenda, exports and the calendar use it.
The person always sees everything of their own; everyone else (the representative too) needs a grant that has not
ended, and for a professionals-only category a professional role (family carers are not bound by secrecy).
"""
from __future__ import annotations

import functools
import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models import audit
from models.base import Base, UUIDKey, param, utcnow
from models.encrypted import Encrypted, PersonData, encrypted_check, encrypted_column
from models.permissions import PROFESSIONAL_ROLES, Permission, Role

CATEGORIES = ("contacts", "family", "medication", "condition", "history", "wishes", "needs", "advance-care",
              "journal")
MEDICAL = ("medication", "condition", "history", "needs", "advance-care", "journal")
# What a member sees when they join, until the person decides otherwise (a volunteer: contact details only).
ROLE_DEFAULTS: dict[str, tuple[str, ...]] = {
    Role.PERSON: CATEGORIES,
    Role.INFORMAL_CARER: CATEGORIES,
    Role.VOLUNTEER: ("contacts",),
    Role.PROFESSIONAL: CATEGORIES,
    Role.CASE_MANAGER: CATEGORIES,
    Role.MEETING_ORGANISER: ("contacts", "family", "wishes", "needs"),
}
_VISIBLE = "consent.visible_categories"  # the per-session cache, in session.info
METHODS = ("in_person", "on_paper", "by_representative", "default")


class ConsentRule(ValueError):
    """A consent change that is not possible; the message says why, in plain words."""


def in_force(granted: bool, valid_until: date | None, today: date) -> bool:
    """A grant counts when it was given and has not run out (valid until that day included)."""
    return granted and (valid_until is None or valid_until >= today)


class ConsentGrant(UUIDKey, Base):
    """The current decision for one member and one category: granted or not, until when."""

    __tablename__ = "consent_grants"
    __table_args__ = (UniqueConstraint("member_id", "category"),)

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"))
    category: Mapped[str] = mapped_column(String(20))
    granted: Mapped[bool] = mapped_column(Boolean)
    valid_until: Mapped[date | None] = mapped_column(Date)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Declared so that a member and its grants can be inserted in one flush, the member first.
    member = relationship("Member", foreign_keys=[member_id])

    def in_force(self, today: date | None = None) -> bool:
        return in_force(self.granted, self.valid_until, today or date.today())


class CategorySetting(UUIDKey, Base):
    """Per team and category: limited to professionals or not."""

    __tablename__ = "category_settings"
    __table_args__ = (UniqueConstraint("team_id", "category"),)

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    professionals_only: Mapped[bool] = mapped_column(Boolean, default=False)


class ConsentEvent(UUIDKey, PersonData, Base):
    """One change of consent, kept forever: who changed what for whom, how consent was given, and a note."""

    __tablename__ = "consent_events"
    __table_args__ = tuple(encrypted_check("note"))

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))  # None: a category setting
    category: Mapped[str] = mapped_column(String(20))
    change: Mapped[str] = mapped_column(String(24))  # grant, withdraw, professionals-only, open-to-all
    valid_until: Mapped[date | None] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(24))
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    _note: Mapped[bytes | None] = encrypted_column("note")

    note = Encrypted("_note")

    member = relationship("Member", foreign_keys=[member_id])

    def encryption_subject(self) -> uuid.UUID:
        return self.person_id


def _check_category(category: str) -> None:
    if category not in CATEGORIES:
        raise ConsentRule("Onbekende categorie.")


def speaks_for_person(member) -> bool:
    """The person sees all of their own information; everyone else (the representative too) needs consent."""
    return member.role == Role.PERSON


def professionals_only(session, team_id: uuid.UUID) -> set[str]:
    return set(session.scalars(_professionals_only_query(), {"team_id": team_id}))


def grants_of(session, member_id: uuid.UUID) -> dict[str, ConsentGrant]:
    return {g.category: g for g in session.scalars(_grants_query(), {"member_id": member_id})}


@functools.cache  # the consent filter's two statements, built once: every team page works it out
def _professionals_only_query():
    return select(CategorySetting.category).where(CategorySetting.team_id == param("team_id"),
                                                  CategorySetting.professionals_only.is_(True))


@functools.cache
def _grants_query():
    return select(ConsentGrant).where(ConsentGrant.member_id == param("member_id"))


@functools.cache
def _grant_terms_query():
    return select(ConsentGrant.category, ConsentGrant.granted, ConsentGrant.valid_until).where(
        ConsentGrant.member_id == param("member_id"))


def _visible(member, grants, limited: set[str], today: date) -> frozenset[str]:
    """From `grants` (ConsentGrant rows, or their category, granted and valid_until columns)."""
    if not member.active:
        return frozenset()
    if speaks_for_person(member):
        return frozenset(CATEGORIES)
    professional = member.role in PROFESSIONAL_ROLES
    return frozenset(grant.category for grant in grants if in_force(grant.granted, grant.valid_until, today)
                     and (grant.category not in limited or professional))


def visible_categories(session, member) -> frozenset[str]:
    """The categories `member` may see now: the consent filter (two queries, whatever the number of categories).

    In a session that lives for one request (`per_request`), worked out once per member: the page, the team menu
    and the audit all ask. A consent change in that session forgets it; the next request works it out anew."""
    known = session.info.get(_VISIBLE)
    if known is None:
        return _visible_now(session, member)
    key = (member.id, member.role, member.active, date.today())
    if key not in known:
        known[key] = _visible_now(session, member)
    return known[key]


def per_request(session) -> None:
    """Let `session`, which serves one request only, remember the consent filter until a consent change."""
    session.info[_VISIBLE] = {}


def forget_visible(session) -> None:
    if _VISIBLE in session.info:
        session.info[_VISIBLE] = {}


@event.listens_for(Session, "before_flush")
def _forget_on_change(session, _flush_context, _instances) -> None:
    """Grants or settings changed without set_grant (a test, a migration script): the filter is worked out anew."""
    changed = session.new | session.dirty | session.deleted
    if any(isinstance(o, (ConsentGrant, CategorySetting)) for o in changed):
        forget_visible(session)


def _visible_now(session, member) -> frozenset[str]:
    if not member.active or speaks_for_person(member):
        return _visible(member, (), set(), date.today())
    limited = professionals_only(session, member.team_id)
    grants = session.execute(_grant_terms_query(), {"member_id": member.id})  # columns: no ORM objects to build
    return _visible(member, grants, limited, date.today())


def visible_categories_of(session, members) -> dict[uuid.UUID, frozenset[str]]:
    """`visible_categories` for one user's memberships in many teams at once (two queries, not two per team)."""
    members = list(members)
    ids, teams = [m.id for m in members], {m.team_id for m in members}
    grants: dict[uuid.UUID, list[ConsentGrant]] = {}
    for grant in (session.scalars(select(ConsentGrant).where(ConsentGrant.member_id.in_(ids))) if ids else ()):
        grants.setdefault(grant.member_id, []).append(grant)
    limited: dict[uuid.UUID, set[str]] = {}
    rows = session.execute(select(CategorySetting.team_id, CategorySetting.category).where(
        CategorySetting.team_id.in_(teams), CategorySetting.professionals_only.is_(True))) if teams else ()
    for team_id, category in rows:
        limited.setdefault(team_id, set()).add(category)
    today = date.today()
    return {m.id: _visible(m, grants.get(m.id, ()), limited.get(m.team_id, set()), today) for m in members}


def may_see(session, member, category: str) -> bool:
    return category in visible_categories(session, member)


def _record(session, member, actor, category: str, change: str, method: str, valid_until=None, note=None):
    event = ConsentEvent(team_id=actor.team_id if actor else member.team_id,
                         person_id=actor.person_id if actor else member.person_id,
                         member_id=member.id if member is not None else None, category=category, change=change,
                         valid_until=valid_until, method=method, note=note,
                         changed_by_id=actor.id if actor else None)
    event.ensure_id()
    session.add(event)
    team = actor.team if actor else member.team
    audit.record(session, actor, "consent", team=team, target=member, category=category)
    return event


def set_grant(session, member, actor, category: str, granted: bool, *, method: str,
              valid_until: date | None = None, note: str | None = None) -> ConsentGrant:
    """Grant or withdraw `member`'s access to `category` (withdrawal takes effect on the next request)."""
    if actor is not None:
        actor.require(Permission.CONSENT_MANAGE)
    _check_category(category)
    if method not in METHODS:
        raise ConsentRule("Kies hoe de toestemming gegeven werd.")
    if valid_until is not None and valid_until < date.today():
        raise ConsentRule("De einddatum ligt in het verleden.")
    grant = grants_of(session, member.id).get(category)
    if grant is None:
        grant = ConsentGrant(team_id=member.team_id, member_id=member.id, category=category, granted=granted)
        grant.ensure_id()
        session.add(grant)
    grant.granted, grant.valid_until, grant.changed_at = granted, valid_until if granted else None, utcnow()
    forget_visible(session)
    _record(session, member, actor, category, "grant" if granted else "withdraw", method, grant.valid_until, note)
    return grant


def set_professionals_only(session, team, actor, category: str, limited: bool, *, method: str) -> None:
    """Limit a category to professionals (or open it again to everyone with a grant)."""
    if actor is not None:
        actor.require(Permission.CONSENT_MANAGE)
    _check_category(category)
    setting = session.scalar(select(CategorySetting).where(CategorySetting.team_id == team.id,
                                                           CategorySetting.category == category))
    if setting is None:
        setting = CategorySetting(team_id=team.id, category=category, professionals_only=limited)
        setting.ensure_id()
        session.add(setting)
    setting.professionals_only = limited
    forget_visible(session)
    event = ConsentEvent(team_id=team.id, person_id=team.person_id, member_id=None, category=category,
                         change="professionals-only" if limited else "open-to-all", method=method,
                         changed_by_id=actor.id if actor else None)
    event.ensure_id()
    session.add(event)
    audit.record(session, actor, "consent", team=team, category=category)


def apply_role_defaults(session, member, method: str = "default") -> None:
    """The grants a new member starts with, by role; recorded in the history as 'default', or as how the person
    gave their consent when the team was started."""
    forget_visible(session)
    for category in ROLE_DEFAULTS[Role(member.role)]:
        grant = ConsentGrant(team_id=member.team_id, member_id=member.id, category=category, granted=True)
        grant.ensure_id()
        session.add(grant)
        event = ConsentEvent(team_id=member.team_id, person_id=member.person_id, member_id=member.id,
                             category=category, change="grant", method=method)
        event.ensure_id()
        session.add(event)


def consent_history(session, team_id: uuid.UUID) -> list[ConsentEvent]:
    return list(session.scalars(select(ConsentEvent).where(ConsentEvent.team_id == team_id)
                                .order_by(ConsentEvent.changed_at.desc())))
