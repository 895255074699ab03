"""Benchmark 1: the exact nearest-station engine at 10k / 100k / 1M stations.

    .venv/bin/python bench/bench_nearest.py [--sizes 10000,100000,1000000] [--queries 1000] [--postgres]

For each size, in its own process (settings are read once per process): build or reuse a
database of stations distributed like Chinese cities (bench/datasets.py), then time 1,000 k=10
queries from rider positions (a) through the engine alone (geodata.nearest + the SQL fetch) and
(b) through the whole service the API calls, and check every answer against a brute-force scan.
On SQLite with math functions the engine also runs with the ranked fetch the service uses
(search_sql.fetch_nearest_in_ranges: distances and the top k in SQL, whole rows in one statement).
With --postgres the 1M set is also loaded into PostgreSQL and compared, in the same run, with a
PostGIS geometry KNN + geography re-rank query (PostGIS is used for this comparison only).
"""

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import datasets  # noqa: E402

PG_BASE = "postgres://postgres@127.0.0.1:5432"
K = 10


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class BruteForce:
    """Exact reference answers: numpy narrows, the engine's own haversine decides."""

    def __init__(self, rows):
        import numpy as np

        self.np = np
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.lon = np.radians(np.array([r[1] for r in rows]))
        self.lat = np.radians(np.array([r[2] for r in rows]))
        self.raw = {r[0]: (r[1], r[2]) for r in rows}

    def nearest(self, lon, lat, k, mask=None):
        from geodata.distance import haversine_m

        np = self.np
        lon_r, lat_r = math.radians(lon), math.radians(lat)
        h = np.sin((self.lat - lat_r) / 2) ** 2 + np.cos(lat_r) * np.cos(self.lat) * np.sin((self.lon - lon_r) / 2) ** 2
        d = 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
        if mask is not None:
            d = np.where(mask, d, np.inf)
        kth = np.partition(d, min(k, len(d) - 1))[min(k, len(d) - 1)] if len(d) > k else np.inf
        candidates = self.ids[(d <= kth + 1e-3) & np.isfinite(d)]
        exact = sorted((haversine_m(lon, lat, *self.raw[int(i)]), int(i)) for i in candidates)
        return [i for _, i in exact[:k]]


def worker(n: int, queries: int, postgres: bool) -> dict:
    url = datasets.create_postgres_database("yizhan_bench", PG_BASE + "/postgres") if postgres else None
    datasets.use_database(n, url)
    import django

    django.setup()
    from django.db import connection

    from bench.citygen import rider_positions
    from geodata.nearest import nearest
    from stations.search.start_radius import density_grid, start_radius_m
    from stations.search.nearest import NearestQuery, nearest_stations
    from stations.search.sql import CANDIDATE_COLUMNS, Filters, fetch_in_ranges, fetch_nearest_in_ranges, ranked_search_supported

    load_s = datasets.ensure_loaded(n)
    started = time.perf_counter()
    density_grid()  # built here so its cost is reported once, not inside the timed queries
    grid_s = time.perf_counter() - started
    rows = list(datasets.station_rows(n))
    positions = rider_positions([(r[1], r[2]) for r in rows], queries)
    warmup = rider_positions([(r[1], r[2]) for r in rows], 2000, seed=99)
    brute = BruteForce(rows)
    import numpy as np

    is_driver_home = np.array([r[3] == "driver_home" for r in rows])
    has_aed = np.array([bool(r[4] & datasets.AED_BIT) for r in rows])

    def run(label, filters, mask, sample, ranked=False):
        stats = {"fetches": 0, "rows": 0}
        point = [0.0, 0.0]

        def fetch(ranges, bounds):
            if ranked:  # SQLite measures and ranks; only the k nearest (whole rows) come back
                found = fetch_nearest_in_ranges(ranges, filters, bounds, point[0], point[1], K)
            else:
                found = fetch_in_ranges(ranges, filters, CANDIDATE_COLUMNS, bounds)
            stats["fetches"] += 1
            stats["rows"] += len(found)
            return found

        for lon, lat in warmup:  # other riders first: a serving process has warm pages
            point[:] = lon, lat
            nearest(lon, lat, K, fetch, start_radius_m=start_radius_m(lon, lat, K, filters))
        stats = {"fetches": 0, "rows": 0}
        times, answers = [], []
        for lon, lat in sample:
            point[:] = lon, lat
            started = time.perf_counter_ns()
            hits = nearest(lon, lat, K, fetch, start_radius_m=start_radius_m(lon, lat, K, filters))
            times.append((time.perf_counter_ns() - started) / 1e6)
            answers.append([h.id for h in hits])
        # Checked after timing: the brute-force scan would flush the CPU caches between queries.
        exact = sum(ids == brute.nearest(lon, lat, K, mask) for ids, (lon, lat) in zip(answers, sample))
        return {
            "case": label,
            "median_ms": statistics.median(times),
            "p99_ms": pct(times, 99),
            "fetches_per_query": stats["fetches"] / len(sample),
            "rows_per_query": stats["rows"] / len(sample),
            "exact": exact,
            "queries": len(sample),
        }

    results = [
        run("k=10, open", Filters(), None, positions),
        *([run("k=10 ranked in SQL, + rows", Filters(), None, positions, ranked=True)] if ranked_search_supported() else []),
        run("kind=driver_home (0.5%)", Filters(kinds=("driver_home",)), is_driver_home, positions[:200]),
        run("amenity=aed (1%)", Filters(amenity_mask=datasets.AED_BIT), has_aed, positions[:200]),
    ]
    service_times = []
    for lon, lat in positions:
        started = time.perf_counter_ns()
        nearest_stations(NearestQuery(lat=lat, lon=lon, k=K))
        service_times.append((time.perf_counter_ns() - started) / 1e6)
    out = {
        "n": n,
        "database": connection.vendor,
        "load_s": load_s,
        "density_grid_s": grid_s,
        "cases": results,
        "service_median_ms": statistics.median(service_times),
        "service_p99_ms": pct(service_times, 99),
    }
    if postgres:
        out["postgis"] = postgis_comparison(rows, positions, brute)
    return out


