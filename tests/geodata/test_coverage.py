"""geodata.coverage: known values worked out by hand, an edge-case table, hypothesis properties.

Most hand-made cases lie on the equator, where 0.001 degree of longitude is
R * pi / 180 / 1000 = 111.19508 m (R = 6,371,008.8 m), so distances are whole "units" of it.
"""

import csv
import itertools
import json
import math
from pathlib import Path

import h3
import numpy as np
import pytest
import shapely
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import sparse

from geodata import distance
from geodata.coords import wgs84_to_gcj02
from geodata.coverage import (
    EARTH_RADIUS_M,
    CoverageSummary,
    GapHex,
    Site,
    StationImpact,
    candidate_sites_from_gaps,
    choose_sites,
    gap_hexes,
    haversine_m,
    nearest_station_m,
    region_of,
    station_impacts,
    stations_within,
    summarize,
)
from geodata.errors import InvalidArgument, InvalidCoordinate

UNIT_M = EARTH_RADIUS_M * math.pi / 180 / 1000  # 0.001 degree of longitude on the equator


def _line(units):
    """Points on the equator at the given multiples of 0.001 degree of longitude."""
    lon = np.array(units, dtype=np.float64) / 1000
    return lon, np.zeros_like(lon)


def _brute_nearest(dlon, dlat, slon, slat):
    """Scan every station with the same haversine formula; first minimum = lowest index."""
    dist = np.full(len(dlon), np.inf)
    idx = np.full(len(dlon), -1)
    for i in range(len(dlon)):
        if len(slon):
            d = haversine_m(dlon[i], dlat[i], slon, slat)
            idx[i] = int(np.argmin(d))
            dist[i] = d[idx[i]]
    return dist, idx


def _brute_within(dlon, dlat, slon, slat, radius_m):
    return np.array(
        [
            [haversine_m(dlon[i], dlat[i], slon[j], slat[j]) <= radius_m for j in range(len(slon))]
            for i in range(len(dlon))
        ],
        dtype=bool,
    ).reshape(len(dlon), len(slon))


def _covered_weight(dlon, dlat, weight, covered, clon, clat, radius_m, chosen):
    """Total weight covered by the existing coverage plus the chosen candidates (brute force)."""
    now = covered.copy()
    for j in chosen:
        now |= haversine_m(dlon, dlat, clon[j], clat[j]) <= radius_m
    return float(weight[now].sum())


# Known values -------------------------------------------------------------------------------

# Ten demand points at units 0..9; stations S0 at 0, S1 at 4, S2 at 20.
LINE_DEMAND = _line(range(10))
LINE_STATIONS = _line([0, 4, 20])


def test_it_agrees_with_the_scalar_haversine_of_geodata_distance():
    # Beijing - Shanghai, 1,068 km (the doctest of geodata.distance), and a short hop.
    for args in [(116.3975, 39.9087, 121.4737, 31.2304), (114.0, 22.5, 114.001, 22.5)]:
        assert float(haversine_m(*args)) == pytest.approx(distance.haversine_m(*args), rel=1e-14)
    assert float(haversine_m(0.0, 0.0, 0.001, 0.0)) == pytest.approx(111.19508, abs=1e-5)


def test_it_finds_the_nearest_station_on_a_line():
    dist, idx = nearest_station_m(*LINE_DEMAND, *LINE_STATIONS)
    # Point 2 is 2 units from both S0 and S1: the lower index wins.
    assert idx.tolist() == [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]
    assert dist / UNIT_M == pytest.approx([0, 1, 2, 1, 0, 1, 2, 3, 4, 5], abs=1e-9)
    assert dist.dtype == np.float64 and idx.dtype == np.int64


def test_it_summarizes_coverage_on_a_line():
    dist, _ = nearest_station_m(*LINE_DEMAND, *LINE_STATIONS)
    summary = summarize(dist, np.ones(10), radius_m=2.25 * UNIT_M)
    # Covered: distances 0,1,2,1,0,1,2 units (points 0..6). Mean 19/10 units. Weighted p90:
    # sorted 0,0,1,1,1,2,2,3,4,5 -> the 9th of 10 is 4 units.
    assert summary.demand_points == 10 and summary.demand_weight == 10.0
    assert summary.covered_points == 7 and summary.covered_weight == 7.0
    assert summary.coverage == 0.7
    assert summary.mean_distance_m == pytest.approx(1.9 * UNIT_M)
    assert summary.p90_distance_m == pytest.approx(4 * UNIT_M)
    assert summary.as_dict()["coverage"] == 0.7
    assert set(summary.as_dict()) >= {
        "demand_points",
        "demand_weight",
        "covered_points",
        "covered_weight",
        "coverage",
        "mean_distance_m",
        "p90_distance_m",
    }


