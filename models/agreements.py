"""Agreements (afspraken): who does what by when, linked to a goal and the meeting that made it.

Glossary: afspraak (`Agreement`), eigenaar (owner), wekelijks/maandelijks (recurrence), opvolgen (follow up).
The text and remark are encrypted; owner, dates and status stay clear for scheduling and reminders.
"""
from __future__ import annotations

import calendar
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import Date, ForeignKey, String, case, select
from sqlalchemy.orm import Mapped, lazyload, mapped_column, relationship

from models import audit
from models.base import Base, UUIDKey, Versioned, check_version, utcnow
from models.encrypted import Encrypted, PersonData, encrypted_check, encrypted_column
from models.goals import CareGoal
from models.members import Member, NotAllowed
from models.permissions import Designation, Permission, Role
from models.teams import CareTeam

STATUSES = ("proposed", "accepted", "declined", "done", "cancelled")
OPEN = ("proposed", "accepted")
RECURRENCES = ("none", "weekly", "monthly")


class AgreementRule(ValueError):
    """An agreement change that is not possible; the message says why, in plain words."""


class AlreadyDone(AgreementRule):
    """A "Klaar" for an occurrence that is already done: a double tap, a form sent again."""


class OccurrenceMoved(AgreementRule):
    """A "Klaar" for an occurrence the agreement no longer has (someone changed its date meanwhile)."""


class Agreement(UUIDKey, Versioned, PersonData, Base):
    __tablename__ = "agreements"
    __table_args__ = tuple(c for col in ("what", "remark") for c in encrypted_check(col))

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    recurrence: Mapped[str] = mapped_column(String(12), default="none")
    care_goal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("care_goals.id"))
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"), index=True)  # the MDO that made it
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    recurs_from: Mapped[date | None] = mapped_column(Date)  # the first date of a recurring series (its anchor)
    _what: Mapped[bytes | None] = encrypted_column("what")
    _remark: Mapped[bytes | None] = encrypted_column("remark")

    what = Encrypted("_what")
    remark = Encrypted("_remark")

    owner: Mapped[Member | None] = relationship(foreign_keys=[owner_id], lazy="joined")

    def encryption_subject(self) -> uuid.UUID:
        return self.person_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < (today or date.today())


class AgreementCompletion(UUIDKey, PersonData, Base):
    """One completed occurrence of an agreement (every one of a recurring series): the history of who did it when."""

    __tablename__ = "agreement_completions"
    __table_args__ = tuple(encrypted_check("note"))

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    occurrence_on: Mapped[date | None] = mapped_column(Date)  # the due date that was met (None: no date)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    _note: Mapped[bytes | None] = encrypted_column("note")

    note = Encrypted("_note")

    completed_by: Mapped[Member | None] = relationship(lazy="joined")

    def encryption_subject(self) -> uuid.UUID:
        return self.person_id


def _require_manage(actor: Member | None) -> None:
    if actor is not None:
        actor.require(Permission.AGREEMENTS_MANAGE)


def _check_owner(team, owner: Member | None) -> None:
    if owner is not None and (owner.team_id != team.id or not owner.active):
        raise AgreementRule("De eigenaar moet lid zijn van het zorgteam.")


def _check_goal(session, team, care_goal_id: uuid.UUID | None) -> None:
    if care_goal_id is not None:
        goal = session.get(CareGoal, care_goal_id)
        if goal is None or goal.team_id != team.id:
            raise AgreementRule("Dit zorgdoel hoort niet bij dit zorgteam.")


def _check_timing(due_on: date | None, recurrence: str) -> None:
    if recurrence not in RECURRENCES:
        raise AgreementRule("Ongeldige herhaling.")
    if recurrence != "none" and due_on is None:
        raise AgreementRule("Een afspraak die terugkomt, heeft een eerste datum nodig.")


