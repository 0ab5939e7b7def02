"""CPU per request, measured in-process: each page requested through Flask's test client, one at a time, on a warm
app, its CPU time (this process's, so other processes on the machine do not count) taken over `repeat` requests;
the median beside a bare Flask "hello" measured in the same run, as a multiple of it.

    python -m bench.inprocess DATASET_DIR [--repeat 200] [--profile PAGE]

`--profile` runs one page under pyinstrument (when installed) and prints where its time goes, by layer.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench.dataset import Dataset, make_app
from bench.queries import pages

EMPTY = "/_bench/empty"  # a logged-in route that does nothing: the cost of the session, the user and the guard


def _empty_route(app) -> None:
    from zorgteam.access import LOGGED_IN, Blueprint

    bp = Blueprint("_bench", __name__)
    bp.route(EMPTY, access=LOGGED_IN)(lambda: "")
    app.register_blueprint(bp)


def paths(dataset: Dataset) -> dict[str, str]:
    """The measured requests by name: hello (in its own app), the empty logged-in route, then the pages."""
    found = pages(dataset)
    return {"hello": "/", "logged-in empty route": EMPTY, "team overview": found["team overview"],
            "my teams": found["my teams"], "my tasks": found["my tasks"], "calendar feed": found["calendar feed"],
            "goals page": found["goals page"]}


def _cpu_ms(client, path: str, repeat: int) -> float:
    """The median CPU time of one request, in milliseconds; every answer must be 200."""
    for _ in range(3):  # warm: templates compiled, data keys unwrapped
        client.get(path)
    times = []
    for _ in range(repeat):
        started = time.process_time_ns()
        response = client.get(path)
        times.append((time.process_time_ns() - started) / 1e6)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return statistics.median(times)


def clients(dataset: Dataset):
    from bench.hello import app as hello

    app = make_app(dataset)
    _empty_route(app)
    client = app.test_client()
    client.set_cookie("session", dataset.session)
    return hello.test_client(), client, app


def measure(dataset: Dataset, repeat: int = 200, log=print) -> dict:
    """{page: {"cpu_ms", "x_hello"}} for every page of `paths`."""
    hello, client, app = clients(dataset)
    found = {}
    for name, path in paths(dataset).items():
        ms = _cpu_ms(hello if name == "hello" else client, path, repeat)
        found[name] = {"cpu_ms": round(ms, 3)}
        log(f"  {name}: {ms:.3f} ms CPU")
    base = found["hello"]["cpu_ms"]
    for figures in found.values():
        figures["x_hello"] = round(figures["cpu_ms"] / base, 1)
    app.extensions["zorgteam.db"].engine.dispose()
    return found


def profile(dataset: Dataset, name: str, repeat: int) -> None:
    from pyinstrument import Profiler

    _, client, _ = clients(dataset)
    path = paths(dataset)[name]
    client.get(path)
    with Profiler(interval=0.0002) as profiler:
        for _ in range(repeat):
            client.get(path)
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", help="one page's name, e.g. 'team overview'")
    args = parser.parse_args()
    dataset = Dataset.open(args.dataset)
    if dataset is None:
        sys.exit(f"no dataset in {args.dataset}")
    if args.profile:
        return profile(dataset, args.profile, args.repeat)
    for name, figures in measure(dataset, args.repeat, log=lambda _t: None).items():
        print(f"{name:24} {figures['cpu_ms']:9.3f} ms  {figures['x_hello']:7.1f} x hello")


if __name__ == "__main__":
    main()