def test_it_weights_the_summary_and_its_percentile():
    dist, _ = nearest_station_m(*LINE_DEMAND, *LINE_STATIONS)
    weight = np.array([0, 0, 0, 0, 0, 0, 0, 1, 1, 8], dtype=np.float64)  # units 3, 4, 5
    summary = summarize(dist, weight, radius_m=3 * UNIT_M + 1e-6)
    assert summary.covered_weight == 1.0 and summary.coverage == 0.1
    assert summary.covered_points == 8  # zero-weight points are still points
    assert summary.mean_distance_m == pytest.approx((3 + 4 + 8 * 5) / 10 * UNIT_M)
    assert summary.p90_distance_m == pytest.approx(5 * UNIT_M)  # 20 % of the weight is within 4 units


def test_it_summarizes_a_masked_subset():
    dist, _ = nearest_station_m(*LINE_DEMAND, *LINE_STATIONS)
    mask = np.arange(10) >= 5  # units 5..9: distances 1..5
    summary = summarize(dist, np.ones(10), 2.25 * UNIT_M, mask=mask)
    assert (summary.demand_points, summary.covered_points, summary.coverage) == (5, 2, 0.4)
    assert summary.mean_distance_m == pytest.approx(3 * UNIT_M)


def test_it_counts_a_point_exactly_at_the_radius_as_covered():
    dist, _ = nearest_station_m(*LINE_DEMAND, *LINE_STATIONS)
    at = float(dist[9])  # 5 units
    assert summarize(dist, np.ones(10), at).covered_points == 10
    assert summarize(dist, np.ones(10), math.nextafter(at, 0)).covered_points == 9
    within = stations_within(*LINE_DEMAND, *LINE_STATIONS, at)
    assert within[9, 1] and not stations_within(*LINE_DEMAND, *LINE_STATIONS, math.nextafter(at, 0))[9, 1]


def test_it_lists_the_stations_within_reach_as_a_sparse_matrix():
    within = stations_within(*LINE_DEMAND, *LINE_STATIONS, 2.25 * UNIT_M)
    assert sparse.issparse(within) and within.shape == (10, 3) and within.dtype == bool
    rows = [within.indices[within.indptr[i] : within.indptr[i + 1]].tolist() for i in range(10)]
    assert rows == [[0], [0], [0, 1], [1], [1], [1], [1], [], [], []]


def test_it_measures_what_each_station_alone_covers():
    # Radius 2.25 units: S0 covers points 0,1,2; S1 covers 2..6; S2 (unit 20) nothing.
    impacts = station_impacts(*LINE_DEMAND, np.ones(10), *LINE_STATIONS, 2.25 * UNIT_M)
    assert impacts == [
        StationImpact(
            station_index=1, sole_weight=4.0, sole_points=4, covered_weight=5.0, redundant=False, covered_points=5
        ),
        StationImpact(
            station_index=0, sole_weight=2.0, sole_points=2, covered_weight=3.0, redundant=False, covered_points=3
        ),
        StationImpact(
            station_index=2, sole_weight=0.0, sole_points=0, covered_weight=0.0, redundant=False, covered_points=0
        ),
    ]


def test_it_marks_stations_that_only_duplicate_others_as_redundant():
    # S3 is S0 again: neither covers anything alone. S2 covers nothing: idle, not redundant.
    slon, slat = _line([0, 4, 20, 0])
    impacts = {i.station_index: i for i in station_impacts(*LINE_DEMAND, np.ones(10), slon, slat, 2.25 * UNIT_M)}
    assert [impacts[j].redundant for j in range(4)] == [True, False, False, True]
    assert impacts[0].sole_weight == 0.0 and impacts[0].covered_weight == 3.0
    assert impacts[1].sole_weight == 4.0
    order = [i.station_index for i in station_impacts(*LINE_DEMAND, np.ones(10), slon, slat, 2.25 * UNIT_M)]
    assert order == [1, 0, 2, 3]  # sole weight 4 first, then the zeros by index


