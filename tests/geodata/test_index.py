import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.distance import EARTH_RADIUS_M, MAX_DISTANCE_M, haversine_m
from geodata.index import GRID_SIZE, MAX_KEY, box_key_ranges, circle_boxes, circle_key_ranges, morton_key


def _inside(key, ranges):
    return any(lo <= key <= hi for lo, hi in ranges)


def _destination(lon, lat, bearing_deg, distance_m):
    """The point reached from (lon, lat) along a great circle (standard spherical formula)."""
    phi1, lmb1, theta, delta = math.radians(lat), math.radians(lon), math.radians(bearing_deg), distance_m / EARTH_RADIUS_M
    phi2 = math.asin(math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta))
    lmb2 = lmb1 + math.atan2(math.sin(theta) * math.sin(delta) * math.cos(phi1), math.cos(delta) - math.sin(phi1) * math.sin(phi2))
    return (math.degrees(lmb2) + 540) % 360 - 180, math.degrees(phi2)


# Known values -------------------------------------------------------------------------------

def test_it_maps_the_corners_of_the_world_to_the_ends_of_the_key_space():
    assert morton_key(-180, -90) == 0
    assert morton_key(180, 90) == MAX_KEY == 2**52 - 1


def test_it_interleaves_longitude_into_the_even_bits():
    # One grid cell east sets bit 0, one cell north sets bit 1.
    cell_lon = 360 / GRID_SIZE
    cell_lat = 180 / GRID_SIZE
    assert morton_key(-180 + cell_lon * 1.5, -90 + cell_lat * 0.5) == 0b01
    assert morton_key(-180 + cell_lon * 0.5, -90 + cell_lat * 1.5) == 0b10
    assert morton_key(-180 + cell_lon * 1.5, -90 + cell_lat * 1.5) == 0b11


def test_it_keeps_nearby_points_in_few_ranges():
    ranges = circle_key_ranges(114.0579, 22.5431, 1_000)
    assert 1 <= len(ranges) <= 8


# Edge cases ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "lon, lat, radius_m, boxes",
    [
        (179.9999, 0.0, 1_000, 2),  # crosses the antimeridian eastwards
        (-179.9999, 0.0, 1_000, 2),  # and westwards
        (0.0, 89.999, 1_000, 1),  # reaches the north pole: all longitudes
        (0.0, -89.999, 1_000, 1),
        (0.0, 0.0, MAX_DISTANCE_M, 1),  # the whole sphere
        (114.0, 22.5, 1_000, 1),
    ],
)
def test_it_splits_or_widens_circles_at_the_edges_of_the_map(lon, lat, radius_m, boxes):
    result = circle_boxes(lon, lat, radius_m)
    assert len(result) == boxes
    for min_lon, min_lat, max_lon, max_lat in result:
        assert -180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90


def test_it_clamps_out_of_grid_values_to_the_edge_cells():
    assert morton_key(180.0, 90.0) == morton_key(179.99999999, 89.99999999)


# Properties ---------------------------------------------------------------------------------

boxes = st.tuples(
    st.floats(-180, 180, allow_nan=False),
    st.floats(-90, 90, allow_nan=False),
    st.floats(0, 60, allow_nan=False),
    st.floats(0, 60, allow_nan=False),
)


@settings(max_examples=300, deadline=None)
@given(boxes, st.integers(1, 16), st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=20))
@example((113.9, 22.5, 0.01, 0.01), 8, [(0.0, 0.0), (1.0, 1.0), (0.5, 0.5)])
@example((-180.0, -90.0, 360.0, 180.0), 1, [(0.0, 0.0), (1.0, 1.0)])
def test_it_covers_every_point_of_a_box(box, max_ranges, fractions):
    min_lon, min_lat, width, height = box
    max_lon, max_lat = min(180.0, min_lon + width), min(90.0, min_lat + height)
    ranges = box_key_ranges((min_lon, min_lat, max_lon, max_lat), max_ranges)
    for (lo1, hi1), (lo2, hi2) in zip(ranges, ranges[1:]):
        assert lo1 <= hi1 < lo2 - 1 and lo2 <= hi2  # sorted, disjoint, not adjacent (else merged)
    for fx, fy in fractions:
        lon = min_lon + (max_lon - min_lon) * fx
        lat = min_lat + (max_lat - min_lat) * fy
        assert _inside(morton_key(lon, lat), ranges)


@settings(max_examples=300, deadline=None)
@given(
    st.floats(-180, 180, allow_nan=False),
    st.floats(-90, 90, allow_nan=False),
    st.floats(1, 20_000_000),
    st.lists(st.tuples(st.floats(0, 360), st.floats(0, 1)), min_size=1, max_size=20),
)
@example(179.9999, 0.0, 1_000.0, [(90.0, 1.0), (270.0, 1.0)])
@example(0.0, 89.99, 5_000.0, [(0.0, 1.0), (180.0, 1.0), (90.0, 1.0)])
@example(0.0, -89.99, 5_000.0, [(180.0, 1.0)])
def test_it_covers_every_point_within_the_radius(lon, lat, radius_m, targets):
    ranges = circle_key_ranges(lon, lat, radius_m)
    for bearing, fraction in targets:
        p_lon, p_lat = _destination(lon, lat, bearing, radius_m * fraction * 0.999999)
        if haversine_m(lon, lat, p_lon, p_lat) <= radius_m:
            assert _inside(morton_key(p_lon, p_lat), ranges), (p_lon, p_lat)
