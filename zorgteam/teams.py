"""My care teams (with a search on the person's name) and a team's overview."""
from __future__ import annotations

from datetime import date

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from models import audit
from models.agreements import first_open
from models.consent import may_see
from models.goals import life_goal_texts
from models.info import sheet_of
from models.meetings import next_meeting
from models.members import current_designations, team_cards, team_members
from models.permissions import Permission
from models.socialmap import first_contacts
from models.socialmap.referrals import median_days_to_start, referrals_of
from zorgteam.access import LOGGED_IN, PUBLIC, Blueprint
from zorgteam.db import get_session
from zorgteam.home import landing

bp = Blueprint("teams", __name__)


@bp.route("/", access=PUBLIC)
def home():
    """Logged in: family carers and volunteers land on their tasks, everyone else on their home screen."""
    return redirect(landing() if current_user.is_authenticated else url_for("auth.login"))


def _matches(team, query: str) -> bool:
    return query.casefold() in team.full_name.casefold()


@bp.route("/teams/", access=LOGGED_IN)
def index():
    """The user's teams, the closed ones apart; the name search decrypts only these teams and filters in memory."""
    db = get_session()
    teams = sorted(team_cards(db, current_user.id), key=lambda t: t.family_name.casefold())
    query = (request.args.get("q") or "").strip()[:100]
    if query:
        teams = [t for t in teams if _matches(t, query)]
        audit.record(db, current_user._get_current_object(), "search", category="teams")
    return render_template("teams/index.html", teams=[t for t in teams if not t.closed], query=query,
                           closed=[t for t in teams if t.closed], teams_url=url_for("teams.index"))


@bp.route("/teams/<team_id>/", access=Permission.TEAM_VIEW)
def overview(team, member):
    db = get_session()
    audit.record(db, member, "read", team=team, target=team.person, category="overview")
    members = team_members(db, team)
    return render_template("teams/overview.html", team=team, member=member, person=team.person, members=members,
                           designations=current_designations(db, team, members_loaded=True),
                           life_goals=life_goal_texts(db, team.id) if member.may(Permission.GOALS_VIEW) else [],
                           allergies=_allergies(db, team, member), next_meeting=_next_meeting(db, team, member),
                           agreements=_agreements(db, member), **_social_map(db, team, member))


def _allergies(db, team, member) -> str | None:
    """Allergies stand out on the overview, for those the person lets see their condition (and that read is logged)."""
    if not may_see(db, member, "condition"):
        return None
    sheet = sheet_of(db, team.id, "condition")
    allergies = sheet.value("allergies") if sheet else None
    if allergies:
        audit.record(db, member, "read", team=team, category="condition")
    return allergies


def _agreements(db, member) -> list:
    """A few open agreements for the overview: the member's own first, then the soonest due."""
    return first_open(db, member, 5)


def _social_map(db, team, member) -> dict:
    """The team's referrals (for who may see them) and the first points of contact where the person lives."""
    if not member.may(Permission.REFERRALS_VIEW):
        return {"referrals": [], "first_contacts": [], "today": date.today()}
    referrals = referrals_of(db, team.id, referrer=False)
    postcode = (team.person.address or {}).get("postcode")
    return {"referrals": referrals, "median_days": median_days_to_start(referrals),
            "first_contacts": first_contacts(db, postcode), "today": date.today()}


def _next_meeting(db, team, member):
    """The next meeting, for whoever reads the team's meetings or is invited to it."""
    found = next_meeting(db, team.id)
    if found is None or not (member.may(Permission.MEETINGS_READ) or found.invitee_of(member.id)):
        return None
    return found
