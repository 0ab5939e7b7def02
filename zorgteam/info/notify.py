"""Mails about shared information, never with its content: a transition in the journal, a medication problem."""
from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import select

from models import Member
from models.consent import may_see
from models.members import account_addresses
from models.info import TRANSITIONS
from zorgteam import mail
from zorgteam.translate import gettext as _


def mail_members(db, members, subject: str, body: str) -> None:
    """Mail each member with an account (queued: delivered once the request commits)."""
    mail.send_each(account_addresses(db, members), subject, body)


def _link(endpoint: str, **values) -> str:
    return current_app.config["ZORGTEAM"].base_url + url_for(endpoint, **values)


def announce_transition(db, team, item) -> None:
    """A hospital admission, discharge or move in the journal: everyone who may read the journal is told."""
    if item.category != "journal" or item.value("kind") not in TRANSITIONS:
        return
    actor_id = item.created_by_id
    members = [m for m in db.scalars(select(Member).where(Member.team_id == team.id))
               if m.active and m.id != actor_id and may_see(db, m, "journal")]
    body = _("Er is een belangrijke gebeurtenis genoteerd in het contactlogboek van het zorgteam van %(initials)s.\n\n"
             "Bekijk het hier:\n%(link)s\n", initials=team.person.initials,
             link=_link("info.category", team_id=team.id, category="journal"))
    mail_members(db, members, _("Belangrijke gebeurtenis in het zorgteam van %(initials)s",
                                initials=team.person.initials), body)
