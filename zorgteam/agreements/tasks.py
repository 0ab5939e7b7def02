"""My tasks (/my/tasks): the agreements the logged-in user owns in all their teams, in plain words, for a phone;
grouped by team (a heading with the person's name), the most urgent team first, a few teams per page.

A coordinator owns some 200 tasks in 150 teams: `plan` chooses and orders the teams from the tasks' clear columns
and the memberships' standings (no ORM objects), `load` reads members, agreements and completions, and decrypts,
only for the ten teams a page shows; only those are audited as read."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from models import Agreement, AgreementCompletion, Member, audit
from models import agreements as domain
from models.agreements import Owned
from models.members import Standing, memberships_with_teams, standings_of
from zorgteam.access import LOGGED_IN, Blueprint
from zorgteam.agreements.texts import local_day, next_words, rhythm
from zorgteam.db import get_session

bp = Blueprint("tasks", __name__, url_prefix="/my")
RECENT = timedelta(days=14)  # one-off tasks done this recently still show, under "Klaar"
TEAMS_PER_PAGE = 10  # a coordinator owns tasks in 150 teams: a page stays light, the next teams are one tap away


@dataclass
class Planned:
    """One team's part of my tasks before anything is loaded: the membership's standing and the clear columns of
    what is still to do and what was done lately, in urgency order."""

    standing: Standing
    todo: list[Owned] = field(default_factory=list)
    finished: list[Owned] = field(default_factory=list)


@dataclass
class Plan:
    """Every team with something to show, the team of the most urgent task first, and the page asked for."""

    teams: list[Planned]
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.teams) // TEAMS_PER_PAGE))

    @property
    def shown(self) -> list[Planned]:
        return self.teams[(self.page - 1) * TEAMS_PER_PAGE:self.page * TEAMS_PER_PAGE]

    @property
    def todo_count(self) -> int:
        return sum(len(team.todo) for team in self.teams)


@dataclass
class Card:
    """One task as its card shows it; its words worked out here, not called one by one from the template (each
    call from a template costs about ten more of Jinja's own)."""

    agreement: Agreement
    last_done: AgreementCompletion | None
    may_act: bool
    late: bool = False
    often: str | None = None  # how often it comes back: "elke zondag"
    next: str = ""  # when next: "Volgende keer: zondag 6 december"
    occurrence: str = ""  # the due date the "Klaar" form names, ISO

    @classmethod
    def of(cls, member: Member, agreement: Agreement, last_done: AgreementCompletion | None) -> Card:
        return cls(agreement, last_done, domain.may_act(member, agreement), agreement.overdue(), rhythm(agreement),
                   next_words(agreement), agreement.due_on.isoformat() if agreement.due_on else "")

    @property
    def undoable(self) -> bool:
        """The latest completion may still be taken back (a mistaken tap on "Klaar")."""
        return self.may_act and domain.may_undo(self.agreement, self.last_done)


@dataclass
class TeamTasks:
    """One team's part of my tasks, loaded: its heading, what is still to do and what was done lately."""

    member: Member
    todo: list[Card]
    finished: list[Card]

    @property
    def name(self) -> str:
        return self.member.team.person.full_name


def _visible(standings: list[Standing], rows: list[Owned], today: date) -> list[tuple[Owned, Standing]]:
    """The tasks the member may see, with the member's standing, in urgency order; equally urgent ones by
    membership, then as the database gave them (the order my tasks always had)."""
    by_member = {standing.member_id: (place, standing) for place, standing in enumerate(standings)}
    keyed = []
    for row in rows:
        place, standing = by_member.get(row.owner_id, (None, None))
        if standing is not None and domain.may_view_own(standing, row.team_id):
            keyed.append(((domain.urgency(row.status, row.due_on, row.created_at, today), place), row, standing))
    keyed.sort(key=lambda entry: entry[0])
    return [(row, standing) for _, row, standing in keyed]


def _group(visible: list[tuple[Owned, Standing]], today: date) -> list[Planned]:
    """The teams with something to show; a team takes the place of its first task (a declined one too, though
    it does not show)."""
    since = today - RECENT
    groups: dict[uuid.UUID, Planned] = {}
    for row, standing in visible:
        if (group := groups.get(row.team_id)) is None:
            group = groups[row.team_id] = Planned(standing)
        if row.status in domain.OPEN:
            group.todo.append(row)
        elif row.status == "done" and row.last_done_at and local_day(row.last_done_at) >= since:
            group.finished.append(row)
    return [group for group in groups.values() if group.todo or group.finished]


def plan(db, user_id: uuid.UUID, page: str, today: date) -> Plan:
    """Which teams and tasks, in which order, and which page of them: the user's own agreements in the teams they
    are an active member of and may see agreements in (a team they left, a task not theirs, never appear)."""
    visible = _visible(standings_of(db, user_id), domain.owned_rows(db, user_id, today), today)
    found = Plan(_group(visible, today), 1)
    found.page = _page_number(page, found.pages)
    return found


def load(db, user_id: uuid.UUID, teams: list[Planned]) -> list[TeamTasks]:
    """The shown teams' memberships (with teams and persons), agreements and latest completions, as objects."""
    members = memberships_with_teams(db, user_id, [team.standing for team in teams])
    ids = [row.id for team in teams for row in team.todo + team.finished]
    agreements = domain.agreements_by_id(db, ids)
    done = domain.last_completions(db, ids)

    def cards(member: Member, rows: list[Owned]) -> list[Card]:
        found = (agreements[row.id] for row in rows if row.id in agreements)
        return [Card.of(member, a, done.get(a.id)) for a in found]
    return [TeamTasks(member, cards(member, team.todo), cards(member, team.finished)) for team in teams
            if (member := members.get(team.standing.team_id)) is not None]


def _page_number(number: str, pages: int) -> int:
    return min(max(int(number), 1), pages) if number.isascii() and number.isdigit() and len(number) < 6 else 1


@bp.route("/tasks", access=LOGGED_IN)
def index():
    db = get_session()
    found = plan(db, current_user.id, request.args.get("page", "1"), date.today())
    shown = load(db, current_user.id, found.shown)  # only the teams on this page are loaded, named and read
    for group in shown:
        audit.record(db, group.member, "read", team=group.member.team, category="agreements")
    return render_template("agreements/tasks.html", groups=shown, page=found.page, pages=found.pages,
                           token=generate_csrf(), todo_count=found.todo_count, teams_count=len(found.teams),
                           today=date.today(), on_page=f"page={found.page}" if found.page > 1 else "")
