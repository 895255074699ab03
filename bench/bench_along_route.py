"""Benchmark: along-route search at 1M stations, checked against a brute-force scan in the same run.

    .venv/bin/python bench/bench_along_route.py [--size 1000000] [--queries 200] [--postgres]

Routes are 500 km expressway-like polylines between real city pairs of bench/citygen.py (a vertex
every ~250 m with a little lateral wiggle, like an Amap route), within_m 2000. Each query picks a
route, a start (``from_m``), k and a filter (none, kind=driver_home, amenity=aed). Timed: (a) the
engine (route preparation, corridor, SQL fetches, exact measurement: geodata.along.search_along
with the service's fetch) and (b) the whole service with JSON. Every answer is compared with the
brute force: every station against every arc of the route (geodata.route.measure_pairs), pruned
only by a generous per-arc box.
"""

import argparse
import os
import math
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import datasets  # noqa: E402

PAIRS = [("深圳", "韶关", (113.60, 24.81)), ("北京", "石家庄", None), ("上海", "合肥", None), ("广州", "长沙", None), ("郑州", "武汉", None), ("南京", "上海", None)]
WITHIN_M = 2000.0
LENGTH_M = 500_000.0


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def city(name):
    from bench.citygen import CITIES

    return next((lon, lat) for n, lon, lat, _ in CITIES if n == name)


def make_route(a, b, rng, step_m=250.0):
    """~500 km from a towards b (or beyond), with vertices every step_m and a gentle wiggle."""
    from geodata.distance import haversine_m

    (lon0, lat0), (lon1, lat1) = a, b
    d = haversine_m(lon0, lat0, lon1, lat1)
    scale = LENGTH_M / d
    n = int(LENGTH_M / step_m)
    points = []
    phase = rng.uniform(0, 6.28)
    for i in range(n + 1):
        t = i / n * scale
        lon = lon0 + (lon1 - lon0) * t
        lat = lat0 + (lat1 - lat0) * t
        wiggle = 0.02 * math.sin(phase + t * 40) + 0.005 * math.sin(phase * 3 + t * 300)
        points.append((lon + wiggle * (lat1 - lat0) / max(1e-9, abs(lat1 - lat0) + abs(lon1 - lon0)), lat - wiggle * (lon1 - lon0) / max(1e-9, abs(lat1 - lat0) + abs(lon1 - lon0))))
    return points


