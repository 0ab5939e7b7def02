"""Team messages (zorgschrift): the thread, newest first with the form on top (reads best on a phone), new messages
marked until read, an audience per message, and a mail to the recipients that never holds the message itself."""
from __future__ import annotations

from flask import Flask, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from models import audit
from models.consent import visible_categories
from models.members import account_addresses
from models.messages import (MAX_LENGTH, Message, MessageRule, hidden_kinds, mark_read, post_message, read_marker,
                             recipients, thread_for, unread_count)
from models.permissions import Permission
from zorgteam import mail
from zorgteam.access import Blueprint
from zorgteam.db import get_session

bp = Blueprint("messages", __name__, url_prefix="/teams/<team_id>/messages")
AUDIENCES = {"team": _l("Het hele zorgteam"),
             "professionals": _l("Alleen de zorgverleners (niet de mantelzorgers en vrijwilligers)")}


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Uw bericht"), validators=[DataRequired(_l("Schrijf een bericht.")),
                                                       Length(max=MAX_LENGTH)])
    audience = RadioField(_l("Voor wie?"), choices=list(AUDIENCES.items()), default="team")


def _hidden_kinds(db, member) -> set[str]:
    return hidden_kinds(visible_categories(db, member))


def thread(db, member) -> list[Message]:
    """The messages `member` may read, newest first, after the consent filter."""
    hidden = _hidden_kinds(db, member)
    return [m for m in thread_for(db, member) if m.kind not in hidden]


def unread(db, member) -> int:
    """New messages since the member's last visit, not counting their own or those they may not read."""
    return unread_count(db, member, _hidden_kinds(db, member))


def _page(db, team, member, form, status=200):
    messages = thread(db, member)
    marker = read_marker(db, member)
    new = {m.id for m in messages if m.author_id != member.id and (marker is None or m.posted_at > marker.read_up_to)}
    if messages and (marker is None or messages[0].posted_at > marker.read_up_to):
        mark_read(db, member, messages[0].posted_at)  # reading marks read, up to what was shown
    audit.record(db, member, "read", team=team, category="messages")
    g.unread_messages = 0
    return render_template("messages/index.html", team=team, member=member, messages=messages, new=new,
                           form=form, AUDIENCES=AUDIENCES), status


@bp.route("/", access=Permission.MESSAGES_VIEW)
def index(team, member):
    return _page(get_session(), team, member, MessageForm(formdata=None))


def _tell(db, team, message: Message) -> bool:
    """Mail the recipients that there is a new message; nothing of the message itself."""
    settings = current_app.config["ZORGTEAM"]
    initials = team.person.initials
    link = settings.base_url + url_for("messages.index", team_id=team.id)
    subject = _("Nieuw bericht in het zorgteam van %(initials)s", initials=initials)
    body = _("Er is een nieuw bericht in het zorgteam van %(initials)s.\n\nLees het hier:\n%(link)s\n",
             initials=initials, link=link)
    members = recipients(db, team, message.audience, exclude=message.author_id)
    return mail.send_each(account_addresses(db, members), subject, body) == 0


@bp.route("/", methods=["POST"], access=Permission.MESSAGES_POST)
def post(team, member):
    db = get_session()
    form = MessageForm()
    if not form.validate_on_submit():
        return _page(db, team, member, form, 422)
    try:
        message = post_message(db, team, member, form.body.data, audience=form.audience.data)
    except MessageRule as error:
        form.body.errors = [str(error)]
        return _page(db, team, member, form, 422)
    if not _tell(db, team, message):
        flash(_("Uw bericht staat in het zorgschrift, maar niet iedereen kon per mail verwittigd worden."), "error")
    flash(_("Uw bericht is verstuurd."), "info")
    return redirect(url_for("messages.index", team_id=team.id))


def unread_messages(member) -> int:
    """For the team menu: 'Berichten (2)'."""
    if member is None or not member.may(Permission.MESSAGES_VIEW):
        return 0
    if "unread_messages" not in g:
        g.unread_messages = unread(get_session(), member)
    return g.unread_messages


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(unread_messages=unread_messages)
