"""Team messages (zorgschrift): threads, the one with the newest message first and the form on top (reads best on a
phone), new messages marked until read, an audience per thread (the team, the professionals, or one chosen member),
a reply form per thread, and a mail to the recipients that never holds the message itself."""
from __future__ import annotations

from flask import Flask, abort, current_app, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from models import audit
from models.consent import visible_categories
from models.members import account_addresses, team_members
from models.messages import (MAX_LENGTH, Message, MessageRule, may_read, mark_read, post_message, post_reply,
                             read_marker, recipients, root_of, threads_for, unread_count)
from models.permissions import Permission
from zorgteam import mail
from zorgteam.access import Blueprint, team_child
from zorgteam.db import get_session
from zorgteam.labels import role_label
from zorgteam.limits import MaxLength
from zorgteam.translate import gettext as _
from zorgteam.translate import lazy_gettext as _l

bp = Blueprint("messages", __name__, url_prefix="/teams/<team_id>/messages")
AUDIENCES = {"team": _l("Het hele zorgteam"),
             "professionals": _l("Alleen de zorgverleners (niet de mantelzorgers en vrijwilligers)")}


def _one_of_the_choices(form, field):
    if field.data not in {choice.value for choice in field.choices}:
        raise ValidationError(_("Kies voor wie het bericht is."))


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Uw bericht"), validators=[DataRequired(_l("Schrijf een bericht.")),
                                                       MaxLength(MAX_LENGTH)])
    audience = SelectField(_l("Voor wie?"), choices=[], default="team", validate_choice=False,
                           validators=[_one_of_the_choices])

    def __init__(self, readers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        one = str(_("Alleen voor één teamlid"))
        self.audience.choices = [SelectChoice(key, str(label)) for key, label in AUDIENCES.items()] + [
            SelectChoice(str(m.id), f"{m.name} ({role_label(m)})", optgroup=one) for m in readers]


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Uw antwoord"), validators=[DataRequired(_l("Schrijf een antwoord.")),
                                                        MaxLength(MAX_LENGTH)])


def direct_readers(db, team, member) -> list:
    """Whom `member` can write to alone: the other current members with an account (only they can read it)."""
    return [m for m in team_members(db, team) if m.user_id is not None and m.id != member.id]


def unread(db, member) -> int:
    """New messages since the member's last visit, not counting their own or those they may not read."""
    return unread_count(db, member)


def _page(db, team, member, form, status=200, reply=None):
    """The threads; `reply` (thread root id, form) shows a refused reply under its thread, the form open."""
    threads = threads_for(db, member)
    marker = read_marker(db, member)
    shown = [m for t in threads for m in t.messages]
    new = {m.id for m in shown if m.author_id != member.id and (marker is None or m.posted_at > marker.read_up_to)}
    newest = max((m.posted_at for m in shown), default=None)
    if newest is not None and (marker is None or newest > marker.read_up_to):
        mark_read(db, member, newest)  # reading marks read, up to what was shown
    audit.record(db, member, "read", team=team, category="messages")
    g.unread_messages = 0
    return render_template("messages/index.html", team=team, member=member, threads=threads, new=new,
                           form=form, reply=reply or (None, ReplyForm(formdata=None))), status


def _message_form(db, team, member, **kwargs) -> MessageForm:
    return MessageForm(direct_readers(db, team, member), **kwargs)


@bp.route("/", access=Permission.MESSAGES_VIEW)
def index(team, member):
    db = get_session()
    return _page(db, team, member, _message_form(db, team, member, formdata=None))


def _tell(db, team, message: Message) -> None:
    """Mail the recipients that there is a new message or reply; nothing of the message itself."""
    settings = current_app.config["ZORGTEAM"]
    initials = team.person.initials
    thread = message.parent_id or message.id
    link = settings.base_url + url_for("messages.index", team_id=team.id, _anchor=f"thread-{thread}")
    if message.parent_id is not None:
        subject = _("Een antwoord in het zorgteam van %(initials)s", initials=initials)
        body = _("Er is een antwoord op een bericht in het zorgteam van %(initials)s.\n\nLees het hier:\n%(link)s\n",
                 initials=initials, link=link)
    elif message.audience == "member":
        subject = _("Een bericht voor u in het zorgteam van %(initials)s", initials=initials)
        body = _("Er is een bericht voor u alleen in het zorgteam van %(initials)s.\n\nLees het hier:\n%(link)s\n",
                 initials=initials, link=link)
    else:
        subject = _("Nieuw bericht in het zorgteam van %(initials)s", initials=initials)
        body = _("Er is een nieuw bericht in het zorgteam van %(initials)s.\n\nLees het hier:\n%(link)s\n",
                 initials=initials, link=link)
    mail.send_each(account_addresses(db, recipients(db, team, message)), subject, body)


def _sent(team, message: Message):
    if message.parent_id is None:  # a new thread comes first: the top of the page
        flash(_("Uw bericht is verstuurd."), "info")
        return redirect(url_for("messages.index", team_id=team.id))
    flash(_("Uw antwoord is verstuurd."), "info")
    return redirect(url_for("messages.index", team_id=team.id, _anchor=f"thread-{message.parent_id}"))


@bp.route("/", methods=["POST"], access=Permission.MESSAGES_POST)
def post(team, member):
    db = get_session()
    form = _message_form(db, team, member)
    if not form.validate_on_submit():
        return _page(db, team, member, form, 422)
    audience, recipient = form.audience.data, None
    if audience not in AUDIENCES:
        recipient = next(m for m in direct_readers(db, team, member) if str(m.id) == audience)
        audience = "member"
    try:
        message = post_message(db, team, member, form.body.data, audience=audience, recipient=recipient)
    except MessageRule as error:
        form.body.errors = [str(error)]
        return _page(db, team, member, form, 422)
    _tell(db, team, message)
    return _sent(team, message)


def _readable_root(db, team, member, message_id) -> Message:
    """The first message of the thread of `message_id`, or 404 when it is another team's or not for `member`."""
    root = root_of(db, team_child(team, Message, message_id))
    if not may_read(member, root, visible_categories(db, member)):
        abort(404)
    return root


@bp.route("/<message_id>/reply", methods=["POST"], access=Permission.MESSAGES_POST)
def reply(team, member, message_id):
    db = get_session()
    root = _readable_root(db, team, member, message_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _page(db, team, member, _message_form(db, team, member, formdata=None), 422, (root.id, form))
    try:
        message = post_reply(db, team, member, root, form.body.data)
    except MessageRule as error:
        form.body.errors = [str(error)]
        return _page(db, team, member, _message_form(db, team, member, formdata=None), 422, (root.id, form))
    _tell(db, team, message)
    return _sent(team, message)


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