class BruteForce:
    def __init__(self, rows):
        import numpy as np

        self.np = np
        rows = sorted(rows, key=lambda r: r[1])
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.lon = np.array([r[1] for r in rows])
        self.lat = np.array([r[2] for r in rows])
        self.kind = np.array([r[3] for r in rows])
        self.mask = np.array([r[4] for r in rows], dtype=np.int64)

    def along(self, route, within_m, k, from_m, kind=None, amenity_mask=0):
        from geodata.route import closest_per_point, measure_pairs

        np = self.np
        pad_lat = within_m / 111_000.0 * 1.5
        pairs_point, pairs_arc = [], []
        for arc in range(len(route.length_m)):
            lo_lon = min(route.lon[arc], route.lon[arc + 1])
            hi_lon = max(route.lon[arc], route.lon[arc + 1])
            lo_lat = min(route.lat[arc], route.lat[arc + 1]) - pad_lat
            hi_lat = max(route.lat[arc], route.lat[arc + 1]) + pad_lat
            pad_lon = pad_lat / math.cos(math.radians(max(abs(lo_lat), abs(hi_lat))))
            i0, i1 = np.searchsorted(self.lon, [lo_lon - pad_lon, hi_lon + pad_lon])
            sel = np.arange(i0, i1)
            sel = sel[(self.lat[sel] >= lo_lat) & (self.lat[sel] <= hi_lat)]
            pairs_point.append(sel)
            pairs_arc.append(np.full(len(sel), arc))
        point = np.concatenate(pairs_point)
        arc = np.concatenate(pairs_arc)
        if kind is not None:
            keep = self.kind[point] == kind
            point, arc = point[keep], arc[keep]
        if amenity_mask:
            keep = (self.mask[point] & amenity_mask) == amenity_mask
            point, arc = point[keep], arc[keep]
        from geodata.route import _unit_vectors

        order = np.argsort(point, kind="stable")
        point, arc = point[order], arc[order]
        uniq, counts = np.unique(point, return_counts=True)
        d, a = measure_pairs(route, _unit_vectors(self.lon[point], self.lat[point]), arc)
        off, at = closest_per_point(counts, d, a)
        keep = (off <= within_m) & (at >= from_m)
        hits = sorted((float(at[i]), int(self.ids[uniq[i]]), float(off[i])) for i in np.flatnonzero(keep))
        return hits[:k]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    url = datasets.create_postgres_database("bench_road") if args.postgres else None
    label = datasets.use_database(args.size, url)
    import django

    django.setup()
    load_s = datasets.ensure_loaded(args.size)
    from django.db import connection

    from geodata.along import search_along
    from geodata.polyline import check_route
    from geodata.route import prepare_route
    from stations import vocabulary as vocab
    from stations.search.along_route import AlongRouteQuery, _fetcher, along_route_stations
    from stations.search.filters import build_filters

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, lon, lat, kind, amenity_mask FROM stations_station WHERE status = 'open'")
        brute = BruteForce(cursor.fetchall())
    rng = random.Random(7)
    routes = []
    for a, b, via in PAIRS:
        points = make_route(city(a), via or city(b), rng)
        routes.append(check_route(points, "route", 20_000, 3_000_000))
    filters = [(None, None), ("driver_home", None), (None, "aed")]
    engine_ms, engine_cpu_ms, service_ms, exact = [], [], [], 0
    by_filter = {}
    candidates_note = []
    for q in range(args.queries):
        points = routes[q % len(routes)]
        kind, amenity = filters[q % len(filters)]
        k = rng.choice([10, 20, 200])
        from_m = rng.choice([0.0, rng.uniform(0, 450_000)])
        flt = build_filters(kind, amenity, None)
        fetch = _fetcher(flt)
        started, cpu = time.perf_counter(), time.process_time()
        route = prepare_route(points)
        hits = search_along(route, WITHIN_M, k, fetch, from_m=from_m)
        engine_ms.append((time.perf_counter() - started) * 1000)
        engine_cpu_ms.append((time.process_time() - cpu) * 1000)
        by_filter.setdefault(kind or amenity or "none", []).append(engine_ms[-1])
        started = time.perf_counter()
        polyline = ";".join(f"{lon!r},{lat!r}" for lon, lat in points)
        along_route_stations(AlongRouteQuery(polyline=polyline, within_m=WITHIN_M, k=k, filters=flt, from_m=from_m))
        service_ms.append((time.perf_counter() - started) * 1000)
        want = brute.along(route, WITHIN_M, k, from_m, kind, vocab.amenity_mask([amenity] if amenity else []))
        got = [(hit.along_m, hit.id, hit.off_route_m) for hit in hits]
        same = [h[1] for h in got] == [h[1] for h in want] and all(
            abs(g[0] - w[0]) <= max(1.0, 1e-3 * w[0]) and abs(g[2] - w[2]) <= max(1.0, 1e-3 * w[2]) for g, w in zip(got, want)
        )
        exact += same
        if not same:
            print("MISMATCH", q, kind, amenity, k, from_m, got[:3], want[:3])
        candidates_note.append(len(hits))
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(f"database {connection.vendor} ({label}), {args.size:,} stations (load {load_s:.1f} s), {len(routes)} routes of 500 km, {len(routes[0])} vertices, within_m {WITHIN_M:.0f}")
    print(f"engine:  median {statistics.median(engine_ms):.2f} ms, p90 {pct(engine_ms, 90):.2f} ms, p99 {pct(engine_ms, 99):.2f} ms over {args.queries} queries")
    print(f"engine CPU time of this process (less sensitive to a loaded machine; SQLite runs in it): median {statistics.median(engine_cpu_ms):.2f} ms")
    for name, values in by_filter.items():
        print(f"  filter {name:12s} median {statistics.median(values):.2f} ms, p99 {pct(values, 99):.2f} ms")
    print(f"service (decode Amap polyline + search + JSON): median {statistics.median(service_ms):.2f} ms, p99 {pct(service_ms, 99):.2f} ms")
    print(f"exact vs brute force: {exact}/{args.queries} (mean results {statistics.mean(candidates_note):.1f})")
    print(f"command: .venv/bin/python bench/bench_along_route.py --size {args.size} --queries {args.queries}{' --postgres' if args.postgres else ''}")


if __name__ == "__main__":
    main()
