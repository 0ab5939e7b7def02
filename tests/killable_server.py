"""A server that can be killed: the app under gunicorn on a database of its own, and writers that keep posting
to it and keep apart what the server acknowledged (used by the fault tests in test_faults.py)."""
from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import closing
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from urllib.parse import urlencode

from config import ROOT

WRITERS = 3


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """The app under gunicorn (as in production, --preload so a killed worker is replaced at once) on a copy."""

    def __init__(self, folder: Path, database: Path, keyring: Path):
        self.port, self.log = _free_port(), folder / "gunicorn.log"
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "ZORGTEAM_KEYRING": str(keyring),
                    "ZORGTEAM_OUTBOX": str(folder / "outbox"), "ZORGTEAM_SMTP_URL": ""}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "--preload", "--workers", "2", "--threads", "2",
                   "--bind", f"127.0.0.1:{self.port}", "--timeout", "30", "app:app"]
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn stopped: {self.log.read_text()[-2000:]}"
            try:
                if request(self.port, "GET", "/login")[0] == 200:
                    return
            except (OSError, HTTPException):
                time.sleep(0.1)
        raise AssertionError(f"gunicorn did not answer: {self.log.read_text()[-2000:]}")

    def workers(self) -> list[int]:
        pid = self.process.pid
        try:
            return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except FileNotFoundError:
            return []

    def kill_a_worker(self) -> bool:
        workers = self.workers()
        if not workers:
            return False
        os.kill(random.choice(workers), signal.SIGKILL)
        return True

    def log_tail(self) -> str:
        return self.log.read_text()[-3000:] if self.log.exists() else ""

    def kill_everything(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def request(port: int, method: str, path: str, body: str | None = None, cookie: str | None = None):
    """One request on a new connection: (status, text); OSError, or HTTPException when the server died under it
    while answering (an incomplete answer is not an acknowledgement)."""
    connection = HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        headers = {"Cookie": f"session={cookie}"} if cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


class Writers:
    """Threads posting numbered messages until told to stop; what the server acknowledged is kept apart."""

    def __init__(self, port: int, path: str, cookie: str, token: str):
        self.port, self.path, self.cookie, self.token = port, path, cookie, token
        self.acknowledged: list[str] = []
        self.interrupted = 0
        self.in_flight = 0
        self.last_error: Exception | None = None
        self.statuses: dict[int, int] = {}
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._write, args=(n,), daemon=True) for n in range(WRITERS)]

    def _write(self, n: int) -> None:
        count = 0
        while not self.stop.is_set():
            count += 1
            body = f"Bericht {n}-{count} onder vuur ({uuid.uuid4().hex[:8]})"
            form = urlencode({"body": body, "audience": "team", "csrf_token": self.token})
            self.in_flight += 1
            try:
                status, _text = request(self.port, "POST", self.path, form, self.cookie)
            except (OSError, HTTPException) as error:  # HTTPException: cut off in the middle of the answer
                self.last_error = error
                self.interrupted += 1  # killed under it, or not yet back: not acknowledged
                time.sleep(0.02)
                continue
            finally:
                self.in_flight -= 1
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if 200 <= status < 400:
                self.acknowledged.append(body)

    def progress(self, since: int, server: Gunicorn, timeout: float = 90) -> None:
        """Wait until the server acknowledged a write after the `since`-th: it is up and writing again."""
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) <= since:
            alive = sum(thread.is_alive() for thread in self.threads)
            assert alive and time.monotonic() < deadline, (
                f"no acknowledged write for {timeout} s: {self.statuses}, {alive} writers left, last error "
                f"{self.last_error!r}; gunicorn: {server.log_tail()}")
            time.sleep(0.01)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)
