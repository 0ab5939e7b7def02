"""Access control by construction (STYLE.md), enforced by tests generated from the app's own url_map.

Every endpoint declares an access rule; every /teams/<team_id>/ route is requested by every demo role of
Johan's team and by an outsider, and must answer as the permission table says (outsider 404, member without
the permission 403, member with it neither); ids of another team give 404; allowed and denied POSTs are
audited; CSRF stays on; no GET writes to the database. A route added later is covered without editing this
file, unless it has a new URL argument: then RESOLVERS below must learn how to find a record for it.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from models import AuditEvent, Base, Keyring, Member
from models import agreements, goals, info, meetings, messages
from models.consent import may_see
from models.members import load_membership
from models.permissions import Permission
from models.socialmap import Organisation
from models.socialmap.referrals import refer, referrals_of
from tests.conftest import csrf_token, login
from zorgteam import create_app
from zorgteam.access import PUBLIC, ZONE_STAFF, Blueprint, MissingAccessRule, guard, rule_of

ROLES = ("johan", "karim", "griet", "els", "tom", "maria", "an", "jef")
OUTSIDER = "hanne"
# Tables a GET may legitimately write: the audit trail (and its head), the server-side session, login throttling,
# and the read marker of the message thread (reading the messages marks them read).
WRITTEN_BY_READS = {"audit_events", "audit_head", "web_sessions", "login_failures", "message_reads"}


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    arguments: frozenset[str]
    method: str  # GET when the rule allows it, else POST
    permission: Permission
    changes_too: bool = False  # the rule allows POST besides GET
    change_form: bool = False  # declared so: its GET is the form of a change (a closed team refuses it)

    def __str__(self) -> str:
        return f"{self.endpoint}:{self.method}"


def _route_app() -> Flask:
    """A throwaway app (in-memory database, fresh keyring), built at collection time to read its url_map."""
    with tempfile.TemporaryDirectory() as folder:
        keyring = Path(folder) / "keyring.json"
        Keyring.generate().save(keyring)
        return create_app({"database_url": "sqlite://", "keyring": str(keyring), "smtp_url": None,
                           "outbox": folder, "base_url": "http://zorgteam.test"})


def _team_routes(app: Flask) -> list[Route]:
    """Every URL rule that takes a team_id, with the method the matrix uses and its declared permission."""
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "team_id" not in rule.arguments:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        view = app.view_functions[rule.endpoint]
        routes.append(Route(rule.endpoint, rule.rule, frozenset(rule.arguments), method,
                            rule_of(app, rule.endpoint), "POST" in rule.methods and method == "GET",
                            getattr(view, "change_form", False)))
    return routes


ROUTE_APP = _route_app()
TEAM_ROUTES = _team_routes(ROUTE_APP)
ID_ROUTES = [r for r in TEAM_ROUTES if any(a.endswith("_id") and a != "team_id" for a in r.arguments)]
GET_ROUTES = [r for r in TEAM_ROUTES if r.method == "GET"]


# --- concrete URLs ---------------------------------------------------------------------------------------------

def _member_id(world, team):
    """A member of `team`: Sofie in Johan's team (the matrix never logs in as her), any member elsewhere."""
    if team.id == world.johan_team.id:
        return world.member("sofie").id
    return world.session.scalar(select(Member.id).where(Member.team_id == team.id).order_by(Member.id))


def _life_goal_id(world, team):
    """A life goal of `team`; one is added (by the system) when the team has none yet."""
    found = goals.life_goals(world.session, team.id)
    if not found:
        found = [goals.add_life_goal(world.session, team, None, text="Thuis blijven wonen")]
        world.session.commit()
    return found[0].id


def _care_goal_id(world, team):
    """A care goal of `team`, serving one of its life goals; added when the team has none yet."""
    found = goals.care_goals(world.session, team.id)
    if not found:
        life_goal = world.session.get(goals.LifeGoal, _life_goal_id(world, team))
        found = [goals.add_care_goal(world.session, team, None, life_goal, text="Elke dag buiten wandelen")]
        world.session.commit()
    return found[0].id


