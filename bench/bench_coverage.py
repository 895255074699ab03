"""Benchmark: geodata.coverage at national scale, and greedy site choice against the exact MCLP.

    .venv/bin/python -m pip install -r bench/requirements-bench.txt    # spopt + pulp (CBC), bench only
    .venv/bin/python bench/bench_coverage.py [--demand 1000000] [--stations 100000] [--runs 3] [--ps 5,10,20]

(1) Scale: demand points and stations distributed like China's cities (bench/citygen.py; demand
    = rider positions around the stations plus rural points), radius 500 m, weight 1. Median of
    --runs runs of the full coverage (nearest_station_m + summarize), checked against a numpy
    brute-force scan on 2,000 sample points; then gap_hexes (H3 res 8) and station_impacts once.
(2) MCLP quality on the Shenzhen demo: demand = data/demo/shenzhen_demand_food.csv (weight 1),
    existing stations = data/demo/shenzhen_rest_stations.wgs84.csv, radius 500 m, candidates =
    centres of every res-8 gap hex. choose_sites (lazy greedy) against spopt.locate.MCLP solved
    exactly by CBC, with the existing stations fixed as spopt's predefined facilities (so its
    p_facilities = existing + p). Both objectives are the TOTAL covered demand, existing coverage
    included, recomputed from each answer's sites by the same haversine test.
"""

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import citygen  # noqa: E402
from geodata import coverage  # noqa: E402

RADIUS_M = 500.0
DEMO = ROOT / "data" / "demo"


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def brute_nearest_m(dlon, dlat, slon, slat):
    """Exact reference: every station's haversine to each sample point, first minimum."""
    dist = np.empty(dlon.size)
    idx = np.empty(dlon.size, dtype=np.int64)
    for i in range(dlon.size):
        d = coverage.haversine_m(dlon[i], dlat[i], slon, slat)
        idx[i] = int(np.argmin(d))
        dist[i] = d[idx[i]]
    return dist, idx


def scale(n_demand: int, n_stations: int, runs: int) -> None:
    t, stations = timed(citygen.stations, n_stations)
    demand = citygen.rider_positions(stations, n_demand)
    slon, slat = np.array(stations).T
    dlon, dlat = np.array(demand).T
    weight = np.ones(n_demand)
    print(
        f"(1) scale: {n_demand:,} demand points x {n_stations:,} stations (citygen, generated in {t:.1f} s), radius {RADIUS_M:.0f} m"
    )

    def full():
        dist, idx = coverage.nearest_station_m(dlon, dlat, slon, slat)
        return dist, idx, coverage.summarize(dist, weight, RADIUS_M)

    times = []
    for _ in range(runs):
        t, (dist, idx, summary) = timed(full)
        times.append(t)
    t_nearest, _ = timed(coverage.nearest_station_m, dlon, dlat, slon, slat)
    t_summary, _ = timed(coverage.summarize, dist, weight, RADIUS_M)
    print(
        f"    coverage (nearest_station_m + summarize): median {statistics.median(times):.2f} s of {runs} "
        f"({', '.join(f'{x:.2f}' for x in times)}); one more run split: nearest {t_nearest:.2f} s, summarize {t_summary:.3f} s"
    )
    print(
        f"    coverage {summary.coverage:.4f}, weighted mean distance {summary.mean_distance_m:,.0f} m, p90 {summary.p90_distance_m:,.0f} m"
    )

    sample = np.random.default_rng(0).choice(n_demand, 2_000, replace=False)
    want_dist, want_idx = brute_nearest_m(dlon[sample], dlat[sample], slon, slat)
    same = int(((idx[sample] == want_idx) & (dist[sample] == want_dist)).sum())
    print(
        f"    exactness: {same:,} of {sample.size:,} sample points identical to a brute-force scan (index and distance)"
    )

    t, gaps = timed(coverage.gap_hexes, dlon, dlat, weight, dist <= RADIUS_M, slon, slat, 8)
    print(
        f"    gap_hexes (res 8): {t:.2f} s, {len(gaps):,} hexes with demand, {sum(g.uncovered_weight > 0 for g in gaps):,} gaps"
    )
    t, impacts = timed(coverage.station_impacts, dlon, dlat, weight, slon, slat, RADIUS_M)
    print(
        f"    station_impacts: {t:.2f} s, {sum(i.redundant for i in impacts):,} redundant stations, "
        f"{sum(i.covered_weight == 0 for i in impacts):,} idle"
    )
    cand_lon, cand_lat = coverage.candidate_sites_from_gaps(gaps, 10_000)
    t, sites = timed(coverage.choose_sites, dlon, dlat, weight, dist <= RADIUS_M, cand_lon, cand_lat, RADIUS_M, 100)
    print(
        f"    choose_sites (10,000 gap-centre candidates, p=100): {t:.2f} s, adds {sum(s.added_weight for s in sites):,.0f} points"
    )


