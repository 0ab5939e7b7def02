"""Query counts: the busiest pages issue the same number of SQL statements whatever the number of teams a user is
in, or of teams in the database (no N+1). Counted, not timed: nothing here depends on the machine's speed.

The extra teams come from the benchmark's generator (models/demo_scale.py) with Karim as their coordinator, so each
has the full set: ten members, goals, meetings, agreements he owns, shared information, consent.
"""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from models import AuditEvent, DataKey, demo_scale
from models.audit import verify
from models.calendar import issue_feed
from models.encrypted import vault_of
from tests.conftest import login

PAGES = ("overview", "my teams", "goals page", "my tasks", "calendar feed", "home screen")


@pytest.fixture
def count_statements(database):
    """`count(client, path)`: the SQL statements one GET issues, in a settled login session (the first page
    after login stores the session's CSRF token) and with no data key cached (so a page that unwrapped one key
    per person would show it); the answer must be 200."""
    def count(client, path: str) -> int:
        client.get(path)
        database.vault.forget(list(database.vault._ciphers))
        statements = []

        def seen(_conn, _cursor, statement, *_args):
            statements.append(statement)
        event.listen(database.engine, "before_cursor_execute", seen)
        try:
            response = client.get(path)
        finally:
            event.remove(database.engine, "before_cursor_execute", seen)
        assert response.status_code == 200, path
        return len(statements)
    return count


def _add_teams(db, user, count: int) -> None:
    plan = demo_scale.prepare(db, coordinator=user, joins=count)
    demo_scale.load_batch(db, db.info["vault"], plan, plan.serial, count)
    db.commit()


def _paths(world, feed: str) -> dict[str, str]:
    team = world.johan_team.id
    return {"overview": f"/teams/{team}/", "my teams": "/teams/", "goals page": f"/teams/{team}/goals/",
            "my tasks": "/my/tasks", "calendar feed": f"/calendar/{feed}.ics", "home screen": "/home"}


def _counts(client, count_statements, paths) -> dict[str, int]:
    return {name: count_statements(client, path) for name, path in paths.items()}


def test_pages_issue_as_many_queries_with_three_more_teams(client, db, world, count_statements):
    karim = world.user("karim")
    paths = _paths(world, issue_feed(db, karim))
    db.commit()
    login(client, db, karim)
    before = _counts(client, count_statements, paths)
    _add_teams(db, karim, 3)
    assert len(client.get("/teams/").get_data(as_text=True).split('class="card"')) == 5  # Johan's and three more
    after = _counts(client, count_statements, paths)
    assert after == before


def test_the_generator_builds_full_teams(db, world):
    karim = world.user("karim")
    before = db.scalar(select(DataKey.id).order_by(DataKey.id).limit(1))
    _add_teams(db, karim, 2)
    from models import Agreement, CareGoal, ConsentGrant, LifeGoal, Meeting, Member
    from models.members import teams_of

    teams = [t for t in teams_of(db, karim.id) if t.id != world.johan_team.id]
    assert len(teams) == 2 and before is not None
    for team in teams:
        members = db.scalars(select(Member).where(Member.team_id == team.id)).all()
        assert len(members) == 10 and team.person.full_name  # the name decrypts under the person's own key
        assert len(db.scalars(select(LifeGoal).where(LifeGoal.team_id == team.id)).all()) == 2
        assert len(db.scalars(select(CareGoal).where(CareGoal.team_id == team.id)).all()) == 3
        assert len(db.scalars(select(Meeting).where(Meeting.team_id == team.id)).all()) == 3
        assert len(db.scalars(select(Agreement).where(Agreement.team_id == team.id)).all()) == 20
        assert db.scalars(select(ConsentGrant).where(ConsentGrant.team_id == team.id)).first() is not None
        assert {a.what for a in db.scalars(select(Agreement).where(Agreement.team_id == team.id))}


# --- what every request does once -------------------------------------------------------------------------------

