"""The record page: previous versions of corrected values (rectification) and restricting records on the
person's request (kept, not shown), for the person, the representative and the coordinator."""
from __future__ import annotations

import json

from flask import Flask, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField

from models import InfoItem, audit
from models.consent import CATEGORIES, visible_categories
from models.info import ITEM_FIELDS, SHEET
from models.members import team_members
from models.permissions import Permission
from models.revisions import Restricted, is_restricted, lift, restrict, restricted_ids, revisions_of_person
from models.teams import NotInTeam
from zorgteam import labels
from zorgteam.access import Blueprint
from zorgteam.db import get_session
from zorgteam.info.fields import LABELS as INFO_LABELS
from zorgteam.translate import gettext as _
from zorgteam.translate import lazy_gettext as _l

bp = Blueprint("revisions", __name__, url_prefix="/teams/<team_id>/record")
PERSON = "person"
PERSON_LABELS = {"given_name": _l("Voornaam"), "family_name": _l("Familienaam"), "birth_date": _l("Geboortedatum"),
                 "insz": _l("INSZ"), "address": _l("Adres"), "phone": _l("Telefoon"), "gp": _l("Huisarts")}


class RecordForm(FlaskForm):
    record = HiddenField()


def shown(revision) -> list[tuple[str, str]]:
    """A previous value as (label, text) lines: the fields of an info item, or one field of the person."""
    if revision.table_name == "info_items":
        data = json.loads(revision.value)
        return [(str(INFO_LABELS.get(k, k)), ", ".join(map(str, v)) if isinstance(v, list) else str(v))
                for k, v in data.items()]
    text = revision.value
    if revision.field == "address":
        text = ", ".join(v for v in json.loads(text).values() if v)
    return [(str(PERSON_LABELS.get(revision.field, revision.field)), text)]


def _summary(item: InfoItem) -> str:
    if item.kind == SHEET:
        return str(labels.CATEGORIES.get(item.category, item.category))
    return str(item.value(ITEM_FIELDS[item.kind][0].name) or "—")


def _items(db, team, member) -> list[dict]:
    """The info items of the categories `member` may see, restricted ones included, by category."""
    visible = [c for c in CATEGORIES if c in visible_categories(db, member)]
    hidden = set(db.scalars(restricted_ids("info_items")))
    items = db.scalars(select(InfoItem).where(InfoItem.team_id == team.id, InfoItem.category.in_(visible),
                                              InfoItem.removed_at.is_(None))
                       .order_by(InfoItem.category, InfoItem.kind != SHEET, InfoItem.created_at))
    return [{"item": i, "summary": _summary(i), "restricted": i.id in hidden} for i in items]


@bp.route("/", access=Permission.RECORD_HISTORY)
def index(team, member):
    db = get_session()
    audit.record(db, member, "read", team=team, target=team.person, category="record-history")
    return render_template("revisions/index.html", team=team, member=member, form=RecordForm(),
                           history=revisions_of_person(db, team.person_id), items=_items(db, team, member),
                           person_restricted=is_restricted(db, "persons", team.person_id), shown=shown,
                           names=_names(db, team))


def _names(db, team) -> dict:
    """Account ids to member names: who replaced a value."""
    return {m.user_id: m.name for m in team_members(db, team) if m.user_id}


def _target(db, team, member, key: str | None):
    """The person, or an info item of the team in a category `member` may see; None otherwise."""
    if key == PERSON:
        return team.person
    try:
        item = team.get(db, InfoItem, key)
    except NotInTeam:
        return None
    return item if item.category in visible_categories(db, member) else None


def _change(team, member, action):
    db, form = get_session(), RecordForm()
    target = _target(db, team, member, form.record.data) if form.validate_on_submit() else None
    if target is None:
        flash(_("Dit gegeven bestaat niet (meer)."), "error")
    else:
        action(db, team, member, target)
        flash(_("Beperkt: het wordt bewaard, maar niet meer getoond.") if action is restrict
              else _("De beperking is opgeheven."), "info")
    return redirect(url_for("revisions.index", team_id=team.id))


@bp.route("/restrict", methods=["POST"], access=Permission.RECORD_RESTRICT)
def restrict_record(team, member):
    return _change(team, member, restrict)


@bp.route("/lift", methods=["POST"], access=Permission.RECORD_RESTRICT)
def lift_record(team, member):
    return _change(team, member, lift)


def _restricted(_error):
    return render_template("revisions/restricted.html"), 409


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_error_handler(Restricted, _restricted)
    app.jinja_env.globals["is_restricted"] = lambda table, record_id: is_restricted(get_session(), table, record_id)