def _category(world, team):
    """The category in shared-information URLs: contact details, which every demo member may see."""
    return "contacts"


def _item_id(world, team):
    """A contact (a list item of the 'contacts' category) of `team`; added when the team has none yet."""
    found = info.items_of(world.session, team.id, "contacts")
    if not found:
        found = [info.add_item(world.session, team, None, "contacts", {"name": "Dienst gezinszorg"})]
        world.session.commit()
    return found[0].id


def _agreement_id(world, team):
    """An agreement of `team`: in Johan's team Maria's weekly pill box (so the owner rule is tried too);
    one is added (by the system) when the team has none yet."""
    found = [a for a in agreements.team_agreements(world.session, team.id)
             if team.id != world.johan_team.id or a.owner_id == world.member("maria").id]
    if not found:
        found = [agreements.add_agreement(world.session, team, None, what="Boodschappen doen")]
        world.session.commit()
    return found[0].id


def _meeting_id(world, team):
    """A planned meeting of `team` (in Johan's team the demo's next MDO); one is planned when the team has none."""
    found = [m for m in meetings.meetings_of(world.session, team.id) if m.is_planned]
    if not found:
        found = [meetings.plan_meeting(world.session, team, None, kind="team", place="Bij Rita thuis",
                                       starts_at=datetime.now(UTC) + timedelta(days=7))]
        world.session.commit()
    return found[0].id


def _message_id(world, team):
    """A message to the whole team (every member reads it, so may reply to it); posted when the team has none."""
    found = [m for m in messages.thread_for(world.session, _any_member(world, team)) if m.audience == "team"]
    if not found:
        found = [messages.post_message(world.session, team, None, "Welkom in het zorgteam.")]
        world.session.commit()
    return found[0].id


def _referral_id(world, team):
    """A referral of `team` (in Johan's team the demo's day care on the waiting list); one is added when none."""
    found = referrals_of(world.session, team.id)
    if not found:
        organisation = world.session.scalar(select(Organisation).order_by(Organisation.name).limit(1))
        found = [refer(world.session, team, None, organisation, need="vervoer", asked_on=datetime.now(UTC).date())]
        world.session.commit()
    return found[0].id


def _any_member(world, team):
    return world.session.get(Member, _member_id(world, team))


# URL argument -> function(world, team) giving the id of a real record of that team.
RESOLVERS = {"member_id": _member_id, "life_goal_id": _life_goal_id, "care_goal_id": _care_goal_id,
             "category": _category, "item_id": _item_id, "meeting_id": _meeting_id,
             "agreement_id": _agreement_id, "message_id": _message_id, "referral_id": _referral_id}
# Routes of one shared-information category: besides the permission, the consent filter decides (403 without).
CONSENT = {"medication.problem": "medication", "info.medication_print": "medication"}
# Agreement routes where, besides the permission, the owner rule decides (403 without): see _owner_allows.
OWNER_RULE = {"agreements.show": "see", "agreements.accept": "answer", "agreements.decline": "answer",
              "agreements.done": "answer", "agreements.undo": "answer"}


def concrete_url(app, world, route: Route, team, records_of=None) -> str:
    """The route's URL for `team`, other arguments filled with records of `records_of` (default: `team`)."""
    values = {"team_id": team.id}
    for name in sorted(route.arguments - {"team_id"}):
        if name not in RESOLVERS:
            pytest.fail(f"{route.rule} ({route.endpoint}) has the URL argument <{name}>, which the access "
                        f"matrix cannot fill: add a resolver for {name!r} to RESOLVERS in tests/test_access.py")
        values[name] = RESOLVERS[name](world, records_of or team)
    return app.url_map.bind("zorgteam.test").build(route.endpoint, values, method=route.method)


def _request(client, route: Route, url: str, data=None):
    return client.get(url) if route.method == "GET" else client.post(url, data=data or {})


