"""geodata.index: known values, an edge-case table, hypothesis properties.

The one promise that matters: key ranges (and the bounds box) never miss a point that is inside
the box, or within radius_m of the centre as haversine_m measures it; over-covering only costs
speed. Points at a bearing and distance from a centre are walked with geographiclib (geopy's
own dependency) on geodata's sphere, an implementation independent of ours.
"""

import doctest
import math
from itertools import pairwise

import pytest
from geographiclib.geodesic import Geodesic
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import geodata.index
from geodata.distance import EARTH_RADIUS_M, MAX_DISTANCE_M, haversine_m
from geodata.index import (
    GRID_BITS,
    GRID_SIZE,
    MAX_KEY,
    box_key_ranges,
    circle_boxes,
    circle_key_ranges,
    circle_search_area,
    morton_key,
)

SPHERE = Geodesic(EARTH_RADIUS_M, 0.0)
CELL_LON = 360.0 / GRID_SIZE
CELL_LAT = 180.0 / GRID_SIZE


def _walk(lon, lat, bearing_deg, distance_m):
    """The point reached from (lon, lat) by distance_m along a great circle, as (lon, lat)."""
    end = SPHERE.Direct(lat, lon, bearing_deg, distance_m)
    return min(180.0, max(-180.0, end["lon2"])), min(90.0, max(-90.0, end["lat2"]))


def _inside(key, ranges):
    return any(lo <= key <= hi for lo, hi in ranges)


def _in_box(point, box):
    min_lon, min_lat, max_lon, max_lat = box
    return min_lon <= point[0] <= max_lon and min_lat <= point[1] <= max_lat


def _cells_spanned(lo, hi, cell):
    """Grid cells that [lo, hi] touches on one axis, generously (one extra for rounding)."""
    return int((hi - lo) / cell) + 2


def _assert_sorted_disjoint_and_merged(ranges):
    assert ranges
    for lo, hi in ranges:
        assert 0 <= lo <= hi <= MAX_KEY
    for (_, hi1), (lo2, _) in pairwise(ranges):
        assert hi1 + 1 < lo2  # sorted, disjoint, and not adjacent (adjacent ones are merged)


def _assert_covered(lon, lat, radius_m, point, max_ranges=8):
    """The circle's search area holds the point: key ranges, bounds box and circle boxes alike."""
    ranges, bounds = circle_search_area(lon, lat, radius_m, max_ranges)
    assert _inside(morton_key(*point), ranges), point
    assert _in_box(point, bounds), (point, bounds)
    assert any(_in_box(point, box) for box in circle_boxes(lon, lat, radius_m)), point


# Known values -------------------------------------------------------------------------------


def test_it_maps_the_corners_of_the_world_to_the_ends_of_the_key_space():
    assert morton_key(-180.0, -90.0) == 0
    assert morton_key(180.0, 90.0) == MAX_KEY == 2**52 - 1
    assert MAX_KEY < 2**63  # fits a signed 64-bit column on every database


def test_it_uses_cells_of_about_sixty_centimetres():
    # 360 / 2^26 degrees of longitude = 5.4e-6 degrees = 0.60 m at the equator.
    assert GRID_SIZE == 2**GRID_BITS == 2**26
    assert haversine_m(0.0, 0.0, CELL_LON, 0.0) == pytest.approx(0.597, abs=0.001)


def test_it_interleaves_longitude_into_the_even_bits():
    # One grid cell east sets bit 0, one cell north sets bit 1 (Morton / Z order).
    assert morton_key(-180 + CELL_LON * 1.5, -90 + CELL_LAT * 0.5) == 0b01
    assert morton_key(-180 + CELL_LON * 0.5, -90 + CELL_LAT * 1.5) == 0b10
    assert morton_key(-180 + CELL_LON * 1.5, -90 + CELL_LAT * 1.5) == 0b11
    assert morton_key(-180 + CELL_LON * 2.5, -90 + CELL_LAT * 0.5) == 0b0100


def test_it_puts_null_island_at_the_corner_of_the_north_east_quadrant():
    # (0, 0) is column 2^25, row 2^25: the top bit of each, interleaved to bits 50 and 51.
    assert morton_key(0.0, 0.0) == (1 << 50) | (1 << 51)


def test_it_covers_an_aligned_block_with_one_range():
    # The south-west quadrant of the world is the first quarter of the key space.
    assert box_key_ranges((-180.0, -90.0, -1e-9, -1e-9)) == [(0, 2**50 - 1)]
    # And the whole world is all of it, however few ranges are allowed.
    for max_ranges in (1, 8, 16):
        assert box_key_ranges((-180.0, -90.0, 180.0, 90.0), max_ranges) == [(0, MAX_KEY)]