def add_agreement(session, team, actor: Member | None, *, what: str, owner: Member | None = None,
                  due_on: date | None = None, recurrence: str = "none", care_goal_id: uuid.UUID | None = None,
                  meeting_id: uuid.UUID | None = None, status: str = "proposed") -> Agreement:
    """Record who does what by when. `actor` None: the system (the demo, a report that asks for follow-up)."""
    _require_manage(actor)
    what = (what or "").strip()
    if not what:
        raise AgreementRule("Beschrijf wat er afgesproken is.")
    if status not in STATUSES:
        raise AgreementRule("Ongeldige status.")
    _check_timing(due_on, recurrence)
    _check_owner(team, owner)
    _check_goal(session, team, care_goal_id)
    agreement = Agreement(team_id=team.id, person_id=team.person_id, what=what, owner_id=owner.id if owner else None,
                          due_on=due_on, recurrence=recurrence, care_goal_id=care_goal_id, meeting_id=meeting_id,
                          status=status, created_by_id=actor.id if actor else None,
                          recurs_from=due_on if recurrence != "none" else None)
    agreement.ensure_id()
    session.add(agreement)
    audit.record(session, actor, "create", team=team, target=agreement, category="agreements")
    return agreement


# --- who may see and act on which agreement ----------------------------------------------------------------------

def may_view(member: Member, agreement: Agreement) -> bool:
    """Every member sees the team's agreements, except volunteers: they see only their own (nothing about care)."""
    if agreement.team_id != member.team_id or not member.may(Permission.AGREEMENTS_VIEW):
        return False
    return member.role != Role.VOLUNTEER or member.may(Permission.AGREEMENTS_MANAGE) or owns(member, agreement)


def owns(member: Member, agreement: Agreement) -> bool:
    """The owner, or the person's representative for an agreement the person owns."""
    if agreement.owner_id == member.id:
        return True
    owner = agreement.owner
    return owner is not None and owner.role == Role.PERSON and Designation.REPRESENTATIVE in member.held


def may_act(member: Member, agreement: Agreement) -> bool:
    """Accept, decline or mark done: the owner (or the person's representative), or whoever manages agreements."""
    if agreement.team_id != member.team_id or not member.active:
        return False
    return owns(member, agreement) or member.may(Permission.AGREEMENTS_MANAGE)


def _require_act(actor: Member | None, agreement: Agreement) -> None:
    if actor is not None and not may_act(actor, agreement):
        raise NotAllowed(Permission.AGREEMENTS_MANAGE)


def _team(actor: Member | None):
    return actor.team if actor is not None else None


def _audit(session, actor, agreement, action: str = "update") -> None:
    audit.record(session, actor, action, team=_team(actor), target=agreement, category="agreements")


# --- what the owner does ----------------------------------------------------------------------------------------

def accept(session, agreement: Agreement, actor: Member | None, remark: str | None = None) -> Agreement:
    """The owner takes the agreement on (also after declining it first)."""
    _require_act(actor, agreement)
    if agreement.status not in ("proposed", "declined"):
        raise AgreementRule("Deze afspraak wacht niet op een antwoord.")
    agreement.status = "accepted"
    agreement.remark = (remark or "").strip() or None
    _audit(session, actor, agreement)
    return agreement


def decline(session, agreement: Agreement, actor: Member | None, remark: str) -> Agreement:
    """The owner cannot take it on; the remark says why, so the coordinator can find another way."""
    _require_act(actor, agreement)
    if not agreement.is_open:
        raise AgreementRule("Deze afspraak is al afgerond of geannuleerd.")
    remark = (remark or "").strip()
    if not remark:
        raise AgreementRule("Zeg kort waarom, zodat de zorgcoördinator een oplossing kan zoeken.")
    agreement.status, agreement.remark = "declined", remark
    _audit(session, actor, agreement)
    return agreement


def next_occurrence(agreement: Agreement, after: date) -> date:
    """The first date of the agreement's series strictly after `after` (weekly: same weekday; monthly: same day,
    or the month's last day when it is shorter)."""
    anchor = agreement.recurs_from or agreement.due_on or after
    if agreement.recurrence == "weekly":
        return after + timedelta(days=7 - (after - anchor).days % 7)
    months = (after.year - anchor.year) * 12 + after.month - anchor.month
    while (candidate := _add_months(anchor, months)) <= after:
        months += 1
    return candidate


def _add_months(anchor: date, months: int) -> date:
    year, month = divmod(anchor.month - 1 + months, 12)
    year, month = anchor.year + year, month + 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


ANY_OCCURRENCE = object()  # complete() without naming the occurrence: the current one (the demo, scripts)


