"""geodata.distance: known values, an edge-case table, hypothesis properties.

Two independent implementations check ours: geopy's great_circle (atan2 form, not haversine)
and geographiclib (geopy's own dependency) solving geodesics on a sphere of our radius.
"""

import doctest
import math

import pytest
from geographiclib.geodesic import Geodesic
from geopy.distance import great_circle
from hypothesis import example, given, settings
from hypothesis import strategies as st

import geodata.distance
from geodata.distance import (
    EARTH_RADIUS_M,
    MAX_DISTANCE_M,
    haversine_m,
    initial_bearing_deg,
)

# geodata's sphere, for geographiclib (flattening 0).
SPHERE = Geodesic(EARTH_RADIUS_M, 0.0)

lons = st.floats(-180, 180, allow_nan=False)
lats = st.floats(-90, 90, allow_nan=False)


def _geopy_m(lon1, lat1, lon2, lat2):
    # geopy takes (lat, lon) and a radius in km; its default EARTH_RADIUS is 6371.009 km, ours
    # 6371.0088 km (the difference is 0.2 m per 1,000 km), so pass ours.
    return great_circle((lat1, lon1), (lat2, lon2), radius=6371.0088).meters


def _angle_between_deg(a, b):
    """Difference of two compass bearings, in [0, 180]."""
    return abs((a - b + 180.0) % 360.0 - 180.0)


# Known values -------------------------------------------------------------------------------


def test_it_uses_the_iugg_mean_earth_radius():
    # IUGG mean radius R1 = (2a + b) / 3 of WGS-84 = 6,371,008.8 m (Moritz, Geodetic Reference
    # System 1980); the greatest distance on the sphere is half its circumference.
    assert EARTH_RADIUS_M == 6_371_008.8
    assert MAX_DISTANCE_M == pytest.approx(20_015_114.44, abs=0.01)


def test_it_measures_one_degree_of_longitude_on_the_equator():
    # 2 * pi * R / 360 with R = 6,371,008.8 m = 111,195.08 m.
    assert haversine_m(0.0, 0.0, 1.0, 0.0) == pytest.approx(111_195.08, abs=0.01)
    # ...and one degree of latitude along any meridian is the same arc.
    assert haversine_m(114.0, 22.0, 114.0, 23.0) == pytest.approx(111_195.08, abs=0.01)


def test_it_measures_beijing_to_shanghai():
    # Tiananmen (116.3975, 39.9087) to People's Square (121.4737, 31.2304): the ~1,068 km
    # great-circle distance quoted by distance calculators (the module's doctest pins it too).
    assert haversine_m(116.3975, 39.9087, 121.4737, 31.2304) == pytest.approx(1_068_140, abs=1_000)


@pytest.mark.parametrize(
    "a, b",
    [
        ((114.0579, 22.5431), (113.9305, 22.5333)),  # across Shenzhen, ~13 km
        ((116.3975, 39.9087), (121.4737, 31.2304)),  # Beijing - Shanghai
        ((116.4, 39.9), (-74.0, 40.7)),  # Beijing - New York
        ((0.0, 0.0), (179.0, 1.0)),  # nearly antipodal
        ((-0.1276, 51.5072), (151.2093, -33.8688)),  # London - Sydney
        ((10.0, 89.9), (-170.0, 89.9)),  # over the north pole
    ],
)
def test_it_agrees_with_geopy_great_circle_on_the_same_sphere(a, b):
    assert haversine_m(*a, *b) == pytest.approx(_geopy_m(*a, *b), rel=1e-12, abs=1e-6)


@pytest.mark.parametrize(
    "start, to, bearing",
    [
        ((0.0, 0.0), (0.0, 1.0), 0.0),  # due north
        ((0.0, 0.0), (1.0, 0.0), 90.0),  # due east along the equator
        ((0.0, 0.0), (0.0, -1.0), 180.0),  # due south
        ((0.0, 0.0), (-1.0, 0.0), 270.0),  # due west
        ((114.0, 22.5), (114.0, 40.0), 0.0),  # along a meridian, away from the equator
        ((114.0, 22.5), (114.0, -40.0), 180.0),
    ],
)
def test_it_gives_compass_bearings(start, to, bearing):
    assert initial_bearing_deg(*start, *to) == pytest.approx(bearing, abs=1e-9)


def test_it_bears_sixty_degrees_from_baghdad_to_osaka():
    # movable-type.co.uk/scripts/latlong.html: "from Baghdad (35N, 45E) to Osaka (35N, 135E)
    # you would begin on a heading of 60 degrees" (a great circle is not a rhumb line).
    assert initial_bearing_deg(45.0, 35.0, 135.0, 35.0) == pytest.approx(60.0, abs=0.5)
    assert initial_bearing_deg(45.0, 35.0, 135.0, 35.0) == pytest.approx(SPHERE.Inverse(35, 45, 35, 135)["azi1"])