def test_it_covers_a_single_cell_with_its_own_key():
    key = morton_key(114.0579, 22.5431)
    assert box_key_ranges((114.0579, 22.5431, 114.0579, 22.5431)) == [(key, key)]


def test_it_covers_a_city_circle_with_few_ranges_and_little_waste():
    ranges = circle_key_ranges(114.0579, 22.5431, 1_000)
    assert 1 <= len(ranges) <= 8
    # Its bounding box, ~2 km square, is 3,631 x 6,707 cells (0.55 m x 0.30 m each here). The
    # aligned blocks over-cover it about twofold (50.3 million cells when written); the bound
    # catches a cover that grows by orders of magnitude.
    cells = sum(hi - lo + 1 for lo, hi in ranges)
    assert cells < 4 * 3_631 * 6_707


def test_it_keeps_its_docstring_examples_true():
    assert doctest.testmod(geodata.index).failed == 0


# Edge cases ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lon, lat, radius_m, boxes",
    [
        (114.0, 22.5, 1_000, 1),
        (179.9999, 0.0, 1_000, 2),  # crosses the antimeridian eastwards
        (-179.9999, 0.0, 1_000, 2),  # and westwards
        (180.0, 0.0, 1_000, 2),  # centred on it
        (-180.0, 0.0, 1_000, 2),
        (0.0, 89.999, 1_000, 1),  # reaches the north pole: all longitudes
        (0.0, -89.999, 1_000, 1),  # the south pole
        (0.0, 90.0, 1, 1),  # centred on a pole
        (0.0, 45.0, MAX_DISTANCE_M / 4, 1),  # exactly reaches the pole
        (0.0, 0.0, MAX_DISTANCE_M, 1),  # the whole sphere
        (0.0, 0.0, 2 * MAX_DISTANCE_M, 1),
        (114.0, 22.5, 0.0, 1),  # a point
    ],
)
def test_it_splits_or_widens_circles_at_the_edges_of_the_map(lon, lat, radius_m, boxes):
    result = circle_boxes(lon, lat, radius_m)
    assert len(result) == boxes
    for min_lon, min_lat, max_lon, max_lat in result:
        assert -180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90
    if boxes == 1 and (abs(lat) > 89 or radius_m >= MAX_DISTANCE_M / 4):
        assert result[0][0] == -180.0 and result[0][2] == 180.0
    ranges, bounds = circle_search_area(lon, lat, radius_m)
    _assert_sorted_disjoint_and_merged(ranges)
    assert _inside(morton_key(lon, lat), ranges) and _in_box((lon, lat), bounds)


def test_it_searches_both_sides_of_the_antimeridian():
    ranges, bounds = circle_search_area(179.9999, 0.0, 1_000)
    for point in [(179.9999, 0.0), (180.0, 0.0), (-180.0, 0.0), (-179.9999, 0.0), (-179.995, 0.005)]:
        assert haversine_m(179.9999, 0.0, *point) <= 1_000
        assert _inside(morton_key(*point), ranges) and _in_box(point, bounds)
    # The bounds box of a split circle spans all longitudes (one box for a database to check).
    assert bounds[0] == -180.0 and bounds[2] == 180.0


@pytest.mark.parametrize(
    "point, same_as",
    [
        ((180.0, 0.0), (180.0 - CELL_LON / 2, 0.0)),  # the east edge belongs to the last column
        ((200.0, 0.0), (180.0 - CELL_LON / 2, 0.0)),  # beyond it too
        ((-200.0, 0.0), (-180.0, 0.0)),
        ((0.0, 90.0), (0.0, 90.0 - CELL_LAT / 2)),  # the north pole is the top row
        ((0.0, -95.0), (0.0, -90.0)),
    ],
)
def test_it_clamps_values_off_the_grid_to_the_edge_cells(point, same_as):
    assert morton_key(*point) == morton_key(*same_as)


@pytest.mark.parametrize("lon, lat", [(math.nan, 0.0), (0.0, math.nan), (math.inf, 0.0), (0.0, -math.inf)])
def test_it_refuses_to_key_a_non_finite_coordinate(lon, lat):
    # No silent key for NaN or infinity (callers validate with check_lon_lat first).
    with pytest.raises((ValueError, OverflowError)):
        morton_key(lon, lat)


def test_it_treats_max_ranges_as_a_preference_not_a_cap():
    # A tiny box around (0, 0) touches four cells in four quadrants of the key space: no single
    # range can cover it without covering the world, so it gets four.
    ranges = box_key_ranges((-1e-9, -1e-9, 1e-9, 1e-9), max_ranges=1)
    assert len(ranges) == 4
    _assert_sorted_disjoint_and_merged(ranges)