# The greedy trap: points (weights) at units 0 (3), 2.5 (2), 4 (2), 5.5 (2), 8 (3); candidates
# A at 1, M at 4, B at 7, radius 1.8 units. M covers 2.5, 4, 5.5 (6); A covers 0, 2.5 (5); B
# covers 5.5, 8 (5). Best single site: M (6). Best pair: A + B (10), while greedy takes M then A
# (9). All three: 12.
TRAP_DEMAND = _line([0, 2.5, 4, 5.5, 8])
TRAP_WEIGHT = np.array([3, 2, 2, 2, 3], dtype=np.float64)
TRAP_CANDIDATES = _line([1, 4, 7])  # A, M, B
TRAP_RADIUS_M = 1.8 * UNIT_M


def _trap(p, covered=None):
    covered = np.zeros(5, dtype=bool) if covered is None else covered
    return choose_sites(*TRAP_DEMAND, TRAP_WEIGHT, covered, *TRAP_CANDIDATES, TRAP_RADIUS_M, p)


def test_it_chooses_the_best_single_site():
    assert _trap(1) == [Site(candidate_index=1, lon=0.004, lat=0.0, added_weight=6.0, added_points=3)]


def test_it_chooses_greedily_and_reports_what_each_site_adds():
    # After M, A and B both add 3: the lower index (A) first.
    sites = _trap(3)
    assert [(s.candidate_index, s.added_weight, s.added_points) for s in sites] == [
        (1, 6.0, 3),
        (0, 3.0, 1),
        (2, 3.0, 1),
    ]
    assert [s.candidate_index for s in _trap(2)] == [1, 0]
    assert sites[0].as_dict()["candidate_index"] == 1


def test_it_is_within_the_greedy_bound_of_the_optimal_pair():
    zeros = np.zeros(5, dtype=bool)
    optimum = max(
        _covered_weight(*TRAP_DEMAND, TRAP_WEIGHT, zeros, *TRAP_CANDIDATES, TRAP_RADIUS_M, pair)
        for pair in itertools.combinations(range(3), 2)
    )
    greedy = sum(s.added_weight for s in _trap(2))
    assert (optimum, greedy) == (10.0, 9.0)


def test_it_keeps_existing_coverage_fixed_and_stops_when_nothing_is_left():
    # Unit 0 already covered: M (6), then B (3); A would add nothing, so p=3 gives two sites.
    covered = np.array([True, False, False, False, False])
    assert [(s.candidate_index, s.added_weight) for s in _trap(3, covered)] == [(1, 6.0), (2, 3.0)]
    assert _trap(3, np.ones(5, dtype=bool)) == []
    assert _trap(0) == []


def test_it_ignores_candidates_that_add_only_zero_weight_points():
    weight = np.array([0, 0, 0, 0, 1], dtype=np.float64)
    sites = choose_sites(*TRAP_DEMAND, weight, np.zeros(5, dtype=bool), *TRAP_CANDIDATES, TRAP_RADIUS_M, 3)
    # B adds 1 (and the zero-weight point at 5.5 with it); nothing else adds weight.
    assert [(s.candidate_index, s.added_weight, s.added_points) for s in sites] == [(2, 1.0, 2)]


def test_it_finds_the_gap_hexes_and_ranks_them():
    # Two clusters 0.05 degree apart (5.5 km: different res-8 cells); one covered, one not.
    lon = np.array([114.0, 114.0, 114.05, 114.05, 114.05])
    lat = np.full(5, 22.5)
    weight = np.array([1.0, 2.0, 1.5, 0.5, 1.0])
    covered = np.array([True, True, False, True, False])
    gaps = gap_hexes(lon, lat, weight, covered, np.array([114.0]), np.array([22.5]))
    cell_a = h3.latlng_to_cell(22.5, 114.0, 8)
    cell_b = h3.latlng_to_cell(22.5, 114.05, 8)
    assert [g.hex_id for g in gaps] == [cell_b, cell_a]
    b, a = gaps
    assert (b.demand_points, b.demand_weight, b.covered_weight, b.uncovered_weight) == (3, 3.0, 0.5, 2.5)
    assert (a.demand_points, a.demand_weight, a.covered_weight, a.uncovered_weight) == (2, 3.0, 3.0, 0.0)
    centre_lat, centre_lon = h3.cell_to_latlng(cell_b)
    assert (b.lon, b.lat) == (centre_lon, centre_lat)
    assert b.distance_m == pytest.approx(distance.haversine_m(centre_lon, centre_lat, 114.0, 22.5), rel=1e-12)
    assert len(b.boundary) == 7 and b.boundary[0] == b.boundary[-1]
    assert shapely.Polygon(b.boundary).contains(shapely.Point(114.05, 22.5))
    assert isinstance(b, GapHex) and b.as_dict()["hex_id"] == cell_b
    # Candidate sites: the gap centres only (uncovered weight > 0), the biggest first.
    cand_lon, cand_lat = candidate_sites_from_gaps(gaps, limit=5)
    assert cand_lon.tolist() == [centre_lon] and cand_lat.tolist() == [centre_lat]
    assert candidate_sites_from_gaps(gaps, limit=0)[0].size == 0