def test_it_bears_east_and_west_across_the_antimeridian():
    assert initial_bearing_deg(179.9, 0.0, -179.9, 0.0) == pytest.approx(90.0, abs=1e-9)
    assert initial_bearing_deg(-179.9, 0.0, 179.9, 0.0) == pytest.approx(270.0, abs=1e-9)


def test_it_keeps_its_docstring_examples_true():
    assert doctest.testmod(geodata.distance).failed == 0


# Edge cases ---------------------------------------------------------------------------------

QUARTER_M = MAX_DISTANCE_M / 2


@pytest.mark.parametrize(
    "a, b, expected_m",
    [
        ((179.9999, 0.0), (-179.9999, 0.0), 22.239),  # across the antimeridian: 0.0002 degrees
        ((-179.9999, 0.0), (179.9999, 0.0), 22.239),
        ((179.9999, 60.0), (-179.9999, 60.0), 11.120),  # half that at 60 degrees north
        ((180.0, 10.0), (-180.0, 10.0), 0.0),  # the same meridian, written twice
        ((0.0, 90.0), (123.0, 90.0), 0.0),  # the north pole, at any longitude
        ((-45.0, -90.0), (170.0, -90.0), 0.0),  # the south pole
        ((0.0, 90.0), (77.0, 0.0), QUARTER_M),  # pole to equator
        ((0.0, 0.0), (90.0, 0.0), QUARTER_M),  # a quarter of the equator
        ((114.05, 22.54), (114.05, 22.54), 0.0),  # identical points
        ((0.0, 0.0), (0.0, 0.0), 0.0),
    ],
)
def test_it_handles_edge_cases(a, b, expected_m):
    assert haversine_m(*a, *b) == pytest.approx(expected_m, abs=1e-3)


@pytest.mark.parametrize(
    "a, b",
    [
        ((0.0, -90.0), (0.0, 90.0)),  # pole to pole
        ((0.0, 0.0), (180.0, 0.0)),  # antipodes on the equator
        ((90.0, 0.0), (-90.0, 0.0)),
        ((114.0, 22.5), (-66.0, -22.5)),  # Shenzhen's antipode, off Argentina
        ((-179.9999, 45.0), (0.0001, -45.0)),
    ],
)
def test_it_measures_antipodes_as_half_the_circumference(a, b):
    # asin is ill-conditioned at 1: a rounding error in h of 1e-16 is ~6 cm here.
    d = haversine_m(*a, *b)
    assert d <= MAX_DISTANCE_M
    assert d == pytest.approx(MAX_DISTANCE_M, abs=0.1)


@pytest.mark.parametrize("point", [(114.05, 22.54), (0.0, 90.0), (0.0, -90.0), (180.0, 0.0), (-180.0, 0.0)])
def test_it_bears_zero_between_identical_points(point):
    assert initial_bearing_deg(*point, *point) == 0.0


@pytest.mark.parametrize(
    "start, to, bearing",
    [
        # From a pole every direction is south (north); the formula measures the bearing
        # against the start point's meridian, so along that meridian it is exactly 180 (0).
        ((0.0, 90.0), (0.0, 10.0), 180.0),
        ((30.0, -90.0), (30.0, -10.0), 0.0),
        # Towards a pole it is north (south) from anywhere.
        ((114.0, 22.5), (-50.0, 90.0), 0.0),
        ((114.0, 22.5), (50.0, -90.0), 180.0),
        # Due north/south across the antimeridian (180 and -180 are one meridian).
        ((180.0, 10.0), (-180.0, 20.0), 0.0),
        ((-180.0, 10.0), (180.0, -20.0), 180.0),
    ],
)
def test_it_bears_sensibly_at_the_poles_and_the_antimeridian(start, to, bearing):
    assert _angle_between_deg(initial_bearing_deg(*start, *to), bearing) < 1e-9


@pytest.mark.parametrize("a, b", [((0.0, 0.0), (180.0, 0.0)), ((0.0, 90.0), (0.0, -90.0))])
def test_it_gives_some_bearing_in_range_between_antipodes(a, b):
    # Every direction leads there; any answer in [0, 360) is right.
    assert 0.0 <= initial_bearing_deg(*a, *b) < 360.0


@pytest.mark.parametrize(
    "args",
    [
        (math.nan, 0.0, 0.0, 0.0),
        (0.0, math.nan, 0.0, 0.0),
        (0.0, 0.0, math.nan, 0.0),
        (0.0, 0.0, 0.0, math.nan),
    ],
)
def test_it_propagates_nan_instead_of_inventing_a_distance(args):
    # haversine_m does not validate (callers use geodata.coords.check_lon_lat first), but a NaN
    # must never come out as a plausible number such as half the circumference.
    assert math.isnan(haversine_m(*args))
    assert math.isnan(initial_bearing_deg(*args))


@pytest.mark.parametrize("args", [(math.inf, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0, -math.inf)])
def test_it_raises_on_infinite_coordinates(args):
    # math.sin(inf) is a domain error: loud, not a silent number.
    with pytest.raises(ValueError):
        haversine_m(*args)


