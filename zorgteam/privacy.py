"""The person's rights in one place ("Privacy"): who sees what, who looked, corrections, the care plan, taking the
data along and erasure; each link shown only to those who may use it, so the team menu stays short."""
from __future__ import annotations

from flask import Flask, render_template

from models.permissions import Permission
from zorgteam.access import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/teams/<team_id>")
# The pages this one leads to: the team menu marks "Privacy" as current on each of them.
SECTIONS = ("privacy.", "consent.", "audit.", "revisions.", "export.", "careplan.", "erasure.")


@bp.route("/privacy", access=Permission.TEAM_VIEW)
def index(team, member):
    return render_template("privacy/index.html", team=team, member=member)


def in_section(endpoint: str | None) -> bool:
    return bool(endpoint) and endpoint.startswith(SECTIONS)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(in_privacy_section=in_section)