def _may(db, world, key: str, permission: Permission) -> bool | None:
    """The policy: None for an outsider, else whether the member's role and designations grant `permission`."""
    member = load_membership(db, world.johan_team.id, world.user(key).id)
    return None if member is None else member.may(permission)


def _owner_allows(db, world, key: str, route: Route) -> bool:
    """Only the owner (for the person's own agreement also their representative) or who manages agreements
    answers for an agreement; a volunteer sees only their own."""
    rule, member = OWNER_RULE.get(route.endpoint), load_membership(db, world.johan_team.id, world.user(key).id)
    if rule is None or member is None:
        return True
    agreement = db.get(agreements.Agreement, _agreement_id(world, world.johan_team))
    answers = member.may(Permission.AGREEMENTS_MANAGE) or agreement.owner_id == member.id or (
        agreement.owner.role == "person" and "representative" in member.held)
    return answers if rule == "answer" else answers or member.role != "volunteer"


def _consented(db, world, key: str, route: Route) -> bool:
    """Whether the consent filter lets `key` through on `route` (always, for routes of no single category)."""
    category = CONSENT.get(route.endpoint) or ("contacts" if "category" in route.arguments else None)
    member = load_membership(db, world.johan_team.id, world.user(key).id)
    return category is None or member is None or may_see(db, member, category)


# --- 1. every route declares who may call it ---------------------------------------------------------------------

def test_every_endpoint_declares_an_access_rule(app):
    missing = sorted(endpoint for endpoint in app.view_functions if rule_of(app, endpoint) is None)
    assert missing == [], f"endpoints without an access rule: {missing}"


def test_every_team_route_names_a_permission(app):
    """A team URL declared PUBLIC or LOGGED_IN would skip the membership check altogether."""
    assert TEAM_ROUTES, "no /teams/<team_id>/ routes found"
    assert {(r.endpoint, r.rule) for r in _team_routes(app)} == {(r.endpoint, r.rule) for r in TEAM_ROUTES}
    wrong = [r.endpoint for r in TEAM_ROUTES if not isinstance(r.permission, Permission)]
    assert wrong == [], f"team routes without a permission: {wrong}"


@pytest.mark.parametrize("access", [None, "public", True])
def test_a_route_without_a_proper_access_rule_fails_at_declaration(access):
    bp = Blueprint("undeclared", __name__)
    options = {} if access is None else {"access": access}
    with pytest.raises(MissingAccessRule, match="declares no access rule"):
        bp.route("/nowhere", **options)


def test_a_declared_route_keeps_its_rule():
    bp = Blueprint("declared", __name__)
    bp.route("/open", access=PUBLIC)(lambda: "open")
    app = Flask(__name__)
    app.register_blueprint(bp)
    assert rule_of(app, "declared.<lambda>") is PUBLIC


def test_the_guard_fails_closed_on_a_route_without_a_rule():
    app = Flask(__name__)
    app.before_request(guard)
    app.add_url_rule("/raw", "raw", lambda: "should never be served")
    assert app.test_client().get("/raw").status_code == 500


# The matrix checks that each route answers as its declaration says; this pins the declarations themselves.
PINNED = {"teams.overview": Permission.TEAM_VIEW, "members.index": Permission.TEAM_VIEW,
          "members.add": Permission.MEMBERS_MANAGE, "members.edit": Permission.MEMBERS_MANAGE,
          "members.end": Permission.MEMBERS_MANAGE, "members.hand_over": Permission.DESIGNATIONS_MANAGE,
          "members.edit_person": Permission.PERSON_EDIT, "audit.access_log": Permission.ACCESS_LOG_VIEW}


def test_the_member_and_audit_routes_declare_the_expected_permission(app):
    assert {endpoint: rule_of(app, endpoint) for endpoint in PINNED} == PINNED


# --- 2. the generated matrix: every team route by every role -----------------------------------------------------

