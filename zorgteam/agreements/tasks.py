"""My tasks (/my/tasks): the agreements the logged-in user owns in all their teams, in plain words, for a phone."""
from __future__ import annotations

from datetime import date, timedelta

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from models import Member, audit
from models import agreements as domain
from zorgteam.access import LOGGED_IN, Blueprint
from zorgteam.agreements.forms import ActionForm
from zorgteam.agreements.texts import done_day
from zorgteam.agreements.views import rows_for_each
from zorgteam.db import get_session

bp = Blueprint("tasks", __name__, url_prefix="/my")
RECENT = timedelta(days=14)  # one-off tasks done this recently still show, under "Klaar"


def _memberships(db) -> list[Member]:
    rows = db.scalars(select(Member).where(Member.user_id == current_user.id))
    return [m for m in rows if m.active]


def done_on(row) -> date | None:
    """The local day the task was last done."""
    return done_day(row.last_done) if row.last_done else None


@bp.route("/tasks", access=LOGGED_IN)
def index():
    db = get_session()
    memberships = _memberships(db)
    owned = {}
    for agreement in domain.owned_by(db, [m.id for m in memberships]):
        owned.setdefault(agreement.owner_id, []).append(agreement)
    by_team = {m.team_id: m for m in memberships}
    rows = sorted(rows_for_each(db, [(m, owned.get(m.id, [])) for m in memberships]),
                  key=lambda row: domain.sort_key(row.agreement))
    since = date.today() - RECENT
    todo = [r for r in rows if r.agreement.is_open]
    finished = [r for r in rows if r.agreement.status == "done" and done_on(r) and done_on(r) >= since]
    for member in {by_team[r.agreement.team_id] for r in rows}:
        audit.record(db, member, "read", team=member.team, category="agreements")
    several = len(by_team) > 1
    shown = {r.agreement.team_id for r in todo + finished}
    names = {m.team_id: m.team.person.full_name for m in memberships if m.team_id in shown} if several else {}
    return render_template("agreements/tasks.html", todo=todo, finished=finished, form=ActionForm(),
                           team_names=names, today=date.today())