def test_it_finds_regions_with_shared_borders_going_to_the_first():
    west = shapely.box(113.0, 22.0, 114.0, 23.0)
    east = shapely.box(114.0, 22.0, 115.0, 23.0)
    hole = shapely.Polygon([(113.2, 22.2), (113.8, 22.2), (113.8, 22.8), (113.2, 22.8)])
    donut = west.difference(hole)
    lon = np.array([113.5, 114.5, 114.0, 116.0, 113.1])
    lat = np.array([22.5, 22.5, 22.5, 22.5, 22.1])
    assert region_of(lon, lat, [west, east]).tolist() == [0, 1, 0, -1, 0]
    assert region_of(lon, lat, [east, west]).tolist() == [1, 0, 0, -1, 1]
    assert region_of(lon, lat, [donut, east]).tolist() == [-1, 1, 0, -1, 0]
    assert region_of(lon, lat, []).tolist() == [-1] * 5


# Edge cases ---------------------------------------------------------------------------------

NEAREST_EDGES = [
    # (name, demand (lon, lat) list, station list, expected index list, expected distance_m list)
    ("antimeridian pair", [(179.9999, 0.0)], [(-179.9999, 0.0), (179.99, 0.0)], [0], [0.2 * UNIT_M]),
    ("180 and -180 are one place", [(180.0, 10.0)], [(-180.0, 10.0)], [0], [0.0]),
    ("north pole, any longitude", [(0.0, 90.0)], [(123.0, 90.0)], [0], [0.0]),
    ("near the pole across it", [(0.0, 89.999)], [(180.0, 89.999), (0.0, 89.99)], [0], [2 * UNIT_M]),
    ("south pole", [(10.0, -90.0)], [(0.0, -89.999), (0.0, 0.0)], [0], [1 * UNIT_M]),
    ("duplicates: the lowest index", [(114.0, 22.5)], [(114.1, 22.5), (114.0, 22.5), (114.0, 22.5)], [1], [0.0]),
    ("antipodes", [(0.0, 0.0)], [(180.0, 0.0)], [0], [math.pi * EARTH_RADIUS_M]),
    ("equidistant on the equator", [(0.0, 0.0)], [(0.001, 0.0), (-0.001, 0.0)], [0], [UNIT_M]),
]


@pytest.mark.parametrize(
    ("name", "demand", "stations", "want_idx", "want_m"), NEAREST_EDGES, ids=[e[0] for e in NEAREST_EDGES]
)
def test_it_handles_nearest_edge_cases(name, demand, stations, want_idx, want_m):
    dlon, dlat = np.array(demand).T
    slon, slat = np.array(stations).T
    dist, idx = nearest_station_m(dlon, dlat, slon, slat)
    assert idx.tolist() == want_idx
    assert dist.tolist() == pytest.approx(want_m, abs=1e-6)
    assert (dist.tolist(), idx.tolist()) == tuple(x.tolist() for x in _brute_nearest(dlon, dlat, slon, slat))


def test_it_reports_no_station_as_infinitely_far():
    dist, idx = nearest_station_m(*LINE_DEMAND, [], [])
    assert dist.tolist() == [math.inf] * 10 and idx.tolist() == [-1] * 10
    summary = summarize(dist, np.ones(10), 500)
    assert (summary.covered_points, summary.coverage, summary.mean_distance_m, summary.p90_distance_m) == (
        0,
        0.0,
        None,
        None,
    )
    assert all(g.distance_m == math.inf for g in gap_hexes(*LINE_DEMAND, np.ones(10), dist <= 500, [], []))
    assert [i.covered_weight for i in station_impacts(*LINE_DEMAND, np.ones(10), [], [], 500)] == []
    assert stations_within(*LINE_DEMAND, [], [], 500).shape == (10, 0)


