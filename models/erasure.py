"""Erasure (wissen, GDPR art. 17) of a person's record: the retention rule, deleting every row tied to the person
or their team, and destroying the person's data keys (crypto-shredding).

The audit trail stays: it holds identifiers only, is append-only and chained, and gains an "erase" event.
Accounts (users) stay too: they are people in their own right, possibly in other teams.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import delete, func, select

from models import audit
from models.audit import AuditEvent
from models.base import Base, utcnow
from models.crypto import DataKey
from models.members import Member
from models.teams import CareTeam
from models.users import User

# Audit actions that only look; every other action (create, update, delete, consent, hand-over, invite, and any
# action added later) is activity of the team and restarts the retention period.
PASSIVE = ("read", "search", "export", "print", "login", "logout", "login-failed", "denied")
# Where the erasure starts: the person, and their team. Everything that refers to these, directly or through
# another erased row, goes with them (following the foreign keys, so tables added later are covered).
ROOTS = ("persons", "care_teams")
CHUNK = 500


class ErasureRefused(Exception):
    """The retention period still runs; the message says until when and why."""

    def __init__(self, retention: Retention):
        since = (f"het zorgteam werd afgesloten op {retention.last_activity:%d-%m-%Y}, en gegevens blijven "
                 f"{retention.days} dagen na het afsluiten bewaard" if retention.closed else
                 f"de laatste wijziging in dit zorgteam was op {retention.last_activity:%d-%m-%Y}, en gegevens "
                 f"blijven {retention.days} dagen na de laatste wijziging bewaard")
        super().__init__(f"De bewaartermijn loopt nog tot {retention.ends:%d-%m-%Y}: {since}.")
        self.retention = retention


@dataclass(frozen=True)
class Retention:
    """The retention rule applied to one team: kept `days` after its last recorded change, or after the
    closing date once the team is closed (`closed`; `last_activity` is then that date)."""

    last_activity: datetime
    days: int
    closed: bool = False

    @property
    def ends(self) -> datetime:
        return self.last_activity + timedelta(days=self.days)

    def running(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) < self.ends


def retention_of(session, team: CareTeam, days: int) -> Retention:
    """The team's last change according to the audit trail (or its creation), and the period that follows;
    for a closed team the period runs from the closing date."""
    if team.closed_on is not None:
        return Retention(datetime.combine(team.closed_on, time(), UTC), days, closed=True)
    last = session.scalar(select(func.max(AuditEvent.at)).where(AuditEvent.team_id == team.id,
                                                                AuditEvent.action.not_in(PASSIVE)))
    return Retention(max(filter(None, (last, team.created_at))), days)


@dataclass
class Erasure:
    """What an erasure did: identifiers and counts only."""

    team_id: uuid.UUID
    person_id: uuid.UUID
    forced: bool
    rows: dict[str, int] = field(default_factory=dict)
    data_keys: list[uuid.UUID] = field(default_factory=list)
    notify: list[str] = field(default_factory=list)  # account e-mail addresses of the team's active members
    erased_at: datetime = field(default_factory=utcnow)


def _children(table) -> list:
    """(table, foreign key column, referred table name) for every foreign key that points at `table`."""
    return [(other, fk.parent, table.name) for other in Base.metadata.sorted_tables
            for fk in other.foreign_keys if fk.column.table is table]


def rows_to_erase(session, team: CareTeam) -> dict[str, set]:
    """The ids of every row tied to the person or the team, by table, following foreign keys to a fixpoint."""
    found: dict[str, set] = {"persons": {team.person_id}, "care_teams": {team.id}}
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    queue = list(ROOTS)
    while queue:
        name = queue.pop()
        for child, column, _ in _children(tables[name]):
            ids = set()
            for chunk in _chunks(sorted(found[name])):
                ids |= set(session.scalars(select(child.c.id).where(column.in_(chunk))))
            if ids - found.get(child.name, set()):
                found[child.name] = found.get(child.name, set()) | ids
                queue.append(child.name)
    return found


def _chunks(ids: list) -> list[list]:
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _recipients(session, team: CareTeam) -> list[str]:
    members = session.scalars(select(Member).where(Member.team_id == team.id, Member.user_id.is_not(None)))
    user_ids = [m.user_id for m in members if m.active]
    return sorted(session.scalars(select(User.email).where(User.id.in_(user_ids)))) if user_ids else []


def erase(session, team: CareTeam, actor=None, *, retention_days: int, force: bool = False,
          now: datetime | None = None) -> Erasure:
    """Erase the team's person: refused (ErasureRefused) while the retention period runs, unless `force`.
    Deletes every row tied to them, then their data keys; writes the "erase" audit event. Flushes, no commit."""
    retention = retention_of(session, team, retention_days)
    if retention.running(now) and not force:
        raise ErasureRefused(retention)
    result = Erasure(team.id, team.person_id, forced=retention.running(now), notify=_recipients(session, team))
    audit.record(session, actor, "erase", team=team, target=team.person,
                 outcome="forced" if result.forced else "ok")
    session.flush()
    doomed = rows_to_erase(session, team)
    _delete_rows(session, doomed, result)
    result.data_keys = list(session.scalars(select(DataKey.id).where(DataKey.subject_id == team.person_id)))
    session.execute(delete(DataKey).where(DataKey.subject_id == team.person_id))
    session.info["vault"].forget(result.data_keys)
    _detach(session, doomed)
    return result


def _delete_rows(session, doomed: dict[str, set], result: Erasure) -> None:
    """Children before parents; a table referring to itself (a meeting's next meeting) goes in one statement."""
    for table in reversed(Base.metadata.sorted_tables):
        ids = sorted(doomed.get(table.name, ()))
        if ids:
            self_refs = [fk.parent for fk in table.foreign_keys if fk.column.table is table]
            for column in self_refs:
                session.execute(table.update().where(table.c.id.in_(ids)).values({column.name: None}))
            for chunk in _chunks(ids):
                session.execute(delete(table).where(table.c.id.in_(chunk)))
            result.rows[table.name] = len(ids)


def _detach(session, doomed: dict[str, set]) -> None:
    """Objects of erased rows leave the session, so nothing flushes them back."""
    for obj in list(session.identity_map.values()):
        table = getattr(obj, "__tablename__", None)
        if table in doomed and getattr(obj, "id", None) in doomed[table] and obj in session:  # cascades go first
            session.expunge(obj)
