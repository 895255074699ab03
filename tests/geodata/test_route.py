"""geodata.polyline, geodata.route and geodata.along: known values, edge cases, and the promise
that the corridor search equals a brute-force scan (same stations, same distances)."""

import math
import random

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.along import brute_force_along, search_along
from geodata.distance import EARTH_RADIUS_M, haversine_m
from geodata.errors import InvalidArgument
from geodata.index import morton_key
from geodata.nearest import SortedKeyStore
from geodata.polyline import check_route, decode_amap, decode_google, encode_google, geojson_line
from geodata.route import corridor, prepare_route, route_distances


def _store(rows):
    store = SortedKeyStore([(i, lon, lat, morton_key(lon, lat)) for i, lon, lat in rows])
    return store, [(i, lon, lat, morton_key(lon, lat)) for i, lon, lat in rows]


# --- decoding ----------------------------------------------------------------------------------


def test_it_decodes_googles_documented_example():
    # developers.google.com/maps/documentation/utilities/polylinealgorithm
    assert decode_google("_p~iF~ps|U_ulLnnqC_mqNvxq`@") == [(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)]
    assert encode_google([(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)]) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"


@given(st.lists(st.tuples(st.floats(-180, 180), st.floats(-90, 90)), min_size=1, max_size=30))
def test_it_round_trips_google_polylines_to_1e5_degrees(points):
    decoded = decode_google(encode_google(points))
    assert all(abs(a - c) <= 0.6e-5 and abs(b - d) <= 0.6e-5 for (a, b), (c, d) in zip(points, decoded))


@pytest.mark.parametrize("text", ["_p~iF~ps|U_ulL", "_p~iF~ps|", "abc def", "_p~iF\x7f"])
def test_it_rejects_broken_encoded_polylines(text):
    with pytest.raises(InvalidArgument, match="^encoded"):
        decode_google(text)


def test_it_decodes_amap_polylines():
    assert decode_amap("116.481028,39.989643;116.465302,40.004717;") == [(116.481028, 39.989643), (116.465302, 40.004717)]
    for bad in ["", "116.4", "116.4,39.9;x,y", "1,2,3"]:
        with pytest.raises(InvalidArgument, match="^polyline"):
            decode_amap(bad)


def test_it_reads_geojson_linestrings_and_rejects_other_shapes():
    assert geojson_line({"type": "LineString", "coordinates": [[1, 2], [3, 4, 5]]}) == [(1.0, 2.0), (3.0, 4.0)]
    for bad in [{"type": "Point", "coordinates": [1, 2]}, {"type": "LineString"}, {"type": "LineString", "coordinates": [[1, "a"]]}, [1, 2], {"type": "LineString", "coordinates": [[True, 1]]}]:
        with pytest.raises(InvalidArgument, match="^route"):
            geojson_line(bad)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([(114.0, 22.0)], "at least 2 distinct"),
        ([(114.0, 22.0), (114.0, 22.0), (114.0, 22.0)], "at least 2 distinct"),
        ([(114.0, 22.0), (114.0, 95.0)], "vertex 1"),
        ([(114.0, 22.0), (float("nan"), 22.0)], "vertex 1"),
        ([(179.9, 10.0), (-179.9, 10.0)], "antimeridian"),
        ([(80.0, 30.0), (120.0, 30.0)], "km long"),
        ([(114.0, 22.0 + i * 1e-4) for i in range(20_001)], "vertices"),
    ],
)
def test_it_refuses_degenerate_or_out_of_range_routes(points, message):
    with pytest.raises(InvalidArgument, match=message):
        check_route(points, "route", 20_000, 3_000_000)


def test_it_drops_repeated_vertices_and_keeps_self_crossing_routes():
    points = [(114.0, 22.0), (114.0, 22.0), (114.1, 22.1), (114.1, 22.0), (114.0, 22.1)]
    assert check_route(points, "route", 100, 1e6) == [points[0], *points[2:]]


# --- distances ---------------------------------------------------------------------------------


def test_it_measures_a_point_beside_the_equator():
    # A route along the equator from lon 0 to 1: a point at (0.5, 0.01) is 0.01 degrees of arc away,
    # half-way along; points beyond the ends measure to the end vertices.
    route = prepare_route([(0.0, 0.0), (1.0, 0.0)])
    off, along = route_distances(route, np.array([0.5, -0.5, 1.2]), np.array([0.01, 0.0, 0.0]))
    degree_m = EARTH_RADIUS_M * math.pi / 180
    assert off[0] == pytest.approx(0.01 * degree_m, rel=1e-9)
    assert along[0] == pytest.approx(0.5 * degree_m, rel=1e-9)
    assert (off[1], along[1]) == (pytest.approx(0.5 * degree_m, rel=1e-9), 0.0)
    assert (off[2], along[2]) == (pytest.approx(0.2 * degree_m, rel=1e-9), pytest.approx(degree_m, rel=1e-12))


