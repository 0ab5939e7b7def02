"""Team members (`Member`): role, discipline, organisation, contact and reachability; joining, changes, leaving, designations.

Glossary: lid (member), discipline (e.g. huisarts = gp), bereikbaarheid (reachability), 's nachts bereikbaar (night_contact).
"""
from __future__ import annotations

import functools
import uuid
from dataclasses import replace
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Date, ForeignKey, String, and_, bindparam, or_, select
from sqlalchemy.orm import Mapped, lazyload, mapped_column, relationship

from models import audit
from models.consent import apply_role_defaults
from models.base import Base, UUIDKey, Versioned, check_version, param, utcnow
from models.encrypted import Encrypted, PersonData, encrypted_check, encrypted_column
from models.people import CARD_CIPHERTEXTS, Person, PersonCard, person_cards
from models.permissions import WHEN_CLOSED, Designation, Permission, Role, permissions_for
from models.teams import CareTeam, DesignationRecord
from models.users import User, find_user

DISCIPLINES = ("gp", "home_nurse", "pharmacist", "physiotherapist", "social_worker", "home_help",
               "occupational_therapist", "psychologist", "psychiatrist", "dietitian", "speech_therapist",
               "specialist", "care_zone_staff", "other")
_ENCRYPTED = ("name", "organisation", "phone", "email", "reachability", "relation")


class NotAllowed(PermissionError):
    """The actor lacks the permission for this operation (the web layer answers 403)."""


class MembershipRule(ValueError):
    """A change that would break a rule of the team; the message says which, in plain words."""


class Member(UUIDKey, Versioned, PersonData, Base):
    """A member of one care team; with or without an account. Contact details are encrypted under the person's key."""

    __tablename__ = "members"
    __table_args__ = tuple(c for col in _ENCRYPTED for c in encrypted_check(col))

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(24))
    discipline: Mapped[str | None] = mapped_column(String(32))
    night_contact: Mapped[bool] = mapped_column(default=False)
    # The organisation on the social map, when picked from it (public data, clear); `organisation` keeps the name.
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    # The organisation proposed for the social map when it was typed (the proposal knows nothing of the team).
    proposal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation_proposals.id"))
    started_on: Mapped[date] = mapped_column(Date, default=date.today)
    ended_on: Mapped[date | None] = mapped_column(Date)
    _name: Mapped[bytes | None] = encrypted_column("name")
    _organisation: Mapped[bytes | None] = encrypted_column("organisation")
    _phone: Mapped[bytes | None] = encrypted_column("phone")
    _email: Mapped[bytes | None] = encrypted_column("email")
    _reachability: Mapped[bytes | None] = encrypted_column("reachability")
    _relation: Mapped[bytes | None] = encrypted_column("relation")

    name = Encrypted("_name")
    organisation = Encrypted("_organisation")
    phone = Encrypted("_phone")
    email = Encrypted("_email")
    reachability = Encrypted("_reachability")  # when and how to reach them, in their words
    relation = Encrypted("_relation")  # to the person, e.g. "echtgenote"

    team: Mapped[CareTeam] = relationship(lazy="joined")

    held: frozenset[str] = frozenset()  # designations currently held; filled by load_membership

    def encryption_subject(self) -> uuid.UUID:
        if self.person_id is None:
            self.person_id = self.team.person_id
        return self.person_id

    @property
    def active(self) -> bool:
        return self.ended_on is None or self.ended_on > date.today()

    @property
    def is_professional(self) -> bool:
        return self.role in (Role.PROFESSIONAL, Role.CASE_MANAGER, Role.MEETING_ORGANISER)

    @property
    def permissions(self) -> frozenset[Permission]:
        """By role and designations, as `standing_permissions` works them out (the guard, the view and the team
        menu all ask)."""
        return standing_permissions(self.role, self.held, self.active, self.team.closed)

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if not self.may(permission):
            raise NotAllowed(permission)


class Standing(NamedTuple):
    """What a membership's permissions depend on, without the ORM object: a list across a user's 150 teams decides
    what it may show from these, and loads members only for the few teams it shows."""

    member_id: uuid.UUID
    team_id: uuid.UUID
    role: str
    held: frozenset[str]  # designations currently held
    active: bool
    closed: bool  # the team is closed

    @property
    def permissions(self) -> frozenset[Permission]:
        return standing_permissions(self.role, self.held, self.active, self.closed)

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions


