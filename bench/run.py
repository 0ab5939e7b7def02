"""`make bench` / `make soak`: build the datasets, count queries, serve with gunicorn, drive with wrk, time key
rotation and a FHIR export, soak with reads and writes, and write BENCHMARKS.md from bench/results.json.

    python -m bench.run [--persons 10000] [--small 1000] [--seconds 20] [--soak-minutes 5] [--repeat 200]
                        [--only-soak] [--reuse]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import inprocess, load, machine, queries, report
from bench.dataset import FLASK, ROOT, Dataset, build, credentials, make_app
from bench.server import Server, peak_mib

RESULTS = ROOT / "bench" / "results.json"


def log(text: str) -> None:
    print(text, flush=True)


def dataset(root: Path, persons: int, reuse: bool) -> Dataset:
    found = Dataset.open(root) if reuse else None
    if found is not None and found.persons == persons:
        log(f"  reusing the dataset in {root}")
        credentials(found)  # a fresh login session: the old one may have timed out
        found.save()
        return found
    return build(root, persons, log)


def serve_env(data: Dataset) -> dict:
    """Production settings (README): secure cookies and HSTS. wrk sends the session cookie itself, over plain
    loopback HTTP, so the Secure flag does not stand in its way."""
    return data.env(ZORGTEAM_PRODUCTION="1", ZORGTEAM_BASE_URL="https://zorgteam.bench.example")


def page_requests(data: Dataset) -> dict[str, list[str]]:
    """The requests of each measured page: team pages go round the coordinator's teams, so no single row is hot."""
    paths = queries.pages(data)
    return {"team overview": [f"GET /teams/{t}/" for t in data.teams],
            "my teams": [f"GET {paths['my teams']}"],
            "goals page": [f"GET /teams/{t}/goals/" for t in data.teams],
            "my tasks": [f"GET {paths['my tasks']}"],
            "calendar feed": [f"GET {paths['calendar feed']}"]}


def ceiling(data: Dataset, seconds: int, wrk_log: Path) -> dict:
    with Server("bench.hello:app", serve_env(data), data.root / "gunicorn-hello.log") as server:
        load.run(server.url, ["GET /"], seconds=3)
        result = load.run(server.url, ["GET /"], seconds=seconds, log_path=wrk_log)
        return vars(result) | {"errors": result.errors, "peak_mib": peak_mib(server)}


def drive_pages(data: Dataset, seconds: int, wrk_log: Path) -> dict:
    found = {}
    with Server("app:app", serve_env(data), data.root / "gunicorn.log") as server:
        warm = [line for lines in page_requests(data).values() for line in lines]
        load.run(server.url, warm, cookie=data.session, seconds=max(5, seconds // 2))
        for name, lines in page_requests(data).items():
            log(f"  wrk: {name}")
            result = load.run(server.url, lines, cookie=data.session, seconds=seconds, log_path=wrk_log)
            found[name] = vars(result) | {"errors": result.errors}
        found["_memory"] = {"peak_mib_per_worker": sorted(round(k / 1024, 1) for k in server.peak.values()),
                            "workers": len(server.peak)}
    return found


def timed_command(data: Dataset, *args: str) -> dict:
    """A CLI command run in-process (the command's own time) and as a fresh process (with start-up)."""
    app = make_app(data)
    with app.app_context():  # as the flask command gives every command
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(args=list(args))
        inside = time.perf_counter() - started
    if result.exit_code != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {result.output[-2000:]}") from result.exception
    app.extensions["zorgteam.db"].engine.dispose()
    started = time.perf_counter()
    subprocess.run(FLASK + list(args), cwd=ROOT, env=data.env(), check=True, capture_output=True)
    return {"seconds": round(inside, 2), "process_seconds": round(time.perf_counter() - started, 2),
            "output_bytes": len(result.output.encode())}


def data_keys(data: Dataset) -> int:
    from sqlalchemy import func, select

    from models import DataKey

    app = make_app(data)
    with app.extensions["zorgteam.db"].session() as session:
        return session.scalar(select(func.count()).select_from(DataKey))


def benchmark(args, results: dict) -> Dataset:
    base = Path(args.dir)
    log(f"== dataset of {args.small} persons (query counts)")
    small = dataset(base / "small", args.small, args.reuse)
    counts_small = queries.count(small)
    log(f"== dataset of {args.persons} persons")
    large = dataset(base / "large", args.persons, args.reuse)
    counts_large = queries.count(large)
    log(f"== CPU per request, in-process (median of {args.repeat})")
    cpu = {"repeat": args.repeat, "pages": inprocess.measure(large, args.repeat, log=log),
           "load": machine.load_average()}
    wrk_log = large.root / "wrk.log"
    log("== the ceiling: a bare Flask app")
    before = ceiling(large, args.seconds, wrk_log)
    log("== Zorgteam's pages")
    pages = drive_pages(large, args.seconds, wrk_log)
    log("== the ceiling again")
    after = ceiling(large, args.seconds, wrk_log)
    log("== FHIR export, key rotation")
    fhir = timed_command(large, "export-person", large.teams[0], "--format", "fhir")
    rotate = timed_command(large, "keys", "rotate") | {"data_keys": data_keys(large)}
    results["bench"] = {"persons": args.persons, "small": args.small, "seconds": args.seconds,
                        "connections": 16, "load_seconds": round(large.load_seconds, 1),
                        "ceiling": {"before": before, "after": after}, "pages": pages,
                        "queries": {"small": counts_small, "large": counts_large}, "inprocess": cpu, "fhir": fhir,
                        "rotate": rotate}
    return large


def finished(info: dict) -> dict:
    """The machine description, with the load and the busiest other processes at the end of the run."""
    return info | {"load_after": machine.load_average(), "others_after": machine.busiest({os.getpid()})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--seconds", type=int, default=20, help="per wrk run")
    parser.add_argument("--soak-minutes", type=float, default=5)
    parser.add_argument("--repeat", type=int, default=200, help="requests per page in the in-process CPU run")
    parser.add_argument("--only-soak", action="store_true", help="soak the large dataset (built when missing)")
    parser.add_argument("--reuse", action="store_true", help="reuse datasets of the same size from an earlier run")
    parser.add_argument("--dir", default=os.environ.get("BENCH_DIR", Path(tempfile.gettempdir()) / "zorgteam-bench"))
    args = parser.parse_args()
    load.wrk_binary()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    info = machine.describe()
    if args.only_soak:
        large = dataset(Path(args.dir) / "large", args.persons, True)
    else:
        large = benchmark(args, results)
        results["bench"]["machine"] = finished(dict(info))
    if args.soak_minutes:
        from bench import soak

        info = machine.describe()
        log(f"== soak: {args.soak_minutes} minutes of reads and writes")
        results["soak"] = soak.run(large, serve_env(large), args.soak_minutes) | {"machine": finished(info)}
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    report.write(results, ROOT / "BENCHMARKS.md")
    log("BENCHMARKS.md written.")


if __name__ == "__main__":
    sys.exit(main())
