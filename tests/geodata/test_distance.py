import math

import pytest
from geopy.distance import great_circle
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.distance import EARTH_RADIUS_M, MAX_DISTANCE_M, haversine_m, initial_bearing_deg

lons = st.floats(-180, 180, allow_nan=False)
lats = st.floats(-90, 90, allow_nan=False)


# Known values -------------------------------------------------------------------------------

def test_it_measures_one_degree_of_longitude_on_the_equator():
    # 2 * pi * R / 360 with R = 6,371,008.8 m (IUGG mean radius) = 111,195.08 m
    assert haversine_m(0, 0, 1, 0) == pytest.approx(111_195.08, abs=0.01)


def test_it_measures_beijing_to_shanghai():
    # Tiananmen (116.3975, 39.9087) to People's Square (121.4737, 31.2304): ~1,068 km great circle.
    assert haversine_m(116.3975, 39.9087, 121.4737, 31.2304) == pytest.approx(1_067_600, rel=0.002)


@pytest.mark.parametrize(
    "a, b",
    [((114.0579, 22.5431), (113.9305, 22.5333)), ((116.4, 39.9), (-74.0, 40.7)), ((0, 0), (179, 1))],
)
def test_it_agrees_with_geopy_great_circle_on_the_same_sphere(a, b):
    # geopy takes (lat, lon) and a radius in km.
    expected_m = great_circle((a[1], a[0]), (b[1], b[0]), radius=EARTH_RADIUS_M / 1000).meters
    assert haversine_m(*a, *b) == pytest.approx(expected_m, rel=1e-9)


@pytest.mark.parametrize(
    "to, bearing",
    [((0, 1), 0.0), ((1, 0), 90.0), ((0, -1), 180.0), ((-1, 0), 270.0)],
)
def test_it_gives_compass_bearings_from_the_origin(to, bearing):
    assert initial_bearing_deg(0, 0, *to) == pytest.approx(bearing, abs=1e-9)


def test_it_bears_east_across_the_antimeridian():
    assert initial_bearing_deg(179.9, 0, -179.9, 0) == pytest.approx(90.0, abs=1e-6)


# Edge cases ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "a, b, expected_m",
    [
        ((179.9999, 0), (-179.9999, 0), 22.24),  # across the antimeridian: 0.0002 degrees
        ((0, 90), (123, 90), 0.0),  # both at the north pole, any longitude
        ((0, -90), (0, 90), MAX_DISTANCE_M),  # pole to pole
        ((0, 0), (180, 0), MAX_DISTANCE_M),  # antipodes on the equator
        ((114.05, 22.54), (114.05, 22.54), 0.0),  # the same point
    ],
)
def test_it_handles_edge_cases(a, b, expected_m):
    assert haversine_m(*a, *b) == pytest.approx(expected_m, abs=0.01)


def test_it_bears_zero_between_identical_points():
    assert initial_bearing_deg(114.05, 22.54, 114.05, 22.54) == 0.0


def test_it_propagates_nan_instead_of_inventing_a_distance():
    assert math.isnan(haversine_m(math.nan, 0, 0, 0))


# Properties ---------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(lons, lats, lons, lats)
@example(0.0, 0.0, 180.0, 0.0)
@example(179.9999, 0.0, -179.9999, 0.0)
def test_it_is_symmetric_non_negative_and_bounded(lon1, lat1, lon2, lat2):
    d = haversine_m(lon1, lat1, lon2, lat2)
    assert 0 <= d <= MAX_DISTANCE_M + 1e-6
    assert d == pytest.approx(haversine_m(lon2, lat2, lon1, lat1), abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(lons, lats, lons, lats, lons, lats)
@example(0.0, 0.0, 90.0, 0.0, 180.0, 0.0)
def test_it_obeys_the_triangle_inequality(lon1, lat1, lon2, lat2, lon3, lat3):
    direct = haversine_m(lon1, lat1, lon3, lat3)
    via = haversine_m(lon1, lat1, lon2, lat2) + haversine_m(lon2, lat2, lon3, lat3)
    assert direct <= via + 1e-3


@settings(max_examples=300, deadline=None)
@given(lons, lats, lons, lats)
def test_it_keeps_bearings_in_0_to_360(lon1, lat1, lon2, lat2):
    assert 0.0 <= initial_bearing_deg(lon1, lat1, lon2, lat2) < 360.0