@functools.cache
def standing_permissions(role: str, held: frozenset[str], active: bool, closed: bool) -> frozenset[Permission]:
    """By role and designations; nothing once the membership ended, only reads (and the person's rights) once the
    team is closed. Cached by these values alone (a few dozen combinations), never by member: a changed role or
    designation is a different key on the very next request."""
    granted = permissions_for(role, set(held)) if active else frozenset()
    return granted & WHEN_CLOSED if closed else granted


def _active_clause(today=None):
    return or_(Member.ended_on.is_(None), Member.ended_on > (date.today() if today is None else today))


@functools.cache
def _designations_query(members_loaded: bool):
    team_id = param("team_id")
    query = select(DesignationRecord).where(DesignationRecord.team_id == team_id, DesignationRecord.ended_at.is_(None))
    return query.options(lazyload(DesignationRecord.member)) if members_loaded else query


def current_designations(session, team: CareTeam, *, members_loaded: bool = False) -> dict[str, DesignationRecord]:
    """The holder of each designation now, by kind. `members_loaded`: the team's members are in the session
    already (a page that lists them), so the holders are found there instead of joined again."""
    rows = session.scalars(_designations_query(members_loaded), {"team_id": team.id})
    return {row.kind: row for row in rows}


def designation_history(session, team: CareTeam) -> list[DesignationRecord]:
    return list(session.scalars(select(DesignationRecord).where(DesignationRecord.team_id == team.id)
                                .order_by(DesignationRecord.started_at.desc())))


@functools.cache
def _membership_query():
    team_id, user_id = param("team_id"), param("user_id")
    return select(Member, DesignationRecord.kind).outerjoin(DesignationRecord, and_(
        DesignationRecord.team_id == team_id, DesignationRecord.member_id == Member.id,  # team_id: its index
        DesignationRecord.ended_at.is_(None))).where(Member.team_id == team_id, Member.user_id == user_id,
                                                     _active_clause(param("today", "date")))


def load_membership(session, team_id: uuid.UUID, user_id: uuid.UUID) -> Member | None:
    """The user's active membership of the team, with the designations it holds; None for outsiders."""
    rows = session.execute(_membership_query(), {"team_id": team_id, "user_id": user_id,
                                                 "today": date.today()}).all()
    if not rows:
        return None
    member = rows[0][0]
    member.held = frozenset(kind for _, kind in rows if kind is not None)
    return member


def memberships_of(session, user_id: uuid.UUID) -> list[Member]:
    """The user's active memberships in all their teams, each with the designations it holds (two queries)."""
    members = list(session.scalars(select(Member).where(Member.user_id == user_id, _active_clause())))
    held: dict[uuid.UUID, set[str]] = {}
    ids = [m.id for m in members]
    rows = session.execute(select(DesignationRecord.member_id, DesignationRecord.kind).where(
        DesignationRecord.team_id.in_({m.team_id for m in members}), DesignationRecord.member_id.in_(ids),  # its index
        DesignationRecord.ended_at.is_(None))) if ids else ()
    for member_id, kind in rows:
        held.setdefault(member_id, set()).add(kind)
    for member in members:
        member.held = frozenset(held.get(member.id, ()))
    return members


def _active_of_user(members):
    """A user's active memberships (the parameters `user_id` and `today`), on the members table's own columns."""
    return and_(members.user_id == param("user_id"),
                or_(members.ended_on.is_(None), members.ended_on > param("today", "date")))


def active_member_ids():
    """A select of the ids of a user's active memberships (the parameters `user_id` and `today`), to put in
    another statement: the agreements they own, without sending 150 ids back to the database."""
    members = Member.__table__.c
    return select(members.id).where(_active_of_user(members))


