"""Benchmark 3: importing 1M generated stations with `manage.py import_stations`.

    .venv/bin/python bench/bench_import.py [--n 1000000] [--postgres]

Writes n city-distributed stations (bench/citygen.py) to a CSV with every common column, then
times the real command into a fresh database (SQLite by default: a new file; --postgres: a
freshly created database yizhan_import), twice: the first run creates every station, the
second finds them all unchanged. Reports wall seconds, rows/s and the command's peak memory
(max RSS). Target: 1M rows <= 60 s on SQLite.
"""

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import datasets  # noqa: E402

AMENITIES = ["parking", "ebike_charging", "phone_charging", "drinking_water", "hot_water", "microwave", "toilet", "seating", "air_conditioning", "wifi"]
HOURS = ["24/7", "Mo-Su 08:00-20:00", "Mo-Fr 09:00-18:00; Sa 10:00-16:00", ""]


def write_csv(path: Path, n: int) -> None:
    from bench.citygen import stations

    rng = random.Random(5)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "name", "lon", "lat", "address", "amenities", "opening_hours", "status", "phone", "operator"])
        for i, (lon, lat) in enumerate(stations(n, seed=3)):
            writer.writerow([
                f"S{i}", f"示范驿站 {i}", f"{lon:.7f}", f"{lat:.7f}", f"示范路{i % 997}号",
                ";".join(rng.sample(AMENITIES, rng.randint(0, 5))), rng.choice(HOURS), "open", "", "示范总工会",
            ])


def run_import(csv_path: Path, env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "manage.py", "import_stations", str(csv_path), "--kind", "rest_station", "--coordsys", "wgs84", "--source", "bench-import"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )
    return time.perf_counter() - started, proc.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()

    datasets.OUT.mkdir(parents=True, exist_ok=True)
    csv_path = datasets.OUT / f"import-{args.n}.csv"
    if not csv_path.exists():
        write_csv(csv_path, args.n)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings"}
    if args.postgres:
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS yizhan_import")
            conn.execute("CREATE DATABASE yizhan_import")
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/yizhan_import"
        label = "PostgreSQL"
    else:
        db = datasets.OUT / "import.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(db)
        label = "SQLite"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    first_s, first_line = run_import(csv_path, env)
    second_s, second_line = run_import(csv_path, env)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"import of {args.n:,} generated stations into {label} ({csv_path.stat().st_size / 2**20:.0f} MiB CSV)")
    print(f"{'run':<28} {'seconds':>8} {'rows/s':>9}  summary")
    print(f"{'1st (all created)':<28} {first_s:>8.1f} {args.n / first_s:>9.0f}  {first_line}")
    print(f"{'2nd (all unchanged)':<28} {second_s:>8.1f} {args.n / second_s:>9.0f}  {second_line}")
    print(f"peak memory of the import command (max RSS): {peak_mib:.0f} MiB")
    print(f"target: 1M rows <= 60 s on SQLite: {first_s:.1f} s for {args.n:,}")
    print(f"\nreproduce: .venv/bin/python bench/bench_import.py --n {args.n}" + (" --postgres" if args.postgres else ""))


if __name__ == "__main__":
    main()
