"""What the benchmark ran on, and what else was running meanwhile (a busy machine is said, not hidden)."""
from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from datetime import datetime, timezone
from pathlib import Path


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _ram_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def busiest(skip_pids: set[int] = frozenset(), count: int = 6) -> list[str]:
    """The processes using most CPU right now (ps's lifetime average), other than our own."""
    out = subprocess.run(["ps", "-eo", "pid,pcpu,args", "--sort=-pcpu"], capture_output=True, text=True).stdout
    found = []
    for line in out.splitlines()[1:]:
        pid, cpu, args = line.split(None, 2)
        if int(pid) in skip_pids or float(cpu) < 5:
            continue
        found.append(f"{float(cpu):.0f}% {args[:90]}")
    return found[:count]


def describe() -> dict:
    return {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "nproc": os.cpu_count(),
            "cpu": _cpu_model(), "ram_gib": round(_ram_gib(), 1), "kernel": platform.release(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "load_before": load_average(), "others_before": busiest({os.getpid()})}