# Properties ---------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(lons, lats, lons, lats)
@example(0.0, 0.0, 180.0, 0.0)  # antipodes
@example(179.9999, 0.0, -179.9999, 0.0)  # antimeridian
@example(0.0, 90.0, 180.0, -90.0)  # pole to pole
@example(12.5, -33.0, 12.5, -33.0)  # identical points
def test_it_is_symmetric_non_negative_and_at_most_half_the_circumference(lon1, lat1, lon2, lat2):
    d = haversine_m(lon1, lat1, lon2, lat2)
    assert 0.0 <= d <= MAX_DISTANCE_M
    assert d == pytest.approx(haversine_m(lon2, lat2, lon1, lat1), abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(lons, lats, lons, lats, lons, lats)
@example(0.0, 0.0, 90.0, 0.0, 180.0, 0.0)  # equality: the middle point is on the great circle
@example(0.0, 90.0, 33.0, 0.0, 0.0, -90.0)  # pole - equator - pole
@example(179.9999, 0.0, -179.9999, 0.0, 179.9999, 0.0)  # there and back across the antimeridian
def test_it_obeys_the_triangle_inequality(lon1, lat1, lon2, lat2, lon3, lat3):
    direct = haversine_m(lon1, lat1, lon3, lat3)
    via = haversine_m(lon1, lat1, lon2, lat2) + haversine_m(lon2, lat2, lon3, lat3)
    # Tolerance: near-antipodal legs are accurate to ~0.1 m (asin at 1), so allow that twice.
    assert direct <= via + 0.25


@settings(max_examples=300, deadline=None)
@given(lons, lats, lons, lats)
@example(0.0, 0.0, 180.0, 0.0)
@example(179.9999, 0.0, -179.9999, 0.0)
@example(0.0, 90.0, 0.0, -90.0)
@example(0.0, 0.0, 180.0, 5.960464477539063e-08)  # 6.6 mm short of the antipode
def test_it_agrees_with_geopy_and_geographiclib_everywhere(lon1, lat1, lon2, lat2):
    d = haversine_m(lon1, lat1, lon2, lat2)
    # asin(sqrt(h)) loses half the digits as h -> 1: within metres of the antipode haversine is
    # good to ~0.1 m only (geopy's atan2 form keeps them). Elsewhere they agree to micrometres.
    tolerance_m = 0.15 if d > MAX_DISTANCE_M - 10_000 else 1e-3
    assert d == pytest.approx(_geopy_m(lon1, lat1, lon2, lat2), rel=1e-12, abs=tolerance_m)
    assert d == pytest.approx(SPHERE.Inverse(lat1, lon1, lat2, lon2)["s12"], rel=1e-12, abs=tolerance_m)


@settings(max_examples=300, deadline=None)
@given(lons, st.floats(-89.0, 89.0), st.floats(0.0, 360.0, exclude_max=True), st.floats(1.0, 0.99 * MAX_DISTANCE_M))
@example(179.9, 0.0, 90.0, 50_000.0)  # east across the antimeridian
@example(-179.9, 0.0, 270.0, 50_000.0)  # west across it
@example(0.0, 89.0, 0.0, 1_000_000.0)  # north over the pole
@example(0.0, 0.0, 0.0, 0.99 * MAX_DISTANCE_M)  # almost to the antipode
def test_it_measures_back_the_walk_that_geographiclib_takes(lon, lat, bearing, distance_m):
    # Walk distance_m along `bearing` (geographiclib on our sphere), then measure the walk.
    walk = SPHERE.Direct(lat, lon, bearing, distance_m)
    assert haversine_m(lon, lat, walk["lon2"], walk["lat2"]) == pytest.approx(distance_m, rel=1e-9, abs=1e-3)
    assert _angle_between_deg(initial_bearing_deg(lon, lat, walk["lon2"], walk["lat2"]), bearing) < 1e-6


@settings(max_examples=300, deadline=None)
@given(lons, lats, lons, lats)
@example(0.0, 0.0, -1e-300, 0.0)  # a tiny negative angle must not come out as 360
@example(0.0, 0.0, 0.0, 0.0)
def test_it_keeps_bearings_in_0_to_360(lon1, lat1, lon2, lat2):
    assert 0.0 <= initial_bearing_deg(lon1, lat1, lon2, lat2) < 360.0


@settings(max_examples=300)
@given(
    origin=st.tuples(st.floats(-180, 180), st.floats(-90, 90)),
    points=st.lists(st.tuples(st.floats(-180, 180), st.floats(-90, 90)), max_size=12),
)
@example(origin=(114.0579, 22.5431), points=[(114.0579, 22.5431), (179.9, 0.0), (-179.9, 0.0), (0.0, 90.0)])
def test_bearings_from_one_origin_are_bit_for_bit_the_single_bearings(origin, points):
    assert geodata.distance.bearings_deg(*origin, points) == [initial_bearing_deg(*origin, *point) for point in points]
