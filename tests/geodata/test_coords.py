"""geodata.coords: known values, an edge-case table, hypothesis properties.

Distances between points are measured with haversine_m, so tolerances are in metres.
"""

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.coords import (
    CHINA_BOX,
    COORDSYS,
    bd09_to_gcj02,
    bd09_to_wgs84,
    check_coordsys,
    check_lon_lat,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from geodata.distance import haversine_m
from geodata.errors import InvalidCoordinate

# CONVENTIONS.md: every conversion round-trips within half a metre.
ROUND_TRIP_M = 0.5

# (lon, lat) pairs WGS-84 -> GCJ-02: the test vectors of googollee/eviltransform
# (python/test.py, go/transform_test.go; there as lat, lng), the reference every public
# implementation checks against.
EVILTRANSFORM_WGS_GCJ = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]

china_points = st.tuples(st.floats(73.0, 135.0), st.floats(18.0, 53.0))


def _m(a, b):
    return haversine_m(*a, *b)


# Known values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wgs, gcj",
    [
        # The pairs this project was asked to meet, rounded to 8 decimals.
        ((121.5272106, 31.1774276), (121.53154186, 31.17530398)),
        ((116.377817, 39.911954), (116.38404722, 39.91334546)),
    ],
)
def test_it_converts_the_required_points_both_ways_within_half_a_metre(wgs, gcj):
    assert _m(wgs84_to_gcj02(*wgs), gcj) < ROUND_TRIP_M
    assert _m(gcj02_to_wgs84(*gcj), wgs) < ROUND_TRIP_M


@pytest.mark.parametrize("wgs, gcj", EVILTRANSFORM_WGS_GCJ)
def test_it_matches_eviltransform_to_the_last_digits(wgs, gcj):
    # Same formula and constants (Krasovsky ellipsoid): agreement to 1e-9 degrees (0.1 mm).
    assert wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)
    # eviltransform's own gcj2wgs_exact test allows 0.5 m; ours iterates to ~1e-9 degrees.
    assert _m(gcj02_to_wgs84(*gcj), wgs) < 0.001


def test_it_matches_coordtransform_published_examples():
    # github.com/wandergis/coordtransform README (input 116.404, 39.915): the forward formulas
    # agree to the last digits...
    assert wgs84_to_gcj02(116.404, 39.915) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-12)
    assert gcj02_to_bd09(116.404, 39.915) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-12)
    # ...while its inverses are the usual one-step approximations, metres from ours, which
    # reproduce the input exactly when sent forward again.
    published_gcj = (116.39762729119315, 39.90865673957631)  # bd09ToGcj02
    published_wgs = (116.39775550083061, 39.91359571849836)  # gcj02ToWgs84
    exact_gcj = bd09_to_gcj02(116.404, 39.915)
    exact_wgs = gcj02_to_wgs84(116.404, 39.915)
    assert _m(exact_gcj, published_gcj) < 10
    assert _m(exact_wgs, published_wgs) < 10
    assert _m(gcj02_to_bd09(*exact_gcj), (116.404, 39.915)) < 0.001
    assert _m(wgs84_to_gcj02(*exact_wgs), (116.404, 39.915)) < 0.001
    assert _m(gcj02_to_bd09(*exact_gcj), (116.404, 39.915)) < _m(gcj02_to_bd09(*published_gcj), (116.404, 39.915))


def test_it_offsets_by_the_documented_amounts_in_shenzhen():
    # ../shared/data/README.md: WGS->GCJ about 480-610 m, GCJ->BD about 890-930 m in these cities.
    wgs = (114.0579, 22.5431)
    gcj = wgs84_to_gcj02(*wgs)
    assert 450 < _m(wgs, gcj) < 650
    assert 850 < _m(gcj, gcj02_to_bd09(*gcj)) < 960


