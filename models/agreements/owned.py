"""One user's own agreements across all their teams (my tasks): first their few clear columns, to choose and order
what a page shows, then the agreements themselves only for what it shows."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import lazyload

from models.agreements.model import Agreement, AgreementCompletion
from models.agreements.reading import sort_key, urgency


class Owned(NamedTuple):
    """An agreement's clear columns: enough to know whose it is, whether it shows and how urgent it is."""

    id: uuid.UUID
    team_id: uuid.UUID
    owner_id: uuid.UUID
    status: str
    due_on: date | None
    created_at: datetime
    last_done_at: datetime | None  # the latest completion of one that is done (a recurring one is never "done")

    def urgency(self, today: date | None = None) -> tuple:
        return urgency(self.status, self.due_on, self.created_at, today)


_OWNER_IDS = bindparam("owner_ids", expanding=True)
_LAST_DONE = (select(func.max(AgreementCompletion.completed_at))
              .where(AgreementCompletion.agreement_id == Agreement.id).scalar_subquery())
# Built once, with the owners as an expanding parameter: the same statement, and rows in the same order, as
# owned_by's. The latest completion is looked up only for agreements that are done.
_OWNED = select(Agreement.id, Agreement.team_id, Agreement.owner_id, Agreement.status, Agreement.due_on,
                Agreement.created_at, case((Agreement.status == "done", _LAST_DONE), else_=None)).where(
    Agreement.owner_id.in_(_OWNER_IDS))


def owned_rows(session, member_ids: list[uuid.UUID], today: date | None = None) -> list[Owned]:
    """The clear columns of the agreements these members own, open and overdue ones first; equally urgent ones in
    the order of `member_ids`, then as the database gives them (the order my tasks always had)."""
    if not member_ids:
        return []
    position = {member_id: place for place, member_id in enumerate(member_ids)}
    rows = [Owned(*row) for row in session.execute(_OWNED, {"owner_ids": member_ids})]
    today = today or date.today()
    return sorted(rows, key=lambda row: (row.urgency(today), position[row.owner_id]))


def owned_by(session, member_ids: list[uuid.UUID]) -> list[Agreement]:
    """The agreements these members own (one user's memberships across teams), open and overdue ones first."""
    if not member_ids:
        return []
    # The owners are the caller's own memberships, already loaded: no join for them (a many-to-one lazy load
    # is answered from the session's identity map).
    rows = session.scalars(select(Agreement).where(Agreement.owner_id.in_(member_ids))
                           .options(lazyload(Agreement.owner)))
    return sorted(rows, key=sort_key)


def agreements_by_id(session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Agreement]:
    """These agreements as objects (those a page shows), their owners found in the session, not joined."""
    if not ids:
        return {}
    rows = session.scalars(select(Agreement).where(Agreement.id.in_(ids)).options(lazyload(Agreement.owner)))
    return {row.id: row for row in rows}
