"""geodata.coverage.sphere: the vectorised haversine formula against the scalar one of geodata.distance."""

import pytest

from geodata import distance
from geodata.coverage import haversine_m

# Known values -------------------------------------------------------------------------------


def test_it_agrees_with_the_scalar_haversine_of_geodata_distance():
    # Beijing - Shanghai, 1,068 km (the doctest of geodata.distance), and a short hop.
    for args in [(116.3975, 39.9087, 121.4737, 31.2304), (114.0, 22.5, 114.001, 22.5)]:
        assert float(haversine_m(*args)) == pytest.approx(distance.haversine_m(*args), rel=1e-14)
    assert float(haversine_m(0.0, 0.0, 0.001, 0.0)) == pytest.approx(111.19508, abs=1e-5)