def test_it_handles_no_demand():
    dist, idx = nearest_station_m([], [], *LINE_STATIONS)
    assert dist.shape == (0,) and idx.shape == (0,)
    assert summarize(dist, [], 500) == CoverageSummary(0, 0.0, 0, 0.0, 0.0, None, None, 500.0)
    assert gap_hexes([], [], [], np.zeros(0, dtype=bool), *LINE_STATIONS) == []
    assert choose_sites([], [], [], np.zeros(0, dtype=bool), *LINE_STATIONS, 500, 3) == []
    impacts = station_impacts([], [], [], *LINE_STATIONS, 500)
    assert [(i.station_index, i.covered_weight, i.redundant) for i in impacts] == [
        (0, 0.0, False),
        (1, 0.0, False),
        (2, 0.0, False),
    ]
    assert region_of([], [], [shapely.box(0, 0, 1, 1)]).tolist() == []


def test_it_treats_zero_weight_demand_as_no_demand_weight():
    dist, _ = nearest_station_m(*LINE_DEMAND, *LINE_STATIONS)
    summary = summarize(dist, np.zeros(10), 2.25 * UNIT_M)
    assert (summary.demand_weight, summary.covered_points, summary.coverage) == (0.0, 7, 0.0)
    assert summary.mean_distance_m is None and summary.p90_distance_m is None
    impacts = station_impacts(*LINE_DEMAND, np.zeros(10), *LINE_STATIONS, 2.25 * UNIT_M)
    assert not any(i.redundant for i in impacts) and [i.sole_points for i in impacts] == [2, 4, 0]


def test_it_covers_everything_with_a_radius_past_half_the_globe():
    lon = np.array([0.0, 180.0, 90.0])
    lat = np.array([0.0, 0.0, -90.0])
    assert stations_within(lon, lat, [0.0], [0.0], distance.MAX_DISTANCE_M).toarray().ravel().tolist() == [True] * 3
    assert stations_within(lon, lat, [0.0], [0.0], 1e9).toarray().ravel().tolist() == [True] * 3
    assert stations_within(lon, lat, [0.0], [0.0], 0).toarray().ravel().tolist() == [True, False, False]


BAD_COORDS = [
    ("NaN latitude", [0.0], [math.nan]),
    ("infinite longitude", [math.inf], [0.0]),
    ("latitude past the pole", [0.0], [90.5]),
    ("longitude out of range", [181.0], [0.0]),
    ("not numbers", ["east"], [0.0]),
]


@pytest.mark.parametrize(("name", "lon", "lat"), BAD_COORDS, ids=[b[0] for b in BAD_COORDS])
def test_it_rejects_bad_coordinates(name, lon, lat):
    with pytest.raises(InvalidCoordinate, match="lon in \\[-180, 180\\] and lat in \\[-90, 90\\]|arrays of numbers"):
        nearest_station_m(lon, lat, [0.0], [0.0])
    with pytest.raises(InvalidCoordinate):
        nearest_station_m([0.0], [0.0], lon, lat)
    with pytest.raises(InvalidCoordinate):
        region_of(lon, lat, [])


def test_it_rejects_bad_arguments_saying_what_is_allowed():
    d = np.array([1.0, 2.0])
    cases = [
        (lambda: summarize(d, [1.0, -1.0], 500), "weights must be finite and >= 0"),
        (lambda: summarize(d, [1.0], 500), "one weight per demand point"),
        (lambda: summarize(d, [1.0, 1.0], math.nan), "radius_m must be a number of metres >= 0"),
        (lambda: summarize(d, [1.0, 1.0], -1), "radius_m must be a number of metres >= 0"),
        (lambda: summarize([math.nan], [1.0], 5), "distance_m must be >= 0"),
        (lambda: summarize(d, [1.0, 1.0], 5, mask=[1, 0]), "mask must be an array of booleans"),
        (lambda: nearest_station_m([0.0, 1.0], [0.0], [0.0], [0.0]), "same length"),
        (lambda: choose_sites([0.0], [0.0], [1.0], [False], [0.0], [0.0], 500, -1), "p must be a whole number"),
        (lambda: choose_sites([0.0], [0.0], [1.0], [False], [0.0], [0.0], 500, 1.5), "p must be a whole number"),
        (lambda: choose_sites([0.0], [0.0], [1.0], [False, True], [0.0], [0.0], 500, 1), "covered needs one value"),
        (lambda: gap_hexes([0.0], [0.0], [1.0], [False], [], [], resolution=16), "resolution must be an H3"),
        (lambda: candidate_sites_from_gaps([], -1), "limit must be a whole number"),
    ]
    for call, message in cases:
        with pytest.raises(InvalidArgument, match=message):
            call()


