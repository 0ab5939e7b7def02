"""Serving under gunicorn as the README says for production, and watching the workers' memory (RSS from /proc)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4  # README.md, "In production": gunicorn -w 4 (on this 2-core machine also 2 * cores, the usual advice)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


class Server:
    """gunicorn serving `target` (module:app) with `env`; `peak` holds each worker's highest RSS seen (KiB)."""

    def __init__(self, target: str, env: dict, log_path: Path, workers: int = WORKERS):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
                   "--timeout", "60", target]
        self.log = open(log_path, "a")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.peak: dict[int, int] = {}
        self.samples: list[tuple[float, dict[int, int]]] = []
        self._stop = threading.Event()
        self._wait_ready()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log.name}")
            try:
                urllib.request.urlopen(self.url + "/login", timeout=5).read()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in time")

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def _sample(self) -> None:
        started = time.monotonic()
        while not self._stop.wait(0.5):
            now = {pid: kib for pid in self.workers() if (kib := rss_kib(pid)) is not None}
            for pid, kib in now.items():
                self.peak[pid] = max(self.peak.get(pid, 0), kib)
            self.samples.append((time.monotonic() - started, now))

    def mark(self) -> int:
        """Where the samples stand now (to look at one run's samples afterwards)."""
        return len(self.samples)

    def stop(self) -> None:
        self._stop.set()
        self._sampler.join()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def peak_mib(server: Server) -> float:
    """The highest RSS any worker reached, in MiB."""
    return max(server.peak.values(), default=0) / 1024


def worker_count() -> int:
    return WORKERS if os.environ.get("BENCH_WORKERS") is None else int(os.environ["BENCH_WORKERS"])
