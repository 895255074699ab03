"""Benchmark: importing N generated stations with `manage.py import_stations`.

    .venv/bin/python bench/bench_import.py [--n 1000000] [--keep]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_import.py

Writes N city-distributed stations (bench/citygen.py: clusters around ~50 city centres with
Gaussian spread, a few percent scattered over eastern China) to a CSV in a temporary directory,
then times the real command, each run in its own process, into a fresh database:

1. every station new (created),
2. the same file again (all unchanged),
3. a file where every 10th station has new opening hours (updated, version + 1).

The database is a new SQLite file in the temporary directory, or, when DATABASE_URL is set, a
scratch database `<name>_bench_import` created (and dropped afterwards) on that PostgreSQL
server: the benchmark never writes into the database the URL names. Reports wall seconds,
rows/s and each run's peak RSS (ru_maxrss of that process; on SQLite it includes the pages of
the database file that the memory-mapped reads touched). Target: 1M rows <= 60 s on SQLite.
"""

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AMENITIES = ["parking", "ebike_charging", "phone_charging", "drinking_water", "hot_water", "microwave", "toilet", "seating", "air_conditioning", "wifi"]
HOURS = ["24/7", "Mo-Su 08:00-20:00", "Mo-Fr 09:00-18:00; Sa 10:00-16:00", ""]
CHANGED_HOURS = "Mo-Su 07:00-21:00"
CHANGE_EVERY = 10
SOURCE = "bench-import"


def write_csv(path: Path, n: int, change_every: int = 0) -> None:
    """n stations with every common column; with ``change_every``, every that-many-th station
    gets other opening hours (the same ids and places otherwise)."""
    from bench.citygen import stations

    rng = random.Random(5)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "name", "lon", "lat", "address", "amenities", "opening_hours", "status", "phone", "operator"])
        for i, (lon, lat) in enumerate(stations(n, seed=3)):
            # Amenity sets in random order: many distinct strings, a pessimistic case for the
            # importer's per-string caches.
            amenities = ";".join(rng.sample(AMENITIES, rng.randint(0, 5)))
            hours = rng.choice(HOURS)
            if change_every and i % change_every == 0:
                hours = CHANGED_HOURS
            writer.writerow([f"S{i}", f"示范驿站 {i}", f"{lon:.7f}", f"{lat:.7f}", f"示范路{i % 997}号", amenities, hours, "open", "", "示范总工会"])


def run_import(csv_path: Path, env: dict, workdir: Path) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in KiB, summary line) of one import_stations process."""
    command = [sys.executable, "manage.py", "import_stations", str(csv_path), "--kind", "rest_station", "--coordsys", "wgs84", "--source", SOURCE]
    out_path, err_path = workdir / "stdout.txt", workdir / "stderr.txt"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        # wait4 gives this child's own resource usage (RUSAGE_CHILDREN would be a max over all).
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"import failed:\n{err_path.read_text()}")
    return seconds, usage.ru_maxrss, out_path.read_text().strip().splitlines()[-1]


def scratch_postgres(url: str) -> tuple[str, Callable[[], None]]:
    """A fresh database next to the one ``url`` names; returns its URL and a dropper."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_bench_import"
    conninfo = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"] or None,
                "password": config["PASSWORD"] or None, "dbname": config["NAME"]}
    conninfo = {k: v for k, v in conninfo.items() if v}

    def execute(sql: str) -> None:
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            conn.execute(sql)

    execute(f'DROP DATABASE IF EXISTS "{name}"')
    execute(f'CREATE DATABASE "{name}"')
    scratch = url.rsplit("/", 1)[0] + "/" + name
    return scratch, lambda: execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="stations to generate (default 1,000,000)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (and the PostgreSQL scratch database)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="yizhan-bench-import-"))
    first_csv, changed_csv = workdir / f"stations-{args.n}.csv", workdir / f"stations-{args.n}-changed.csv"
    started = time.perf_counter()
    write_csv(first_csv, args.n)
    write_csv(changed_csv, args.n, change_every=CHANGE_EVERY)
    print(f"generated 2 CSVs of {args.n:,} stations ({first_csv.stat().st_size / 2**20:.0f} MiB each) in {time.perf_counter() - started:.0f} s: {workdir}")

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings"}
    drop = None
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"], drop = scratch_postgres(os.environ["DATABASE_URL"])
        label = f"PostgreSQL (scratch database {env['DATABASE_URL'].rsplit('/', 1)[1]})"
    else:
        env["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
        label = "SQLite (a new file)"
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        runs = [
            ("1st: all new (created)", *run_import(first_csv, env, workdir)),
            ("2nd: same file (unchanged)", *run_import(first_csv, env, workdir)),
            (f"3rd: 1 in {CHANGE_EVERY} changed (updated)", *run_import(changed_csv, env, workdir)),
        ]
    finally:
        if drop and not args.keep:
            drop()

    print(f"\nimport_stations of {args.n:,} generated stations into {label}, {os.cpu_count()} CPUs")
    print(f"{'run':<30} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'peak RSS':>9}  summary line")
    for name, seconds, rss_kib, summary in runs:
        print(f"{name:<30} {args.n:>10,} {seconds:>8.1f} {args.n / seconds:>9,.0f} {rss_kib / 1024:>5.0f} MiB  {summary}")
    print(f"target: 1M rows <= 60 s on SQLite; 1st run: {runs[0][1]:.1f} s for {args.n:,} rows")
    if not args.keep:
        shutil.rmtree(workdir)
    reproduce = f".venv/bin/python bench/bench_import.py --n {args.n}"
    if drop:
        reproduce = "DATABASE_URL=<postgres://.../db> " + reproduce
    print(f"\nreproduce: {reproduce}")


if __name__ == "__main__":
    main()