def _sampled_distance(points, lon, lat, steps=400):
    """Reference by dense sampling of every arc (slerp): an upper bound within ~length/steps."""
    best = (math.inf, 0.0)
    start = 0.0
    for (lon0, lat0), (lon1, lat1) in zip(points, points[1:]):
        a = np.array([math.cos(math.radians(lat0)) * math.cos(math.radians(lon0)), math.cos(math.radians(lat0)) * math.sin(math.radians(lon0)), math.sin(math.radians(lat0))])
        b = np.array([math.cos(math.radians(lat1)) * math.cos(math.radians(lon1)), math.cos(math.radians(lat1)) * math.sin(math.radians(lon1)), math.sin(math.radians(lat1))])
        theta = math.acos(max(-1.0, min(1.0, float(a @ b))))
        length = haversine_m(lon0, lat0, lon1, lat1)
        for j in range(steps + 1):
            t = j / steps
            v = (math.sin((1 - t) * theta) * a + math.sin(t * theta) * b) / math.sin(theta)
            d = haversine_m(lon, lat, math.degrees(math.atan2(v[1], v[0])), math.degrees(math.asin(max(-1, min(1, v[2])))))
            if d < best[0]:
                best = (d, start + t * length)
        start += length
    return best


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
@example(0)
def test_it_agrees_with_dense_sampling_within_1_m_or_0_1_percent(seed):
    rng = random.Random(seed)
    lon, lat = rng.uniform(-170, 170), rng.uniform(-80, 80)
    points = [(lon, lat)]
    for _ in range(rng.randint(1, 4)):
        points.append((points[-1][0] + rng.uniform(-0.05, 0.05), max(-89.9, min(89.9, points[-1][1] + rng.uniform(-0.05, 0.05)))))
    points = check_route(points, "route", 100, 1e7)
    route = prepare_route(points)
    px, py = lon + rng.uniform(-0.1, 0.1), max(-90, min(90, lat + rng.uniform(-0.1, 0.1)))
    off, along = route_distances(route, np.array([px]), np.array([py]))
    ref_off, ref_along = _sampled_distance(points, px, py)
    step_m = max(route.length_m) / 400
    # Sampling overestimates the distance by at most step^2 / (8 d) and places it within a step.
    assert off[0] <= ref_off + 1e-6
    assert ref_off - off[0] <= max(1.0, 1e-3 * off[0], step_m * step_m / max(off[0], 1.0))
    if ref_off > 10 * step_m:
        return  # far away, the closest point along a nearly equidistant stretch is ill-defined
    assert abs(along[0] - ref_along) <= step_m + 1.0


def test_it_bounds_every_point_of_the_corridor_in_its_cells():
    route = prepare_route([(116.0, 39.0), (116.5, 39.8), (117.5, 39.7)])
    cells = corridor(route, 3000.0)
    rng = random.Random(3)
    keys = set(cells.keys.tolist())
    lon = np.array([rng.uniform(115.8, 117.7) for _ in range(20_000)])
    lat = np.array([rng.uniform(38.8, 40.0) for _ in range(20_000)])
    off, _ = route_distances(route, lon, lat)
    for x, y in zip(lon[off <= 3000.0], lat[off <= 3000.0]):
        assert morton_key(x, y) >> (2 * cells.shift) in keys


# --- the search equals brute force -------------------------------------------------------------


def _random_case(seed):
    rng = random.Random(seed)
    lon, lat = rng.uniform(100, 125), rng.uniform(18, 45)
    points = [(lon, lat)]
    for _ in range(rng.randint(1, 40)):
        points.append((points[-1][0] + rng.uniform(-0.2, 0.2), points[-1][1] + rng.uniform(-0.2, 0.2)))
    if rng.random() < 0.2:
        points += points[::-1][1:]  # there and back: every station is passed twice
    rows = [(i, rng.gauss(lon, 1.0), rng.gauss(lat, 1.0)) for i in range(1, 3000)]
    rows += [(3000 + i, x, y) for i, (x, y) in enumerate(points)]  # stations on the route itself
    rows += [(4000, rows[0][1], rows[0][2]), (4001, rows[0][1], rows[0][2])]  # a tie
    return points, rows, rng


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 1_000_000), st.sampled_from([1.0, 100.0, 2000.0, 5000.0]), st.sampled_from([1, 10, 200]))
@example(7, 2000.0, 10)
def test_it_finds_the_same_stations_and_distances_as_brute_force(seed, within_m, k):
    points, rows, rng = _random_case(seed)
    route = prepare_route(check_route(points, "route", 20_000, 3e6))
    from_m = rng.choice([0.0, rng.uniform(0, route.total_m)])
    store, keyed = _store(rows)
    got = search_along(route, within_m, k, store.fetch, from_m=from_m)
    want = brute_force_along(route, within_m, k, keyed, from_m=from_m)
    assert [(hit.id, hit.along_m, hit.off_route_m) for hit in got] == [(hit.id, hit.along_m, hit.off_route_m) for hit in want]
    assert all(hit.along_m >= from_m and hit.off_route_m <= within_m for hit in got)


def test_it_finds_highway_service_areas_along_the_g3_in_anhui(shared_data):
    """Real points: Anhui's expressway service areas (GCJ-02, so compared in GCJ-02 as planar input)."""
    import json

    features = json.loads((shared_data / "anhui_highway_service_areas.geojson").read_text())["features"]
    rows = [(i, *f["geometry"]["coordinates"][:2]) for i, f in enumerate(features, start=1)]
    # Roughly the G3 from 宿州 to 合肥 to 铜陵 (its corridor, not its exact line).
    points = [(116.97, 33.63), (117.36, 32.94), (117.23, 31.82), (117.57, 31.35), (117.81, 30.94)]
    route = prepare_route(points)
    store, keyed = _store(rows)
    for within_m in (1000.0, 5000.0, 20000.0):
        got = search_along(route, within_m, 200, store.fetch)
        want = brute_force_along(route, within_m, 200, keyed)
        assert [(h.id, h.along_m, h.off_route_m) for h in got] == [(h.id, h.along_m, h.off_route_m) for h in want]
    assert len(want) > 5
