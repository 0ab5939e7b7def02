"""My tasks (/my/tasks): the agreements the logged-in user owns in all their teams, in plain words, for a phone;
grouped by team (a heading with the person's name), the most urgent team first, a few teams per page."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from models import Member, audit
from models import agreements as domain
from models.members import memberships_with_teams
from models.teams import with_persons
from zorgteam.access import LOGGED_IN, Blueprint
from zorgteam.agreements.texts import done_day
from zorgteam.agreements.views import Row, rows_for_each
from zorgteam.db import get_session

bp = Blueprint("tasks", __name__, url_prefix="/my")
RECENT = timedelta(days=14)  # one-off tasks done this recently still show, under "Klaar"
TEAMS_PER_PAGE = 10  # a coordinator owns tasks in 150 teams: a page stays light, the next teams are one tap away


@dataclass
class TeamTasks:
    """One team's part of my tasks: its heading, what is still to do and what was done lately."""

    member: Member
    todo: list[Row] = field(default_factory=list)
    finished: list[Row] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.member.team.person.full_name


def done_on(row) -> date | None:
    """The local day the task was last done."""
    return done_day(row.last_done) if row.last_done else None


def _groups(memberships: list[Member], rows: list[Row]) -> list[TeamTasks]:
    """The teams with something to show, the team of the most urgent task first (rows come sorted)."""
    groups = {m.team_id: TeamTasks(m) for m in memberships}
    since = date.today() - RECENT
    for row in rows:
        group = groups[row.agreement.team_id]
        if row.agreement.is_open:
            group.todo.append(row)
        elif row.agreement.status == "done" and done_on(row) and done_on(row) >= since:
            group.finished.append(row)
    shown = {}
    for row in rows:  # in urgency order: a team takes the place of its first task
        group = groups[row.agreement.team_id]
        if group.todo or group.finished:
            shown.setdefault(row.agreement.team_id, group)
    return list(shown.values())


def _page_number(pages: int) -> int:
    number = request.args.get("page", "1")
    return min(max(int(number), 1), pages) if number.isascii() and number.isdigit() and len(number) < 6 else 1


@bp.route("/tasks", access=LOGGED_IN)
def index():
    db = get_session()
    memberships = memberships_with_teams(db, current_user.id)
    owned = {}
    for agreement in domain.owned_by(db, [m.id for m in memberships]):
        owned.setdefault(agreement.owner_id, []).append(agreement)
    rows = sorted(rows_for_each(db, [(m, owned.get(m.id, [])) for m in memberships]),
                  key=lambda row: domain.sort_key(row.agreement))
    groups = _groups(memberships, rows)
    pages = max(1, -(-len(groups) // TEAMS_PER_PAGE))
    page = _page_number(pages)
    shown = groups[(page - 1) * TEAMS_PER_PAGE:page * TEAMS_PER_PAGE]
    with_persons(db, [group.member.team for group in shown])  # only the teams on this page are named and read
    for group in shown:
        audit.record(db, group.member, "read", team=group.member.team, category="agreements")
    return render_template("agreements/tasks.html", groups=shown, page=page, pages=pages,
                           token=generate_csrf(), todo_count=sum(len(g.todo) for g in groups),
                           teams_count=len(groups), today=date.today())