def check_occurrence(session, agreement: Agreement, occurrence: date | None) -> None:
    """A "Klaar" names the occurrence it ticks off (the due date its page showed): a second tap or a form sent
    again is refused instead of ticking off next week's occurrence as well."""
    if agreement.is_open and occurrence == agreement.due_on:
        return
    if any(done.occurrence_on == occurrence for done in completions_of(session, agreement)):
        raise AlreadyDone("Al afgevinkt: deze keer staat al op klaar.")
    raise OccurrenceMoved("Deze afspraak is intussen gewijzigd. Bekijk ze opnieuw voor u ze afvinkt.")


def complete(session, agreement: Agreement, actor: Member | None, *, note: str | None = None,
             today: date | None = None, occurrence=ANY_OCCURRENCE) -> AgreementCompletion:
    """Mark it done. A recurring agreement records the occurrence and moves on to its next date (the first one
    after today, so missed dates do not pile up); a one-off agreement is then done. `occurrence`, when given,
    is the due date the user saw: see check_occurrence."""
    _require_act(actor, agreement)
    if occurrence is not ANY_OCCURRENCE:
        check_occurrence(session, agreement, occurrence)
    if not agreement.is_open:
        raise AgreementRule("Deze afspraak is al afgerond of geannuleerd.")
    today = today or date.today()
    completion = AgreementCompletion(agreement_id=agreement.id, team_id=agreement.team_id,
                                     person_id=agreement.person_id, occurrence_on=agreement.due_on,
                                     completed_by_id=actor.id if actor else None, note=(note or "").strip() or None)
    completion.ensure_id()
    session.add(completion)
    agreement.done_at = completion.completed_at = utcnow()
    if agreement.recurrence == "none":
        agreement.status = "done"
    else:
        agreement.status = "accepted"
        agreement.due_on = next_occurrence(agreement, max(agreement.due_on or today, today - timedelta(days=1)))
    _audit(session, actor, agreement)
    audit.record(session, actor, "create", team=_team(actor), target=completion, category="agreements")
    return completion


UNDO_WITHIN = timedelta(hours=24)  # a tap on "Klaar" by mistake can be taken back the same day


def undo_completion(session, agreement: Agreement, actor: Member | None) -> AgreementCompletion:
    """Take back the latest completion (a mistaken tap): it is removed and the agreement is open again for the
    date it was done for. Only within a day, and only by whoever may act on the agreement."""
    _require_act(actor, agreement)
    history = completions_of(session, agreement)
    last, earlier = (history + [None, None])[:2]
    if last is None or utcnow() - last.completed_at > UNDO_WITHIN or agreement.status not in ("accepted", "done"):
        raise AgreementRule("Er is niets om terug te draaien.")
    audit.record(session, actor, "delete", team=_team(actor), target=last, category="agreements")
    session.delete(last)
    agreement.status = "accepted"
    agreement.due_on = last.occurrence_on if agreement.recurrence != "none" else agreement.due_on
    agreement.done_at = earlier.completed_at if earlier else None
    _audit(session, actor, agreement)
    return last


# --- what the coordinator and the professionals do -----------------------------------------------------------------

def cancel(session, agreement: Agreement, actor: Member | None, remark: str | None = None) -> Agreement:
    """Stop an agreement that is no longer needed; it stays in the history."""
    _require_manage(actor)
    if agreement.status in ("done", "cancelled"):
        raise AgreementRule("Deze afspraak is al afgerond of geannuleerd.")
    agreement.status = "cancelled"
    agreement.remark = (remark or "").strip() or agreement.remark
    _audit(session, actor, agreement)
    return agreement


def update_agreement(session, agreement: Agreement, actor: Member | None, seen_version: int, *, what: str,
                     owner: Member | None, due_on: date | None, recurrence: str,
                     care_goal_id: uuid.UUID | None) -> Agreement:
    """Change what, who, when or the linked goal; refused when someone changed it since `seen_version`.
    A new owner has to accept it again (reassigning)."""
    _require_manage(actor)
    check_version(agreement, seen_version)
    team = session.get(CareTeam, agreement.team_id)
    what = (what or "").strip()
    if not what:
        raise AgreementRule("Beschrijf wat er afgesproken is.")
    _check_timing(due_on, recurrence)
    _check_owner(team, owner)
    _check_goal(session, team, care_goal_id)
    _reassign(agreement, actor, owner)
    if recurrence != "none" and (due_on != agreement.due_on or recurrence != agreement.recurrence):
        agreement.recurs_from = due_on
    agreement.what, agreement.due_on, agreement.recurrence = what, due_on, recurrence
    agreement.care_goal_id = care_goal_id
    _audit(session, actor, agreement)
    return agreement