# Properties ---------------------------------------------------------------------------------

lons = st.floats(-180, 180, allow_nan=False)
lats = st.floats(-90, 90, allow_nan=False)
world_points = st.lists(st.tuples(lons, lats), max_size=25)
# Points around one city, on a grid of ~110 m so ties and duplicates happen.
city_points = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=25).map(
    lambda pts: [(114.0 + 0.001 * x, 22.5 + 0.001 * y) for x, y in pts]
)
some_points = st.one_of(world_points, city_points)


def _arrays(points):
    a = np.array(points, dtype=np.float64).reshape(-1, 2)
    return a[:, 0], a[:, 1]


@settings(max_examples=300, deadline=None)
@given(some_points, some_points)
@example([(179.9999, 0.0), (0.0, 90.0)], [(-179.9999, 0.0), (180.0, 89.9)])
@example([(114.001, 22.5)], [(114.0, 22.5), (114.002, 22.5), (114.0, 22.5)])
@example([(0.0, 0.0)], [(180.0, 0.0), (-180.0, 0.0), (0.0, -90.0)])
def test_it_finds_the_same_nearest_station_as_a_brute_force_scan(demand, stations):
    dlon, dlat = _arrays(demand)
    slon, slat = _arrays(stations)
    dist, idx = nearest_station_m(dlon, dlat, slon, slat)
    want_dist, want_idx = _brute_nearest(dlon, dlat, slon, slat)
    assert idx.tolist() == want_idx.tolist()
    assert dist.tolist() == want_dist.tolist()
    # And the scalar formula of geodata.distance agrees (its libm sin may differ in the last bit).
    for i, j in enumerate(idx.tolist()):
        if j < 0:
            assert not stations and dist[i] == math.inf
            continue
        assert dist[i] == pytest.approx(distance.haversine_m(dlon[i], dlat[i], slon[j], slat[j]), rel=1e-8, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(some_points, some_points, st.floats(0, 30_000))
@example([(114.0, 22.5)], [(114.001, 22.5)], 0.001 * 111_195.08 * math.cos(math.radians(22.5)))
def test_it_lists_exactly_the_pairs_within_the_radius(demand, stations, radius_m):
    dlon, dlat = _arrays(demand)
    slon, slat = _arrays(stations)
    within = stations_within(dlon, dlat, slon, slat, radius_m)
    assert (within.toarray() == _brute_within(dlon, dlat, slon, slat, radius_m)).all()
    dist, _ = nearest_station_m(dlon, dlat, slon, slat)
    assert (np.diff(within.indptr) > 0).tolist() == (dist <= radius_m).tolist()


weights = st.lists(st.floats(0, 100, allow_nan=False), min_size=25, max_size=25)


@settings(max_examples=200, deadline=None)
@given(city_points, city_points, st.tuples(lons, lats), weights, st.floats(0, 5_000))
@example([(114.0, 22.5)], [], (114.0, 22.5), [1.0] * 25, 0.0)
def test_it_never_loses_coverage_when_a_station_is_added(demand, stations, extra, w, radius_m):
    dlon, dlat = _arrays(demand)
    weight = np.array(w[: len(demand)])
    slon, slat = _arrays(stations)
    before = summarize(nearest_station_m(dlon, dlat, slon, slat)[0], weight, radius_m)
    after = summarize(
        nearest_station_m(dlon, dlat, np.append(slon, extra[0]), np.append(slat, extra[1]))[0], weight, radius_m
    )
    assert after.covered_weight >= before.covered_weight
    assert after.covered_points >= before.covered_points
    assert after.coverage >= before.coverage


@settings(max_examples=200, deadline=None)
@given(some_points, some_points, weights, st.floats(0, 20_000), st.floats(0, 20_000))
@example([(114.0, 22.5)], [(114.001, 22.5)], [1.0] * 25, 100.0, 103.0)
@example([(0.0, 1.0)], [(0.0, 0.0)], [5e-324] * 25, 0.0, 0.0)  # a subnormal weight once rounded the mean
def test_it_covers_no_less_with_a_larger_radius(demand, stations, w, r1, r2):
    dlon, dlat = _arrays(demand)
    slon, slat = _arrays(stations)
    weight = np.array(w[: len(demand)])
    dist, _ = nearest_station_m(dlon, dlat, slon, slat)
    small, large = summarize(dist, weight, min(r1, r2)), summarize(dist, weight, max(r1, r2))
    assert small.coverage <= large.coverage and small.covered_points <= large.covered_points
    assert 0.0 <= small.coverage <= 1.0
    if small.mean_distance_m is not None:
        assert min(dist) <= small.mean_distance_m * (1 + 1e-12) and small.mean_distance_m <= max(dist) * (1 + 1e-12)
        assert small.p90_distance_m in dist.tolist()


@settings(max_examples=150, deadline=None)
@given(city_points, city_points, weights, st.floats(0, 3_000))
@example([(114.0, 22.5), (114.003, 22.5)], [(114.0, 22.5), (114.0, 22.5), (114.003, 22.5)], [1.0] * 25, 10.0)
def test_it_says_a_closure_loses_exactly_the_sole_weight(demand, stations, w, radius_m):
    dlon, dlat = _arrays(demand)
    slon, slat = _arrays(stations)
    weight = np.array(w[: len(demand)])
    impacts = station_impacts(dlon, dlat, weight, slon, slat, radius_m)
    assert sorted(i.station_index for i in impacts) == list(range(len(stations)))
    keys = [(-i.sole_weight, i.station_index) for i in impacts]
    assert keys == sorted(keys)
    total = summarize(nearest_station_m(dlon, dlat, slon, slat)[0], weight, radius_m).covered_weight
    for impact in impacts:
        keep = np.arange(len(stations)) != impact.station_index
        rest = summarize(nearest_station_m(dlon, dlat, slon[keep], slat[keep])[0], weight, radius_m)
        assert total - rest.covered_weight == pytest.approx(impact.sole_weight, abs=1e-9)
        assert impact.redundant == (impact.covered_weight > 0 and impact.sole_weight == 0)
        assert impact.sole_points <= impact.covered_points


@settings(max_examples=100, deadline=None)
@given(city_points, weights, st.lists(st.booleans(), min_size=25, max_size=25), st.integers(5, 9))
def test_it_accounts_for_every_demand_point_in_the_hexes(demand, w, cov, resolution):
    dlon, dlat = _arrays(demand)
    weight = np.array(w[: len(demand)])
    covered = np.array(cov[: len(demand)], dtype=bool)
    gaps = gap_hexes(dlon, dlat, weight, covered, [114.0], [22.5], resolution=resolution)
    assert sum(g.demand_points for g in gaps) == len(demand)
    assert sum(g.demand_weight for g in gaps) == pytest.approx(weight.sum())
    assert sum(g.uncovered_weight for g in gaps) == pytest.approx(weight[~covered].sum())
    keys = [(-g.uncovered_weight, g.hex_id) for g in gaps]
    assert keys == sorted(keys) and len({g.hex_id for g in gaps}) == len(gaps)
    cells = {h3.latlng_to_cell(la, lo, resolution) for lo, la in demand}
    assert {g.hex_id for g in gaps} == cells
    for g in gaps:
        assert g.covered_weight + g.uncovered_weight == pytest.approx(g.demand_weight)
        assert g.boundary[0] == g.boundary[-1]


small_weights = st.lists(st.integers(0, 10).map(float), min_size=12, max_size=12)
small_city = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=12).map(
    lambda pts: [(114.0 + 0.001 * x, 22.5 + 0.001 * y) for x, y in pts]
)
candidates = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=8).map(
    lambda pts: [(114.0 + 0.001 * x, 22.5 + 0.001 * y) for x, y in pts]
)


