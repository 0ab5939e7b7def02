"""The consent page: what each member may see (the matrix, for whoever decides), per member with end dates, the
history in plain words, and for everyone "what you can see". A stale page never overwrites: 409 with the current
state. Members whose access changed are told by mail, without any content."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from models import Member, audit
from models.consent import CATEGORIES, ConsentRule, consent_history, grants_of, speaks_for_person, visible_categories
from models.members import account_addresses, team_members
from models.permissions import Permission
from zorgteam import mail
from zorgteam.access import Blueprint, team_child
from zorgteam.consent.forms import ConsentForm, MemberConsentForm, field_key
from zorgteam.consent.matrix import (apply, changed_since, decode, encode, load_matrix, matrix_changes,
                                     member_changes)
from zorgteam.consent.words import cell_words, history_lines
from zorgteam.db import get_session
from zorgteam.translate import gettext as _
from zorgteam.translate import ngettext

bp = Blueprint("consent", __name__, url_prefix="/teams/<team_id>/consent")
HISTORY = 300


def _own(db, member) -> dict:
    """What the member themselves may see now, and until when."""
    return {"visible": visible_categories(db, member), "own_grants": grants_of(db, member.id),
            "whole_record": speaks_for_person(member), "info_pages": "info.category" in current_app.view_functions}


def _manager_context(db, team, matrix, form, ticks=None, conflict=None) -> dict:
    by_id = {m.id: m for m in db.scalars(select(Member).where(Member.team_id == team.id))}
    if form.seen.data is None or conflict is not None:
        form.seen.data = encode(matrix.snapshot())
    if ticks is None:
        ticks = {f"{m.id}:{c}": matrix.cell(m, c).in_force for m in matrix.members for c in CATEGORIES}
        ticks |= {f"limited:{c}": c in matrix.limited for c in CATEGORIES}
    return {"matrix": matrix, "form": form, "ticks": ticks, "conflict": conflict,
            "history": history_lines(consent_history(db, team.id)[:HISTORY], by_id)}


def _submitted_ticks(matrix) -> dict:
    ticks = {f"{m.id}:{c}": request.form.get(f"grant-{m.id}-{c}") == "1" for m in matrix.members for c in CATEGORIES}
    return ticks | {f"limited:{c}": request.form.get(f"limited-{c}") == "1" for c in CATEGORIES}


def _render(db, team, member, status=200, **manager):
    context = _own(db, member)
    if member.may(Permission.CONSENT_MANAGE):
        form = manager.pop("form", None) or ConsentForm(member, formdata=None)
        context |= _manager_context(db, team, manager.pop("matrix", None) or load_matrix(db, team), form, **manager)
    return render_template("consent/index.html", team=team, member=member, **context), status


@bp.route("/", access=Permission.TEAM_VIEW)
def index(team, member):
    db = get_session()
    audit.record(db, member, "read", team=team, category="consent")
    return _render(db, team, member)


def _conflict_words(db, team, stale: list[str], matrix) -> list[str]:
    members = {str(m.id): m for m in team_members(db, team) + team_members(db, team, past=True)}
    now = matrix.snapshot()
    return [cell_words(key, now.get(key), members) for key in stale]


def _tell(db, team, members: list[Member]) -> None:
    """Mail each member whose access changed; no content, only that it changed and where to look."""
    settings = current_app.config["ZORGTEAM"]
    link = settings.base_url + url_for("consent.index", team_id=team.id)
    initials = team.person.initials
    subject = _("Wat u kan zien in het zorgteam van %(initials)s is gewijzigd", initials=initials)
    body = _("Wat u kan zien in het zorgteam van %(initials)s is gewijzigd.\n\nBekijk het hier:\n%(link)s\n",
             initials=initials, link=link)
    mail.send_each(account_addresses(db, members), subject, body)


def _save(db, team, actor, changes, form) -> None:
    """Write the changes; then tell every member (but the actor) whose visible categories changed."""
    members = team_members(db, team)
    before = {m.id: visible_categories(db, m) for m in members}
    apply(db, team, actor, changes, method=form.method.data, note=(form.note.data or "").strip() or None)
    db.flush()
    changed = [m for m in members if m.id != actor.id and visible_categories(db, m) != before[m.id]]
    _tell(db, team, changed)
    flash(ngettext("De toestemming is bewaard (%(num)s wijziging).", "De toestemming is bewaard (%(num)s wijzigingen).",
                   len(changes)), "info")


@bp.route("/", methods=["POST"], access=Permission.CONSENT_MANAGE)
def save(team, member):
    db = get_session()
    form, matrix = ConsentForm(member), load_matrix(db, team)
    if not form.validate_on_submit():
        return _render(db, team, member, 422, form=form, matrix=matrix, ticks=_submitted_ticks(matrix))
    seen = decode(form.seen.data)
    stale = changed_since(seen, matrix) if seen is not None else ["?"]
    if stale:
        words = _conflict_words(db, team, [k for k in stale if k != "?"], matrix)
        return _render(db, team, member, 409, matrix=matrix, conflict=words)
    changes = matrix_changes(matrix, seen, request.form)
    if not changes:
        flash(_("Er was niets gewijzigd."), "info")
        return redirect(url_for("consent.index", team_id=team.id))
    if not form.require_method():
        return _render(db, team, member, 422, form=form, matrix=matrix, ticks=_submitted_ticks(matrix))
    _save(db, team, member, changes, form)
    return redirect(url_for("consent.index", team_id=team.id))


def _member_form(matrix, target, actor, **kw) -> MemberConsentForm:
    data = {}
    for category in CATEGORIES:
        cell = matrix.cell(target, category)
        data[f"grant_{field_key(category)}"] = cell.in_force
        data[f"until_{field_key(category)}"] = cell.valid_until if cell.in_force else None
    form = MemberConsentForm(actor, data=data, **kw)
    if form.seen.data is None or kw.get("formdata", True) is None:
        keys = {f"{target.id}:{c}" for c in CATEGORIES}
        form.seen.data = encode({k: v for k, v in matrix.snapshot().items() if k in keys})
    return form


def _member_page(team, member, target, matrix, form, status=200, conflict=None):
    return render_template("consent/member.html", team=team, member=member, target=target, form=form,
                           limited=matrix.limited, conflict=conflict), status


@bp.route("/<member_id>/", methods=["GET", "POST"], access=Permission.CONSENT_MANAGE)
def member_grants(team, member, member_id):
    db = get_session()
    target = team_child(team, Member, member_id)
    if speaks_for_person(target) or not target.active:
        abort(404)
    matrix = load_matrix(db, team)
    form = _member_form(matrix, target, member)
    if not form.validate_on_submit():
        if request.method == "GET":
            audit.record(db, member, "read", team=team, target=target, category="consent")
        return _member_page(team, member, target, matrix, form, 200 if request.method == "GET" else 422)
    seen = decode(form.seen.data)
    stale = changed_since(seen, matrix, keys={f"{target.id}:{c}" for c in CATEGORIES}) if seen else ["?"]
    if stale:
        fresh = _member_form(matrix, target, member, formdata=None)
        words = _conflict_words(db, team, [k for k in stale if k != "?"], matrix)
        return _member_page(team, member, target, matrix, fresh, 409, conflict=words)
    changes = member_changes(matrix, target, form.wanted(withdraw_all="withdraw_all" in request.form))
    if not changes:
        flash(_("Er was niets gewijzigd."), "info")
        return redirect(url_for("consent.index", team_id=team.id))
    if not form.require_method():
        return _member_page(team, member, target, matrix, form, 422)
    try:
        _save(db, team, member, changes, form)
    except ConsentRule as error:
        form.form_errors.append(str(error))
        return _member_page(team, member, target, matrix, form, 422)
    return redirect(url_for("consent.index", team_id=team.id, _anchor=f"member-{target.id}"))
