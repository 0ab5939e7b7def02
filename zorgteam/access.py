"""Access control by construction: every route declares who may call it, and one guard enforces it before every request.

A route under /teams/<team_id>/ names a Permission; the guard resolves the team and the caller's membership,
answers 404 to outsiders and 403 to members without the permission, and hands the view `team` and `member`.
A closed team is read-only: the guard answers 409 to every change and to every form page for one, except the
person's rights over the record (models/permissions.py WHEN_CLOSED).
"""
from __future__ import annotations

import uuid
from enum import Enum

import flask
from flask import Flask, abort, g, redirect, render_template, request, url_for
from flask_login import current_user
from models import CareTeam, audit
from models.members import NotAllowed, load_membership
from models.permissions import PERSONS_RIGHTS, WHEN_CLOSED, Permission
from models.teams import NotInTeam
from zorgteam.db import READS_FIRST, get_session, keep_changes


class Access(Enum):
    PUBLIC = "public"
    LOGGED_IN = "logged-in"
    ZONE_STAFF = "zone-staff"  # logged in as staff of the primary care zone: who manage the social map


PUBLIC, LOGGED_IN, ZONE_STAFF = Access.PUBLIC, Access.LOGGED_IN, Access.ZONE_STAFF

# Flask's own static route serves files only; it is the one route not declared through our Blueprint.
BUILTIN_PUBLIC = frozenset({"static"})


class MissingAccessRule(TypeError):
    """A route was declared without saying who may call it."""


class Blueprint(flask.Blueprint):
    """A blueprint whose routes must say who may call them: `@bp.route("/", access=Permission.TEAM_VIEW)`.

    `change_form=True` says that the route's GET is the form of a change although a reading permission guards it
    (an owner declining an agreement, a carer reporting a medication problem): a closed team answers it with its
    'closed' page, as it answers the POST, instead of a form that cannot be sent."""

    def route(self, rule: str, *, access: Access | Permission | None = None, change_form: bool = False,
              **options):
        if not isinstance(access, (Access, Permission)):
            raise MissingAccessRule(f"route {rule!r} of blueprint {self.name!r} declares no access rule")
        base = super().route(rule, **options)

        def decorator(view):
            view.access, view.change_form = access, change_form
            return base(view)
        return decorator


def rule_of(app: Flask, endpoint: str | None):
    """The declared access rule of an endpoint; None when there is none (the guard then refuses)."""
    if endpoint in BUILTIN_PUBLIC:
        return PUBLIC
    view = app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def _login_redirect():
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _deny(member, team, permission):
    audit.record(get_session(), member, "denied", team=team, category=str(permission), outcome="denied")
    keep_changes()
    abort(403)


def _refuse_outsider(session, team_id: uuid.UUID):
    """404, as for a team that does not exist; the attempt on a real team is still in its audit trail."""
    team = session.get(CareTeam, team_id)
    if team is not None:
        audit.record(session, current_user._get_current_object(), "denied", team=team, outcome="denied")
        keep_changes()
    abort(404)


def _closed_to(team, permission: Permission) -> bool:
    """Whether a closed team refuses this request: every POST (some are declared with a reading permission, such
    as an owner ticking off an agreement) and every page for a change, but not the person's rights."""
    if not team.closed or permission in PERSONS_RIGHTS:
        return False
    if request.method not in READS_FIRST or permission not in WHEN_CLOSED:
        return True
    return getattr(flask.current_app.view_functions.get(request.endpoint), "change_form", False)


def _refuse_closed(member, team):
    """A change to a closed team: refused with a page that says so (and the attempt is audited)."""
    audit.record(get_session(), member, "denied", team=team, category="team:closed", outcome="denied")
    keep_changes()
    return render_template("lifecycle/closed.html", team=team, member=member), 409


def _authorise_team(permission: Permission):
    """Resolve <team_id> to the team and the caller's membership; 404 for outsiders, 403 without permission,
    409 for a change to a closed team."""
    args = request.view_args or {}
    try:
        team_id = uuid.UUID(str(args.get("team_id")))
    except ValueError:
        abort(404)
    session = get_session()
    member = load_membership(session, team_id, current_user.id)
    if member is None:
        _refuse_outsider(session, team_id)
    team = member.team
    if _closed_to(team, permission):
        return _refuse_closed(member, team)
    if not member.may(permission):
        _deny(member, team, permission)
    del args["team_id"]
    args["team"], args["member"] = team, member
    g.team, g.member = team, member
    return None


def guard():
    """Runs before every request; fails closed."""
    if request.endpoint is None:
        return None  # no route matched: Flask answers 404 or 405 itself
    access = rule_of(flask.current_app, request.endpoint)
    if access is None:
        abort(500)
    if access is PUBLIC:
        return None
    if not current_user.is_authenticated:
        return _login_redirect()
    if isinstance(access, Permission):
        return _authorise_team(access)
    if access is ZONE_STAFF and not current_user.zone_staff:
        _refuse_non_staff()
    return None


def _refuse_non_staff():
    """403 for a page of the social map's management; the attempt is in the audit trail."""
    audit.record(get_session(), current_user._get_current_object(), "denied", category="zone-staff",
                 outcome="denied")
    keep_changes()
    abort(403)


def team_child(team: CareTeam, model, record_id):
    """A record of `team` by id, or 404: another team's ids are indistinguishable from ids that do not exist."""
    try:
        return team.get(get_session(), model, record_id)
    except NotInTeam:
        abort(404)


def _not_allowed(_error):
    abort(403)


def init_app(app: Flask) -> None:
    app.before_request(guard)
    app.register_error_handler(NotAllowed, _not_allowed)
