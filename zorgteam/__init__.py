"""The web layer. `create_app` reads as its table of contents."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

import config
from models import Keyring, KeyringError, Vault
from zorgteam import (access, accounts, agreements, audit, auth, calendar, careplan, cli, consent, db, errors,
                      export, goals, headers, home, i18n, info, labels, lifecycle, mail, meetings, members,
                      messages, privacy, sessions, socialmap, teams, urls)


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app from the settings; refuses to start without a proper keyring."""
    settings = config.load(overrides)
    keyring = Keyring.load(settings.keyring)
    check_keyring_location(settings)
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.update(SECRET_KEY=settings.secret_key or keyring.secret_key, ZORGTEAM=settings,
                      SESSION_COOKIE_SECURE=settings.production, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", MAX_CONTENT_LENGTH=2 * 1024 * 1024,
                      WTF_CSRF_TIME_LIMIT=None)
    _install_foundation(app, settings, keyring)
    _install_pages(app)
    _install_commands(app)
    return app


def _install_foundation(app: Flask, settings, keyring: Keyring) -> None:
    """What every request passes through: the database (and the mail sent after its commit), the session, errors,
    headers, language, login, access."""
    db.init_app(app, settings.database_url, Vault(keyring))   # first: its commit runs after every other hook
    mail.init_app(app)  # mail queued in a transaction goes out once it commits
    sessions.init_app(app)
    errors.init_app(app)
    headers.init_app(app, settings.production)
    i18n.init_app(app)
    labels.init_app(app)
    urls.init_app(app)
    auth.init_app(app)
    access.init_app(app)


def _install_pages(app: Flask) -> None:
    """One blueprint (or package) per concept."""
    from zorgteam import erasure, revisions  # here: `python -m zorgteam.keys init` must not import itself first
    for blueprint in (auth.bp, accounts.bp, teams.bp, home.bp, members.bp, goals.bp, audit.bp, meetings.bp,
                      calendar.bp, consent.bp, careplan.bp):
        app.register_blueprint(blueprint)
    for concept in (privacy, info, messages, agreements, export, erasure, revisions, lifecycle, socialmap):
        concept.init_app(app)


def _install_commands(app: Flask) -> None:
    """`flask --app app ...`: db, demo, create-user, audit, keys, backup, notify and the person's rights."""
    from zorgteam import backup, keys  # see _install_pages
    for concept in (cli, keys, backup, audit):
        concept.init_app(app)


def check_keyring_location(settings) -> None:
    """In production the keyring must not sit beside the database file."""
    url = settings.database_url
    if settings.production and url.startswith("sqlite:///"):
        if Path(url[len("sqlite:///"):]).resolve().parent == settings.keyring.resolve().parent:
            raise KeyringError("De sleutelbos staat in dezelfde map als de database; zet hem elders.")
