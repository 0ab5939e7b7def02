"""The database: one engine per app, one session per request on `g`, committed once when the request succeeded."""
from __future__ import annotations

import logging
import uuid
from contextvars import ContextVar

from flask import Flask, current_app, g, request
from sqlalchemy import create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from models import Vault, consent
from models.encrypted import install as install_encryption
from models.revisions import install as install_revisions
from zorgteam.errors import unavailable

log = logging.getLogger(__name__)
READS_FIRST = ("GET", "HEAD", "OPTIONS")  # change nothing but the audit trail and the login session
_reading: ContextVar[bool] = ContextVar("zorgteam_reading", default=False)


class Database:
    """The engine, the session factory and the vault they encrypt with."""

    def __init__(self, url: str, vault: Vault):
        self.engine = make_engine(url)
        self.vault = vault
        self.bind(self.engine)

    def bind(self, bind, **options) -> None:
        """Make sessions on `bind` (tests pass a connection in an outer transaction and savepoint options)."""
        self.factory = sessionmaker(bind, expire_on_commit=False, **options)
        self.owns_transactions = bind is self.engine and self.engine.dialect.name == "sqlite"
        install_encryption(self.factory)
        install_revisions(self.factory)

    def session(self, **kw) -> Session:
        session = self.factory(**kw)
        session.info["vault"] = self.vault
        return session


def _sqlite_pragmas(dbapi_connection, _record):
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=10000", "synchronous=NORMAL"):
        cursor.execute("PRAGMA " + pragma)
    cursor.close()


def _sqlite_begin(connection):
    # IMMEDIATE takes the write lock at the start: almost every request appends to the audit trail, and a
    # deferred transaction that read first could not upgrade once another writer committed. A GET reads in a
    # deferred transaction instead, so GETs run side by side, and takes the lock only for its writes (_relock).
    connection.exec_driver_sql("BEGIN" if _reading.get() else "BEGIN IMMEDIATE")


@event.listens_for(Session, "before_flush", insert=True)  # first: the audit trail then reads its head anew
def _relock(session: Session, _flush_context, _instances) -> None:
    """SQLite, a GET about to write (its audit entries, its login session, a read marker, kept pending without
    autoflush until the commit or an explicit flush): end the read snapshot and take the write lock."""
    if session.info.pop("reads_first", False):
        connection = session.connection()
        connection.exec_driver_sql("COMMIT")
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str):
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _request_id() -> str:
    # The session interface opens the database before any before_request hook runs, so whoever comes first makes it.
    return g.setdefault("request_id", uuid.uuid4().hex[:12])


def _tag_request() -> None:
    _request_id()  # returns nothing: a before_request hook that returns a value becomes the response


def get_session() -> Session:
    """The request's session, created on first use."""
    if "db" not in g:
        database = current_app.extensions["zorgteam.db"]
        reading = request.method in READS_FIRST
        _reading.set(reading)
        g.db = database.session(autoflush=not reading)
        g.db.info["reads_first"] = reading and database.owns_transactions
        g.db.info["request_context"] = {"ip": request.remote_addr, "request_id": _request_id()}
        consent.per_request(g.db)
    return g.db


def keep_changes() -> None:
    """Commit this request's changes even though it answers with an error (a denied access is still audited)."""
    g.keep_changes = True


def _finish(response):
    session = g.pop("db", None)
    if session is None:
        return response
    try:
        if response.status_code < 400 or g.get("keep_changes"):
            session.commit()
        else:
            session.rollback()
    except SQLAlchemyError:
        session.rollback()
        log.exception("commit failed; nothing of this request was kept")
        return unavailable()  # a Response, secured here: the other after_request hooks have already run
    finally:
        session.close()
        _reading.set(False)
    return response


def _close(_exc):
    session = g.pop("db", None)
    _reading.set(False)
    if session is not None:
        session.rollback()
        session.close()


def init_app(app: Flask, url: str, vault: Vault) -> None:
    app.extensions["zorgteam.db"] = Database(url, vault)
    app.before_request(_tag_request)
    app.after_request(_finish)
    app.teardown_request(_close)
