"""My tasks' pieces: a membership's standing gives the permissions its member has; the plan chooses, orders and
pages the teams as the page always did; the cards' links are the routes' own; weekday names follow the locale."""
from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

import pytest
from flask import url_for
from flask_babel import force_locale
from sqlalchemy import select

from models import Agreement, CareTeam, Member
from models import agreements as domain
from models.agreements import add_agreement
from models.members import Standing, add_member, load_membership, memberships_of, standings_of
from models.permissions import WHEN_CLOSED, Designation, Role, permissions_for
from tests.test_query_counts import _add_teams
from zorgteam.agreements.tasks import RECENT, TEAMS_PER_PAGE, plan
from zorgteam.agreements.texts import day_words, local_day, rhythm

HELD = [frozenset(kinds) for n in range(len(Designation) + 1) for kinds in itertools.combinations(Designation, n)]


@pytest.mark.parametrize("role", list(Role))
def test_a_standing_has_the_permissions_of_its_member_for_every_role(role):
    for held, ended_on, closed_on in itertools.product(HELD, (None, date.today()), (None, date.today())):
        member = Member(role=role.value, ended_on=ended_on, team=CareTeam(closed_on=closed_on))
        member.held = held
        standing = Standing(None, None, role.value, held, member.active, closed_on is not None)
        granted = permissions_for(role, set(held)) if ended_on is None else frozenset()
        expected = granted & WHEN_CLOSED if closed_on else granted
        assert member.permissions == standing.permissions == expected, (held, ended_on, closed_on)


def _join_rita(db, world, role: str = "volunteer") -> Member:
    return add_member(db, world.rita_team, None, role=role, name="Maria Peeters", user=world.user("maria"))


def test_the_standings_are_the_guards_memberships(db, world):
    """Role, designations (maria is Johan's representative), a closed team: as load_membership finds them."""
    in_rita = _join_rita(db, world)
    world.rita_team.closed_on = date.today()
    db.commit()
    for key in ("maria", "karim", "jef", "johan", "els"):
        user = world.user(key)
        standings = standings_of(db, user.id)
        assert {s.team_id for s in standings} == {m.team_id for m in memberships_of(db, user.id)}
        for standing in standings:
            member = load_membership(db, standing.team_id, user.id)
            assert (standing.member_id, standing.role, standing.held) == (member.id, member.role, member.held)
            assert standing.permissions == member.permissions
    assert next(s for s in standings_of(db, world.user("maria").id) if s.member_id == in_rita.id).closed
    assert Designation.REPRESENTATIVE in next(s.held for s in standings_of(db, world.user("maria").id)
                                              if s.team_id == world.johan_team.id)


def _reference(db, user_id) -> list[tuple]:
    """How the page chose and ordered before the plan: every membership and agreement as objects, sorted, grouped
    by team in the order of each team's first task, the teams with nothing to show left out."""
    memberships = memberships_of(db, user_id)
    owned = sorted(db.scalars(select(Agreement).where(Agreement.owner_id.in_([m.id for m in memberships]))),
                   key=domain.sort_key)
    rows = sorted(((m, a) for m in memberships for a in owned if a.owner_id == m.id and domain.may_view(m, a)),
                  key=lambda pair: domain.sort_key(pair[1]))
    since, teams = date.today() - RECENT, {}
    for _, a in rows:
        todo, finished = teams.setdefault(a.team_id, ([], []))
        last = domain.last_completions(db, [a.id]).get(a.id)
        if a.is_open:
            todo.append(a.id)
        elif a.status == "done" and last and local_day(last.completed_at) >= since:
            finished.append(a.id)
    return [(team, todo, finished) for team, (todo, finished) in teams.items() if todo or finished]


def _planned(found) -> list[tuple]:
    return [(t.standing.team_id, [r.id for r in t.todo], [r.id for r in t.finished]) for t in found.teams]


def test_the_plan_puts_the_most_urgent_team_and_task_first(app, db, world):
    in_rita = _join_rita(db, world)
    today = date.today()
    late = add_agreement(db, world.rita_team, None, what="Te laat", owner=in_rita, due_on=today - timedelta(days=1))
    undated = add_agreement(db, world.rita_team, None, what="Ooit", owner=in_rita)
    soon = add_agreement(db, world.rita_team, None, what="Morgen", owner=in_rita, due_on=today + timedelta(days=1))
    done = add_agreement(db, world.rita_team, None, what="Gedaan", owner=in_rita, due_on=today)
    domain.complete(db, done, None)
    declined = add_agreement(db, world.rita_team, None, what="Neen", owner=in_rita, due_on=today)
    domain.decline(db, declined, None, "lukt niet")
    db.commit()
    with app.test_request_context():
        found = plan(db, world.user("maria").id, "1", today)
        assert _planned(found) == _reference(db, world.user("maria").id)
    rita, johan = found.teams
    assert rita.standing.team_id == world.rita_team.id and johan.standing.team_id == world.johan_team.id
    assert [r.id for r in rita.todo] == [late.id, soon.id, undated.id] and [r.id for r in rita.finished] == [done.id]
    assert found.todo_count == 4 and found.pages == 1 and found.shown == found.teams


