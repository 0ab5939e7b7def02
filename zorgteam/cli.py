"""Command line: `flask --app app db upgrade | demo | create-user` (audit and keys register their own groups)."""
from __future__ import annotations

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

import config
from models import demo, demo_scale
from models.users import PasswordRejected, User, find_user


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(config.ROOT / "alembic.ini"))
    cfg.attributes["url"] = url or current_app.config["ZORGTEAM"].database_url
    return cfg


@click.command("upgrade")
def upgrade_command():
    """Upgrade the database to the latest migration."""
    command.upgrade(alembic_config(), "head")
    click.echo("Database is up to date.")


@click.command("demo")
@click.option("--reset", is_flag=True, help="Start from an empty database.")
@click.option("--if-empty", is_flag=True, help="Only into a database without any account (make run).")
@click.option("--scale", type=int, default=0, help="Add N synthetic care teams (benchmarks).")
def demo_command(reset: bool, if_empty: bool, scale: int):
    """Load the demo scenario of CONTRACT.md; does nothing when it is already there."""
    db = current_app.extensions["zorgteam.db"]
    if if_empty and not reset:
        with db.session() as session:
            if session.scalar(select(User.id).limit(1)) is not None:
                click.echo("The database holds data; the demo is not loaded.")
                return
    if reset:
        command.downgrade(alembic_config(), "base")
        command.upgrade(alembic_config(), "head")
    with db.session() as session, session.begin():
        loaded = demo.load(session)
    click.echo("Demo loaded." if loaded else "Demo was already there.")
    if scale:
        _scale(db, scale)


def _scale(db, count: int) -> None:
    """Add `count` synthetic care teams in batches, with a progress bar (models/demo_scale.py)."""
    with click.progressbar(length=count, label="Synthetic care teams", show_pos=True) as bar:
        rows = demo_scale.load(db.session, db.vault, count, progress=bar.update)
    click.echo(f"{count} synthetic care team(s) added ({rows} rows); the coordinator is "
               f"{demo_scale.COORDINATOR_EMAIL} (password {demo_scale.PASSWORD}).")


@click.command("create-user")
@click.option("--email", prompt="E-mailadres")
@click.option("--name", prompt="Naam")
@click.password_option(prompt="Wachtwoord")
def create_user_command(email: str, name: str, password: str):
    """Create an account."""
    db = current_app.extensions["zorgteam.db"]
    with db.session() as session, session.begin():
        if find_user(session, email) is not None:
            raise click.ClickException("Er bestaat al een account met dit e-mailadres.")
        user = User(email=email.strip().lower(), name=name)
        try:
            user.set_password(password)
        except PasswordRejected as error:
            raise click.ClickException(str(error)) from None
        session.add(user)
    click.echo(f"Account {email} created.")


def init_app(app: Flask) -> None:
    group = AppGroup("db", help="The database.")
    group.add_command(upgrade_command)
    app.cli.add_command(group)
    app.cli.add_command(demo_command)
    app.cli.add_command(create_user_command)
