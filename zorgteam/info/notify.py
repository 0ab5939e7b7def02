"""Mails about shared information, never with its content: a transition in the journal, a medication problem."""
from __future__ import annotations

import logging

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from models import Member, User
from models.consent import may_see
from models.info import TRANSITIONS
from zorgteam import mail

log = logging.getLogger(__name__)


def mail_members(db, members, subject: str, body: str) -> int:
    """Mail each member with an account; a mail server that is down is logged, never fatal. Returns the count."""
    ids = [m.user_id for m in members if m.user_id is not None]
    addresses = db.scalars(select(User.email).where(User.id.in_(ids))).all() if ids else []
    sent = 0
    for address in addresses:
        try:
            mail.send(address, subject, body)
            sent += 1
        except mail.MailFailed:
            log.warning("a notification could not be sent")
    return sent


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
