"""A benchmark dataset: a fresh SQLite database and its own keyring in a directory of its own, filled with the
demo and `flask --app app demo --scale N`, and the coordinator's credentials (a session, a CSRF token, a feed)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "app"]


@dataclass
class Dataset:
    """Where a dataset lives and how to get in as its coordinator."""

    root: Path
    persons: int
    load_seconds: float = 0.0
    session: str = ""
    csrf: str = ""
    feed: str = ""
    teams: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)  # weekly agreements the coordinator may tick off: team/agreement

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.root / 'db' / 'zorgteam.db'}"

    @property
    def keyring(self) -> Path:
        return self.root / "keys" / "keyring.json"  # beside, not inside, the database's directory

    def env(self, **extra) -> dict:
        """The environment of every process that serves or changes this dataset."""
        env = dict(os.environ, DATABASE_URL=self.database_url, ZORGTEAM_KEYRING=str(self.keyring),
                   ZORGTEAM_OUTBOX=str(self.root / "outbox"), PYTHONPATH=str(ROOT))
        env.pop("ZORGTEAM_SMTP_URL", None)
        env.update(extra)
        return env

    def save(self) -> None:
        data = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}
        (self.root / "dataset.json").write_text(json.dumps(data, indent=1))

    @classmethod
    def open(cls, root: Path) -> Dataset | None:
        path = root / "dataset.json"
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        data["root"] = Path(data["root"])
        return cls(**data)


def _flask(dataset: Dataset, *args: str) -> str:
    done = subprocess.run(FLASK + list(args), cwd=ROOT, env=dataset.env(), check=True, capture_output=True, text=True)
    return done.stdout


def build(root: Path, persons: int, log=print) -> Dataset:
    """A fresh dataset of `persons` synthetic persons (plus the demo) in `root`, which is emptied first."""
    from models import Keyring

    shutil.rmtree(root, ignore_errors=True)
    (root / "db").mkdir(parents=True)
    dataset = Dataset(root, persons)
    Keyring.generate().save(dataset.keyring)
    _flask(dataset, "db", "upgrade")
    _flask(dataset, "demo")
    log(f"  loading {persons} synthetic persons into {root} ...")
    started = time.perf_counter()
    _flask(dataset, "demo", "--scale", str(persons))
    dataset.load_seconds = time.perf_counter() - started
    log(f"  loaded in {dataset.load_seconds:.0f} s")
    credentials(dataset)
    dataset.save()
    return dataset


def make_app(dataset: Dataset):
    """The app on this dataset, in this process (for credentials and the instrumented runs)."""
    from zorgteam import create_app

    return create_app({"database_url": dataset.database_url, "keyring": str(dataset.keyring),
                       "outbox": str(dataset.root / "outbox"), "smtp_url": None})


def credentials(dataset: Dataset) -> None:
    """Log the coordinator in as tests/conftest.py does (a WebSession row), issue their calendar feed, and open a
    page with a form once so that the session holds a CSRF token; note their teams and weekly agreements."""
    from sqlalchemy import select

    from models import Agreement, Member, User, WebSession
    from models.calendar import issue_feed
    from models.demo_scale import COORDINATOR_EMAIL
    from models.users import seal_session_data, token_hash

    app = make_app(dataset)
    database = app.extensions["zorgteam.db"]
    token = uuid.uuid4().hex
    with database.session() as session, session.begin():
        user = session.scalar(select(User).where(User.email == COORDINATOR_EMAIL))
        session.add(WebSession(id=token_hash(token), user_id=user.id,
                               data=seal_session_data(token, {"_user_id": str(user.id), "_fresh": True})))
        dataset.feed = issue_feed(session, user)
        members = list(session.scalars(select(Member).where(Member.user_id == user.id).order_by(Member.team_id)))
        dataset.teams = [str(m.team_id) for m in members]
        weekly = session.execute(select(Agreement.team_id, Agreement.id).where(
            Agreement.team_id.in_([m.team_id for m in members]), Agreement.recurrence == "weekly",
            Agreement.status == "accepted").order_by(Agreement.team_id, Agreement.id))
        dataset.tasks = [f"{team_id}/{agreement_id}" for team_id, agreement_id in weekly]
    dataset.session = token
    client = app.test_client()
    client.set_cookie("session", token)
    page = client.get(f"/teams/{dataset.teams[0]}/messages/").get_data(as_text=True)
    dataset.csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    app.extensions["zorgteam.db"].engine.dispose()
