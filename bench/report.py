"""BENCHMARKS.md from bench/results.json: every figure beside its target, met or not (with the reason)."""
from __future__ import annotations

from pathlib import Path

# Why a target can be missed on this machine; shown beside a figure only when it is not met.
REASONS = {
    "team overview": "see 'Where the time goes' below",
    "my teams": "see 'Where the time goes' below",
    "calendar feed": "see 'Where the time goes' below",
    "my tasks": "see 'Where the time goes' below",
    "cpu": "see 'Where the time goes' below",
    "rotate": "see 'Where the time goes' below",
    "soak": "see the soak section",
}
OLD_METHOD = "ps, CPU share averaged over each process's life"
PAGE_TARGETS = {  # page: (minimum share of the ceiling's requests/s, p99 limit in ms)
    "team overview": (0.25, 50), "my teams": (None, 100), "goals page": (None, None), "my tasks": (None, 100),
    "calendar feed": (None, 100),
}


def verdict(ok: bool | None, key: str) -> str:
    if ok is None:
        return "no target (reported)"
    return "**met**" if ok else f"**not met**: {REASONS.get(key, '')}"


def _machine(m: dict) -> list[str]:
    others = "; ".join(m.get("others_before", [])) or "nothing else over 5 % CPU"
    return [f"- Date: {m['date']}; {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Linux {m['kernel']}, "
            f"Python {m['python']}, SQLite {m['sqlite']}.",
            f"- Load average before: {', '.join(f'{x:.1f}' for x in m['load_before'])}; after: "
            f"{', '.join(f'{x:.1f}' for x in m.get('load_after', ()))}.",
            f"- Other processes on the machine when it started ({m.get('others_method', OLD_METHOD)}): {others}.",
            f"- ... and when it ended: {'; '.join(m.get('others_after', [])) or 'nothing else over 5 % CPU'}."]


def _ceiling(bench: dict) -> float:
    c = bench["ceiling"]
    return (c["before"]["rps"] + c["after"]["rps"]) / 2


def _pages(bench: dict) -> list[str]:
    ceiling = _ceiling(bench)
    rows = ["| page | req/s | p50 ms | p99 ms | share of ceiling | errors | target | verdict |",
            "|---|---:|---:|---:|---:|---:|---|---|"]
    for name, (share, p99) in PAGE_TARGETS.items():
        r = bench["pages"][name]
        checks = ([r["rps"] / ceiling >= share] if share else []) + ([r["p99"] < p99] if p99 else [])
        target = " and ".join(filter(None, [f">= {share} of ceiling" if share else "",
                                            f"p99 < {p99} ms" if p99 else ""])) or "-"
        ok = all(checks) and r["errors"] == 0 if checks else None
        rows.append(f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['rps'] / ceiling:.3f} | "
                    f"{r['errors']} | {target} | {verdict(ok, name)} |")
    c = bench["ceiling"]
    errors = sum(r["non_2xx_3xx"] + r["socket_errors"] for r in c.values())
    rows.append(f"| *ceiling: bare Flask \"hello\"* | {ceiling:.0f} | {c['before']['p50']:.1f} | "
                f"{c['before']['p99']:.1f} | 1.00 | {errors} | - | "
                f"before {c['before']['rps']:.0f}, after {c['after']['rps']:.0f} req/s |")
    return rows


CPU_TARGETS = {"team overview": 10}  # page: the most CPU per request, as a multiple of the bare "hello"


def _cpu(bench: dict) -> list[str]:
    found = bench["inprocess"]
    rows = ["| request | CPU ms per request (median) | x hello | target | verdict |", "|---|---:|---:|---|---|"]
    for name, r in found["pages"].items():
        limit = CPU_TARGETS.get(name)
        ok = r["x_hello"] <= limit if limit else None
        rows.append(f"| {name} | {r['cpu_ms']:.3f} | {r['x_hello']:.1f} | "
                    f"{f'<= {limit} x hello' if limit else '-'} | {verdict(ok, 'cpu')} |")
    return rows


def _queries(bench: dict) -> list[str]:
    small, large = bench["queries"]["small"], bench["queries"]["large"]
    rows = [f"| page | statements, {small['persons']} persons (first / warm) | "
            f"statements, {large['persons']} persons (first / warm) | target | verdict |", "|---|---:|---:|---|---|"]
    for name, s in small["pages"].items():
        big = large["pages"][name]
        ok = (s["cold"], s["warm"]) == (big["cold"], big["warm"])
        rows.append(f"| {name} | {s['cold']} / {s['warm']} | {big['cold']} / {big['warm']} | the same at both "
                    f"sizes | {verdict(ok, 'queries')} |")
    return rows