def _reassign(agreement: Agreement, actor: Member | None, owner: Member | None) -> None:
    new_owner_id = owner.id if owner else None
    if new_owner_id == agreement.owner_id:
        return
    agreement.owner_id, agreement.owner = new_owner_id, owner
    if agreement.status in ("proposed", "accepted", "declined"):
        takes_it_on = actor is not None and owner is not None and owner.id == actor.id
        agreement.status = "accepted" if takes_it_on else "proposed"
        agreement.remark = None


# --- reading ----------------------------------------------------------------------------------------------------

def sort_key(agreement: Agreement, today: date | None = None) -> tuple:
    """Open ones first, overdue ones before them, then by due date (those without a date last)."""
    return (not agreement.is_open, not agreement.overdue(today), agreement.due_on is None,
            agreement.due_on or date.max, agreement.created_at)


def team_agreements(session, team_id: uuid.UUID) -> list[Agreement]:
    """Every agreement of the team, open and overdue ones first."""
    rows = session.scalars(select(Agreement).where(Agreement.team_id == team_id))
    return sorted(rows, key=sort_key)


def open_agreements(session, team_id: uuid.UUID) -> list[Agreement]:
    """The team's open agreements, soonest due first (those without a date last). Their owners are members of the
    team, which a team page has usually loaded already: found in the session, not joined again for every row."""
    rows = session.scalars(select(Agreement).where(Agreement.team_id == team_id, Agreement.status.in_(OPEN))
                           .options(lazyload(Agreement.owner)))
    return sorted(rows, key=lambda a: (a.due_on is None, a.due_on or date.max))


def first_open(session, member: Member, limit: int = 5) -> list[Agreement]:
    """A few of the team's open agreements that `member` may see: their own first, then the soonest due. Sorted
    and cut in the database when the member sees all of the team's agreements (all but volunteers)."""
    if member.role == Role.VOLUNTEER and not member.may(Permission.AGREEMENTS_MANAGE):
        visible = [a for a in open_agreements(session, member.team_id) if may_view(member, a)]
        return sorted(visible, key=lambda a: a.owner_id != member.id)[:limit]
    if not member.may(Permission.AGREEMENTS_VIEW):
        return []
    query = (select(Agreement).where(Agreement.team_id == member.team_id, Agreement.status.in_(OPEN))
             .order_by(case((Agreement.owner_id == member.id, 0), else_=1), Agreement.due_on.is_(None),
                       Agreement.due_on, Agreement.created_at, Agreement.id)
             .limit(limit).options(lazyload(Agreement.owner)))
    return list(session.scalars(query))


def overdue_agreements(session, team_id: uuid.UUID, today: date | None = None) -> list[Agreement]:
    """Open agreements whose date has passed."""
    return [a for a in open_agreements(session, team_id) if a.overdue(today)]


def owned_by(session, member_ids: list[uuid.UUID]) -> list[Agreement]:
    """The agreements these members own (one user's memberships across teams), open and overdue ones first."""
    if not member_ids:
        return []
    # The owners are the caller's own memberships, already loaded: no join for them (a many-to-one lazy load
    # is answered from the session's identity map).
    rows = session.scalars(select(Agreement).where(Agreement.owner_id.in_(member_ids))
                           .options(lazyload(Agreement.owner)))
    return sorted(rows, key=sort_key)


def completions_of(session, agreement: Agreement) -> list[AgreementCompletion]:
    """The history of an agreement's completed occurrences, newest first."""
    return list(session.scalars(select(AgreementCompletion).where(AgreementCompletion.agreement_id == agreement.id)
                                .order_by(AgreementCompletion.completed_at.desc())))


def last_completions(session, agreement_ids) -> dict[uuid.UUID, AgreementCompletion]:
    """The latest completion of each of these agreements, by agreement id."""
    ids = list(agreement_ids)
    if not ids:
        return {}
    rows = session.scalars(select(AgreementCompletion).where(AgreementCompletion.agreement_id.in_(ids))
                           .order_by(AgreementCompletion.completed_at))
    return {row.agreement_id: row for row in rows}