def read_lonlat(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with path.open(encoding="utf-8") as f:
        rows = [(float(r["lon"]), float(r["lat"])) for r in csv.DictReader(f)]
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows])


def mclp_quality(ps: list[int]) -> None:
    import pulp
    from spopt.locate import MCLP

    dlon, dlat = read_lonlat(DEMO / "shenzhen_demand_food.csv")
    slon, slat = read_lonlat(DEMO / "shenzhen_rest_stations.wgs84.csv")
    weight = np.ones(dlon.size)
    dist, _ = coverage.nearest_station_m(dlon, dlat, slon, slat)
    covered = dist <= RADIUS_M
    gaps = coverage.gap_hexes(dlon, dlat, weight, covered, slon, slat, 8)
    clon, clat = coverage.candidate_sites_from_gaps(gaps, len(gaps))
    base = float(weight[covered].sum())
    print(
        f"\n(2) MCLP on the Shenzhen demo: {dlon.size} demand points (weight 1), {slon.size} existing stations covering "
        f"{base:.0f} at {RADIUS_M:.0f} m, {clon.size} candidates (res-8 gap hex centres)"
    )
    print("    objective = total covered demand points, existing coverage included (same definition for both)")

    # spopt's model over all sites: existing stations first (predefined, always open), then candidates.
    all_lon, all_lat = np.concatenate([slon, clon]), np.concatenate([slat, clat])
    cost_m = coverage.haversine_m(dlon[:, None], dlat[:, None], all_lon[None, :], all_lat[None, :])
    predefined = np.concatenate([np.ones(slon.size, dtype=int), np.zeros(clon.size, dtype=int)])

    def total(chosen_candidates):
        now = covered.copy()
        for j in chosen_candidates:
            now |= cost_m[:, slon.size + j] <= RADIUS_M
        return float(weight[now].sum())

    print("    (added = the same minus the existing coverage; its ratio is the stricter one)")
    print(
        f"    {'p':>3} {'greedy':>8} {'optimal':>8} {'ratio':>8} {'added':>6} {'opt add':>8} {'ratio':>8} {'greedy s':>9} {'spopt+CBC s':>12}"
    )
    for p in ps:
        t_greedy, sites = timed(coverage.choose_sites, dlon, dlat, weight, covered, clon, clat, RADIUS_M, p)
        greedy = total([s.candidate_index for s in sites])
        assert greedy == base + sum(s.added_weight for s in sites)

        def solve(p=p):
            model = MCLP.from_cost_matrix(cost_m, weight, RADIUS_M, slon.size + p, predefined_facilities_arr=predefined)
            return model.solve(pulp.PULP_CBC_CMD(msg=False))

        t_exact, model = timed(solve)
        assert pulp.LpStatus[model.problem.status] == "Optimal", pulp.LpStatus[model.problem.status]
        opened = [j for j, var in enumerate(model.fac_vars) if var.value() > 0.5]
        assert set(range(slon.size)) <= set(opened), "spopt dropped an existing station"
        optimal = total([j - slon.size for j in opened if j >= slon.size])
        assert optimal == whole(pulp.value(model.problem.objective))
        added_ratio = (greedy - base) / (optimal - base) if optimal > base else 1.0
        print(
            f"    {p:>3} {greedy:>8.0f} {optimal:>8.0f} {greedy / optimal:>8.2%} {greedy - base:>6.0f} {optimal - base:>8.0f} "
            f"{added_ratio:>8.2%} {t_greedy:>9.3f} {t_exact:>12.2f}"
        )


def whole(value: float) -> float:
    """CBC reports the objective as a float; with weights of 1 it is a whole number."""
    return float(round(value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demand", type=int, default=1_000_000)
    parser.add_argument("--stations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ps", default="5,10,20")
    parser.add_argument("--skip-scale", action="store_true", help="only the MCLP comparison")
    args = parser.parse_args()
    if not args.skip_scale:
        scale(args.demand, args.stations, args.runs)
    mclp_quality([int(p) for p in args.ps.split(",")])
    print(
        f"\nreproduce: .venv/bin/python bench/bench_coverage.py --demand {args.demand} --stations {args.stations} "
        f"--runs {args.runs} --ps {args.ps}" + (" --skip-scale" if args.skip_scale else "")
    )


if __name__ == "__main__":
    main()