# Found by random search aimed at the widest point of such caps (as the property below does):
# each point is within the radius as haversine_m measures it, yet fell outside circle_boxes
# (by up to 4 mm) before asin's ratio got its margin.
NEAR_POLE_REGRESSIONS = [
    (-5.5644915918716435, -5.914947435582462, 9349844.16620883, (84.43538950803156, -89.9988523554449)),
    (3.641753134323494, -0.05302835350915551, 10001660.728638064, (93.64173468690046, -89.9800680377343)),
    (-101.75269150139069, 4.274268279076089e-06, 10007556.740785, (-11.752692120218285, 81.76197166716868)),
]


@pytest.mark.parametrize("lon, lat, radius_m, point", NEAR_POLE_REGRESSIONS)
def test_it_covers_the_edge_of_a_cap_that_nearly_reaches_a_pole(lon, lat, radius_m, point):
    assert haversine_m(lon, lat, *point) <= radius_m
    _assert_covered(lon, lat, radius_m, point)


# Properties ---------------------------------------------------------------------------------

boxes = st.tuples(
    st.floats(-180, 180),
    st.floats(-90, 90),
    st.one_of(st.floats(0, 1e-4), st.floats(0, 60)),  # from one cell to a continent
    st.one_of(st.floats(0, 1e-4), st.floats(0, 60)),
)
fractions = st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=20)


@settings(max_examples=400, deadline=None)
@given(boxes, st.integers(1, 16), fractions)
@example((113.9, 22.5, 0.01, 0.01), 8, [(0.0, 0.0), (1.0, 1.0), (0.5, 0.5)])
@example((-180.0, -90.0, 360.0, 180.0), 1, [(0.0, 0.0), (1.0, 1.0)])  # the world
@example((-1e-9, -1e-9, 2e-9, 2e-9), 1, [(0.0, 0.0), (1.0, 1.0), (1.0, 0.0)])  # four quadrants
@example((179.0, 89.0, 1.0, 1.0), 16, [(1.0, 1.0)])  # the north-east corner of the map
@example((114.0579, 22.5431, 0.0, 0.0), 3, [(0.0, 0.0)])  # a point
def test_it_covers_every_point_of_a_box(box, max_ranges, fractions):
    min_lon, min_lat, width, height = box
    max_lon, max_lat = min(180.0, min_lon + width), min(90.0, min_lat + height)
    ranges = box_key_ranges((min_lon, min_lat, max_lon, max_lat), max_ranges)
    _assert_sorted_disjoint_and_merged(ranges)
    # At most 3 x 3 coarse blocks, or max_ranges after refining.
    assert len(ranges) <= max(9, max_ranges)
    # Blocks are at most about the box's longer side: the cover is at most 3 x 3 of them.
    side = max(_cells_spanned(min_lon, max_lon, CELL_LON), _cells_spanned(min_lat, max_lat, CELL_LAT))
    assert sum(hi - lo + 1 for lo, hi in ranges) <= 9 * side**2
    for fx, fy in fractions:
        lon = min(max_lon, min_lon + (max_lon - min_lon) * fx)
        lat = min(max_lat, min_lat + (max_lat - min_lat) * fy)
        assert _inside(morton_key(lon, lat), ranges), (lon, lat)


centres = st.one_of(
    st.tuples(st.floats(-180, 180), st.floats(-90, 90)),
    st.tuples(st.floats(-180, 180), st.floats(89.0, 90.0)),  # near the north pole
    st.tuples(st.floats(-180, 180), st.floats(-90.0, -89.0)),  # near the south pole
    st.tuples(st.one_of(st.floats(179.0, 180.0), st.floats(-180.0, -179.0)), st.floats(-60, 60)),  # antimeridian
)
radii_m = st.one_of(st.floats(1.0, 20_000_000.0), st.floats(0.0, 7.3).map(lambda e: 10.0**e))
targets = st.lists(st.tuples(st.floats(0, 360), st.floats(0, 1)), min_size=1, max_size=20)