@pytest.mark.parametrize("coordsys", COORDSYS)
def test_it_dispatches_each_named_system_to_its_functions(coordsys):
    point = (114.0579, 22.5431)
    to = {"wgs84": lambda lon, lat: (lon, lat), "gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}[coordsys]
    frm = {"wgs84": lambda lon, lat: (lon, lat), "gcj02": wgs84_to_gcj02, "bd09": wgs84_to_bd09}[coordsys]
    assert to_wgs84(*point, coordsys) == to(*point)
    assert from_wgs84(*point, coordsys) == frm(*point)


# Edge cases ---------------------------------------------------------------------------------

OUTSIDE_CHINA = [
    (2.3522, 48.8566),  # Paris
    (-74.006, 40.7128),  # New York
    (139.6917, 35.6895),  # Tokyo: east of the box
    (0.0, 0.0),  # the equator at Greenwich
    (180.0, 0.0),  # the antimeridian
    (-180.0, -90.0),  # the south pole
    (114.0, 90.0),  # the north pole, above China
    (114.0, 0.5),  # south of the box
    (72.0, 30.0),  # just west of it
]


@pytest.mark.parametrize("point", OUTSIDE_CHINA)
def test_it_leaves_points_outside_china_alone(point):
    # GCJ-02 is WGS-84 outside China: both directions, directly and by name, are the identity.
    assert out_of_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point
    assert to_wgs84(*point, "gcj02") == point
    assert from_wgs84(*point, "gcj02") == point
    assert to_wgs84(*point, "wgs84") == point
    assert from_wgs84(*point, "wgs84") == point


@pytest.mark.parametrize("point", [(2.3522, 48.8566), (-74.006, 40.7128), (139.6917, 35.6895), (0.5, 0.5)])
def test_it_still_applies_baidus_offset_outside_china(point):
    # Baidu's formula has no China test: BD-09 is GCJ-02 (here, WGS-84) plus its offset anywhere,
    # and the inverse still undoes it.
    assert wgs84_to_bd09(*point) == gcj02_to_bd09(*point)
    assert _m(wgs84_to_bd09(*point), point) > 100
    assert _m(bd09_to_wgs84(*wgs84_to_bd09(*point)), point) < 0.001


@pytest.mark.parametrize(
    "point, outside",
    [
        # The box is inclusive on every edge.
        ((CHINA_BOX[0], 30.0), False),
        ((CHINA_BOX[2], 30.0), False),
        ((100.0, CHINA_BOX[1]), False),
        ((100.0, CHINA_BOX[3]), False),
        ((CHINA_BOX[0] - 1e-9, 30.0), True),
        ((CHINA_BOX[2] + 1e-9, 30.0), True),
        ((100.0, CHINA_BOX[1] - 1e-9), True),
        ((100.0, CHINA_BOX[3] + 1e-9), True),
    ],
)
def test_it_draws_the_china_box_inclusively(point, outside):
    assert out_of_china(*point) is outside


@pytest.mark.parametrize("coordsys", ["utm", "WGS84", "", "gcj-02", "GCJ02", None])
@pytest.mark.parametrize("convert", [to_wgs84, from_wgs84])
def test_it_rejects_unknown_coordinate_systems_listing_the_allowed_ones(convert, coordsys):
    with pytest.raises(InvalidCoordinate, match="coordsys must be one of wgs84, gcj02, bd09") as error:
        convert(114.0, 22.5, coordsys)
    assert repr(coordsys) in str(error.value)  # and says what it got


@pytest.mark.parametrize("coordsys", COORDSYS)
def test_it_accepts_the_named_systems(coordsys):
    assert check_coordsys(coordsys) == coordsys


def test_it_raises_a_value_error_the_api_can_map():
    assert issubclass(InvalidCoordinate, ValueError)


@pytest.mark.parametrize(
    "lon, lat, message",
    [
        (0.0, 90.1, r"lat must be a number between -90 and 90, got 90\.1"),
        (0.0, -90.1, r"lat must be a number between -90 and 90, got -90\.1"),
        (180.5, 0.0, r"lon must be a number between -180 and 180, got 180\.5"),
        (-180.5, 0.0, r"lon must be a number between -180 and 180, got -180\.5"),
        (math.nan, 0.0, r"lon must be a number between -180 and 180, got nan"),
        (0.0, math.nan, r"lat must be a number between -90 and 90, got nan"),
        (math.inf, 0.0, r"lon must be .* got inf"),
        (0.0, -math.inf, r"lat must be .* got -inf"),
        (math.nan, math.nan, r"lat must be"),  # the first bad value is named
        ("114", 22.0, r"lon/lat must be numbers, got '114', 22\.0"),
        (114.0, None, r"lon/lat must be numbers, got 114\.0, None"),
    ],
)
def test_it_names_the_bad_coordinate(lon, lat, message):
    with pytest.raises(InvalidCoordinate, match=message):
        check_lon_lat(lon, lat)


@pytest.mark.parametrize(
    "lon, lat", [(-180.0, -90.0), (180.0, 90.0), (0.0, 0.0), (180, -90), (-179.9999, 89.9999), (-0.0, -0.0)]
)
def test_it_accepts_the_extremes_and_integers(lon, lat):
    check_lon_lat(lon, lat)


@pytest.mark.parametrize(
    "convert", [wgs84_to_gcj02, gcj02_to_wgs84, wgs84_to_bd09, bd09_to_wgs84, gcj02_to_bd09, bd09_to_gcj02]
)
def test_it_turns_nan_into_nan_not_a_plausible_point(convert):
    # The conversions do not validate (check_lon_lat does); NaN must at least stay NaN.
    assert all(math.isnan(v) for v in convert(math.nan, math.nan))


# Properties ---------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(china_points)
@example((121.5272106, 31.1774276))  # Shanghai
@example((116.377817, 39.911954))  # Beijing
@example((73.0, 18.0))  # the corners of the test region
@example((135.0, 53.0))
@example((73.0, 53.0))
@example((135.0, 18.0))
def test_it_round_trips_all_six_directions_within_half_a_metre(point):
    assert _m(gcj02_to_wgs84(*wgs84_to_gcj02(*point)), point) < ROUND_TRIP_M
    assert _m(wgs84_to_gcj02(*gcj02_to_wgs84(*point)), point) < ROUND_TRIP_M
    assert _m(bd09_to_wgs84(*wgs84_to_bd09(*point)), point) < ROUND_TRIP_M
    assert _m(wgs84_to_bd09(*bd09_to_wgs84(*point)), point) < ROUND_TRIP_M
    assert _m(bd09_to_gcj02(*gcj02_to_bd09(*point)), point) < ROUND_TRIP_M
    assert _m(gcj02_to_bd09(*bd09_to_gcj02(*point)), point) < ROUND_TRIP_M


@settings(max_examples=200, deadline=None)
@given(china_points, st.sampled_from(COORDSYS))
@example((114.0579, 22.5431), "bd09")
def test_it_round_trips_through_each_named_system(point, coordsys):
    assert _m(to_wgs84(*from_wgs84(*point, coordsys), coordsys), point) < ROUND_TRIP_M
    assert _m(from_wgs84(*to_wgs84(*point, coordsys), coordsys), point) < ROUND_TRIP_M


@settings(max_examples=200, deadline=None)
@given(china_points)
@example((121.5272106, 31.1774276))
@example((73.0, 18.0))
def test_it_inverts_to_the_documented_1e_9_degrees(point):
    # The inverses iterate until the forward transform reproduces the input to 1e-9 degrees
    # (allow float noise on top); the one-step formulas in common use are metres off.
    for forward, inverse in [
        (wgs84_to_gcj02, gcj02_to_wgs84),
        (gcj02_to_bd09, bd09_to_gcj02),
        (wgs84_to_bd09, bd09_to_wgs84),
    ]:
        again = forward(*inverse(*point))
        assert again == pytest.approx(point, abs=2e-9)


@settings(max_examples=200, deadline=None)
@given(china_points)
@example((114.0579, 22.5431))
def test_it_offsets_by_hundreds_of_metres_not_kilometres(point):
    # Inside China GCJ-02 moves a point by ~20 to ~700 m, and Baidu adds ~0.8-1 km on top (a
    # 0.1-degree grid over the region): a sanity bound that catches swapped axes, a wrong
    # constant or a conversion that silently does nothing.
    assert 1 < _m(point, wgs84_to_gcj02(*point)) < 1_000
    assert 700 < _m(point, gcj02_to_bd09(*point)) < 1_100


def test_geometry_to_wgs84_converts_every_vertex_and_leaves_wgs84_alone():
    from shapely.geometry import Polygon

    from geodata.coords import geometry_to_wgs84, to_wgs84

    square = Polygon([(114.0, 22.5), (114.1, 22.5), (114.1, 22.6), (114.0, 22.5)])
    assert geometry_to_wgs84(square, "wgs84") is square
    converted = geometry_to_wgs84(square, "gcj02")
    assert list(converted.exterior.coords) == [to_wgs84(x, y, "gcj02") for x, y in square.exterior.coords]
