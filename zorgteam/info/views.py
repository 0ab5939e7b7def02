"""The nine categories of shared information: read through the consent filter, edit with stale-edit protection.

A category that is not shared with the member answers 403 with "Niet gedeeld met u" and nothing of its content.
"""
from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from models import InfoItem, StaleEdit, audit
from models import info as domain
from models.consent import CATEGORIES, visible_categories
from models.info import ITEM_FIELDS, SHAPES, SHEET, InfoRule, NotShared
from models.members import current_designations, team_members
from models.messages import thread_for
from models.permissions import Permission
from models.revisions import is_restricted
from zorgteam.access import Blueprint, team_child
from zorgteam.db import get_session, keep_changes
from zorgteam.info import fields as forms
from zorgteam.info.notify import announce_transition
from zorgteam.translate import gettext as _

bp = Blueprint("info", __name__, url_prefix="/teams/<team_id>/info")


def _category(category: str) -> str:
    if category not in CATEGORIES:
        abort(404)
    return category


@bp.route("/", access=Permission.INFO_VIEW)
def index(team, member):
    visible = visible_categories(get_session(), member)
    return render_template("info/index.html", team=team, member=member, visible=visible)


def _page_context(db, team, category: str) -> dict:
    """What a category page shows besides its own items: the team for contacts, designations for advance care."""
    if category == "contacts":
        return {"team_members": team_members(db, team), "designations": current_designations(db, team)}
    if category == "advance-care":
        return {"designations": current_designations(db, team)}
    if category == "medication":
        return {"problems": [m for m in thread_for(db, g.member) if m.kind == "medication-problem"][:10]}
    return {}


@bp.route("/<category>/", access=Permission.INFO_VIEW)
def category(team, member, category):
    db = get_session()
    sheet, items = domain.read_category(db, member, _category(category))
    return render_template("info/category.html", team=team, member=member, category=category, sheet=sheet,
                           items=items, shape=SHAPES[category], **_page_context(db, team, category))


def _render_form(team, member, category, form, fields, status=200, **extra):
    return render_template("info/form.html", team=team, member=member, category=category, form=form,
                           fields=fields, **extra), status


def _stale(form) -> None:
    form.form_errors.append(_("Iemand anders heeft dit intussen gewijzigd. Hieronder ziet u de huidige versie; "
                              "voer uw wijziging opnieuw in."))


@bp.route("/<category>/edit", methods=["GET", "POST"], access=Permission.INFO_EDIT)
def edit_sheet(team, member, category):
    db = get_session()
    domain.require_visible(db, member, _category(category))
    fields = SHAPES[category].sheet
    if not fields:
        abort(404)
    sheet = domain.sheet_of(db, team.id, category)
    form_type = forms.form_class(fields)
    form = form_type(data=forms.initial(sheet, fields) if sheet else None)
    if not form.validate_on_submit():
        return _render_form(team, member, category, form, fields, sheet=True)
    try:
        domain.save_sheet(db, team, member, category, forms.form_data(form, fields), int(form.version.data or 0))
    except StaleEdit:
        fresh = form_type(formdata=None, data=forms.initial(sheet, fields))
        _stale(fresh)
        return _render_form(team, member, category, fresh, fields, 409, sheet=True)
    flash(_("Bewaard."), "info")
    return redirect(url_for("info.category", team_id=team.id, category=category))


def _item_fields(category: str):
    kind = SHAPES[_category(category)].item_kind
    if kind is None:
        abort(404)
    return ITEM_FIELDS[kind]


@bp.route("/<category>/new", methods=["GET", "POST"], access=Permission.INFO_EDIT)
def add_item(team, member, category):
    db = get_session()
    fields = _item_fields(category)
    domain.require_visible(db, member, category)
    form = forms.form_class(fields)()
    if not form.validate_on_submit():
        return _render_form(team, member, category, form, fields, new=True)
    try:
        item = domain.add_item(db, team, member, category, forms.form_data(form, fields))
    except InfoRule as error:
        form.form_errors.append(str(error))
        return _render_form(team, member, category, form, fields, 422, new=True)
    announce_transition(db, team, item)
    flash(_("Bewaard."), "info")
    return redirect(url_for("info.category", team_id=team.id, category=category))


def _item(team, category: str, item_id) -> InfoItem:
    item = team_child(team, InfoItem, item_id)
    if item.category != category or item.kind == SHEET or item.removed_at is not None \
            or is_restricted(get_session(), "info_items", item.id):  # kept, not shown (models/revisions.py)
        abort(404)
    return item


@bp.route("/<category>/<item_id>/edit", methods=["GET", "POST"], access=Permission.INFO_EDIT)
def edit_item(team, member, category, item_id):
    db = get_session()
    fields = _item_fields(category)
    domain.require_visible(db, member, category)
    item = _item(team, category, item_id)
    form_type = forms.form_class(fields)
    form = form_type(data=forms.initial(item, fields))
    if not form.validate_on_submit():
        return _render_form(team, member, category, form, fields, item=item)
    try:
        domain.update_item(db, item, member, forms.form_data(form, fields), int(form.version.data or 0))
    except StaleEdit:
        fresh = form_type(formdata=None, data=forms.initial(item, fields))
        _stale(fresh)
        return _render_form(team, member, category, fresh, fields, 409, item=item)
    flash(_("Bewaard."), "info")
    return redirect(url_for("info.category", team_id=team.id, category=category))


@bp.route("/<category>/<item_id>/remove", methods=["POST"], access=Permission.INFO_EDIT)
def remove_item(team, member, category, item_id):
    db = get_session()
    domain.require_visible(db, member, _category(category))
    item = _item(team, category, item_id)
    if FlaskForm().validate_on_submit():
        try:
            domain.remove_item(db, item, member, int(request.form.get("version") or 0))
            flash(_("Verwijderd uit de lijst."), "info")
        except StaleEdit:
            flash(_("Iemand anders heeft dit intussen gewijzigd. Kijk het na en probeer opnieuw."), "error")
    return redirect(url_for("info.category", team_id=team.id, category=category))


@bp.route("/medication/print", access=Permission.INFO_VIEW)
def medication_print(team, member):
    db = get_session()
    _sheet, items = domain.read_category(db, member, "medication")
    audit.record(db, member, "print", team=team, category="medication")
    return render_template("info/medication_print.html", team=team, member=member,
                           schedule=domain.day_schedule(items), now_date=date.today())


def not_shared(error: NotShared):
    """403 with a plain explanation; the refusal is in the audit trail."""
    member = g.get("member")
    if member is not None:
        audit.record(get_session(), member, "denied", category=str(error.args[0]), outcome="denied")
        keep_changes()
    return render_template("info/not_shared.html", team=g.get("team"), member=member,
                           category=error.args[0]), 403
