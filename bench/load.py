"""Driving a server with wrk over loopback: requests from a list (bench/requests.lua), the results parsed."""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Result:
    """One wrk run: requests per second, latency percentiles in ms, and everything that went wrong."""

    requests: int
    seconds: float
    rps: float
    p50: float
    p90: float
    p99: float
    non_2xx_3xx: int
    socket_errors: int
    statuses: dict[str, int]

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + self.socket_errors

    def unexpected(self, *allowed: int) -> int:
        """Answers with a status other than `allowed` (200 unless said): a login redirect is not a page."""
        allowed = {str(a) for a in allowed or (200,)}
        return sum(n for status, n in self.statuses.items() if status not in allowed)


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk; `make bench` does it as root)")
    return found


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def parse(output: str) -> Result:
    if "Latency Distribution" not in output:
        raise RuntimeError(f"wrk finished no request:\n{output}")
    percentiles = {int(p): _ms(v) for p, v in re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", output, re.M)}
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Result(requests=int(done.group(1)), seconds=_ms(done.group(2) + done.group(3)) / 1000,
                  rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
                  p50=percentiles[50], p90=percentiles[90], p99=percentiles[99],
                  non_2xx_3xx=int(non_ok.group(1)) if non_ok else 0,
                  socket_errors=sum(int(n) for n in socket.groups()) if socket else 0,
                  statuses={k: int(v) for k, v in re.findall(r"^Status (\d+): (\d+)$", output, re.M)})


def run(base_url: str, lines: list[str], *, cookie: str | None = None, seconds: int = 20, connections: int = 16,
        threads: int = 2, log_path: Path | None = None) -> Result:
    """Drive `base_url` with the requests in `lines` ("GET /path" or "POST /path body"), taken in turn by each
    connection, for `seconds` at `connections` connections; wrk's own output goes to `log_path`."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as requests:
        requests.write("\n".join(lines) + "\n")
    command = [wrk_binary(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
               "-s", str(HERE / "requests.lua"), base_url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: session={cookie}"]
    env = {"BENCH_REQUESTS": requests.name, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    Path(requests.name).unlink()
    if log_path is not None:
        with open(log_path, "a") as log:
            log.write(f"$ {' '.join(command)}\n{done.stdout}{done.stderr}\n")
    return parse(done.stdout)
