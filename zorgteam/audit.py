"""The access log page ("who viewed my data") and `flask audit verify`."""
from __future__ import annotations

import click
from flask import Flask, current_app, render_template
from sqlalchemy import select

from models import AuditEvent, Member, audit
from models.audit import verify
from models.permissions import Permission
from zorgteam import labels
from zorgteam.access import Blueprint
from zorgteam.db import get_session

bp = Blueprint("audit", __name__, url_prefix="/teams/<team_id>")
PAGE = 200


def describe(event: AuditEvent, members_by_user: dict) -> dict:
    """One entry in plain words: who (with role), what, on what, when."""
    actor = members_by_user.get(event.actor_id)
    who = f"{actor.name} ({labels.role_label(actor)})" if actor else str(labels.SYSTEM)
    what = labels.ACTIONS.get(event.action, event.action)
    subject = labels.OBJECTS.get(event.category or "", None) or labels.OBJECTS.get(event.object_type or "", "")
    return {"who": who, "what": what, "subject": subject, "at": event.at, "outcome": event.outcome}


@bp.route("/access-log/", access=Permission.ACCESS_LOG_VIEW)
def access_log(team, member):
    db = get_session()
    audit.record(db, member, "read", team=team, category="access-log")
    events = db.scalars(select(AuditEvent).where(AuditEvent.team_id == team.id)
                        .order_by(AuditEvent.seq.desc()).limit(PAGE))
    members = db.scalars(select(Member).where(Member.team_id == team.id, Member.user_id.is_not(None)))
    by_user = {m.user_id: m for m in members}
    return render_template("audit/access_log.html", team=team, member=member,
                           entries=[describe(e, by_user) for e in events])


@click.command("verify")
def verify_command():
    """Check the audit trail; exits 1 naming the first entry that was edited, removed or reordered."""
    db = current_app.extensions["zorgteam.db"]
    with db.session() as session:
        bad = verify(session, db.vault.keyring.audit_key)
    if bad is not None:
        click.echo(f"Audit trail broken at entry {bad}.", err=True)
        raise SystemExit(1)
    click.echo("Audit trail intact.")


def init_app(app: Flask) -> None:
    group = click.Group("audit", help="The audit trail.")
    group.add_command(verify_command)
    app.cli.add_command(group)
