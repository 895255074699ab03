"""geodata.nearest: known values, an edge-case table, hypothesis properties.

The promise: nearest(...) over any store equals brute_force_nearest(...) exactly, ids and
distances (ties broken by id), whatever the data, filter, radius, k or start radius.
"""

import math
import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.distance import MAX_DISTANCE_M, haversine_m
from geodata.nearest import (
    DEFAULT_START_RADIUS_M,
    Hit,
    SortedKeyStore,
    brute_force_nearest,
    nearest,
)

# Rounds a search from the default start can take: it widens at least 1.4-fold each round,
# 1 km * 1.4^30 > half the circumference, plus one round at the k-th distance seen.
MAX_ROUNDS = 32


def _pairs(hits):
    """(id, distance_m) of each hit, in order: compared exactly, floats included."""
    return [(hit.id, hit.distance_m) for hit in hits]


class CountingStore:
    """A SortedKeyStore whose fetch records each call and how many rows it returned."""

    def __init__(self, rows, use_bounds=True):
        self.store = SortedKeyStore(rows)
        self.use_bounds = use_bounds
        self.fetched = []

    def fetch(self, ranges, bounds):
        rows = self.store.fetch(ranges, bounds if self.use_bounds else None)
        self.fetched.append(len(rows))
        return rows


def _check(rows, lon, lat, k, **kwargs):
    """nearest() equals brute force, whether the store uses the bounds it is given or not."""
    want = brute_force_nearest(lon, lat, k, rows, radius_m=kwargs.get("radius_m"), accept=kwargs.get("accept"))
    for use_bounds in (True, False):
        store = CountingStore(rows, use_bounds)
        got = nearest(lon, lat, k, store.fetch, **kwargs)
        assert _pairs(got) == _pairs(want), f"use_bounds={use_bounds}"
        assert [hit.row for hit in got] == [tuple(hit.row) for hit in want]
        if "start_radius_m" not in kwargs:
            assert len(store.fetched) <= MAX_ROUNDS
    return want


# Known values -------------------------------------------------------------------------------


def test_it_returns_the_nearest_first_with_haversine_distances():
    rows = [(3, 114.01, 22.5), (1, 114.0, 22.5), (2, 114.001, 22.5)]
    hits = nearest(114.0, 22.5, 2, SortedKeyStore(rows).fetch)
    assert [h.id for h in hits] == [1, 2]
    assert hits[0].distance_m == 0.0
    # 111,195.08 m per degree * 0.001 degree * cos(22.5 degrees) = 102.73 m.
    assert hits[1].distance_m == pytest.approx(102.73, abs=0.01)
    # The search inlines haversine_m; it must be the very same number, not merely close.
    assert hits[1].distance_m == haversine_m(114.0, 22.5, 114.001, 22.5)


def test_it_breaks_ties_by_id():
    rows = [(5, 114.0, 22.5), (3, 114.0, 22.5), (9, 114.0, 22.5), (1, 114.1, 22.5)]
    assert [h.id for h in nearest(114.0, 22.5, 3, SortedKeyStore(rows).fetch)] == [3, 5, 9]
    assert [h.id for h in nearest(114.0, 22.5, 4, SortedKeyStore(rows).fetch)] == [3, 5, 9, 1]


def test_it_hands_back_the_whole_row():
    rows = [(7, 114.0, 22.5, "Futian station", {"open": True})]
    (hit,) = nearest(114.0, 22.5, 1, SortedKeyStore(rows).fetch)
    assert hit == Hit(0.0, (7, 114.0, 22.5, "Futian station", {"open": True}))
    assert hit.id == 7 and hit.row[3] == "Futian station"


def test_it_includes_a_row_exactly_at_the_radius():
    rows = [(1, 114.0, 22.5), (2, 114.01, 22.5), (3, 114.02, 22.5)]
    radius_m = haversine_m(114.0, 22.5, 114.01, 22.5)  # ~1,029 m
    assert [h.id for h in _check(rows, 114.0, 22.5, 10, radius_m=radius_m)] == [1, 2]
    assert [h.id for h in _check(rows, 114.0, 22.5, 10, radius_m=math.nextafter(radius_m, 0))] == [1]


def test_it_finds_sparse_matches_far_away():
    rng = random.Random(1)
    rows = [(i, 114.0 + rng.gauss(0, 0.02), 22.5 + rng.gauss(0, 0.02)) for i in range(3_000)]
    rows.append((99_999, 121.47, 31.23))  # Shanghai, ~1,200 km away
    hits = _check(rows, 114.0, 22.5, 1, accept=lambda row: row[0] == 99_999)
    assert [h.id for h in hits] == [99_999]


