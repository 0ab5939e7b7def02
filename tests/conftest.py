"""Test harness: one database per run (DATABASE_URL, or a fresh SQLite file), migrated to head, the demo loaded once.

Each test runs inside an outer transaction on one connection, the app's sessions in savepoints on it
(SQLAlchemy's "join an external transaction" recipe), and rolls back to the demo afterwards.
"""
from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

from models import CareTeam, Keyring, Member, User, WebSession, demo
from models.users import seal_session_data, token_hash
from zorgteam import create_app
from zorgteam.cli import alembic_config

PASSWORD = demo.PASSWORD


def _reset_schema(url: str) -> None:
    """Start from an empty database."""
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    _reset_schema(url)
    command.upgrade(_cfg(url), "head")
    return url


def _cfg(url: str):
    cfg = alembic_config(url)
    return cfg


@pytest.fixture(scope="session")
def keyring_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    Keyring.generate().save(path)
    return path


@pytest.fixture(scope="session")
def app(database_url, keyring_path, tmp_path_factory):
    app = create_app({"database_url": database_url, "keyring": str(keyring_path), "smtp_url": None,
                      "outbox": str(tmp_path_factory.mktemp("outbox")), "base_url": "http://zorgteam.test"})
    app.config.update(TESTING=True)
    database = app.extensions["zorgteam.db"]
    with database.session() as session, session.begin():
        demo.load(session)
    return app


@pytest.fixture
def database(app):
    """The app's database, its sessions joined to a transaction that is rolled back after the test."""
    database = app.extensions["zorgteam.db"]
    connection = database.engine.connect()
    outer = connection.begin()
    database.bind(connection, join_transaction_mode="create_savepoint")
    yield database
    database.bind(database.engine)
    outer.rollback()
    connection.close()


@pytest.fixture
def db(database):
    """A session for the test's own reads and writes (in the same rolled-back transaction)."""
    session = database.session()
    yield session
    session.close()


@pytest.fixture
def client(app, database):
    """A test client with CSRF checks off (test_csrf.py keeps them on)."""
    app.config["WTF_CSRF_ENABLED"] = False
    yield app.test_client()
    app.config["WTF_CSRF_ENABLED"] = True


@pytest.fixture
def csrf_client(app, database):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


@pytest.fixture
def outbox(app):
    """The .eml files written during the test, newest last."""
    folder = app.config["ZORGTEAM"].outbox
    before = set(folder.glob("*.eml")) if folder.exists() else set()

    def read() -> list[str]:
        files = sorted(set(folder.glob("*.eml")) - before, key=lambda p: p.stat().st_mtime)
        return [p.read_text() for p in files]
    return read


@dataclass
class Demo:
    """Handles on the demo scenario: users by first name, Johan's and Rita's teams."""

    session: object

    def user(self, key: str) -> User:
        return self.session.scalar(select(User).where(User.email == f"{key}@zorgteam.example"))

    def member(self, key: str, team=None) -> Member:
        team = team or self.johan_team
        return self.session.scalar(select(Member).where(Member.team_id == team.id,
                                                        Member.user_id == self.user(key).id))

    def _team_of(self, key: str) -> CareTeam:
        user = self.user(key)
        return self.session.scalar(select(CareTeam).join(Member, Member.team_id == CareTeam.id)
                                   .where(Member.user_id == user.id))

    @property
    def johan_team(self) -> CareTeam:
        return self._team_of("johan")

    @property
    def rita_team(self) -> CareTeam:
        return self._team_of("hanne")


@pytest.fixture
def world(db) -> Demo:
    return Demo(db)


def login(client, db, user: User) -> None:
    """Log `user` in on `client` without the password round trip (test_auth.py covers the real form)."""
    token = uuid.uuid4().hex
    db.add(WebSession(id=token_hash(token), user_id=user.id,
                      data=seal_session_data(token, {"_user_id": str(user.id), "_fresh": True})))
    db.commit()
    client.set_cookie("session", token)


@pytest.fixture
def login_as(client, db, world):
    """`login_as("karim")` logs that demo user in on `client`."""
    def do(key: str):
        login(client, db, world.user(key))
        return client
    return do


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
