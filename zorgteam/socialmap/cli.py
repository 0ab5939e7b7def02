"""`flask --app app socialmap import FILE` (all or nothing, idempotent) and `socialmap staff EMAIL` (zone staff)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from models.socialmap.importer import ImportFailed, import_file
from models.users import find_user

group = AppGroup("socialmap", help="The social map (sociale kaart).")


@group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path):
    """Import organisations and services from a CSV or JSON file (docs/socialmap-format.md)."""
    db = current_app.extensions["zorgteam.db"]
    try:
        with db.session() as session, session.begin():
            result = import_file(session, path)
    except ImportFailed as failed:
        for error in failed.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(failed.errors)} fout(en): er werd niets ingelezen.") from None
    if not result.changed:
        click.echo(f"Niets gewijzigd: de {result.unchanged} organisatie(s) in het bestand staan al zo op de kaart.")
        return
    click.echo(f"{result.created} nieuw, {result.updated} bijgewerkt, {result.unchanged} ongewijzigd.")


@group.command("staff")
@click.argument("email")
@click.option("--remove", is_flag=True, help="No longer zone staff.")
def staff_command(email: str, remove: bool):
    """Mark an account as zone staff, who manage the social map (or, with --remove, no longer)."""
    db = current_app.extensions["zorgteam.db"]
    with db.session() as session, session.begin():
        user = find_user(session, email)
        if user is None:
            raise click.ClickException("Er bestaat geen account met dit e-mailadres.")
        user.zone_staff = not remove
    click.echo(f"{email} {'beheert de sociale kaart niet meer' if remove else 'beheert nu de sociale kaart'}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(group)
