"""Reading agreements: a team's agreements in order of urgency, its open ones, and an agreement's history."""
from __future__ import annotations

import functools
import uuid
from datetime import date, datetime

from sqlalchemy import bindparam, case, select
from sqlalchemy.orm import lazyload

from models.agreements.access import may_view
from models.agreements.model import OPEN, Agreement, AgreementCompletion
from models.base import param
from models.members import Member
from models.permissions import Permission, Role


def urgency(status: str, due_on: date | None, created_at: datetime, today: date | None = None) -> tuple:
    """Open ones first, overdue ones before them, then by due date (those without a date last); from the plain
    columns, so a list can be ordered before its agreements are loaded."""
    is_open = status in OPEN
    overdue = is_open and due_on is not None and due_on < (today or date.today())  # is_overdue, inline: 200 a page
    return (not is_open, not overdue, due_on is None, due_on or date.max, created_at)


def sort_key(agreement: Agreement, today: date | None = None) -> tuple:
    """Open ones first, overdue ones before them, then by due date (those without a date last)."""
    return urgency(agreement.status, agreement.due_on, agreement.created_at, today)


def team_agreements(session, team_id: uuid.UUID) -> list[Agreement]:
    """Every agreement of the team, open and overdue ones first."""
    rows = session.scalars(select(Agreement).where(Agreement.team_id == team_id))
    return sorted(rows, key=sort_key)


# The owners are members of the team, which a team page has usually loaded already: found in the session, not
# joined again for every row. Built once: a team page asks on every request.
_OPEN = (select(Agreement).where(Agreement.team_id == param("team_id"), Agreement.status.in_(OPEN))
         .options(lazyload(Agreement.owner)))


def open_agreements(session, team_id: uuid.UUID) -> list[Agreement]:
    """The team's open agreements, soonest due first (those without a date last)."""
    rows = session.scalars(_OPEN, {"team_id": team_id})
    return sorted(rows, key=lambda a: (a.due_on is None, a.due_on or date.max))


@functools.cache
def _first_open_query(limit: int):
    """Built once per limit: the team overview asks on every request."""
    return (select(Agreement).where(Agreement.team_id == param("team_id"), Agreement.status.in_(OPEN))
            .order_by(case((Agreement.owner_id == param("member_id"), 0), else_=1), Agreement.due_on.is_(None),
                      Agreement.due_on, Agreement.created_at, Agreement.id)
            .limit(limit).options(lazyload(Agreement.owner)))


def first_open(session, member: Member, limit: int = 5) -> list[Agreement]:
    """A few of the team's open agreements that `member` may see: their own first, then the soonest due. Sorted
    and cut in the database when the member sees all of the team's agreements (all but volunteers)."""
    if member.role == Role.VOLUNTEER and not member.may(Permission.AGREEMENTS_MANAGE):
        visible = [a for a in open_agreements(session, member.team_id) if may_view(member, a)]
        return sorted(visible, key=lambda a: a.owner_id != member.id)[:limit]
    if not member.may(Permission.AGREEMENTS_VIEW):
        return []
    return list(session.scalars(_first_open_query(limit), {"team_id": member.team_id, "member_id": member.id}))


def overdue_agreements(session, team_id: uuid.UUID, today: date | None = None) -> list[Agreement]:
    """Open agreements whose date has passed."""
    return [a for a in open_agreements(session, team_id) if a.overdue(today)]


def completions_of(session, agreement: Agreement) -> list[AgreementCompletion]:
    """The history of an agreement's completed occurrences, newest first."""
    return list(session.scalars(select(AgreementCompletion).where(AgreementCompletion.agreement_id == agreement.id)
                                .order_by(AgreementCompletion.completed_at.desc())))


# Built once, the agreements as an expanding parameter: every list of agreements asks.
_LAST_COMPLETIONS = (select(AgreementCompletion).where(AgreementCompletion.agreement_id.in_(
    bindparam("agreement_ids", expanding=True))).order_by(AgreementCompletion.completed_at))


def last_completions(session, agreement_ids) -> dict[uuid.UUID, AgreementCompletion]:
    """The latest completion of each of these agreements, by agreement id."""
    ids = list(agreement_ids)
    if not ids:
        return {}
    rows = session.scalars(_LAST_COMPLETIONS, {"agreement_ids": ids})
    return {row.agreement_id: row for row in rows}
