"""The access log page ("who viewed my data") and `flask audit verify`."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from flask import Flask, current_app, render_template, request
from sqlalchemy import select

from models import AuditEvent, Member, audit
from models.audit import verify
from models.permissions import Permission
from zorgteam import labels
from zorgteam.access import Blueprint
from zorgteam.db import get_session

bp = Blueprint("audit", __name__, url_prefix="/teams/<team_id>")
PAGE = 200


def _who(event: AuditEvent, members_by_user: dict) -> str:
    actor = members_by_user.get(event.actor_id)
    if actor is not None:
        return f"{actor.name} ({labels.role_label(actor)})"
    return str(labels.OUTSIDER if event.actor_id else labels.SYSTEM)


def _subject(event: AuditEvent) -> str:
    category = event.category or ""
    if event.action == "hand-over" and category in labels.DESIGNATIONS:
        return str(labels.DESIGNATIONS[category])
    resource = category.split(":")[0]  # a denied permission such as "access-log:view"
    found = labels.OBJECTS.get(category) or labels.OBJECTS.get(resource) or labels.OBJECTS.get(event.object_type or "")
    return str(found or labels.SOME_PAGE)


def describe(event: AuditEvent, members_by_user: dict) -> dict:
    """One entry in plain words: who (with role), what, on what, when."""
    what = labels.ACTIONS.get(event.action, event.action)
    return {"who": _who(event, members_by_user), "what": what, "subject": _subject(event), "at": event.at,
            "outcome": event.outcome}


def _older_than() -> int | None:
    """The page to show: entries before this sequence number (None: the newest)."""
    raw = request.args.get("before", "")
    # ASCII digits only ("²" is a digit to isdigit, not to int), and short enough for the database's integers
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 16 else None


@bp.route("/access-log/", access=Permission.ACCESS_LOG_VIEW)
def access_log(team, member):
    db = get_session()
    audit.record(db, member, "read", team=team, category="access-log")
    db.flush()  # the list shows this read too (a GET does not autoflush)
    query = select(AuditEvent).where(AuditEvent.team_id == team.id)
    before = _older_than()
    if before is not None:
        query = query.where(AuditEvent.seq < before)
    events = list(db.scalars(query.order_by(AuditEvent.seq.desc()).limit(PAGE + 1)))
    members = db.scalars(select(Member).where(Member.team_id == team.id, Member.user_id.is_not(None)))
    by_user = {m.user_id: m for m in members}
    older = events[PAGE - 1].seq if len(events) > PAGE else None
    return render_template("audit/access_log.html", team=team, member=member, older=older,
                           entries=[describe(e, by_user) for e in events[:PAGE]], paged=before is not None)


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
    group = AppGroup("audit", help="The audit trail.")
    group.add_command(verify_command)
    app.cli.add_command(group)
