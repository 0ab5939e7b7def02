"""The soak: minutes of mixed reads and writes at 16 connections (posting messages, ticking off weekly tasks, with
CSRF tokens), then: no errors, workers' memory flat, the database intact and the audit trail verified."""
from __future__ import annotations

import sqlite3
import subprocess
import urllib.parse

from bench import load
from bench.dataset import FLASK, ROOT, Dataset
from bench.server import Server

TEAMS = 40  # the coordinator's teams the soak goes round


def requests(data: Dataset) -> list[str]:
    """Per team four reads and a message, every other team a task ticked off, and now and then the lists
    across teams and the feed: about one request in four writes."""
    csrf = urllib.parse.quote(data.csrf)
    tasks = {}
    for entry in data.tasks:
        team, agreement = entry.split("/")
        tasks.setdefault(team, agreement)
    lines = []
    for n, team in enumerate(data.teams[:TEAMS]):
        lines += [f"GET /teams/{team}/", f"GET /teams/{team}/goals/", f"GET /teams/{team}/messages/",
                  f"GET /teams/{team}/agreements/",
                  f"POST /teams/{team}/messages/ body=Bericht+van+de+duurtest+{n}&audience=team&csrf_token={csrf}"]
        if team in tasks and n % 2 == 0:
            lines.append(f"POST /teams/{team}/agreements/{tasks[team]}/done remark=&back=list&csrf_token={csrf}")
        if n % 5 == 0:
            lines += ["GET /teams/", "GET /my/tasks"]
        if n % 20 == 0:
            lines.append(f"GET /calendar/{data.feed}.ics")
    return lines


def _memory(server: Server, first: int) -> dict:
    """Each worker's RSS a minute in (after warming up) and at the end, in MiB, and the largest growth."""
    samples = server.samples[first:]
    start = next((s for t, s in samples if t - samples[0][0] >= 60), samples[0][1]) if samples else {}
    end = samples[-1][1] if samples else {}
    per_worker = {pid: (round(start[pid] / 1024, 1), round(end[pid] / 1024, 1)) for pid in end if pid in start}
    timeline = [(round(t), round(max(s.values()) / 1024, 1)) for t, s in samples[::20] if s]
    growth = max((b - a for a, b in per_worker.values()), default=0.0)
    return {"start_end_mib": list(per_worker.values()), "max_growth_mib": round(growth, 1),
            "replaced_workers": len(set(end) ^ set(start)), "timeline_max_mib": timeline}


def _integrity(data: Dataset) -> dict:
    with sqlite3.connect(data.root / "db" / "zorgteam.db") as connection:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        messages = connection.execute("SELECT count(*) FROM messages").fetchone()[0]
        completions = connection.execute("SELECT count(*) FROM agreement_completions").fetchone()[0]
    verify = subprocess.run(FLASK + ["audit", "verify"], cwd=ROOT, env=data.env(), capture_output=True, text=True)
    return {"integrity_check": check, "audit_verify_exit": verify.returncode,
            "audit_verify": (verify.stdout + verify.stderr).strip()[-300:],
            "messages": messages, "completions": completions}


def run(data: Dataset, env: dict, minutes: float) -> dict:
    lines = requests(data)
    before = _integrity(data)
    with Server("app:app", env, data.root / "gunicorn-soak.log") as server:
        first = server.mark()
        result = load.run(server.url, lines, cookie=data.session, seconds=int(minutes * 60),
                          log_path=data.root / "wrk-soak.log")
        memory = _memory(server, first)
    after = _integrity(data)
    writes = sum(1 for line in lines if line.startswith("POST"))
    return {"minutes": minutes, "connections": 16, "mix": {"reads": len(lines) - writes, "writes": writes},
            "result": vars(result) | {"errors": result.errors}, "memory": memory, "before": before,
            "after": after}
