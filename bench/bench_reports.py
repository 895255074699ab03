"""Benchmark 7: riders' reports under load, the managers' inbox, and what the new answer fields cost.

    .venv/bin/python bench/bench_reports.py [--n 100000] [--reports 100000] [--duration 10] [--connections 16]
                                            [--pairs 2] [--before /path/to/a/checkout/without/reports]

On a copy of bench/datasets.py's n-station SQLite dataset with the Shenzhen organisations loaded:
1. POST /api/v1/stations/{id}/reports ("confirmed", 200 rider keys, random stations) at 16
   connections with wrk, alternating with /api/v1/health in the same run: req/s, p99, ratio.
   The abuse limits are raised out of the way (their cost, a few cache operations, stays).
2. The inbox of 福田区 holding --reports unresolved reports: the first page (100 items, with
   their stations and other riders' reports) through the whole stack, median of 30 requests.
3. With --before (a checkout of the code before reports, e.g. `git worktree add /tmp/before
   main`): nearest and viewport throughput of that code and of this one, each on its own copy of
   the same stations, alternating in the same run; the after/before ratio of each pair.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_http import free_port, wrk  # noqa: E402

RIDERS = 200


def _db(n: int) -> Path:
    from bench import datasets

    return datasets.OUT / f"reports-{n}.sqlite3"


def prepare(n: int, reports: int) -> None:
    """Build the dataset copy, organisations, riders and reports, and the wrk scripts; then time
    the inbox (this process has Django set up)."""
    from bench import datasets

    datasets.use_database(n)
    os.environ["SQLITE_PATH"] = str(_db(n))
    import django

    django.setup()
    datasets.ensure_loaded(n)
    from django.test import Client

    from bench.citygen import rider_positions
    from stations.accounts.jurisdiction import jurisdiction_of
    from stations.accounts.organisations import create_account, load_organisations, read_boundaries
    from stations.models import Account, Organisation, Report, RiderKey

    if not Organisation.objects.filter(name="福田区").exists():
        load_organisations(read_boundaries(ROOT / "data" / "demo" / "boundaries_shenzhen_districts.geojson", "gcj02"))
    Account.objects.filter(user__username="bench_futian").delete()
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="bench_futian").delete()
    _, token = create_account("bench_futian", "福田区")
    futian = jurisdiction_of(Organisation.objects.get(name="福田区"))
    if Report.objects.filter(status="open").count() != reports:
        _fill_reports(futian, reports)
    riders = [RiderKey.issue()[1] for _ in range(RIDERS)]
    _write_scripts(n, riders, rider_positions([(r[1], r[2]) for r in datasets.station_rows(n)], 1000, seed=11))

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get("/api/v1/manage/reports")  # warm: jurisdiction, statements
    timings = []
    for _ in range(30):
        started = time.perf_counter()
        response = client.get("/api/v1/manage/reports")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and len(response.json()["results"]) == 100
    print(f"inbox of 福田区 holding {reports:,} unresolved reports: first page (100 items) median {statistics.median(timings):.1f} ms, "
          f"p90 {sorted(timings)[26]:.1f} ms (30 requests, in-process Django test client, whole stack)")


def _fill_reports(futian, reports: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from stations.models import Report, RiderKey, Station

    rng = random.Random(7)
    Report.objects.all().delete()
    inside = futian.station_ids()
    stations = list(Station.objects.filter(pk__in=inside).values_list("pk", "lon", "lat"))
    if not stations:
        sys.exit("no dataset station lies in 福田区: use a larger --n")
    riders = [RiderKey.issue()[0] for _ in range(1000)]
    now = timezone.now()
    types = ["closed", "gone", "amenity_missing", "hours_wrong", "other", "unsafe_or_dirty"]
    with transaction.atomic():
        batch = []
        for i in range(reports):
            pk, lon, lat = rng.choice(stations)
            kind = rng.choice(types)
            created = now - timezone.timedelta(minutes=rng.randrange(60 * 24 * 30))
            batch.append(Report(rider=rng.choice(riders), station_id=pk, type=kind, amenity="toilet" if kind == "amenity_missing" else "",
                                lon=lon, lat=lat, created_at=created, seen_at=created, due_at=created + timezone.timedelta(days=2 + i % 6)))
        for report in batch:
            report.zkey = _zkey(report.lon, report.lat)
        Report.objects.bulk_create(batch, batch_size=5000)


def _zkey(lon: float, lat: float) -> int:
    from geodata.index import morton_key

    return morton_key(lon, lat)


def _write_scripts(n: int, riders: list[str], positions: list[tuple[float, float]]) -> None:
    from bench import datasets

    out = datasets.OUT
    tokens = ",\n".join(f'"{token}"' for token in riders)
    (out / "report.lua").write_text(
        "local tokens = {\n" + tokens + "\n}\n"
        f"local n = {n}\n"
        'local body = \'{"type": "confirmed"}\'\n'
        "request = function()\n"
        '  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]}\n'
        '  return wrk.format("POST", "/api/v1/stations/" .. math.random(n) .. "/reports", headers, body)\n'
        "end\n"
    )
    boxes = ",\n".join(f'"{lon - 0.01:.5f},{lat - 0.01:.5f},{lon + 0.01:.5f},{lat + 0.01:.5f}"' for lon, lat in positions)
    (out / "viewport.lua").write_text(
        "local boxes = {\n" + boxes + "\n}\nlocal requests = {}\n"
        'for i, b in ipairs(boxes) do requests[i] = wrk.format("GET", "/api/v1/stations?limit=100&bbox=" .. b) end\n'
        "request = function() return requests[math.random(#requests)] end\n"
    )
    points = ",\n".join(f"{{{lat:.6f},{lon:.6f}}}" for lon, lat in positions)
    (out / "nearest-reports.lua").write_text(
        "local points = {\n" + points + "\n}\nlocal requests = {}\n"
        'for i, p in ipairs(points) do requests[i] = wrk.format("GET", string.format("/api/v1/stations/nearest?lat=%.6f&lon=%.6f&k=10", p[1], p[2])) end\n'
        "request = function() return requests[math.random(#requests)] end\n"
    )


def serve(root: Path, db: Path, extra_env: dict | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "SQLITE_PATH": str(db), "DEBUG": "0", "LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "backend.settings", **(extra_env or {})}
    env.pop("DATABASE_URL", None)
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(root / "gunicorn.conf.py"), "backend.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(gunicorn, cwd=root, env=env, stdout=tempfile.TemporaryFile(), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/api/v1/health", timeout=1)
            return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit(f"gunicorn in {root} did not answer /api/v1/health")


def _row(label: str, r: dict) -> str:
    return f"  {label:<34} {r['rps']:>8.0f} req/s  p50 {r['p50_ms']:>6.2f} ms  p99 {r['p99_ms']:>6.2f} ms  non-2xx {r['non_2xx']}"


def bench_posts(args, db: Path) -> None:
    from bench import datasets

    limits_off = {"RIDER_WRITES_PER_HOUR": "100000000", "ADDRESS_WRITES_PER_HOUR": "100000000", "RIDER_REPORTS_PER_STATION_PER_DAY": "100000000"}
    server, base = serve(ROOT, db, limits_off)
    try:
        wrk(base + "/api/v1/health", 2, args.connections)
        wrk(base + "/api/v1/stations/1/reports", 2, args.connections, datasets.OUT / "report.lua")
        print(f"\n1. POST a report, {args.connections} connections, {args.duration} s each, alternating with /health:")
        ratios = []
        for _ in range(args.pairs):
            health = wrk(base + "/api/v1/health", args.duration, args.connections)
            post = wrk(base + "/api/v1/stations/1/reports", args.duration, args.connections, datasets.OUT / "report.lua")
            print(_row("/api/v1/health", health))
            print(_row("POST /api/v1/stations/{id}/reports", post))
            ratios.append(post["rps"] / health["rps"])
        print(f"  report/health throughput ratio: median {statistics.median(ratios):.2f} ({', '.join(f'{r:.2f}' for r in ratios)})")
    finally:
        server.terminate()
        server.wait(timeout=10)


def bench_before_after(args, db: Path) -> None:
    from bench import datasets

    before_root = Path(args.before).resolve()
    subprocess.run([sys.executable, str(before_root / "bench" / "bench_http.py"), "--prepare", str(args.n)], cwd=before_root, check=True)
    before_db = before_root / "bench" / "out" / f"stations-{args.n}.sqlite3"
    servers = {"before": serve(before_root, before_db), "after": serve(ROOT, db)}
    scripts = {"nearest": ("/api/v1/stations/nearest", datasets.OUT / "nearest-reports.lua"), "viewport": ("/api/v1/stations", datasets.OUT / "viewport.lua")}
    try:
        for _, base in servers.values():
            for path, script in scripts.values():
                wrk(base + path, 3, args.connections, script)  # warm
        print(f"\n3. riders' answers before and after the new fields (each server on its own copy of the same {args.n:,} stations), alternating:")
        for name, (path, script) in scripts.items():
            ratios, cpu_ratios = [], []
            for _ in range(args.pairs):
                before = wrk(servers["before"][1] + path, args.duration, args.connections, script, master_pid=servers["before"][0].pid)
                after = wrk(servers["after"][1] + path, args.duration, args.connections, script, master_pid=servers["after"][0].pid)
                print(_row(f"{name} before", before) + f"  worker CPU {before['cpu_ms_per_req']:.3f} ms/req")
                print(_row(f"{name} after", after) + f"  worker CPU {after['cpu_ms_per_req']:.3f} ms/req")
                ratios.append(after["rps"] / before["rps"])
                cpu_ratios.append(before["cpu_ms_per_req"] / after["cpu_ms_per_req"])
            print(f"  {name} after/before throughput: median {statistics.median(ratios):.3f} ({', '.join(f'{r:.3f}' for r in ratios)})")
            print(f"  {name} before/after worker CPU per request (noise-resistant): median {statistics.median(cpu_ratios):.3f}"
                  f" ({', '.join(f'{r:.3f}' for r in cpu_ratios)})")
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--before", help="a checkout of the code before reports, to compare nearest/viewport with")
    parser.add_argument("--answers-only", action="store_true", help="only the before/after comparison (needs --before)")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.n, args.reports)
        return
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    print(f"{args.n:,} stations on SQLite, gunicorn 2 sync workers, wrk -t2 -c{args.connections}, {os.cpu_count()} cores\n")
    subprocess.run([sys.executable, __file__, "--prepare", "--n", str(args.n), "--reports", str(args.reports)], check=True)
    db = _db(args.n)
    if not args.answers_only:
        bench_posts(args, db)
    if args.before:
        bench_before_after(args, db)
    print(f"\nreproduce: .venv/bin/python bench/bench_reports.py --n {args.n} --reports {args.reports} --duration {args.duration}"
          f" --connections {args.connections} --pairs {args.pairs}" + (" --before <checkout>" if args.before else ""))


if __name__ == "__main__":
    main()