@settings(max_examples=400, deadline=None)
@given(centres, radii_m, targets, st.integers(1, 16))
@example((179.9999, 0.0), 1_000.0, [(90.0, 1.0), (270.0, 1.0)], 8)  # both sides of the antimeridian
@example((0.0, 89.99), 5_000.0, [(0.0, 1.0), (180.0, 1.0), (90.0, 1.0)], 8)  # over the north pole
@example((0.0, -89.99), 5_000.0, [(180.0, 1.0)], 1)  # the south pole
@example((114.0, 22.5), 1.0, [(45.0, 1.0), (0.0, 0.0)], 8)  # one metre
@example((114.0, 22.5), 20_000_000.0, [(0.0, 1.0), (123.0, 0.5)], 8)  # nearly the whole sphere
@example((-5.5644915918716435, -5.914947435582462), 9349844.16620883, [(179.998846212493, 1.0)], 8)
def test_it_covers_every_point_within_the_radius(centre, radius_m, targets, max_ranges):
    lon, lat = centre
    ranges = circle_key_ranges(lon, lat, radius_m, max_ranges)
    _assert_sorted_disjoint_and_merged(ranges)
    for bearing, fraction in targets:
        point = _walk(lon, lat, bearing, radius_m * fraction)
        # The contract is haversine_m's: points a rounding error outside are not promised.
        if haversine_m(lon, lat, *point) <= radius_m:
            _assert_covered(lon, lat, radius_m, point, max_ranges)


@settings(max_examples=300, deadline=None)
@given(
    st.floats(-180, 180),
    st.one_of(st.floats(-89.9, 89.9), st.floats(-1e-3, 1e-3)),
    st.floats(-15, -4),
    st.sampled_from([1.0, 1 + 1e-12, 1 - 1e-12]),
    st.sampled_from([1.0, 1 + 1e-15, 1 - 1e-15]),
    st.booleans(),
)
@example(-5.5644915918716435, -5.914947435582462, -10.682283925788918, 1.0, 1.0, False)
@example(-101.75269150139069, 4.274268279076089e-06, -9.109133274989258, 1.0, 1.0, True)
def test_it_covers_the_widest_point_of_caps_that_nearly_reach_a_pole(lon, lat, gap_exp, nudge_bearing, nudge_m, west):
    # There the longitude half-width asin(sin(r) / cos(lat)) is ill-conditioned: aim at the
    # cap's east or west extreme, where that rounding shows.
    angular = math.radians(90.0 - abs(lat)) - 10.0**gap_exp
    assume(angular > 0)
    radius_m = angular * EARTH_RADIUS_M
    phi = math.radians(lat)
    sin_extreme_lat = math.sin(phi) / math.cos(angular)
    assume(abs(sin_extreme_lat) < 1)
    cos_bearing = (sin_extreme_lat - math.sin(phi) * math.cos(angular)) / (math.cos(phi) * math.sin(angular))
    bearing = math.degrees(math.acos(min(1.0, max(-1.0, cos_bearing)))) * nudge_bearing
    point = _walk(lon, lat, 360.0 - bearing if west else bearing, radius_m * nudge_m)
    if haversine_m(lon, lat, *point) <= radius_m:
        _assert_covered(lon, lat, radius_m, point)


@given(st.integers(0, GRID_SIZE - 1))
@example(0)
@example(GRID_SIZE - 1)
def test_its_bit_spreading_table_agrees_with_the_shift_and_mask_steps(v):
    assert geodata.index._spread_bits(v) == geodata.index._spread_bits_slow(v)


def _reference_box_key_ranges(box, max_ranges):
    """The rule as first written: the half-size cover, unless the quarter-size one merges into
    max_ranges or fewer ranges while the half-size one has fewer than max_ranges."""
    x0, y0 = geodata.index._cell_x(box[0]), geodata.index._cell_y(box[1])
    x1, y1 = geodata.index._cell_x(box[2]), geodata.index._cell_y(box[3])
    shift = max(max(x1 - x0, y1 - y0).bit_length() - 1, 0)
    ranges = geodata.index._block_ranges(x0, y0, x1, y1, shift)
    if shift > 0 and len(ranges) < max_ranges:
        finer = geodata.index._block_ranges(x0, y0, x1, y1, shift - 1)
        if len(finer) <= max_ranges:
            return finer
    return ranges


@settings(max_examples=500)
@given(
    corner=st.tuples(st.floats(-180, 180), st.floats(-90, 90)),
    size_exp=st.floats(-7, 2.5),
    aspect=st.floats(0.2, 5),
    max_ranges=st.sampled_from([1, 2, 3, 4, 8, 16]),
)
def test_it_builds_the_finer_cover_first_without_changing_the_answer(corner, size_exp, aspect, max_ranges):
    width = 10**size_exp
    box = (corner[0], corner[1], min(180.0, corner[0] + width), min(90.0, corner[1] + width * aspect))
    assert box_key_ranges(box, max_ranges) == _reference_box_key_ranges(box, max_ranges)