def postgis_comparison(rows, positions, brute) -> dict:
    import psycopg

    with psycopg.connect(PG_BASE + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone():
            return {"skipped": "PostGIS is not installed: apt-get install postgresql-15-postgis-3"}
    url = datasets.create_postgres_database("yizhan_postgis", PG_BASE + "/postgres")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        count = conn.execute("SELECT to_regclass('pts') IS NOT NULL").fetchone()[0] and conn.execute("SELECT count(*) FROM pts").fetchone()[0]
        if count != len(rows):
            conn.execute("DROP TABLE IF EXISTS pts")
            conn.execute("CREATE TABLE pts (id bigint PRIMARY KEY, geom geometry(Point, 4326) NOT NULL)")
            with conn.cursor().copy("COPY pts (id, geom) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row((r[0], f"SRID=4326;POINT({r[1]!r} {r[2]!r})"))
            conn.execute("CREATE INDEX pts_geom_gist ON pts USING gist (geom)")
            conn.execute("VACUUM ANALYZE pts")
        sql = (
            "SELECT id FROM (SELECT id, geom FROM pts ORDER BY geom <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326) LIMIT 30) s"
            " ORDER BY ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, false), id LIMIT 10"
        )
        for lon, lat in positions[:50]:
            conn.execute(sql, (lon, lat, lon, lat)).fetchall()
        times, exact = [], 0
        for lon, lat in positions:
            started = time.perf_counter_ns()
            ids = [r[0] for r in conn.execute(sql, (lon, lat, lon, lat)).fetchall()]
            times.append((time.perf_counter_ns() - started) / 1e6)
            exact += ids == brute.nearest(lon, lat, K)
    return {"median_ms": statistics.median(times), "p99_ms": pct(times, 99), "exact": exact, "queries": len(positions)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true", help="also run 1M on PostgreSQL and compare with PostGIS")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        backend, n = args.worker.split(":")
        print("RESULT " + json.dumps(worker(int(n), args.queries, backend == "postgres")))
        return

    runs = [("sqlite", int(n)) for n in args.sizes.split(",")]
    if args.postgres:
        runs.append(("postgres", max(n for _, n in runs)))
    results = []
    for backend, n in runs:
        print(f"... {backend} {n:,} stations", file=sys.stderr, flush=True)
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", f"{backend}:{n}", "--queries", str(args.queries)],
            capture_output=True, text=True, check=True,
        )
        results.append(json.loads(proc.stdout.split("RESULT ", 1)[1]))
    report(results)
    print(f"\nreproduce: .venv/bin/python bench/bench_nearest.py --sizes {args.sizes} --queries {args.queries}" + (" --postgres" if args.postgres else ""))


def report(results) -> None:
    print(f"{'database':<10} {'stations':>9} {'case':<26} {'median ms':>9} {'p99 ms':>8} {'fetch/q':>7} {'rows/q':>8} {'exact':>10}")
    for r in results:
        for c in r["cases"]:
            print(
                f"{r['database']:<10} {r['n']:>9,} {c['case']:<26} {c['median_ms']:>9.3f} {c['p99_ms']:>8.3f}"
                f" {c['fetches_per_query']:>7.2f} {c['rows_per_query']:>8.1f} {c['exact']:>5}/{c['queries']}"
            )
        print(f"{r['database']:<10} {r['n']:>9,} {'full service (JSON dicts)':<26} {r['service_median_ms']:>9.3f} {r['service_p99_ms']:>8.3f}")
        print(f"{r['database']:<10} {r['n']:>9,} {'density grid build (once)':<26} {r['density_grid_s'] * 1000:>9.1f}")
        if r["load_s"]:
            print(f"{r['database']:<10} {r['n']:>9,} built the dataset in {r['load_s']:.0f} s (reused by later runs)")
        if "postgis" in r:
            g = r["postgis"]
            if "skipped" in g:
                print(f"{'postgis':<10} {r['n']:>9,} skipped: {g['skipped']}")
            else:
                print(f"{'postgis':<10} {r['n']:>9,} {'KNN + geography re-rank':<26} {g['median_ms']:>9.3f} {g['p99_ms']:>8.3f} {'':>7} {'':>8} {g['exact']:>5}/{g['queries']}")
    sqlite = {r["n"]: r["cases"][0]["median_ms"] for r in results if r["database"] == "sqlite"}
    print()
    if sqlite:
        largest, smallest = max(sqlite), min(sqlite)
        print(f"target: median <= 0.2 ms at {largest:,} on SQLite: {sqlite[largest]:.3f} ms")
        print(f"target: {largest:,} median <= 2x the {smallest:,} median: ratio {sqlite[largest] / sqlite[smallest]:.2f}")
    for r in results:
        if r["database"] == "postgresql" and "median_ms" in r.get("postgis", {}):
            ratio = r["cases"][0]["median_ms"] / r["postgis"]["median_ms"]
            print(f"target: PostgreSQL engine <= PostGIS KNN + re-rank (same run): ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
