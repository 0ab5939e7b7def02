"""Server-side sessions: the cookie holds an opaque random token; the data lives in `web_sessions`, so logout ends it at once.

The row is written in the request's own transaction (an after_request hook that runs before the commit);
save_session only sets or clears the cookie. The data is encrypted under a key derived from the cookie's
token, which the database does not hold.
"""
from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from flask import Flask, current_app, g, session
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import String, bindparam, select
from werkzeug.datastructures import CallbackDict

from models import User, WebSession
from models.base import utcnow
from models.users import open_session_data, seal_session_data, token_hash
from zorgteam.db import get_session
from zorgteam.errors import database_failed

TOUCH_EVERY = timedelta(minutes=1)


class ServerSession(CallbackDict, SessionMixin):
    """The session data of one browser, with what to do with its row and cookie at the end of the request."""

    def __init__(self, initial=None, token: str | None = None, record: WebSession | None = None):
        def on_update(_self):
            _self.modified = True
        super().__init__(initial, on_update)
        self.token, self.record = token, record
        self.modified = False
        self.rotate = False  # a new token at login, against session fixation
        self.ended = False  # logout: the row goes; only what is stored afterwards (a flash) starts a new one
        self.cookie: str | None = None  # "set" or "delete" after persist()

    def regenerate(self) -> None:
        self.clear()
        self.rotate = True

    def end(self) -> None:
        self.clear()
        self.ended = True


def _expired(record: WebSession, settings) -> bool:
    now = utcnow()
    return (now - record.last_seen_at > timedelta(minutes=settings.session_idle_minutes)
            or now - record.created_at > timedelta(hours=settings.session_absolute_hours))


# Built once: every request runs it, and building a statement (and its cache key) costs more than running it.
_SESSION_WITH_ACCOUNT = (select(WebSession, User).outerjoin(User, User.id == WebSession.user_id)
                         .where(WebSession.id == bindparam("token_hash", type_=String())))


def _load(token: str) -> WebSession | None:
    """The session's row, and with it (in the same query) its account, which the login manager then finds in the
    session's identity map instead of asking the database again."""
    db = get_session()
    found = db.execute(_SESSION_WITH_ACCOUNT, {"token_hash": token_hash(token)}).first()
    record, g.session_account = found if found is not None else (None, None)  # held: the identity map is weak
    if record is not None and _expired(record, current_app.config["ZORGTEAM"]):
        db.delete(record)
        return None
    return record


def _write(s: ServerSession) -> None:
    db = get_session()
    if s.record is not None and (s.ended or s.rotate):
        db.delete(s.record)
        s.record = None
        s.cookie = "delete"
    if s.record is None and not dict(s):
        return
    if s.record is None:
        s.token = secrets.token_urlsafe(32)
        s.record = WebSession(id=token_hash(s.token), data="{}")
        db.add(s.record)
        s.cookie = "set"
    if s.modified or s.cookie == "set":
        s.record.data = seal_session_data(s.token, dict(s))
        user_id = s.get("_user_id")
        s.record.user_id = uuid.UUID(user_id) if user_id else None
    if utcnow() - (s.record.last_seen_at or utcnow()) > TOUCH_EVERY:
        s.record.last_seen_at = utcnow()


def persist(response):
    """Write the session row in the request's transaction."""
    current = session._get_current_object()
    if database_failed():
        return response  # the database is locked, full or gone: the session stays as it was
    if isinstance(current, ServerSession) and (current.record is not None or current.modified or current.ended):
        _write(current)
    return response


class ServerSessionInterface(SessionInterface):
    def open_session(self, app, request):
        if request.path.startswith("/static/"):
            return None
        token = request.cookies.get(self.get_cookie_name(app))
        record = _load(token) if token else None
        data = open_session_data(token, record.data) if record is not None else None
        if data is None:
            return ServerSession()
        return ServerSession(data, token, record)

    def save_session(self, app, s, response):
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        if not isinstance(s, ServerSession):
            return
        if s.cookie == "delete" and s.record is None:
            response.delete_cookie(name, domain=domain, path=path)
        if s.cookie == "set" and s.record is not None:
            response.set_cookie(name, s.token, httponly=True, secure=self.get_cookie_secure(app),
                                samesite=self.get_cookie_samesite(app), domain=domain, path=path)
        response.vary.add("Cookie")


def init_app(app: Flask) -> None:
    app.session_interface = ServerSessionInterface()
    app.after_request(persist)