@pytest.fixture
def statements_of(database):
    """`statements_of(client, path)`: the SQL statements of one settled GET, as (statement, executemany)."""
    def run(client, path: str) -> list[tuple[str, bool]]:
        client.get(path)
        seen = []

        def note(_conn, _cursor, statement, _parameters, _context, executemany):
            seen.append((statement, executemany))
        event.listen(database.engine, "before_cursor_execute", note)
        try:
            response = client.get(path)
        finally:
            event.remove(database.engine, "before_cursor_execute", note)
        assert response.status_code == 200, path
        return seen
    return run


def _reading(statements, table: str) -> list[str]:
    return [s for s, _ in statements if s.lstrip().startswith("SELECT") and f"FROM {table}" in s]


def test_the_login_session_and_its_account_are_one_query(client, db, world, statements_of):
    login(client, db, world.user("maria"))
    statements = statements_of(client, "/teams/")
    sessions = _reading(statements, "web_sessions")
    assert len(sessions) == 1 and "JOIN users" in sessions[0]
    assert _reading(statements, "users") == []  # the login manager finds the account the session query brought


def test_the_consent_filter_is_worked_out_once_per_request(client, db, world, statements_of):
    """The overview asks twice (the allergies, the unread messages of the team menu): one pair of queries."""
    login(client, db, world.user("tom"))
    statements = statements_of(client, f"/teams/{world.johan_team.id}/")
    assert len(_reading(statements, "consent_grants")) == 1
    assert len(_reading(statements, "category_settings")) == 1


def test_the_audit_entries_of_a_request_are_one_insert_and_stay_chained(client, db, world, statements_of):
    karim = world.user("karim")
    _add_teams(db, karim, 3)
    login(client, db, karim)
    before = db.scalar(select(func.max(AuditEvent.seq)))
    statements = statements_of(client, "/my/tasks")
    inserts = [(s, many) for s, many in statements if s.startswith("INSERT INTO audit_events")]
    db.expire_all()
    read = db.scalars(select(AuditEvent).where(AuditEvent.seq > before).order_by(AuditEvent.seq)).all()
    last_request = [e for e in read if e.request_id == read[-1].request_id]
    assert len(last_request) == 4 and {e.category for e in last_request} == {"agreements"}  # four teams read
    assert inserts and len(inserts) == 1 and inserts[0][1]  # one statement, executed for all four rows
    assert [e.seq for e in read] == list(range(before + 1, before + 1 + len(read)))
    assert verify(db, vault_of(db).keyring.audit_key) is None


def test_the_overview_reads_the_first_points_of_contact_in_one_statement(client, db, world, statements_of):
    """Only the services that may serve the person's postcode, with their organisations: not every organisation
    with a first point of contact and then all of their services."""
    login(client, db, world.user("karim"))
    statements = statements_of(client, f"/teams/{world.johan_team.id}/")
    contacts = _reading(statements, "organisations")
    assert len(contacts) == 1 and "JOIN services" in contacts[0]
    assert _reading(statements, "services") == []


def test_my_tasks_read_the_persons_of_the_teams_shown_only(client, db, world, statements_of):
    """Every membership is read as a standing (the team's closing and the designations, no person, no encrypted
    column); the memberships with their teams and persons only for the teams the page shows, in one statement.
    (The agreements' statement reads the memberships' ids in a subquery.)"""
    karim = world.user("karim")
    _add_teams(db, karim, 3)
    login(client, db, karim)
    statements = statements_of(client, "/my/tasks")
    members = [s for s in _reading(statements, "members") if s.lstrip().startswith("SELECT members.")]
    every = [s for s in members if "members.team_id IN" not in s]
    shown = [s for s in members if "members.team_id IN" in s]
    assert len(every) == 1 and "JOIN persons" not in every[0] and "members.name" not in every[0]
    assert len(shown) == 1 and "JOIN persons" in shown[0]
    assert _reading(statements, "care_teams") == [] and _reading(statements, "persons") == []
