"""One user's own agreements across all their teams (my tasks): first their few clear columns, to choose and order
what a page shows, then the agreements themselves only for what it shows."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import DateTime, bindparam, case, func, select, type_coerce
from sqlalchemy.orm import lazyload

from models.agreements.model import Agreement, AgreementCompletion
from models.members import active_member_ids


class Owned(NamedTuple):
    """An agreement's clear columns: enough to know whose it is, whether it shows and how urgent it is."""

    id: uuid.UUID
    team_id: uuid.UUID
    owner_id: uuid.UUID
    status: str
    due_on: date | None
    created_at: datetime  # naive UTC: only compared, for the order of equally urgent ones
    last_done_at: datetime | None  # UTC (naive on SQLite): the latest completion of one that is done


def _owned_query():
    """The agreements a user's active memberships own, on the tables' own columns (straight from the cursor,
    without the ORM's result layer). The owners are a subquery, not 150 ids sent back to the database."""
    agreements, completions = Agreement.__table__.c, AgreementCompletion.__table__.c
    last_done = (select(func.max(completions.completed_at)).where(completions.agreement_id == agreements.id)
                 .scalar_subquery())
    return select(agreements.id, agreements.team_id, agreements.owner_id, agreements.status, agreements.due_on,
                  type_coerce(agreements.created_at, DateTime()),  # naive: the driver's own conversion, no tz
                  # the latest completion, only of those done
                  type_coerce(case((agreements.status == "done", last_done), else_=None), DateTime())).where(
        agreements.owner_id.in_(active_member_ids()))


_OWNED = _owned_query()  # built once: my tasks asks on every request


def owned_rows(session, user_id: uuid.UUID, today: date | None = None) -> list[Owned]:
    """The clear columns of the agreements the user's active memberships own, as the database gives them (to be
    ordered by `urgency`, with ties as the caller had them)."""
    params = {"user_id": user_id, "today": today or date.today()}
    return list(map(Owned._make, session.execute(_OWNED, params).all()))


# Built once, the ids as an expanding parameter: my tasks asks on every request.
_BY_ID = (select(Agreement).where(Agreement.id.in_(bindparam("ids", expanding=True)))
          .options(lazyload(Agreement.owner)))


def agreements_by_id(session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Agreement]:
    """These agreements as objects (those a page shows), their owners found in the session, not joined."""
    if not ids:
        return {}
    return {row.id: row for row in session.scalars(_BY_ID, {"ids": ids})}