@settings(max_examples=150, deadline=None)
@given(
    small_city,
    small_weights,
    st.lists(st.booleans(), min_size=12, max_size=12),
    candidates,
    st.floats(0, 600),
    st.integers(1, 3),
)
@example(
    [(114.0, 22.5), (114.0025, 22.5), (114.004, 22.5), (114.0055, 22.5), (114.008, 22.5)],
    [3.0, 2.0, 2.0, 2.0, 3.0] + [0.0] * 7,
    [False] * 12,
    [(114.001, 22.5), (114.004, 22.5), (114.007, 22.5)],
    180.0,
    2,
)
def test_it_is_between_the_greedy_bound_and_the_brute_force_optimum(demand, w, cov, cands, radius_m, p):
    dlon, dlat = _arrays(demand)
    clon, clat = _arrays(cands)
    weight = np.array(w[: len(demand)])
    covered = np.array(cov[: len(demand)], dtype=bool)
    base = float(weight[covered].sum())
    added = [0.0]
    for q in range(1, p + 1):
        sites = choose_sites(dlon, dlat, weight, covered, clon, clat, radius_m, q)
        assert all(s.added_weight > 0 for s in sites) and len(sites) <= q
        # Coverage is submodular: each greedy pick adds no more than the one before it.
        assert all(a.added_weight >= b.added_weight for a, b in itertools.pairwise(sites))
        assert len({s.candidate_index for s in sites}) == len(sites)
        greedy = sum(s.added_weight for s in sites)
        chosen = [s.candidate_index for s in sites]
        assert base + greedy == pytest.approx(
            _covered_weight(dlon, dlat, weight, covered, clon, clat, radius_m, chosen)
        )
        assert greedy >= added[-1]  # never decreases with p
        added.append(greedy)
        optimum = max(
            _covered_weight(dlon, dlat, weight, covered, clon, clat, radius_m, combo) - base
            for combo in itertools.combinations(range(len(cands)), min(q, len(cands)))
        )
        assert optimum + 1e-9 >= greedy >= (1 - 1 / math.e) * optimum - 1e-9
        # Fewer than q sites only when no candidate adds anything more.
        if len(sites) < q:
            assert _covered_weight(
                dlon, dlat, weight, covered, clon, clat, radius_m, range(len(cands))
            ) == pytest.approx(base + greedy)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.floats(113.0, 115.0), st.floats(22.0, 23.0)), max_size=30), st.integers(0, 2**32 - 1))
