"""The web layer. `create_app` reads as its table of contents."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

import config
from models import Keyring, KeyringError, Vault
from zorgteam import (access, accounts, agreements, audit, auth, calendar, careplan, cli, consent, db, errors,
                      export, goals, headers, i18n, info, labels, meetings, members, messages, privacy, sessions,
                      teams)


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app from the settings; refuses to start without a proper keyring."""
    from zorgteam import backup, erasure, keys, revisions  # here: `python -m zorgteam.keys init` must not import itself first

    settings = config.load(overrides)
    keyring = Keyring.load(settings.keyring)
    check_keyring_location(settings)
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.update(SECRET_KEY=settings.secret_key or keyring.secret_key, ZORGTEAM=settings,
                      SESSION_COOKIE_SECURE=settings.production, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", MAX_CONTENT_LENGTH=2 * 1024 * 1024,
                      WTF_CSRF_TIME_LIMIT=None)
    db.init_app(app, settings.database_url, Vault(keyring))   # first: its commit runs after every other hook
    sessions.init_app(app)
    errors.init_app(app)
    headers.init_app(app, settings.production)
    i18n.init_app(app)
    labels.init_app(app)
    auth.init_app(app)
    access.init_app(app)
    for blueprint in (auth.bp, accounts.bp, teams.bp, members.bp, goals.bp, audit.bp, meetings.bp, calendar.bp,
                      consent.bp, careplan.bp, privacy.bp):
        app.register_blueprint(blueprint)
    app.jinja_env.globals.update(in_privacy_section=privacy.in_section)
    info.init_app(app)
    messages.init_app(app)
    agreements.init_app(app)
    export.init_app(app)
    cli.init_app(app)
    keys.init_app(app)
    erasure.init_app(app)
    backup.init_app(app)
    revisions.init_app(app)
    audit.init_app(app)
    return app


def check_keyring_location(settings) -> None:
    """In production the keyring must not sit beside the database file."""
    url = settings.database_url
    if settings.production and url.startswith("sqlite:///"):
        if Path(url[len("sqlite:///"):]).resolve().parent == settings.keyring.resolve().parent:
            raise KeyringError("De sleutelbos staat in dezelfde map als de database; zet hem elders.")
