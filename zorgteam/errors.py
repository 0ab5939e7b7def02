"""Friendly error pages with a reference number; never a stack trace.

A database that is locked, full or gone answers 503 with a page that needs neither the database nor the session,
so that it still renders while the database is the thing that fails.
"""
from __future__ import annotations

import logging
import re
import secrets

from flask import Flask, abort, current_app, g, make_response, render_template, request, session
from flask_babel import force_locale
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

from zorgteam.headers import secure

log = logging.getLogger(__name__)

KNOWN = (400, 403, 404, 405, 409, 413, 429, 500, 503)
RETRY_AFTER_SECONDS = 60
VERSION = re.compile(r"[0-9]{1,18}")


def _reference() -> str:
    return g.get("request_id") or secrets.token_hex(6)


def error_page(code: int, reference: str | None = None):
    """The error page for `code` as a response."""
    return render_template("errors/error.html", code=code, reference=reference or _reference()), code


def _language() -> str:
    """The language for a page rendered without the database: the session's choice, else the loaded user's."""
    try:
        chosen = session.get("lang")
    except (AssertionError, AttributeError):  # the session itself could not be opened
        chosen = None
    user = g.get("_login_user")
    chosen = chosen or (user.__dict__.get("language") if user is not None else None)  # no lazy load
    return chosen if chosen in ("nl", "en") else "nl"


def unavailable(reference: str | None = None):
    """503 for a database that is locked, full or unreachable: rendered without touching it, headers included."""
    template = current_app.jinja_env.get_template("errors/unavailable.html")
    with force_locale(_language()):  # rendered without the context processors: they read the user and session
        body = template.render(reference=reference or _reference())
    response = make_response(body, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return secure(response)


def _http_error(error: HTTPException):
    if isinstance(getattr(error, "original_exception", None), OperationalError):
        return _database_unavailable(error.original_exception)  # failed before the view: opening the session
    code = error.code if error.code in KNOWN else 500
    return error_page(code)


def database_failed() -> bool:
    """Whether this request found the database unusable: the hooks that still run must leave it alone."""
    return g.get("database_failed", False)


def _abandon_transaction() -> None:
    session = g.get("db")
    if session is not None:
        session.rollback()  # nothing of the request is kept; needs no lock, even on a locked database


def _database_unavailable(error: OperationalError):
    reference = _reference()
    log.error("database unavailable, reference %s: %s", reference, error.orig)
    g.database_failed = True
    _abandon_transaction()
    return unavailable(reference)


def _refused_by_database(error: DataError):
    # A value the database refuses (PostgreSQL: a NUL character, a text longer than its column): the request was
    # wrong, not the server, and nothing of it is kept.
    log.warning("value refused by the database, reference %s: %s", _reference(), error.orig)
    _abandon_transaction()
    return error_page(400)


def _crash(error: Exception):
    reference = _reference()
    log.exception("unhandled error, reference %s", reference)
    return error_page(500, reference)


def refuse_malformed_input() -> None:
    """Refuse, once for every form, what no person types and would otherwise crash deeper down (400):
    - a NUL character: PostgreSQL cannot store it in text, so it would fail only there, and late;
    - a version posted back by an edit form (optimistic locking) that is not a whole number."""
    if request.method != "POST":
        return
    if any("\x00" in value for values in request.form.listvalues() for value in values):
        abort(400)
    seen = request.form.get("version")
    if seen and not VERSION.fullmatch(seen):
        abort(400)


def init_app(app: Flask) -> None:
    app.before_request(refuse_malformed_input)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(DataError, _refused_by_database)
    app.register_error_handler(Exception, _crash)