@example([(114.0, 22.5), (113.5, 22.5)], 0)
def test_it_finds_the_first_region_like_a_loop_over_shapely(points, seed):
    rng = np.random.default_rng(seed)
    regions = []
    for _ in range(3):
        (x0, x1), (y0, y1) = np.sort(rng.uniform(113, 115, 2)), np.sort(rng.uniform(22, 23, 2))
        regions.append(shapely.box(x0, y0, x1, y1))
    regions.append(shapely.Point(114.0, 22.5).buffer(0.3))
    lon, lat = _arrays(points)
    want = [next((k for k, r in enumerate(regions) if r.intersects(shapely.Point(x, y))), -1) for x, y in points]
    assert region_of(lon, lat, regions).tolist() == want


# The Shenzhen demo data (shipped in data/demo) ------------------------------------------------

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def _demo_lonlat(name):
    with (DEMO / name).open(encoding="utf-8") as f:
        rows = [(float(r["lon"]), float(r["lat"])) for r in csv.DictReader(f)]
    return _arrays(rows)


def test_it_analyses_the_shenzhen_demo_by_district():
    dlon, dlat = _demo_lonlat("shenzhen_demand_food.csv")  # WGS-84
    slon, slat = _demo_lonlat("shenzhen_rest_stations.wgs84.csv")
    doc = json.loads((DEMO / "boundaries_shenzhen_districts.geojson").read_text(encoding="utf-8"))
    districts = [
        shapely.geometry.shape(f["geometry"]) for f in doc["features"] if f["properties"]["level"] == "district"
    ]
    # The boundaries are GCJ-02: move the points there before asking which district holds them.
    glon, glat = _arrays([wgs84_to_gcj02(lo, la) for lo, la in zip(dlon, dlat)])
    region = region_of(glon, glat, districts)
    want = [
        next((k for k, d in enumerate(districts) if d.intersects(shapely.Point(x, y))), -1) for x, y in zip(glon, glat)
    ]
    assert region.tolist() == want
    assert (region >= 0).mean() > 0.9  # the demo's demand is Shenzhen's

    dist, idx = nearest_station_m(dlon, dlat, slon, slat)
    sample = slice(0, None, 37)
    want_dist, want_idx = _brute_nearest(dlon[sample], dlat[sample], slon, slat)
    assert dist[sample].tolist() == want_dist.tolist() and idx[sample].tolist() == want_idx.tolist()
    weight = np.ones(dlon.size)
    city = summarize(dist, weight, 500)
    parts = [summarize(dist, weight, 500, mask=region == k) for k in range(-1, len(districts))]
    assert sum(p.demand_points for p in parts) == city.demand_points == dlon.size
    assert sum(p.covered_weight for p in parts) == city.covered_weight
    assert city.covered_points == int((dist <= 500).sum())
