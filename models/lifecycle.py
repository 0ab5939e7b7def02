"""A care team's life (levensloop): starting one around a new person, and closing it (afsluiten) with a reason.

Glossary: zorgvraag (care question, in the person's words), enkelvoudige of complexe zorg (simple or complex care),
overleden (died), woonzorgcentrum (nursing home).

Starting: the person, the care question, how the person consented; the founder joins as the first member and
coordinator (they hand over later on the members page), the person is a member from the start.
Closing: by the coordinator, with a reason and a date; planned meetings and open agreements are cancelled, the
team is read-only afterwards, and the retention period (models/erasure.py) runs from the closing date.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from models import audit
from models.agreements import Agreement, cancel, open_agreements
from models.base import check_version, utcnow
from models.meetings import Meeting, cancel_meeting, meetings_of
from models.members import Member, add_member, create_team, designate, load_membership
from models.people import Person, find_by_insz
from models.permissions import Permission, Role
from models.teams import CARE_LEVELS, CareTeam
from models.users import User

CLOSING_REASONS = ("died", "nursing_home", "no_longer_needed", "persons_request", "other")
CONSENT_METHODS = ("in_person", "on_paper", "by_representative")
FOUNDER_ROLES = tuple(r.value for r in Role if r != Role.PERSON)
CARE_QUESTION_MAX = 2000


class LifecycleRule(ValueError):
    """A start or close that is not possible; the message says why, in plain words."""


class PersonHasTeam(LifecycleRule):
    """Someone with this INSZ already has a care team (`team`; the web layer names it only to its members)."""

    def __init__(self, team: CareTeam):
        super().__init__("Voor deze persoon bestaat er al een zorgteam.")
        self.team = team


@dataclass
class Closing:
    """What closing a team did: the meetings it cancelled (their invitees get a CANCEL) and the agreements."""

    team: CareTeam
    meetings: list[Meeting] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)


def check_new_person(session, actor: User | None, insz: str | None) -> None:
    """Refuse an INSZ whose person already has a team. The look-up is in that team's audit trail, so the
    person can see that someone tried to start a second team for them."""
    found = find_by_insz(session, insz) if insz else None
    if found is None:
        return
    team = session.scalar(select(CareTeam).where(CareTeam.person_id == found.id))
    audit.record(session, actor, "search", team=team, target=found, category="insz", outcome="denied")
    raise PersonHasTeam(team)


def _check_question(care_level: str, care_question: str | None) -> None:
    if care_level not in CARE_LEVELS:
        raise LifecycleRule("Kies enkelvoudige of complexe zorg.")
    if len(care_question or "") > CARE_QUESTION_MAX:
        raise LifecycleRule(f"De zorgvraag is te lang (ten hoogste {CARE_QUESTION_MAX} tekens).")


def _check_start(care_level: str, consent_method: str, care_question: str | None, role: str) -> None:
    _check_question(care_level, care_question)
    if consent_method not in CONSENT_METHODS:
        raise LifecycleRule("Kies hoe de persoon toestemming gaf.")
    if role not in FOUNDER_ROLES:
        raise LifecycleRule("Kies uw eigen rol in het zorgteam.")


def start_team(session, person: Person, founder: User, *, actor: User | None, role: str, care_level: str,
               consent_method: str, insz: str | None = None, care_question: str | None = None,
               person_email: str | None = None, **details) -> Member:
    """Start the team around `person` (new; its INSZ is `insz`): the person and `founder` are its first members,
    `founder` its coordinator (`details`: the founder's discipline, organisation, phone; `person_email`: where the
    person can be invited). `actor` None: the command
    line. Returns the founder's membership, with its coordinator rights, to add the other members with.
    Flushes, no commit."""
    _check_start(care_level, consent_method, care_question, role)
    check_new_person(session, actor, insz)
    session.add(person)
    person.set_insz(session, insz)
    team = create_team(session, person)
    team.care_level, team.care_question = care_level, (care_question or "").strip() or None
    audit.record(session, actor, "create", team=team, target=team)
    add_member(session, team, None, role=Role.PERSON, name=person.full_name, phone=person.phone,
               email=person_email, consent_method=consent_method)
    coordinator = add_member(session, team, None, role=role, name=founder.name, user=founder,
                             email=founder.email, consent_method=consent_method, **details)
    designate(session, team, None, "coordinator", coordinator)
    session.flush()
    return load_membership(session, team.id, founder.id)


def change_care_question(session, team: CareTeam, actor: Member, seen_version: int, *, care_question: str,
                         care_level: str) -> CareTeam:
    """Rewrite the care question (in the person's words) and the kind of care, as the person, their representative
    or the coordinator; StaleEdit when someone changed them since `seen_version`. Flushes, no commit."""
    actor.require(Permission.PERSON_EDIT)
    if team.closed:
        raise LifecycleRule("Dit zorgteam is afgesloten: er kan niets meer veranderen.")
    care_question = (care_question or "").strip()
    if not care_question:
        raise LifecycleRule("Vul de zorgvraag in.")
    _check_question(care_level, care_question)
    check_version(team, seen_version)
    team.care_question, team.care_level = care_question, care_level
    audit.record(session, actor, "update", team=team, target=team, category="care-question")
    session.flush()
    return team


def _check_close(team: CareTeam, reason: str, on: date, note: str | None) -> None:
    if team.closed:
        raise LifecycleRule("Dit zorgteam is al afgesloten.")
    if reason not in CLOSING_REASONS:
        raise LifecycleRule("Kies waarom het zorgteam afgesloten wordt.")
    if reason == "other" and not note:
        raise LifecycleRule("Beschrijf waarom het zorgteam afgesloten wordt.")
    if on > date.today():
        raise LifecycleRule("De datum van afsluiten kan niet in de toekomst liggen.")
    if on < team.created_at.date():
        raise LifecycleRule("De datum van afsluiten kan niet vóór de start van het zorgteam liggen.")


def close_team(session, team: CareTeam, actor: Member, *, reason: str, on: date,
               note: str | None = None) -> Closing:
    """Close the team on `on` for `reason`: cancel its meetings still to come and its open agreements, then make
    it read-only (the web layer's guard refuses every change). Flushes, no commit."""
    actor.require(Permission.TEAM_CLOSE)
    note = (note or "").strip() or None
    _check_close(team, reason, on, note)
    now = utcnow()
    closing = Closing(team)
    closing.meetings = [cancel_meeting(session, m, actor) for m in meetings_of(session, team.id)
                        if m.is_planned and m.starts_at >= now]
    closing.agreements = [cancel(session, a, actor) for a in open_agreements(session, team.id)]
    team.closed_on, team.closed_by_id = on, actor.user_id
    team.closed_reason, team.closed_note = reason, note
    audit.record(session, actor, "close", team=team, target=team)
    return closing
