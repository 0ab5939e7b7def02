"""Who may see and act on which agreement: every member sees the team's agreements but volunteers, who see only
their own; the owner (or the person's representative) and whoever manages agreements act on them."""
from __future__ import annotations

import uuid

from models.agreements.model import Agreement
from models.members import Member, NotAllowed, Standing
from models.permissions import Designation, Permission, Role


def may_view(member: Member, agreement: Agreement) -> bool:
    """Every member sees the team's agreements, except volunteers: they see only their own (nothing about care)."""
    if agreement.team_id != member.team_id or not member.may(Permission.AGREEMENTS_VIEW):
        return False
    return member.role != Role.VOLUNTEER or member.may(Permission.AGREEMENTS_MANAGE) or owns(member, agreement)


def may_view_own(standing: Standing, team_id: uuid.UUID) -> bool:
    """may_view for an agreement of `team_id` that the member owns, from their standing alone (a list of one's own
    tasks in 150 teams decides this before it loads any member): owning it, a volunteer sees it too."""
    return team_id == standing.team_id and standing.may(Permission.AGREEMENTS_VIEW)


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


def require_manage(actor: Member | None) -> None:
    """`actor` None: the system (the demo, a report that asks for follow-up)."""
    if actor is not None:
        actor.require(Permission.AGREEMENTS_MANAGE)


def require_act(actor: Member | None, agreement: Agreement) -> None:
    if actor is not None and not may_act(actor, agreement):
        raise NotAllowed(Permission.AGREEMENTS_MANAGE)
