"""The consent matrix as data: who may see what now, a snapshot that tells a stale page apart, and the cells a save
changes. Every write goes through models/consent.py (`set_grant`, `set_professionals_only`), one cell at a time."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from models.consent import (CATEGORIES, ConsentGrant, professionals_only, set_grant, set_professionals_only,
                            speaks_for_person)
from models.members import Member, team_members


@dataclass(frozen=True)
class Cell:
    """The stored decision for one member and one category."""

    granted: bool = False
    valid_until: date | None = None

    @property
    def in_force(self) -> bool:
        return self.granted and (self.valid_until is None or self.valid_until >= date.today())

    @property
    def expired(self) -> bool:
        return self.granted and not self.in_force

    def token(self) -> str:
        return ("1" + (f":{self.valid_until.isoformat()}" if self.valid_until else "")) if self.granted else "0"


@dataclass
class Matrix:
    """The current members (the person left out: they always see everything), their cells, the limited categories."""

    members: list[Member]
    cells: dict[tuple[uuid.UUID, str], Cell]
    limited: set[str] = field(default_factory=set)

    def cell(self, member: Member, category: str) -> Cell:
        return self.cells.get((member.id, category), Cell())

    def reaches(self, member: Member, category: str) -> bool:
        """Whether the cell takes effect: in force, and not limited to professionals for a non-professional."""
        return self.cell(member, category).in_force and (category not in self.limited or member.is_professional)

    def snapshot(self) -> dict[str, str]:
        """Every shown cell and switch as text; kept in the page to find out whether someone changed it since."""
        shown = {f"{m.id}:{c}": self.cell(m, c).token() for m in self.members for c in CATEGORIES}
        return shown | {f"limited:{c}": "1" if c in self.limited else "0" for c in CATEGORIES}

    def member(self, member_id: str) -> Member | None:
        return next((m for m in self.members if str(m.id) == member_id), None)


def load_matrix(session, team) -> Matrix:
    members = [m for m in team_members(session, team) if not speaks_for_person(m)]
    grants = session.scalars(select(ConsentGrant).where(ConsentGrant.team_id == team.id))
    cells = {(g.member_id, g.category): Cell(g.granted, g.valid_until) for g in grants}
    return Matrix(members, cells, professionals_only(session, team.id))


def encode(snapshot: dict[str, str]) -> str:
    return json.dumps(snapshot, separators=(",", ":"), sort_keys=True)


def decode(text: str | None) -> dict[str, str] | None:
    """The snapshot a page was rendered with; None when it is missing or not one of ours."""
    try:
        found = json.loads(text or "")
    except ValueError:
        return None
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        return None
    return found


def changed_since(seen: dict[str, str], matrix: Matrix, keys=None) -> list[str]:
    """The keys (of `keys`, default all the page showed) whose stored value is no longer what the page showed."""
    now = matrix.snapshot()
    return sorted(k for k in (keys if keys is not None else seen) if seen.get(k) != now.get(k))


@dataclass(frozen=True)
class Change:
    """One cell to write: grant (until a date, or None) or withdraw; `member` None is a professionals-only switch."""

    member: Member | None
    category: str
    on: bool
    valid_until: date | None = None


def matrix_changes(matrix: Matrix, seen: dict[str, str], form) -> list[Change]:
    """What the submitted matrix changes: only cells the page showed (a member added since is left alone)."""
    changes = []
    for member in matrix.members:
        for category in CATEGORIES:
            if f"{member.id}:{category}" not in seen:
                continue
            cell = matrix.cell(member, category)
            wanted = form.get(f"grant-{member.id}-{category}") == "1"
            if wanted != cell.in_force:
                keep = cell.valid_until if wanted and cell.in_force else None
                changes.append(Change(member, category, wanted, keep))
    for category in CATEGORIES:
        wanted = form.get(f"limited-{category}") == "1"
        if f"limited:{category}" in seen and wanted != (category in matrix.limited):
            changes.append(Change(None, category, wanted))
    return changes


def member_changes(matrix: Matrix, member: Member, wanted: dict[str, tuple[bool, date | None]]) -> list[Change]:
    """What the per-member form changes: access and end date per category."""
    changes = []
    for category, (on, until) in wanted.items():
        cell = matrix.cell(member, category)
        if on != cell.in_force or (on and until != cell.valid_until):
            changes.append(Change(member, category, on, until if on else None))
    return changes


def apply(session, team, actor: Member, changes: list[Change], *, method: str, note: str | None) -> None:
    """Write each change through the consent model (each one recorded in the history and the audit trail)."""
    for change in changes:
        if change.member is None:
            set_professionals_only(session, team, actor, change.category, change.on, method=method)
        else:
            set_grant(session, change.member, actor, change.category, change.on, method=method,
                      valid_until=change.valid_until, note=note)
