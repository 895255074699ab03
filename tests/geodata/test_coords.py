import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.coords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
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

# Known pairs (lon, lat), from the issue: WGS-84 -> GCJ-02.
KNOWN_WGS_GCJ = [
    ((121.5272106, 31.1774276), (121.53154186, 31.17530398)),  # Shanghai, Pudong
    ((116.377817, 39.911954), (116.38404722, 39.91334546)),  # Beijing, Xicheng
]

china_lons = st.floats(73.5, 135.0, allow_nan=False)
china_lats = st.floats(18.0, 53.5, allow_nan=False)


@pytest.mark.parametrize("wgs, gcj", KNOWN_WGS_GCJ)
def test_it_converts_known_points_to_gcj02(wgs, gcj):
    assert haversine_m(*wgs84_to_gcj02(*wgs), *gcj) < 0.05


@pytest.mark.parametrize("wgs, gcj", KNOWN_WGS_GCJ)
def test_it_inverts_known_gcj02_points_exactly(wgs, gcj):
    assert haversine_m(*gcj02_to_wgs84(*gcj), *wgs) < 0.5


def test_it_offsets_by_the_documented_amounts_in_shenzhen():
    # ../shared/data/README.md: WGS->GCJ about 480-610 m, GCJ->BD about 890-930 m in these cities.
    wgs = (114.0579, 22.5431)
    gcj = wgs84_to_gcj02(*wgs)
    assert 450 < haversine_m(*wgs, *gcj) < 650
    assert 850 < haversine_m(*gcj, *gcj02_to_bd09(*gcj)) < 960


@pytest.mark.parametrize(
    "point",
    [(2.3522, 48.8566), (-74.006, 40.7128), (0.0, 0.0), (180.0, 0.0), (-180.0, -90.0), (139.7, 35.7)],
)
def test_it_leaves_points_outside_china_alone(point):
    assert out_of_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


@pytest.mark.parametrize("coordsys", ["wgs84", "gcj02", "bd09"])
def test_it_round_trips_through_each_named_system(coordsys):
    lon, lat = 114.0579, 22.5431
    assert haversine_m(*to_wgs84(*from_wgs84(lon, lat, coordsys), coordsys), lon, lat) < 0.01


@pytest.mark.parametrize("coordsys", ["utm", "WGS84", "", "gcj-02"])
def test_it_rejects_unknown_coordinate_systems_listing_the_allowed_ones(coordsys):
    with pytest.raises(InvalidCoordinate, match="coordsys must be one of wgs84, gcj02, bd09"):
        to_wgs84(114.0, 22.5, coordsys)


@pytest.mark.parametrize(
    "lon, lat, message",
    [
        (0.0, 90.1, "lat must be a number between -90 and 90"),
        (180.5, 0.0, "lon must be a number between -180 and 180"),
        (math.nan, 0.0, "lon must be"),
        (0.0, math.inf, "lat must be"),
        ("114", 22.0, "must be numbers"),
    ],
)
def test_it_names_the_bad_coordinate(lon, lat, message):
    with pytest.raises(InvalidCoordinate, match=message):
        check_lon_lat(lon, lat)


@pytest.mark.parametrize("lon, lat", [(-180.0, -90.0), (180.0, 90.0), (0.0, 0.0)])
def test_it_accepts_the_extremes(lon, lat):
    check_lon_lat(lon, lat)


@settings(max_examples=400, deadline=None)
@given(china_lons, china_lats)
@example(121.5272106, 31.1774276)
@example(73.5, 18.0)
@example(135.0, 53.5)
def test_it_round_trips_all_six_directions_within_half_a_metre(lon, lat):
    assert haversine_m(*gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat)), lon, lat) < 0.5
    assert haversine_m(*wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat)), lon, lat) < 0.5
    assert haversine_m(*bd09_to_wgs84(*wgs84_to_bd09(lon, lat)), lon, lat) < 0.5
    assert haversine_m(*wgs84_to_bd09(*bd09_to_wgs84(lon, lat)), lon, lat) < 0.5
    assert haversine_m(*bd09_to_gcj02(*gcj02_to_bd09(lon, lat)), lon, lat) < 0.5
    assert haversine_m(*gcj02_to_bd09(*bd09_to_gcj02(lon, lat)), lon, lat) < 0.5


@settings(max_examples=200, deadline=None)
@given(china_lons, china_lats)
def test_it_beats_the_one_step_inverse_by_iterating(lon, lat):
    gcj = wgs84_to_gcj02(lon, lat)
    # The usual one-step inverse: subtract the offset measured at the GCJ point.
    g2 = wgs84_to_gcj02(*gcj)
    one_step = (2 * gcj[0] - g2[0], 2 * gcj[1] - g2[1])
    exact = gcj02_to_wgs84(*gcj)
    assert haversine_m(*exact, lon, lat) <= haversine_m(*one_step, lon, lat) + 1e-6
    assert haversine_m(*exact, lon, lat) < 0.01
