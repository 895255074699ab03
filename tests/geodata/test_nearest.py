import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.nearest import SortedKeyStore, brute_force_nearest, nearest


def _ids_and_distances(hits):
    return [(hit.id, round(hit.distance_m, 6)) for hit in hits]


def _check(rows, lon, lat, k, **kwargs):
    """nearest() equals brute force, whether the store uses the bounds it is given or not."""
    store = SortedKeyStore(rows)
    got = nearest(lon, lat, k, store.fetch, **kwargs)
    ignoring_bounds = nearest(lon, lat, k, lambda ranges, bounds: store.fetch(ranges), **kwargs)
    want = brute_force_nearest(lon, lat, k, rows, **kwargs)
    assert _ids_and_distances(got) == _ids_and_distances(want)
    assert _ids_and_distances(ignoring_bounds) == _ids_and_distances(want)
    return got


# Known values -------------------------------------------------------------------------------

def test_it_returns_the_nearest_first():
    rows = [(1, 114.0, 22.5), (2, 114.001, 22.5), (3, 114.01, 22.5)]
    hits = nearest(114.0, 22.5, 2, SortedKeyStore(rows).fetch)
    assert [h.id for h in hits] == [1, 2]
    assert hits[0].distance_m == 0.0
    assert hits[1].distance_m == pytest.approx(102.73, abs=0.01)  # 111,195 m * 0.001 * cos(22.5°)


def test_it_breaks_ties_by_id():
    rows = [(5, 114.0, 22.5), (3, 114.0, 22.5), (9, 114.0, 22.5), (1, 114.1, 22.5)]
    assert [h.id for h in nearest(114.0, 22.5, 3, SortedKeyStore(rows).fetch)] == [3, 5, 9]


# Edge cases ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "query, k",
    [
        ((114.0, 22.5), 10),  # fewer stations than k
        ((179.9999, 0.0), 3),  # at the antimeridian
        ((-179.9999, 0.0), 3),
        ((0.0, 90.0), 3),  # at the north pole
        ((0.0, -90.0), 3),
        ((-60.0, -30.0), 5),  # far from everything
    ],
)
def test_it_handles_the_edges_of_the_map(query, k):
    rows = [(1, 179.9998, 0.0), (2, -179.9998, 0.0), (3, 0.0, 89.99), (4, 90.0, -89.99), (5, 114.0, 22.5)]
    _check(rows, *query, k)


def test_it_answers_nothing_from_an_empty_store():
    assert nearest(114.0, 22.5, 10, SortedKeyStore([]).fetch) == []


def test_it_answers_nothing_for_k_zero():
    assert nearest(114.0, 22.5, 0, SortedKeyStore([(1, 114.0, 22.5)]).fetch) == []


def test_it_respects_the_radius():
    rows = [(1, 114.0, 22.5), (2, 114.01, 22.5)]  # 0 m and ~1,029 m
    assert [h.id for h in _check(rows, 114.0, 22.5, 10, radius_m=1_000)] == [1]


def test_it_finds_sparse_matches_far_away():
    rng = random.Random(1)
    rows = [(i, 114.0 + rng.gauss(0, 0.02), 22.5 + rng.gauss(0, 0.02)) for i in range(3_000)]
    rows.append((99_999, 121.47, 31.23))  # Shanghai, ~1,200 km away
    hits = _check(rows, 114.0, 22.5, 1, accept=lambda row: row[0] == 99_999)
    assert [h.id for h in hits] == [99_999]


def test_it_fetches_a_small_part_of_a_dense_store():
    rng = random.Random(2)
    rows = [(i, 114.0 + rng.gauss(0, 0.05), 22.5 + rng.gauss(0, 0.05)) for i in range(20_000)]
    store = SortedKeyStore(rows)
    fetched = []

    def counting_fetch(ranges, bounds):
        found = store.fetch(ranges, bounds)
        fetched.append(len(found))
        return found

    nearest(114.0, 22.5, 10, counting_fetch)
    assert sum(fetched) < 2_000  # far fewer than the 20,000 a scan reads


# Properties ---------------------------------------------------------------------------------

coordinate = st.tuples(st.floats(-180, 180, allow_nan=False), st.floats(-90, 90, allow_nan=False))
clustered = st.tuples(st.floats(113.9, 114.1), st.floats(22.4, 22.6))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(clustered, coordinate), max_size=80),
    st.integers(0, 30),
    st.one_of(clustered, coordinate),
    st.integers(1, 20),
)
@example([(114.0, 22.5)] * 5, 5, (114.0, 22.5), 3)  # duplicates: ties by id
@example([(179.9999, 0.0), (-179.9999, 0.0)], 0, (180.0, 0.0), 1)
@example([(0.0, 89.9), (180.0, 89.9)], 0, (90.0, 90.0), 2)
def test_it_equals_brute_force_with_duplicates(points, duplicates, query, k):
    rows = [(i, lon, lat) for i, (lon, lat) in enumerate(points)]
    rows += [(len(rows) + i, *points[i % len(points)]) for i in range(duplicates if points else 0)]
    _check(rows, *query, k)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(clustered, min_size=1, max_size=120),
    clustered,
    st.integers(1, 15),
    st.integers(2, 40),
    st.one_of(st.none(), st.floats(10, 50_000)),
)
def test_it_equals_brute_force_with_sparse_filters_and_radius(points, query, k, modulus, radius_m):
    rows = [(i, lon, lat) for i, (lon, lat) in enumerate(points)]

    def accept(row):
        return row[0] % modulus == 0

    _check(rows, *query, k, accept=accept, radius_m=radius_m)
