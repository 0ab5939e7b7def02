"""Canaries: a unique string in every category of Johan's shared information (and in a professionals-only message and
its reply, and in a direct message from Maria to Els and its reply);
then every demo member requests every GET route they can reach (generated from the app's url_map, so a route added
later is covered without editing this file) and no response may hold the canary of something they may not see.

A route with a URL argument this file cannot fill fails the test by name: teach ARGUMENTS (or tests/test_access.py's
RESOLVERS) how to find records for it, or list it in SKIPPED with the reason it cannot show the person's data.
"""
from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from models import agreements, goals, meetings
from models.calendar import issue_feed
from models.consent import CATEGORIES, set_grant, visible_categories
from models.info import SHAPES, add_item, items_of, save_sheet, sheet_of
from models.members import team_members
from models.messages import post_message, post_reply
from models.permissions import PROFESSIONAL_ROLES
from tests.test_access import RESOLVERS, ROUTE_APP, TEAM_ROUTES, Route

MEMBERS = ("johan", "karim", "griet", "els", "tom", "sofie", "lotte", "maria", "an", "jef")
DIRECT = ("maria", "els")  # the two members of the direct-message canary
# GET routes outside a team whose arguments are one-time account tokens: they show no data about any person.
SKIPPED = {"static": "files of the app itself", "accounts.accept_invitation": "an account invitation token",
           "accounts.reset_password": "a password reset token",
           "socialmap.show": "an organisation of the public social map (no data about any person)",
           "socialmap_manage.edit": "an organisation of the public social map, for zone staff",
           "socialmap_contacts.add": "a new contact person of an organisation of the public social map, for zone staff",
           "socialmap_contacts.edit": "a contact person of the public social map (work details), for zone staff",
           "socialmap_proposals.show": "a proposed organisation (its name only, nothing of a person), for zone staff"}
# The first free-text section of each category with a sheet gets a canary; list items get one in their text.
ITEMS = {"contacts": lambda c: {"name": c, "note": c},
         "medication": lambda c: {"drug": c, "dose": c, "moments": ["morning"], "note": c},
         "advance-care": lambda c: {"kind": "negative", "recorded_on": date.today().isoformat(), "note": c},
         "journal": lambda c: {"occurred_on": date.today().isoformat(), "kind": "admission", "text": c}}


def _canary(name: str) -> str:
    return f"Kanarie{name.replace('-', '').upper()}{uuid.uuid4().hex[:10]}"


def _plant(db, world) -> dict[str, str]:
    """A canary in every category (sheet and list), in a professionals-only message and a reply to it, in a direct
    message from Maria to Els and Els's reply, in a reported medication problem, and a new meeting whose proposed agenda carries the journal canary. Returns key -> canary."""
    team, canaries = world.johan_team, {c: _canary(c) for c in CATEGORIES}
    for category, shape in SHAPES.items():
        if shape.sheet:
            sheet = sheet_of(db, team.id, category)
            values = {f.name: canaries[category] for f in shape.sheet}
            save_sheet(db, team, None, category, values, sheet.version if sheet else None)
        if category in ITEMS:
            add_item(db, team, None, category, ITEMS[category](canaries[category]))
    canaries["message"] = _canary("message")
    professionals_only = post_message(db, team, world.member("tom"), canaries["message"], audience="professionals")
    canaries["message-reply"] = _canary("message-reply")
    post_reply(db, team, world.member("sofie"), professionals_only, canaries["message-reply"])
    canaries["direct"], canaries["direct-reply"] = _canary("direct"), _canary("direct-reply")
    question = post_message(db, team, world.member("maria"), canaries["direct"], audience="member",
                            recipient=world.member("els"))
    post_reply(db, team, world.member("els"), question, canaries["direct-reply"])
    post_message(db, team, world.member("maria"), f"Probleem met {canaries['medication']}", audience="professionals",
                 kind="medication-problem")
    starts_at = datetime.now(UTC) + timedelta(days=10)
    agenda = meetings.propose_agenda(db, team, None, starts_at)
    assert any(canaries["journal"] in (item.get("text") or "") for item in agenda)
    meetings.plan_meeting(db, team, None, kind="team", starts_at=starts_at, place="Kerkstraat 12",
                          invitees=team_members(db, team), agenda=agenda)
    db.commit()
    return canaries


def _forbidden(db, world, key: str, canaries: dict[str, str]) -> dict[str, str]:
    """The canaries `key` must never be shown: categories they may not see, and messages not meant for them."""
    member = world.member(key)
    visible = visible_categories(db, member)
    forbidden = {c: canaries[c] for c in CATEGORIES if c not in visible}
    if member.role not in PROFESSIONAL_ROLES:
        forbidden["message"] = canaries["message"]
        forbidden["message-reply"] = canaries["message-reply"]
    if key not in DIRECT:  # a direct message (and its reply) is between Maria and Els, nobody else
        forbidden["direct"], forbidden["direct-reply"] = canaries["direct"], canaries["direct-reply"]
    return forbidden


# --- every GET route, with every record it can show ------------------------------------------------------------------

def _ids(records, at_most: int | None = None) -> list:
    return [r.id for r in records][:at_most]


