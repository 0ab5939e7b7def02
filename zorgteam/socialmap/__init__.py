"""The social map in the browser: the directory and its search, the zone staff's pages (organisations, contact
persons, proposals), the team's referrals, and the `flask socialmap` commands."""
from __future__ import annotations

from datetime import date

from flask import Flask

from zorgteam.socialmap import cli, contacts, directory, manage, proposals, referrals, texts


def init_app(app: Flask) -> None:
    app.register_blueprint(directory.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(contacts.bp)
    app.register_blueprint(proposals.bp)
    app.register_blueprint(referrals.bp)
    app.jinja_env.globals.update(NEEDS=texts.NEEDS, ORGANISATION_KINDS=texts.KINDS,
                                 DIRECTORY_LANGUAGES=texts.LANGUAGES, REFERRAL_STATUSES=texts.REFERRAL_STATUSES)
    app.jinja_env.filters["from_iso"] = date.fromisoformat
    cli.init_app(app)
