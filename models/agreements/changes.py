"""What happens to an agreement: recorded, accepted or declined by its owner, done (and undone), cancelled or
changed by whoever manages agreements; each change audited in the same flush."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from models import audit
from models.agreements.access import require_act, require_manage
from models.agreements.model import (RECURRENCES, STATUSES, Agreement, AgreementCompletion, AgreementRule,
                                     AlreadyDone, OccurrenceMoved)
from models.agreements.reading import completions_of
from models.agreements.recurrence import next_occurrence
from models.base import check_version, utcnow
from models.goals import CareGoal
from models.members import Member
from models.teams import CareTeam


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
    require_manage(actor)
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


def _team(actor: Member | None):
    return actor.team if actor is not None else None


def _audit(session, actor, agreement, action: str = "update") -> None:
    audit.record(session, actor, action, team=_team(actor), target=agreement, category="agreements")


# --- what the owner does ----------------------------------------------------------------------------------------

def accept(session, agreement: Agreement, actor: Member | None, remark: str | None = None) -> Agreement:
    """The owner takes the agreement on (also after declining it first)."""
    require_act(actor, agreement)
    if agreement.status not in ("proposed", "declined"):
        raise AgreementRule("Deze afspraak wacht niet op een antwoord.")
    agreement.status = "accepted"
    agreement.remark = (remark or "").strip() or None
    _audit(session, actor, agreement)
    return agreement


def decline(session, agreement: Agreement, actor: Member | None, remark: str) -> Agreement:
    """The owner cannot take it on; the remark says why, so the coordinator can find another way."""
    require_act(actor, agreement)
    if not agreement.is_open:
        raise AgreementRule("Deze afspraak is al afgerond of geannuleerd.")
    remark = (remark or "").strip()
    if not remark:
        raise AgreementRule("Zeg kort waarom, zodat de zorgcoördinator een oplossing kan zoeken.")
    agreement.status, agreement.remark = "declined", remark
    _audit(session, actor, agreement)
    return agreement


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
    require_act(actor, agreement)
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


def may_undo(agreement: Agreement, last_done: AgreementCompletion | None) -> bool:
    """Its latest completion can still be taken back (by whoever may act on it): what undo_completion allows."""
    return (last_done is not None and agreement.status in ("accepted", "done")
            and utcnow() - last_done.completed_at <= UNDO_WITHIN)


def undo_completion(session, agreement: Agreement, actor: Member | None) -> AgreementCompletion:
    """Take back the latest completion (a mistaken tap): it is removed and the agreement is open again for the
    date it was done for. Only within a day, and only by whoever may act on the agreement."""
    require_act(actor, agreement)
    history = completions_of(session, agreement)
    last, earlier = (history + [None, None])[:2]
    if not may_undo(agreement, last):
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
    require_manage(actor)
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
    require_manage(actor)
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
