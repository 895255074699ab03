"""geodata.coords_array agrees with the scalar geodata.coords to 1e-9 degrees (~0.1 mm)."""

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.coords import to_wgs84
from geodata.coords_array import points_to_wgs84


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(-180, 180), st.floats(-85, 85)), min_size=1, max_size=50), st.sampled_from(["gcj02", "bd09", "wgs84"]))
@example([(114.0579, 22.5431), (72.004, 0.8293), (137.8347, 55.8271), (2.35, 48.85)], "gcj02")
def test_it_matches_the_scalar_conversions(points, coordsys):
    got = np.array(points_to_wgs84(points, coordsys))
    want = np.array([to_wgs84(lon, lat, coordsys) for lon, lat in points])
    assert np.max(np.abs(got - want)) <= 1e-9