def test_it_fetches_a_small_part_of_a_dense_store():
    # 20,000 stations around Shenzhen (sigma ~5 km); 10 nearest to the centre. A scan reads
    # them all; the key ranges read a few hundred (462 and 941 when written: a generous bound).
    rng = random.Random(2)
    rows = [(i, 114.0 + rng.gauss(0, 0.05), 22.5 + rng.gauss(0, 0.05)) for i in range(20_000)]
    for use_bounds in (True, False):
        store = CountingStore(rows, use_bounds)
        hits = nearest(114.0, 22.5, 10, store.fetch)
        assert _pairs(hits) == _pairs(brute_force_nearest(114.0, 22.5, 10, rows))
        assert sum(store.fetched) < 2_000, store.fetched
        assert len(store.fetched) <= 3


# Edge cases ---------------------------------------------------------------------------------

EDGE_ROWS = [
    (1, 179.9998, 0.0),  # either side of the antimeridian
    (2, -179.9998, 0.0),
    (3, 180.0, 0.0),  # on it, written both ways: the same place
    (4, -180.0, 0.0),
    (5, 0.0, 90.0),  # the north pole, at two longitudes: the same place
    (6, 123.0, 90.0),
    (7, 0.0, 89.99),
    (8, 90.0, -89.99),
    (9, 114.0, 22.5),
    (10, 114.0, 22.5),  # a duplicate
    (11, -66.0, -22.5),  # 9's antipode
]


@pytest.mark.parametrize(
    "query, k, kwargs",
    [
        ((114.0, 22.5), 20, {}),  # k greater than the number of rows
        ((114.0, 22.5), 2, {}),  # duplicates: ties by id
        ((179.9999, 0.0), 4, {}),  # at the antimeridian
        ((-179.9999, 0.0), 4, {}),
        ((180.0, 0.0), 2, {}),
        ((0.0, 90.0), 3, {}),  # at the north pole: 5 and 6 tie at 0 m
        ((-77.0, 90.0), 2, {}),
        ((0.0, -90.0), 3, {}),  # at the south pole
        ((-60.0, -30.0), 5, {}),  # far from everything
        ((114.0, 22.5), 1, {"accept": lambda row: row[0] == 11}),  # the only match is antipodal
        ((114.0, 22.5), 3, {"radius_m": 0.0}),  # only what is exactly here
        ((114.0, 22.5), 20, {"radius_m": 10 * MAX_DISTANCE_M}),  # a radius past the antipode
        ((179.9999, 0.0), 5, {"radius_m": 100.0}),  # a radius across the antimeridian
        ((114.0, 22.5), 5, {"accept": lambda row: False}),  # a filter that rejects everything
        ((114.0, 22.5), 5, {"start_radius_m": 0.0}),  # start radii never change the answer
        ((114.0, 22.5), 5, {"start_radius_m": -5.0}),
        ((114.0, 22.5), 5, {"start_radius_m": math.nan}),
        ((114.0, 22.5), 5, {"start_radius_m": 1e-9}),
        ((114.0, 22.5), 5, {"start_radius_m": math.inf}),
        ((0.0, 90.0), 5, {"start_radius_m": 0.0}),
    ],
)
def test_it_handles_the_edges_of_the_map(query, k, kwargs):
    _check(EDGE_ROWS, *query, k, **kwargs)


def test_it_finds_the_pole_from_any_longitude_at_the_pole():
    for lon in (-180.0, 0.0, 45.0, 180.0):
        hits = nearest(lon, 90.0, 3, SortedKeyStore(EDGE_ROWS).fetch)
        # Rows 5 and 6 are the pole too. cos(90 degrees) is 6e-17, not 0, so they are a
        # nanometre away, and which of them comes first depends on the longitudes.
        assert {h.id for h in hits[:2]} == {5, 6} and hits[2].id == 7
        assert [h.distance_m for h in hits] == pytest.approx([0.0, 0.0, 1_111.95], abs=0.01)


@pytest.mark.parametrize("k", [0, -1])
def test_it_answers_nothing_for_k_zero_or_less(k):
    assert nearest(114.0, 22.5, k, SortedKeyStore(EDGE_ROWS).fetch) == []


@pytest.mark.parametrize("radius_m", [None, 1_000.0])
def test_it_answers_nothing_from_an_empty_store(radius_m):
    store = CountingStore([])
    assert nearest(114.0, 22.5, 10, store.fetch, radius_m=radius_m) == []
    assert len(store.fetched) <= MAX_ROUNDS  # and it stops


def test_it_finds_a_point_at_the_edge_of_a_cap_that_nearly_reaches_a_pole():
    # Regression: with radius_m exactly this row's distance, the bounds box used to leave it
    # out (see test_index NEAR_POLE_REGRESSIONS), so nearest() answered [].
    query = (-5.5644915918716435, -5.914947435582462)
    rows = [(1, 84.43538950803156, -89.9988523554449)]
    radius_m = haversine_m(*query, *rows[0][1:])
    assert [h.id for h in _check(rows, *query, 1, radius_m=radius_m)] == [1]


# Properties ---------------------------------------------------------------------------------

