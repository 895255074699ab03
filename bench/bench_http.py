"""Benchmark 2: HTTP throughput of the riders' API under gunicorn, against its own /health.

    .venv/bin/python bench/bench_http.py [--n 1000000] [--duration 15] [--connections 16] [--pairs 2]

Serves the n-station SQLite dataset of bench/datasets.py with gunicorn (2 sync workers, as a
small production box would) on 127.0.0.1, and loads it with wrk (Debian package `wrk`):
/api/v1/health, then /api/v1/stations/nearest at random rider positions, alternating so that
machine noise hits both alike. Reports req/s, p50/p99 latency, and the nearest/health ratio
of each pair. Targets: ratio >= 0.6, nearest p99 <= 15 ms at 16 connections.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(n: int) -> None:
    """Build the dataset (in this process, which then exits) and write rider positions."""
    from bench import datasets

    datasets.use_database(n)
    import django

    django.setup()
    datasets.ensure_loaded(n)
    from bench.citygen import rider_positions

    positions = rider_positions([(r[1], r[2]) for r in datasets.station_rows(n)], 1000, seed=11)
    lines = ",\n".join(f"{{{lat:.6f},{lon:.6f}}}" for lon, lat in positions)
    (datasets.OUT / "nearest.lua").write_text(
        "local points = {\n" + lines + "\n}\n"
        # Requests are formatted once, when the script loads: wrk shares the two cores with the
        # workers, so formatting per request would charge the load generator's work to the server.
        "local requests = {}\n"
        "for i, p in ipairs(points) do\n"
        '  requests[i] = wrk.format("GET", string.format("/api/v1/stations/nearest?lat=%.6f&lon=%.6f&k=10", p[1], p[2]))\n'
        "end\n"
        "request = function()\n"
        "  return requests[math.random(#requests)]\n"
        "end\n"
    )


def parse_wrk(text: str) -> dict:
    def latency_ms(label):
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "rps": rps, "requests": requests, "p50_ms": latency_ms("50"), "p99_ms": latency_ms("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def workers_cpu_s(master_pid: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master's worker processes (Linux /proc)."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(url: str, duration: int, connections: int, script: Path | None = None, master_pid: int | None = None) -> dict:
    """One wrk run; with master_pid, also the workers' CPU milliseconds per request: unlike req/s,
    it hardly moves when other processes compete for the cores."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    cpu_before = workers_cpu_s(master_pid) if master_pid else 0.0
    result = parse_wrk(subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout)
    if master_pid:
        result["cpu_ms_per_req"] = (workers_cpu_s(master_pid) - cpu_before) * 1000 / max(result["requests"], 1)
    return result


def ensure_wrk() -> None:
    """Install Debian's wrk when it is missing (as root, or with passwordless sudo)."""
    if shutil.which("wrk"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    print("wrk is missing: installing Debian's package", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"]):
        if subprocess.run(sudo + command, env=env).returncode != 0:
            sys.exit("could not install wrk: run `apt-get install -y wrk` as root")
    if not shutil.which("wrk"):
        sys.exit("wrk is still not on PATH after installing it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare)
        return
    ensure_wrk()

    subprocess.run([sys.executable, __file__, "--prepare", str(args.n)], check=True)
    from bench import datasets

    db = datasets.OUT / f"stations-{args.n}.sqlite3"
    port = free_port()
    env = {**os.environ, "SQLITE_PATH": str(db), "DEBUG": "0", "LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "backend.settings"}
    env.pop("DATABASE_URL", None)
    gunicorn = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "backend.wsgi",
        "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
    ]
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/v1/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("gunicorn did not answer /api/v1/health")
        script = datasets.OUT / "nearest.lua"
        wrk(base + "/api/v1/stations/nearest", 3, args.connections, script)  # warm: density grids, page cache
        wrk(base + "/api/v1/health", 2, args.connections)
        rows, ratios, cpu_ratios = [], [], []
        load_before = os.getloadavg()[0]
        for pair in range(args.pairs):
            health = wrk(base + "/api/v1/health", args.duration, args.connections, master_pid=server.pid)
            nearest = wrk(base + "/api/v1/stations/nearest", args.duration, args.connections, script, master_pid=server.pid)
            rows += [(pair + 1, "/api/v1/health", health), (pair + 1, "/api/v1/stations/nearest", nearest)]
            ratios.append(nearest["rps"] / health["rps"])
            cpu_ratios.append(health["cpu_ms_per_req"] / nearest["cpu_ms_per_req"])
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(f"gunicorn -c gunicorn.conf.py, 2 sync workers, wrk -t2 -c{args.connections} -d{args.duration}s, {args.n:,} stations on SQLite")
    print(f"load average before the timed runs: {load_before:.2f} on {os.cpu_count()} cores (wrk and both workers share them)")
    print(f"{'pair':>4} {'endpoint':<26} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7} {'worker CPU ms/req':>17}")
    for pair, endpoint, r in rows:
        print(
            f"{pair:>4} {endpoint:<26} {r['rps']:>9.0f} {r['p50_ms']:>7.2f} {r['p99_ms']:>7.2f} {r['non_2xx']:>7}"
            f" {r['cpu_ms_per_req']:>17.3f}"
        )
    nearest_p99 = statistics.median(r["p99_ms"] for _, e, r in rows if e.endswith("nearest"))
    print(f"\ntarget: nearest/health throughput >= 0.6: median ratio {statistics.median(ratios):.2f} (pairs: {', '.join(f'{x:.2f}' for x in ratios)})")
    print(f"target: nearest p99 <= 15 ms at {args.connections} connections: median p99 {nearest_p99:.2f} ms")
    print(
        f"(noise-resistant view: health/nearest worker CPU per request, median {statistics.median(cpu_ratios):.2f};"
        " the throughput ratio also pays wrk's and the kernel's share of the two cores)"
    )
    print(f"\nreproduce: .venv/bin/python bench/bench_http.py --n {args.n} --duration {args.duration} --connections {args.connections} --pairs {args.pairs}")


if __name__ == "__main__":
    main()