# URL argument -> function(world, team, values so far) giving the values worth requesting: every category, every
# list item and every meeting (they carry shared information); a few of the records that hold none of it.
ARGUMENTS = {
    "category": lambda world, team, values: list(CATEGORIES),
    "item_id": lambda world, team, values: _ids(items_of(world.session, team.id, values["category"])),
    "meeting_id": lambda world, team, values: _ids(meetings.meetings_of(world.session, team.id)),
    "member_id": lambda world, team, values: _ids(team_members(world.session, team), 3),
    "agreement_id": lambda world, team, values: _ids(agreements.team_agreements(world.session, team.id), 3),
    "life_goal_id": lambda world, team, values: _ids(goals.life_goals(world.session, team.id), 2),
    "care_goal_id": lambda world, team, values: _ids(goals.care_goals(world.session, team.id), 2),
}


def _fill(world, team, route: Route, names: list[str], values: dict) -> list[dict]:
    if not names:
        return [values]
    name, rest = names[0], names[1:]
    if name in ARGUMENTS:
        choices = ARGUMENTS[name](world, team, values)
    elif name in RESOLVERS:
        choices = [RESOLVERS[name](world, team)]
    else:
        pytest.fail(f"{route.rule} ({route.endpoint}) has the URL argument <{name}>, which the canary test cannot "
                    f"fill: add it to ARGUMENTS in tests/test_canaries.py (or to RESOLVERS in tests/test_access.py)")
    return [filled for choice in choices for filled in _fill(world, team, route, rest, {**values, name: choice})]


def _build(endpoint: str, values: dict) -> str:
    return ROUTE_APP.url_map.bind("zorgteam.test").build(endpoint, values, method="GET")


def team_urls(world) -> list[str]:
    team, urls = world.johan_team, []
    for route in (r for r in TEAM_ROUTES if r.method == "GET"):
        names = sorted(route.arguments - {"team_id"}, key=lambda n: (n != "category", n))  # category first
        urls += [_build(route.endpoint, v) for v in _fill(world, team, route, names, {"team_id": team.id})]
    return urls


def other_urls(db, world, key: str) -> list[str]:
    """Every GET route outside a team: as they are, or with the member's own calendar feed token."""
    urls = []
    for rule in ROUTE_APP.url_map.iter_rules():
        if "GET" not in rule.methods or "team_id" in rule.arguments or rule.endpoint in SKIPPED:
            continue
        if rule.endpoint == "calendar.feed":
            urls.append(_build(rule.endpoint, {"token": issue_feed(db, world.user(key))}))
        elif rule.arguments:
            pytest.fail(f"{rule.rule} ({rule.endpoint}) takes {sorted(rule.arguments)}, which the canary test cannot "
                        f"fill: teach other_urls in tests/test_canaries.py, or add it to SKIPPED with a reason")
        else:
            urls.append(_build(rule.endpoint, {}))
    db.commit()
    return urls


def _text(response) -> str:
    """What a response shows: its text, or the text of a PDF; and the same without white space (line breaks)."""
    if response.mimetype == "application/pdf":
        text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(response.get_data())).pages)
    else:
        text = response.get_data(as_text=True)
    return text + "\n" + re.sub(r"\s+", "", text)


# --- the test ------------------------------------------------------------------------------------------------------

# Consent narrowed for a few members: the coordinator (who may also export the record), the representative, a nurse.
NARROWED = {"karim": "journal", "maria": "medication", "tom": "condition"}


def _scan(app, login_as, db, world, key):
    canaries = _plant(db, world)
    forbidden = _forbidden(db, world, key, canaries)
    allowed = {name: canary for name, canary in canaries.items() if name not in forbidden}
    urls = team_urls(world) + other_urls(db, world, key)
    client = login_as(key)
    leaks, seen, statuses = [], set(), {}
    for url in urls:
        response = client.get(url)
        statuses[url] = response.status_code
        assert response.status_code != 500, f"{key}: GET {url} answered 500"
        text = _text(response)
        leaks += [f"{key} sees the {name} canary at GET {url} ({response.status_code})"
                  for name, canary in forbidden.items() if canary in text]
        seen |= {name for name, canary in allowed.items() if canary in text}
    assert not leaks, "\n".join(leaks)
    # Not vacuous: what the member may see does show up somewhere, and the member did reach pages.
    assert seen == set(allowed), f"{key} never saw {sorted(set(allowed) - seen)} on any page"
    assert sum(1 for status in statuses.values() if status == 200) >= 10


@pytest.mark.parametrize("key", MEMBERS)
def test_no_page_shows_a_canary_the_member_may_not_see(app, login_as, db, world, key):
    _scan(app, login_as, db, world, key)


@pytest.mark.parametrize("key, category", NARROWED.items())
def test_nor_when_consent_was_withdrawn(app, login_as, db, world, key, category):
    set_grant(db, world.member(key), None, category, False, method="in_person")
    db.commit()
    assert category not in visible_categories(db, world.member(key))
    _scan(app, login_as, db, world, key)


def test_the_canary_test_knows_every_get_route(app, db, world):
    """Every GET route is either requested (in a team or outside one) or skipped for a stated reason."""
    requested = {r.endpoint for r in TEAM_ROUTES if r.method == "GET"}
    outside = {rule.endpoint for rule in app.url_map.iter_rules()
               if "GET" in rule.methods and "team_id" not in rule.arguments}
    assert outside - set(SKIPPED) - {"calendar.feed"} == {
        rule.endpoint for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments}
    assert requested and len(team_urls(world)) > len(requested)  # records and categories were filled in
