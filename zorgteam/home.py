"""Mijn overzicht (/home): one screen across all the user's teams, and where each user lands after logging in.

Agreements overdue or due soon, new messages, meetings coming up, teams without a follow-up meeting, and per team
"sinds uw vorige bezoek": what changed and by whom, only what the member may know (models/home.py). Family carers
and volunteers land on their tasks (/my/tasks); everyone else lands here.
"""
from __future__ import annotations

import uuid

from flask import render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from models import AuditEvent, Member, audit
from models import home as domain
from models.base import utcnow
from models.consent import CATEGORIES, visible_categories_of
from models.members import memberships_of
from models.messages import hidden_kinds, unread_counts
from models.permissions import Permission
from zorgteam import labels
from zorgteam.access import LOGGED_IN, Blueprint
from zorgteam.audit import describe
from zorgteam.db import get_session
from zorgteam.translate import lazy_gettext as _l

bp = Blueprint("home", __name__)
KINDS = {"all": _l("Alles"), "agreements": _l("Afspraken"), "messages": _l("Berichten"),
         "meetings": _l("Overleg"), "changes": _l("Wat veranderde")}
SINCE_KEY = "home_since"  # the audit head when this login session began
LINES = 8  # lines of changes shown per team (all when only changes are asked for); the rest are counted
MEETINGS = 10  # meetings shown unless only meetings are asked for
# What someone did, in a sentence after their name: "Tom Wouters (thuisverpleegkundige) wijzigde de medicatie".
INFO_PHRASES = {"create": _l("voegde iets toe aan %(subject)s"), "update": _l("wijzigde %(subject)s"),
                "delete": _l("haalde iets weg uit %(subject)s")}
PHRASES = {
    ("agreements", "create"): _l("maakte een afspraak"),
    ("agreements", "update"): _l("wijzigde een afspraak"),
    ("agreement_completions", "create"): _l("vinkte een afspraak af"),
    ("agreement_completions", "delete"): _l("zette een afgevinkte afspraak terug open"),
    ("messages", "create"): _l("schreef een bericht"),
    ("goals", "create"): _l("voegde iets toe aan de doelen"),
    ("goals", "update"): _l("wijzigde de doelen"),
    ("meetings", "create"): _l("plande een overleg"),
    ("meetings", "update"): _l("wijzigde een overleg"),
    ("meetings", "delete"): _l("annuleerde een overleg"),
    ("minutes", "update"): _l("schreef aan het verslag van een overleg"),
    ("attendance", "update"): _l("noteerde wie er op een overleg was"),
    ("feedback", "create"): _l("gaf terugkoppeling over een overleg"),
    ("members", "create"): _l("voegde een teamlid toe"),
    ("members", "update"): _l("wijzigde de gegevens van een teamlid"),
    ("members", "delete"): _l("beëindigde een lidmaatschap"),
    ("members", "invite"): _l("nodigde een teamlid uit"),
    ("members", "hand-over"): _l("droeg een rol in het team over"),
    ("person", "update"): _l("wijzigde de gegevens van de persoon"),
    ("consent", "consent"): _l("wijzigde wie wat mag zien"),
    ("own-consent", "consent"): _l("wijzigde wat u kan zien"),
}
SOMETHING = _l("wijzigde iets")
AREA_PAGES = {"agreements": "agreements.index", "messages": "messages.index", "goals": "goals.index",
              "meetings": "meetings.index", "feedback": "meetings.index", "members": "members.index",
              "person": "teams.overview", "consent": "consent.index"}


def landing() -> str:
    """Where the logged-in user starts: family carers and volunteers on their tasks, everyone else here."""
    tasks = domain.lands_on_tasks(memberships_of(get_session(), current_user.id))
    return url_for("tasks.index" if tasks else "home.index")


def _filters(memberships) -> dict:
    """The filters of the query string, each checked against what exists (anything else means: all)."""
    team = request.args.get("team", "")
    kind = request.args.get("kind", "all")
    return {"team": team if team in {str(m.team_id) for m in memberships} else "",
            "kind": kind if kind in KINDS else "all", "q": (request.args.get("q") or "").strip()[:100]}


def _chosen(memberships, filters: dict) -> list[Member]:
    """The memberships to show: one team, or those whose person's name matches (decrypting only one's own teams)."""
    chosen = [m for m in memberships if not filters["team"] or str(m.team_id) == filters["team"]]
    query = filters["q"].casefold()
    return [m for m in chosen if query in m.team.person.full_name.casefold()] if query else chosen


def _wants(filters: dict, kind: str) -> bool:
    return filters["kind"] in ("all", kind)


def start_session() -> None:
    """At login: what happened up to now was before this visit, so pages seen after logging in (a carer lands on
    her tasks first) do not count as the "last visit" the home screen compares with."""
    session[SINCE_KEY] = domain.boundary(get_session())


def _since(db) -> int:
    """The boundary of this session (a session made without the login form gets it on its first home screen)."""
    if SINCE_KEY not in session:
        session[SINCE_KEY] = domain.boundary(db)
    return session[SINCE_KEY]


def _link(area: str, team_id: uuid.UUID) -> str:
    if area in AREA_PAGES:
        return url_for(AREA_PAGES[area], team_id=team_id)
    return url_for("info.category", team_id=team_id, category=area)