def test_the_policy_oracle_matches_the_demo(db, world):
    """The matrix trusts Member.may; pin it to the demo so a broken oracle cannot make the matrix vacuous."""
    assert all(_may(db, world, "karim", p) for p in Permission)
    assert {p for p in Permission if _may(db, world, "jef", p)} == {
        Permission.TEAM_VIEW, Permission.INFO_VIEW, Permission.MESSAGES_VIEW, Permission.MESSAGES_POST,
        Permission.MEETINGS_VIEW, Permission.AGREEMENTS_VIEW}
    assert _may(db, world, "tom", Permission.MEMBERS_MANAGE) is False
    assert _may(db, world, "maria", Permission.PERSON_EDIT) is True
    assert _may(db, world, OUTSIDER, Permission.TEAM_VIEW) is None


@pytest.mark.parametrize("key", ROLES + (OUTSIDER,))
@pytest.mark.parametrize("route", TEAM_ROUTES, ids=str)
def test_matrix(app, login_as, db, world, route, key):
    may = _may(db, world, key, route.permission)
    may = may and _consented(db, world, key, route) and _owner_allows(db, world, key, route) if may is not None \
        else None
    client = login_as(key)
    response = _request(client, route, concrete_url(app, world, route, world.johan_team))
    status = response.status_code
    who = f"{key} ({'outsider' if may is None else 'may' if may else 'may not'} {route.permission})"
    if may is None:
        assert status == 404, f"{who}: {route.method} {route.rule} answered {status}"
    elif not may:
        assert status == 403, f"{who}: {route.method} {route.rule} answered {status}"
    elif route.method == "GET":
        assert status in (200, 302, 303), f"{who}: GET {route.rule} answered {status}"
        assert "/login" not in response.headers.get("Location", ""), f"{who}: sent to the login page"
    else:
        assert status not in (403, 404, 500), f"{who}: POST {route.rule} answered {status}"


def test_a_member_whose_membership_ended_is_an_outsider(login_as, world):
    lotte = world.member("lotte")
    assert login_as("karim").post(f"/teams/{world.johan_team.id}/members/{lotte.id}/end",
                                  data={"confirm": "yes"}).status_code == 302
    assert login_as("lotte").get(f"/teams/{world.johan_team.id}/").status_code == 404


# --- 3. ids of another team ----------------------------------------------------------------------------------

@pytest.mark.parametrize("route", ID_ROUTES, ids=str)
def test_ids_of_another_team_give_404(app, login_as, world, route):
    url = concrete_url(app, world, route, world.johan_team, records_of=world.rita_team)
    assert url != concrete_url(app, world, route, world.johan_team)
    assert _request(login_as("karim"), route, url).status_code == 404


# --- 4. every allowed POST writes an audit row; so does a denied one ----------------------------------------------

def _valid_posts(world) -> dict:
    """Coordinator POSTs with valid data: path under the team, form data, the audit action it must record."""
    jef, person = world.member("jef"), world.johan_team.person
    return {
        "add member": ("members/new", {"name": "Wim Peeters", "role": "informal_carer", "relation": "zoon",
                                       "discipline": ""}, "create"),
        "change role": (f"members/{jef.id}/edit", {"name": "Jef Claes", "role": "informal_carer",
                                                   "discipline": "", "version": str(jef.version)}, "update"),
        "end membership": (f"members/{world.member('lotte').id}/end", {"confirm": "yes"}, "delete"),
        "hand over designation": ("designations", {"kind": "representative",
                                                   "member_id": str(world.member("an").id)}, "hand-over"),
        "edit person": ("person", {"given_name": "Johan", "family_name": "Peeters-Claes",
                                   "birth_date": "1947-03-12", "insz": "47.03.12-123.40", "language": "nl",
                                   "version": str(person.version)}, "update"),
    }


def _last_seq(db) -> int:
    return db.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0)))


def _events_after(db, seq: int) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq)))


@pytest.mark.parametrize("case", ["add member", "change role", "end membership", "hand over designation",
                                  "edit person"])