@functools.cache
def _standings_query():
    """Built once: my tasks asks on every request. Each membership's row comes once per designation it holds. The
    tables' own columns, not the ORM's: the rows come straight from the cursor, without the ORM's result layer."""
    members, teams, held = Member.__table__.c, CareTeam.__table__.c, DesignationRecord.__table__.c
    return (select(members.id, members.team_id, members.role, teams.closed_on, held.kind)
            .join_from(Member.__table__, CareTeam.__table__, teams.id == members.team_id)
            .outerjoin(DesignationRecord.__table__, and_(held.team_id == members.team_id,  # team_id: its index
                                                         held.member_id == members.id, held.ended_at.is_(None)))
            .where(_active_of_user(members)))


def standings_of(session, user_id: uuid.UUID) -> list[Standing]:
    """The standing of each of the user's active memberships (active: the statement returns no other), with the
    designations it holds: one Core select, no ORM objects (150 of them, and their teams, were most of the cost of
    my tasks)."""
    held: dict[uuid.UUID, set[str]] = {}
    found: dict[uuid.UUID, tuple] = {}
    for member_id, team_id, role, closed_on, kind in session.execute(
            _standings_query(), {"user_id": user_id, "today": date.today()}).all():
        found.setdefault(member_id, (team_id, role, closed_on is not None))
        if kind is not None:
            held.setdefault(member_id, set()).add(kind)
    return [Standing(member_id, team_id, role, frozenset(held.get(member_id, ())), True, closed)
            for member_id, (team_id, role, closed) in found.items()]


@functools.cache
def _shown_members_query():
    """Built once: my tasks asks on every request (the teams as an expanding parameter)."""
    return select(Member).where(Member.user_id == param("user_id"), _active_clause(param("today", "date")),
                                Member.team_id.in_(bindparam("team_ids", expanding=True)))


def memberships_with_teams(session, user_id: uuid.UUID, standings: list[Standing]) -> dict[uuid.UUID, Member]:
    """The user's memberships of these standings' teams (the few a page shows), with their teams and persons
    joined and the designations the standings found, by team id. A membership that ended meanwhile is left out."""
    if not standings:
        return {}
    held = {s.member_id: s.held for s in standings}
    members = session.scalars(_shown_members_query(), {"user_id": user_id, "today": date.today(),
                                                       "team_ids": [s.team_id for s in standings]})
    found = {}
    for member in members:
        member.held = held.get(member.id, frozenset())
        found[member.team_id] = member
    return found


def account_addresses(session, members) -> list[str]:
    """The login e-mail addresses of those of `members` who have an account (where notices go)."""
    ids = [m.user_id for m in members if m.user_id is not None]
    return list(session.scalars(select(User.email).where(User.id.in_(ids)))) if ids else []


def teams_of(session, user_id: uuid.UUID) -> list[CareTeam]:
    """The teams the user is an active member of."""
    query = select(CareTeam).join(Member, Member.team_id == CareTeam.id).where(
        Member.user_id == user_id, _active_clause())
    return list(session.scalars(query).unique())


def team_cards(session, user_id: uuid.UUID) -> list[PersonCard]:
    """The teams the user is an active member of, as cards: one select of the ids and the ciphertexts shown."""
    rows = session.execute(select(CareTeam.id, *CARD_CIPHERTEXTS, CareTeam.closed_on)
                           .join(Person, Person.id == CareTeam.person_id)
                           .join(Member, Member.team_id == CareTeam.id)
                           .where(Member.user_id == user_id, _active_clause())).all()
    rows = list({row[0]: row for row in rows}.values())
    cards = person_cards(session, [row[:-1] for row in rows])
    return [replace(card, closed_on=row[-1]) for card, row in zip(cards, rows)]


ROLE_ORDER = {role.value: position for position, role in enumerate(Role)}


def team_members(session, team: CareTeam, *, past: bool = False) -> list[Member]:
    """Current members (or, with `past`, those whose membership ended), in a stable order."""
    rows = session.scalars(_members_query(past), {"team_id": team.id, "today": date.today()})
    return sorted(rows, key=lambda m: (ROLE_ORDER[m.role], m.name.lower()))


@functools.cache
def _members_query(past: bool):
    team_id = param("team_id")
    active = _active_clause(param("today", "date"))
    return select(Member).where(Member.team_id == team_id, ~active if past else active).options(
        lazyload(Member.team))  # the team: in hand


