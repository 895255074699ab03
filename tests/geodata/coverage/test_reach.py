"""geodata.coverage.reach: nearest station and stations within a radius, by hand, at the edges, against brute force."""

import math

import numpy as np
import pytest
import shapely
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import sparse

from geodata import distance
from geodata.coverage import (
    EARTH_RADIUS_M,
    CoverageSummary,
    choose_sites,
    gap_hexes,
    nearest_station_m,
    region_of,
    station_impacts,
    stations_within,
    summarize,
)
from tests.geodata.coverage.helpers import (
    LINE_DEMAND,
    LINE_STATIONS,
    UNIT_M,
    arrays,
    brute_nearest,
    brute_within,
    some_points,
)

# Known values -------------------------------------------------------------------------------


def test_it_finds_the_nearest_station_on_a_line():
    dist, idx = nearest_station_m(*LINE_DEMAND, *LINE_STATIONS)
    # Point 2 is 2 units from both S0 and S1: the lower index wins.
    assert idx.tolist() == [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]
    assert dist / UNIT_M == pytest.approx([0, 1, 2, 1, 0, 1, 2, 3, 4, 5], abs=1e-9)
    assert dist.dtype == np.float64 and idx.dtype == np.int64


def test_it_lists_the_stations_within_reach_as_a_sparse_matrix():
    within = stations_within(*LINE_DEMAND, *LINE_STATIONS, 2.25 * UNIT_M)
    assert sparse.issparse(within) and within.shape == (10, 3) and within.dtype == bool
    rows = [within.indices[within.indptr[i] : within.indptr[i + 1]].tolist() for i in range(10)]
    assert rows == [[0], [0], [0, 1], [1], [1], [1], [1], [], [], []]


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
    assert (dist.tolist(), idx.tolist()) == tuple(x.tolist() for x in brute_nearest(dlon, dlat, slon, slat))


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


def test_it_covers_everything_with_a_radius_past_half_the_globe():
    lon = np.array([0.0, 180.0, 90.0])
    lat = np.array([0.0, 0.0, -90.0])
    assert stations_within(lon, lat, [0.0], [0.0], distance.MAX_DISTANCE_M).toarray().ravel().tolist() == [True] * 3
    assert stations_within(lon, lat, [0.0], [0.0], 1e9).toarray().ravel().tolist() == [True] * 3
    assert stations_within(lon, lat, [0.0], [0.0], 0).toarray().ravel().tolist() == [True, False, False]


# Properties ---------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(some_points, some_points)
@example([(179.9999, 0.0), (0.0, 90.0)], [(-179.9999, 0.0), (180.0, 89.9)])
@example([(114.001, 22.5)], [(114.0, 22.5), (114.002, 22.5), (114.0, 22.5)])
@example([(0.0, 0.0)], [(180.0, 0.0), (-180.0, 0.0), (0.0, -90.0)])
def test_it_finds_the_same_nearest_station_as_a_brute_force_scan(demand, stations):
    dlon, dlat = arrays(demand)
    slon, slat = arrays(stations)
    dist, idx = nearest_station_m(dlon, dlat, slon, slat)
    want_dist, want_idx = brute_nearest(dlon, dlat, slon, slat)
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
    dlon, dlat = arrays(demand)
    slon, slat = arrays(stations)
    within = stations_within(dlon, dlat, slon, slat, radius_m)
    assert (within.toarray() == brute_within(dlon, dlat, slon, slat, radius_m)).all()
    dist, _ = nearest_station_m(dlon, dlat, slon, slat)
    assert (np.diff(within.indptr) > 0).tolist() == (dist <= radius_m).tolist()