def test_every_allowed_post_writes_an_audit_row(login_as, db, world, case):
    path, data, action = _valid_posts(world)[case]
    client = login_as("karim")
    before = _last_seq(db)
    response = client.post(f"/teams/{world.johan_team.id}/{path}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    events = _events_after(db, before)
    karim = world.user("karim").id
    assert [(e.action, e.outcome) for e in events if e.actor_id == karim and e.team_id == world.johan_team.id
            and e.action == action] == [(action, "ok")]


def test_a_denied_post_writes_a_denied_event(login_as, db, world):
    before = _last_seq(db)
    response = login_as("tom").post(f"/teams/{world.johan_team.id}/members/new",
                                    data={"name": "Wim Peeters", "role": "informal_carer"})
    assert response.status_code == 403
    events = _events_after(db, before)
    assert [(e.action, e.outcome, e.actor_id, e.category) for e in events] == [
        ("denied", "denied", world.user("tom").id, str(Permission.MEMBERS_MANAGE))]
    assert "Wim Peeters" not in {m.name for m in db.scalars(select(Member).where(
        Member.team_id == world.johan_team.id))}


# --- 5. CSRF stays on ------------------------------------------------------------------------------------------

def _member_names(db, team) -> list[str]:
    db.expire_all()
    return sorted(m.name for m in db.scalars(select(Member).where(Member.team_id == team.id)))


def test_csrf_refuses_a_post_without_the_token_and_accepts_it_with(csrf_client, db, world):
    login(csrf_client, db, world.user("karim"))
    url = f"/teams/{world.johan_team.id}/members/new"
    data = {"name": "Wim Peeters", "role": "informal_carer", "relation": "zoon", "discipline": ""}
    before = _member_names(db, world.johan_team)
    assert csrf_client.post(url, data=data).status_code == 400
    assert _member_names(db, world.johan_team) == before
    token = csrf_token(csrf_client.get(url).get_data(as_text=True))
    assert csrf_client.post(url, data={**data, "csrf_token": token}).status_code == 302
    assert _member_names(db, world.johan_team) == sorted(before + ["Wim Peeters"])


# --- 6. no GET changes the database ------------------------------------------------------------------------------

def _snapshot(db) -> dict[str, list[str]]:
    """Every row of every table a read must not write, as sorted text."""
    return {table.name: sorted(repr(tuple(row)) for row in db.execute(select(table)))
            for table in Base.metadata.sorted_tables if table.name not in WRITTEN_BY_READS}


@pytest.mark.parametrize("route", GET_ROUTES, ids=str)
def test_no_get_changes_the_database(app, login_as, db, world, route):
    client = login_as("karim")
    url = concrete_url(app, world, route, world.johan_team)
    before = _snapshot(db)
    assert client.get(url).status_code in (200, 302, 303)
    after = _snapshot(db)
    assert sorted(t for t in before if before[t] != after[t]) == []


# --- zone staff: the social map's management, declared on the route itself -----------------------------------------

def _staff_endpoints(app) -> set[str]:
    return {e for e in app.view_functions if rule_of(app, e) is ZONE_STAFF}


def test_the_social_maps_management_is_declared_for_zone_staff(app):
    """Every page that changes the directory or judges proposals says so in its declaration: none can forget it."""
    managing = {e for e in app.view_functions if e.startswith(("socialmap_manage.", "socialmap_contacts.",
                                                               "socialmap_proposals."))}
    assert managing and managing == _staff_endpoints(app)
    assert rule_of(app, "socialmap.index") is not ZONE_STAFF  # everyone logged in searches the map


def test_the_guard_refuses_zone_staff_pages_to_others_and_audits_it(app, login_as, db):
    from sqlalchemy import select

    from models.audit import AuditEvent

    tom = login_as("tom")
    urls = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    pages = [e for e in _staff_endpoints(app) if not urls[e].arguments and "GET" in urls[e].methods]
    assert len(pages) >= 2, "the new-organisation page and the proposals"
    for endpoint in pages:
        assert tom.get(urls[endpoint].rule).status_code == 403, endpoint
    denied = db.scalars(select(AuditEvent).where(AuditEvent.category == "zone-staff")).all()
    assert denied and all(e.outcome == "denied" for e in denied)
    assert login_as("griet").get("/socialmap/new").status_code == 200
