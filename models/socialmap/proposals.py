"""Proposals (voorstellen) for the social map: an organisation a coordinator typed for a new member because it was
not on the map. Zone staff accept it (it becomes an organisation, and the members that named it point to it) or
reject it.

A proposal holds only the organisation's name, who proposed it (an account id) and what became of it: nothing
about the person or the team. The member that named it carries the link (`Member.proposal_id`), so the team is
reached from the member, never from the proposal.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from models import audit
from models.base import Base, UUIDKey, utcnow
from models.members import Member
from models.socialmap.directory import DirectoryRule, Organisation, require_staff, save_organisation

STATUSES = ("pending", "accepted", "rejected")


class Proposal(UUIDKey, Base):
    """An organisation proposed for the map, waiting for zone staff (or decided: accepted or rejected)."""

    __tablename__ = "organisation_proposals"

    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    proposed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))  # what it became

    @property
    def pending(self) -> bool:
        return self.status == "pending"


def propose(session, actor: Member, member: Member, name: str) -> Proposal:
    """`actor` (who adds `member` to a team) proposes the organisation `member` works for, typed as `name`."""
    proposal = Proposal(name=" ".join(name.split()), status="pending", proposed_by_id=actor.user_id)
    proposal.ensure_id()
    session.add(proposal)
    session.flush()
    member.proposal_id = proposal.id
    audit.record(session, actor, "create", team=member.team, target=proposal, category="socialmap")
    return proposal


def proposals(session, *, pending: bool = True) -> list[Proposal]:
    """The proposals waiting (oldest first), or the decided ones (latest first)."""
    query = select(Proposal)
    if pending:
        return list(session.scalars(query.where(Proposal.status == "pending").order_by(Proposal.proposed_at)))
    return list(session.scalars(query.where(Proposal.status != "pending").order_by(Proposal.decided_at.desc())))


def pending_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Proposal).where(Proposal.status == "pending"))


def find_proposal(session, proposal_id) -> Proposal | None:
    try:
        return session.get(Proposal, uuid.UUID(str(proposal_id)))
    except ValueError:
        return None


def _decide(session, actor, proposal: Proposal, status: str) -> None:
    require_staff(actor)
    if not proposal.pending:
        raise DirectoryRule("Over dit voorstel werd al beslist.")
    proposal.status, proposal.decided_by_id, proposal.decided_at = status, actor.id, utcnow()


def accept(session, actor, proposal: Proposal, *, existing: Organisation | None = None, **fields) -> Organisation:
    """Accept: a new organisation with `fields` (or `existing`, when it was on the map after all); every member
    that named the proposal now points to it, each change in the access log of that member's team. A closed team
    is read-only: its members keep the name as typed."""
    _decide(session, actor, proposal, "accepted")
    organisation = existing or save_organisation(session, actor, None, None, **fields)
    proposal.organisation_id = organisation.id
    for member in session.scalars(select(Member).where(Member.proposal_id == proposal.id)):
        if member.team.closed:
            continue
        member.organisation_id = organisation.id
        audit.record(session, actor, "update", team=member.team, target=member, category="socialmap")
    audit.record(session, actor, "update", target=proposal, category="socialmap")
    return organisation


def reject(session, actor, proposal: Proposal) -> None:
    """Reject: the members keep the name as typed, without a link to the map."""
    _decide(session, actor, proposal, "rejected")
    audit.record(session, actor, "update", target=proposal, category="socialmap")