def test_the_plan_pages_ten_teams_at_a_time_as_before(app, db, world):
    _add_teams(db, world.user("karim"), TEAMS_PER_PAGE + 3)
    karim = world.user("karim").id
    with app.test_request_context():
        pages = {number: plan(db, karim, number, date.today()) for number in ("1", "2", "99", "0", "x", "²")}
        assert _planned(pages["1"]) == _reference(db, karim)
    first, second = pages["1"], pages["2"]
    assert first.pages == 2 and len(first.shown) == TEAMS_PER_PAGE and first.shown + second.shown == first.teams
    assert pages["99"].page == 2 and all(pages[n].page == 1 for n in ("0", "x", "²"))


def test_a_team_left_and_a_task_not_mine_never_appear(app, db, world):
    in_rita = _join_rita(db, world, role="informal_carer")
    add_agreement(db, world.rita_team, None, what="Kapper", owner=in_rita, due_on=date.today())
    others = add_agreement(db, world.johan_team, None, what="Niet van Maria", owner=world.member("an"),
                           due_on=date.today() - timedelta(days=3))
    in_rita.ended_on = date.today()
    db.commit()
    with app.test_request_context():
        found = plan(db, world.user("maria").id, "1", date.today())
    assert [t.standing.team_id for t in found.teams] == [world.johan_team.id]
    assert others.id not in {r.id for t in found.teams for r in t.todo + t.finished}


@pytest.mark.parametrize("more_teams", [0, 2 * TEAMS_PER_PAGE])
def test_the_cards_link_to_the_routes_own_urls(app, db, world, login_as, more_teams):
    """The links are put together from the team's URL: each must be what url_for builds, on any page."""
    pill_box = next(a for a in domain.team_agreements(db, world.johan_team.id) if a.what.startswith("Weekdoos"))
    domain.complete(db, pill_box, world.member("maria"))
    pill_box.due_on = date.today() + timedelta(days=300)  # after the new teams' tasks: Johan's team comes last
    proposed = add_agreement(db, world.johan_team, None, what="Nieuw", owner=world.member("maria"))
    db.commit()
    _add_teams(db, world.user("maria"), more_teams)
    client = login_as("maria")
    pages = [client.get(f"/my/tasks?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    number = next(n for n, html in enumerate(pages, 1) if f'id="task-{pill_box.id}"' in html)
    assert (number > 1) == bool(more_teams)
    with app.test_request_context():
        team, page = {"team_id": world.johan_team.id}, number if number > 1 else None
        expected = [url_for("agreements.done", **team, agreement_id=pill_box.id, page=page),
                    url_for("agreements.undo", **team, agreement_id=pill_box.id, page=page),
                    url_for("agreements.decline", back="tasks", **team, agreement_id=pill_box.id, page=page),
                    url_for("agreements.accept", **team, agreement_id=proposed.id, page=page),
                    url_for("agreements.decline", back="tasks", **team, agreement_id=proposed.id, page=page),
                    url_for("teams.overview", **team)]
    links = set(re.findall(r'(?:action|href)="([^"]+)"', pages[number - 1]))
    assert [url.replace("&", "&amp;") in links for url in expected] == [True] * len(expected)


def test_weekday_names_follow_the_locale_even_when_forced(app, db, world):
    pill_box = next(a for a in domain.team_agreements(db, world.johan_team.id) if a.what.startswith("Weekdoos"))
    with app.test_request_context():
        assert rhythm(pill_box) == "elke zondag"
        with force_locale("en"):
            assert rhythm(pill_box) == "every Sunday"
        assert rhythm(pill_box) == "elke zondag"


def test_written_dates_follow_the_locale_even_when_forced_in_the_same_request(app):
    """A mail under `force_locale` in the middle of a Dutch page gets its date in its own language, and the page
    keeps its own (the dates are remembered per request and language)."""
    day = date(2026, 12, 6)
    with app.test_request_context():
        assert day_words(day, today=date(2026, 12, 1)) == "zondag 6 december"
        with force_locale("en"):
            assert day_words(day, today=date(2026, 12, 1)) == "Sunday 6 December"
        assert day_words(day, today=date(2026, 12, 1)) == "zondag 6 december"
