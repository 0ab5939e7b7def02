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
    """The processes using most CPU over the next second (top's second frame), other than our own."""
    out = subprocess.run(["top", "-b", "-c", "-n", "2", "-d", "1", "-w", "250", "-o", "%CPU"],
                         capture_output=True, text=True).stdout
    frame = out.split("\ntop - ")[-1].splitlines()
    header = next((n for n, line in enumerate(frame) if line.lstrip().startswith("PID")), len(frame))
    found = []
    for line in frame[header + 1:]:
        fields = line.split(None, 11)
        if len(fields) < 12 or int(fields[0]) in skip_pids or float(fields[8]) < 5:
            continue
        found.append(f"{float(fields[8]):.0f}% {fields[11][:90]}")
    return found[:count]


def describe() -> dict:
    return {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "nproc": os.cpu_count(),
            "cpu": _cpu_model(), "ram_gib": round(_ram_gib(), 1), "kernel": platform.release(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "load_before": load_average(), "others_before": busiest({os.getpid()}),
            "others_method": "top, CPU share over one second"}