REGIONS = {
    "shenzhen": st.tuples(st.floats(113.9, 114.1), st.floats(22.4, 22.6)),
    "antimeridian": st.tuples(st.one_of(st.floats(179.99, 180.0), st.floats(-180.0, -179.99)), st.floats(-0.01, 0.01)),
    "north pole": st.tuples(st.floats(-180.0, 180.0), st.floats(89.99, 90.0)),
    "south pole": st.tuples(st.floats(-180.0, 180.0), st.floats(-90.0, -89.99)),
    "anywhere": st.tuples(st.floats(-180.0, 180.0), st.floats(-90.0, 90.0)),
}
points = st.one_of(*REGIONS.values())


@st.composite
def row_sets(draw, max_size=80):
    """Rows (id, lon, lat) with some coordinates repeated under other ids, ids in random order."""
    size = draw(st.integers(0, max_size))  # st.lists alone favours short lists
    unique = draw(st.lists(points, min_size=size, max_size=size))
    copies = draw(st.lists(st.integers(0, len(unique) - 1), max_size=20)) if unique else []
    coordinates = unique + [unique[i] for i in copies]
    ids = draw(st.permutations(range(len(coordinates))))
    return [(i, lon, lat) for i, (lon, lat) in zip(ids, coordinates)]


radii_m = st.one_of(st.none(), st.floats(0.0, 50_000.0), st.floats(0.0, 1.1 * MAX_DISTANCE_M))
start_radii_m = st.one_of(st.just(DEFAULT_START_RADIUS_M), st.floats(0.0, 2e7))


@settings(max_examples=300, deadline=None)
@given(row_sets(), points, st.integers(1, 100), st.sampled_from([None, 2, 3, 17]), radii_m, start_radii_m)
@example([(i, 114.0, 22.5) for i in (4, 0, 3, 1, 2)], (114.0, 22.5), 3, None, None, 1_000.0)  # all tie
@example([(0, 179.9999, 0.0), (1, -179.9999, 0.0)], (180.0, 0.0), 1, None, None, 1_000.0)
@example([(0, 0.0, 89.9), (1, 180.0, 89.9), (2, 0.0, 90.0)], (90.0, 90.0), 2, None, None, 1_000.0)
@example([(0, 10.0, -89.99), (1, -170.0, -89.99)], (0.0, -90.0), 2, None, 5_000.0, 1_000.0)
@example([], (114.0, 22.5), 5, None, None, 1_000.0)  # an empty store
@example([(i, 114.0 + i * 1e-4, 22.5) for i in range(60)], (114.0, 22.5), 5, 17, None, 1_000.0)  # sparse
@example([(i, 114.0 + i * 1e-4, 22.5) for i in range(60)], (114.0, 22.5), 100, 17, 200.0, 1_000.0)
@example([(0, 114.0, 22.5)], (114.0, 22.5), 1, None, None, 0.0)  # a start radius of 0
@example(  # the edge of a cap that nearly reaches a pole (see below)
    [(1, 84.43538950803156, -89.9988523554449)],
    (-5.5644915918716435, -5.914947435582462),
    1,
    None,
    9349844.16620883,
    1e3,
)
def test_it_equals_brute_force(rows, query, k, modulus, radius_m, start_radius_m):
    def accept(row):
        return row[0] % modulus == 0

    _check(
        rows,
        *query,
        k,
        radius_m=radius_m,
        accept=None if modulus is None else accept,
        **({} if start_radius_m == DEFAULT_START_RADIUS_M else {"start_radius_m": start_radius_m}),
    )


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 300).flatmap(lambda n: st.lists(REGIONS["shenzhen"], min_size=n, max_size=n)),
    REGIONS["shenzhen"],
    st.integers(1, 15),
    st.integers(2, 40),
    st.one_of(st.none(), st.floats(10.0, 50_000.0)),
)
@example([(114.0, 22.5)] * 300, (114.0, 22.5), 15, 17, None)  # one spot, sparse ids
def test_it_equals_brute_force_in_a_crowd_with_sparse_filters(points, query, k, modulus, radius_m):
    # Denser data than above: many candidates per round, few accepted, several rounds.
    rows = [(i, lon, lat) for i, (lon, lat) in enumerate(points)]
    _check(rows, *query, k, accept=lambda row: row[0] % modulus == 0, radius_m=radius_m)


@settings(max_examples=100, deadline=None)
@given(st.lists(REGIONS["shenzhen"], min_size=1, max_size=50), REGIONS["shenzhen"], st.integers(1, 10))
@example([(114.0, 22.5)] * 3, (114.0, 22.5), 2)
def test_it_measures_the_same_distances_as_haversine(points, query, k):
    rows = [(i, lon, lat) for i, (lon, lat) in enumerate(points)]
    for hit in nearest(*query, k, SortedKeyStore(rows).fetch):
        assert hit.distance_m == haversine_m(*query, hit.row[1], hit.row[2])
