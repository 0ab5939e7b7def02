"""Taking one's data along (gegevens meenemen): the export page and its downloads on the team, and
`flask export-person TEAM_ID --format json|fhir`. The record itself is built in models/export.py."""
from __future__ import annotations

import uuid
from datetime import date

import click
from flask import Flask, Response, current_app, render_template

from models import CareTeam
from models.export import export_text
from models.permissions import Permission
from zorgteam.access import Blueprint
from zorgteam.db import get_session

bp = Blueprint("export", __name__, url_prefix="/teams/<team_id>/export")
MEDIA_TYPES = {"json": "application/json", "fhir": "application/fhir+json"}


@bp.route("/", access=Permission.RECORD_EXPORT)
def index(team, member):
    return render_template("export/index.html", team=team, member=member)


def _download(team, member, fmt: str) -> Response:
    """The file, as an attachment; named without the person's name (downloads folders are not private)."""
    text = export_text(get_session(), team, member, fmt)
    name = f"zorgteam-{'fhir' if fmt == 'fhir' else 'gegevens'}-{date.today().isoformat()}.json"
    return Response(text, mimetype=MEDIA_TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/record.json", access=Permission.RECORD_EXPORT)
def record_json(team, member):
    return _download(team, member, "json")


@bp.route("/record.fhir.json", access=Permission.RECORD_EXPORT)
def record_fhir(team, member):
    return _download(team, member, "fhir")


@click.command("export-person")
@click.argument("team_id")
@click.option("--format", "fmt", type=click.Choice(list(MEDIA_TYPES)), default="json", show_default=True,
              help="json: Zorgteam's own document (docs/export-schema.json); fhir: a FHIR R4 Bundle.")
def export_person_command(team_id: str, fmt: str):
    """Write the person's complete record to standard output (GDPR access and portability); audited."""
    db = current_app.extensions["zorgteam.db"]
    with db.session() as session, session.begin():
        team = session.get(CareTeam, _uuid(team_id))
        if team is None:
            raise click.ClickException(f"No care team {team_id}.")
        text = export_text(session, team, None, fmt)
    click.echo(text)  # only once the audit entry is committed


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise click.BadParameter("a care team id is a UUID, as in /teams/<id>/", param_hint="TEAM_ID") from None


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(export_person_command)