def _others(bench: dict) -> list[str]:
    rotate, fhir, memory = bench["rotate"], bench["fhir"], bench["pages"]["_memory"]
    return ["| what | figure | target | verdict |", "|---|---|---|---|",
            f"| `keys rotate` over {rotate['data_keys']} data keys ({bench['persons']} persons and the accounts) | "
            f"{rotate['seconds']} s (as a fresh process, with start-up: {rotate['process_seconds']} s) | < 10 s | "
            f"{verdict(rotate['seconds'] < 10, 'rotate')} |",
            f"| `export-person TEAM_ID --format fhir` (one synthetic team) | {fhir['seconds']} s, "
            f"{fhir['output_bytes'] // 1024} KiB (fresh process: {fhir['process_seconds']} s) | - | "
            f"{verdict(None, 'fhir')} |",
            f"| peak memory per worker ({memory['workers']} workers) | {max(memory['peak_mib_per_worker'])} MiB "
            f"(all: {', '.join(map(str, memory['peak_mib_per_worker']))}) | - | {verdict(None, 'memory')} |",
            f"| `demo --scale {bench['persons']}` | {bench['load_seconds']:.0f} s | a few minutes | "
            f"{verdict(bench['load_seconds'] < 300, 'load')} |"]


def _soak(soak: dict) -> list[str]:
    r, m, a = soak["result"], soak["memory"], soak["after"]
    flat = m["max_growth_mib"] <= 10 and not m["replaced_workers"]
    intact = a["integrity_check"] == "ok" and a["audit_verify_exit"] == 0
    writes = f"{soak['mix']['writes']} of every {soak['mix']['reads'] + soak['mix']['writes']} requests"
    return [f"{soak['minutes']} minutes at {soak['connections']} connections; writes are {writes} (posting a "
            "message, ticking off a weekly task, each with its CSRF token), the rest reads of the overview, goals, "
            "messages and agreements pages, my teams, my tasks and the feed.", "",
            "| what | figure | target | verdict |", "|---|---|---|---|",
            f"| requests | {r['requests']} ({r['rps']:.0f}/s; p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms) | - | - |",
            f"| errors (non-2xx/3xx answers and socket errors) | {r['errors']} | 0 | {verdict(r['errors'] == 0, 'soak')} |",
            f"| largest growth of a worker's memory from minute 1 to the end | {m['max_growth_mib']} MiB "
            f"(start/end per worker: {m['start_end_mib']}) | flat (<= 10 MiB) | {verdict(flat, 'soak')} |",
            f"| written | {a['messages'] - soak['before']['messages']} messages, "
            f"{a['completions'] - soak['before']['completions']} task completions | - | - |",
            f"| afterwards: `PRAGMA integrity_check`, `audit verify` | {a['integrity_check']}, exit "
            f"{a['audit_verify_exit']} | ok, 0 | {verdict(intact, 'soak')} |",
            "", f"Largest worker RSS over time (s, MiB): {m['timeline_max_mib']}"]


def _cpu_section(bench: dict) -> list[str]:
    if "inprocess" not in bench:
        return []
    found = bench["inprocess"]
    return ["", f"## CPU per request, in-process ({bench['persons']} persons, median of {found['repeat']}, one at "
            "a time through Flask's test client)", "", "CPU time of this process only, so other processes on the "
            "machine count less than in the wall-clock figures above; the bare Flask \"hello\" is measured in the "
            "same run. Load average during it: "
            f"{', '.join(f'{x:.1f}' for x in found['load'])}.", ""] + _cpu(bench)


def render(results: dict, notes: str) -> str:
    lines = ["# Benchmarks", "", "Written by `make bench` (`python -m bench.run`; the soak alone: `make soak`). "
             "How it works and what each figure means: README.md, \"Benchmark\". Raw figures: `bench/results.json`.",
             ""]
    if "bench" in results:
        bench = results["bench"]
        lines += ["## Machine", ""] + _machine(bench["machine"]) + [
            "", f"## Pages at {bench['connections']} connections ({bench['persons']} persons, wrk "
            f"{bench['seconds']} s per page)", ""] + _pages(bench) + [
            "", "## SQL statements per request (instrumented in-process run)", ""] + _queries(bench) + _cpu_section(
            bench) + [
            "", "## Key rotation, export, memory, data load", ""] + _others(bench)
    if "soak" in results:
        lines += ["", "## Load and soak", ""] + _machine(results["soak"]["machine"]) + [""] + _soak(results["soak"])
    return "\n".join(lines) + "\n\n" + notes


def write(results: dict, path: Path) -> None:
    notes = (Path(__file__).with_name("NOTES.md")).read_text() if Path(__file__).with_name("NOTES.md").exists() else ""
    path.write_text(render(results, notes))