def _phrase(event, member) -> str:
    area = domain.area_of(event)
    if area in CATEGORIES:
        return str(INFO_PHRASES.get(event.action, SOMETHING)) % {"subject": labels.OBJECTS[area]}
    part = event.category if event.category in ("minutes", "attendance") else area
    if event.object_type == "agreement_completions":
        part = "agreement_completions"
    elif area == "consent" and event.object_id == str(member.id):
        part = "own-consent"
    return str(PHRASES.get((part, event.action), SOMETHING))


def _lines(member, events, by_user: dict) -> list[dict]:
    """One line per who did what, newest first, with how often: "Tom Wouters (thuisverpleegkundige) wijzigde de
    medicatie (2 keer)"."""
    lines: dict[tuple, dict] = {}
    for event in events:
        who, what, area = describe(event, by_user)["who"], _phrase(event, member), domain.area_of(event)
        line = lines.setdefault((who, what, area), {"who": who, "what": what, "at": event.at, "count": 0,
                                                    "link": _link(area, event.team_id)})
        line["count"] += 1
    return list(lines.values())


def _actors(db, events) -> dict[uuid.UUID, dict]:
    """The members who made the changes, by team and account (past members too: they still did it)."""
    teams, users = {e.team_id for e in events}, {e.actor_id for e in events if e.actor_id}
    found: dict[uuid.UUID, dict] = {}
    if teams and users:
        for m in db.scalars(select(Member).where(Member.team_id.in_(teams), Member.user_id.in_(users))):
            found.setdefault(m.team_id, {})[m.user_id] = m
    return found


def _changes(db, memberships, members, categories, every: bool = False) -> list[dict] | None:
    """Per team shown: since when, and what changed since the member's last visit; None on a very first visit.
    The visits of all `memberships` count, so a team never opened is compared with the latest visit anywhere."""
    if not members:
        return []  # a search that found no team
    visits = domain.last_visits(db, current_user.id, [m.team_id for m in memberships], _since(db))
    since = domain.thresholds(visits, [m.team_id for m in members])
    if not since:
        return None
    visible = domain.visible_changes(db, members, domain.changes_since(db, current_user.id, since), categories)
    seqs = set(since.values())
    when = dict(db.execute(select(AuditEvent.seq, AuditEvent.at).where(AuditEvent.seq.in_(seqs))).all()) if seqs \
        else {}
    actors = _actors(db, [e for events in visible.values() for e in events])
    shown = None if every else LINES
    return [_team_changes(m, when.get(since[m.team_id]), _lines(m, visible[m.team_id], actors.get(m.team_id, {})),
                          shown) for m in members if m.team_id in visible]


def _team_changes(member, since, lines: list[dict], shown: int | None) -> dict:
    """A team's lines, the first `shown` of them (None: all) and how many changes the rest hold."""
    rest = lines[shown:] if shown is not None else []
    return {"member": member, "since": since, "lines": lines[:shown], "more": sum(line["count"] for line in rest)}


def _meetings(db, members, filters) -> tuple[list, list]:
    """The meetings coming up that each member may see, and the teams of theirs without one planned."""
    upcoming = domain.upcoming_meetings(db, [m.team_id for m in members], utcnow())
    by_team = {m.team_id: m for m in members}
    visible = [(by_team[x.team_id], x) for x in upcoming if domain.may_see_meeting(by_team[x.team_id], x)]
    return (visible if filters["kind"] == "meetings" else visible[:MEETINGS]), \
        domain.without_follow_up(members, upcoming)


def _sections(db, memberships, members, filters) -> dict:
    categories = visible_categories_of(db, members)
    found = {"agreements": [], "unread": [], "meetings": [], "no_follow_up": [], "changes": []}
    if _wants(filters, "agreements"):
        found["agreements"] = domain.due_agreements(db, members)
    if _wants(filters, "messages"):
        readers = [m for m in members if m.may(Permission.MESSAGES_VIEW)]
        counts = unread_counts(db, readers, {m.id: hidden_kinds(categories[m.id]) for m in readers})
        found["unread"] = [(m, counts[m.id]) for m in readers if counts[m.id]]
    if _wants(filters, "meetings"):
        found["meetings"], found["no_follow_up"] = _meetings(db, members, filters)
    if _wants(filters, "changes"):
        found["changes"] = _changes(db, memberships, members, categories, every=filters["kind"] == "changes")
    return found


def _shown_teams(found: dict) -> set[uuid.UUID]:
    teams = {a.team_id for a in found["agreements"]} | {m.team_id for m, _ in found["unread"]}
    teams |= {x.team_id for _, x in found["meetings"]} | {m.team_id for m in found["no_follow_up"]}
    return teams | {c["member"].team_id for c in found["changes"] or ()}


def _audit(db, members, found: dict, filters: dict) -> None:
    """A read in each team the screen shows something of (that is also the member's visit), and the search."""
    shown = _shown_teams(found)
    for member in members:
        if member.team_id in shown:
            audit.record(db, member, "read", team=member.team, category="home")
    if filters["q"]:
        audit.record(db, current_user._get_current_object(), "search", category="home")


@bp.route("/home", access=LOGGED_IN)
def index():
    db = get_session()
    memberships = sorted(memberships_of(db, current_user.id), key=lambda m: m.team.person.family_name.casefold())
    filters = _filters(memberships)
    members = _chosen(memberships, filters)
    found = _sections(db, memberships, members, filters)
    _audit(db, members, found, filters)
    return render_template("home/index.html", filters=filters, memberships=memberships, KINDS=KINDS,
                           by_team={m.team_id: m for m in memberships}, filtered=members != memberships, **found)