def add_member(session, team: CareTeam, actor: Member | None, *, role: str, name: str, user=None,
               consent_method: str = "default", **details) -> Member:
    """Add a member (with an account in `user`, or as a contact without one). `actor` None: system (demo, CLI).
    `consent_method`: how the person consented to what the member sees (a team's first members)."""
    if actor is not None:
        actor.require(Permission.MEMBERS_MANAGE)
    if user is not None and load_membership(session, team.id, user.id) is not None:
        raise MembershipRule("Deze persoon is al lid van het zorgteam.")
    member = Member(team=team, team_id=team.id, person_id=team.person_id, role=Role(role).value, name=name,
                    user_id=user.id if user else None, **details)
    member.ensure_id()
    session.add(member)
    apply_role_defaults(session, member, consent_method)
    audit.record(session, actor, "create", team=team, target=member)
    return member


def update_member(session, member: Member, actor: Member, seen_version: int, **changes) -> Member:
    """Change a member's role or details; refused when someone changed the member since `seen_version`."""
    if actor.id != member.id:
        actor.require(Permission.MEMBERS_MANAGE)
    check_version(member, seen_version)
    if "role" in changes:
        changes["role"] = Role(changes["role"]).value
    for key, value in changes.items():
        setattr(member, key, value)
    audit.record(session, actor, "update", team=member.team, target=member)
    return member


def end_membership(session, member: Member, actor: Member, on: date | None = None) -> Member:
    """End a membership (the member stays in the history). The coordinator must first hand over."""
    actor.require(Permission.MEMBERS_MANAGE)
    held = current_designations(session, member.team)
    if Designation.COORDINATOR in held and held[Designation.COORDINATOR].member_id == member.id:
        raise MembershipRule("Draag eerst de rol van zorgcoördinator over aan iemand anders.")
    if member.role == Role.PERSON:
        raise MembershipRule("De persoon zelf blijft altijd lid van het eigen zorgteam.")
    member.ended_on = on or date.today()
    for kind, record in held.items():
        if record.member_id == member.id:
            record.ended_at = utcnow()
    audit.record(session, actor, "delete", team=member.team, target=member)
    return member


def designate(session, team: CareTeam, actor: Member | None, kind: str, member: Member | None) -> None:
    """Hand a designation over to `member` (None: nobody holds it any more; not for the coordinator)."""
    if actor is not None:
        actor.require(Permission.DESIGNATIONS_MANAGE)
    kind = Designation(kind)
    if member is None and kind == Designation.COORDINATOR:
        raise MembershipRule("Een zorgteam heeft altijd precies één zorgcoördinator.")
    if member is not None and (member.team_id != team.id or not member.active):
        raise MembershipRule("Alleen een huidig lid van het zorgteam kan deze rol opnemen.")
    current = current_designations(session, team).get(kind)
    if current is not None and member is not None and current.member_id == member.id:
        return
    now = utcnow()
    if current is not None:
        current.ended_at = now
    if member is not None:
        record = DesignationRecord(team_id=team.id, kind=kind.value, member_id=member.id, started_at=now,
                                   assigned_by=actor.user_id if actor else None)
        session.add(record)
    audit.record(session, actor, "hand-over", team=team, target=member, category=kind.value)


def create_team(session, person, started: datetime | None = None) -> CareTeam:
    team = CareTeam(person=person, person_id=person.ensure_id())
    team.ensure_id()
    session.add(team)
    return team


def invite(session, team: CareTeam, actor: Member | None, member: Member, email: str):
    """Give `member` an account for `email` (an existing one, or a new one without a password yet).

    Returns (user, is_new): a new account needs an invitation link to set its password."""
    if actor is not None:
        actor.require(Permission.MEMBERS_MANAGE)
    email = email.strip().lower()
    user = find_user(session, email)
    is_new = user is None
    if is_new:
        user = User(email=email, name=member.name)
        user.ensure_id()
        session.add(user)
    elif load_membership(session, team.id, user.id) is not None:
        raise MembershipRule("Iemand met dit e-mailadres is al lid van het zorgteam.")
    member.user_id = user.id
    audit.record(session, actor, "invite", team=team, target=member)
    return user, is_new
