"""geodata.coverage.impact: what each station covers, alone and in all, and what closing it loses."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.coverage import (
    StationImpact,
    nearest_station_m,
    station_impacts,
    summarize,
)
from tests.geodata.coverage.helpers import (
    LINE_DEMAND,
    LINE_STATIONS,
    UNIT_M,
    arrays,
    city_points,
    line,
    weights,
)

# Known values -------------------------------------------------------------------------------


def test_it_measures_what_each_station_alone_covers():
    # Radius 2.25 units: S0 covers points 0,1,2; S1 covers 2..6; S2 (unit 20) nothing.
    impacts = station_impacts(*LINE_DEMAND, np.ones(10), *LINE_STATIONS, 2.25 * UNIT_M)
    assert impacts == [
        StationImpact(
            station_index=1, sole_weight=4.0, sole_points=4, covered_weight=5.0, redundant=False, covered_points=5
        ),
        StationImpact(
            station_index=0, sole_weight=2.0, sole_points=2, covered_weight=3.0, redundant=False, covered_points=3
        ),
        StationImpact(
            station_index=2, sole_weight=0.0, sole_points=0, covered_weight=0.0, redundant=False, covered_points=0
        ),
    ]


def test_it_marks_stations_that_only_duplicate_others_as_redundant():
    # S3 is S0 again: neither covers anything alone. S2 covers nothing: idle, not redundant.
    slon, slat = line([0, 4, 20, 0])
    impacts = {i.station_index: i for i in station_impacts(*LINE_DEMAND, np.ones(10), slon, slat, 2.25 * UNIT_M)}
    assert [impacts[j].redundant for j in range(4)] == [True, False, False, True]
    assert impacts[0].sole_weight == 0.0 and impacts[0].covered_weight == 3.0
    assert impacts[1].sole_weight == 4.0
    order = [i.station_index for i in station_impacts(*LINE_DEMAND, np.ones(10), slon, slat, 2.25 * UNIT_M)]
    assert order == [1, 0, 2, 3]  # sole weight 4 first, then the zeros by index


# Properties ---------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(city_points, city_points, weights, st.floats(0, 3_000))
@example([(114.0, 22.5), (114.003, 22.5)], [(114.0, 22.5), (114.0, 22.5), (114.003, 22.5)], [1.0] * 25, 10.0)
def test_it_says_a_closure_loses_exactly_the_sole_weight(demand, stations, w, radius_m):
    dlon, dlat = arrays(demand)
    slon, slat = arrays(stations)
    weight = np.array(w[: len(demand)])
    impacts = station_impacts(dlon, dlat, weight, slon, slat, radius_m)
    assert sorted(i.station_index for i in impacts) == list(range(len(stations)))
    keys = [(-i.sole_weight, i.station_index) for i in impacts]
    assert keys == sorted(keys)
    total = summarize(nearest_station_m(dlon, dlat, slon, slat)[0], weight, radius_m).covered_weight
    for impact in impacts:
        keep = np.arange(len(stations)) != impact.station_index
        rest = summarize(nearest_station_m(dlon, dlat, slon[keep], slat[keep])[0], weight, radius_m)
        assert total - rest.covered_weight == pytest.approx(impact.sole_weight, abs=1e-9)
        assert impact.redundant == (impact.covered_weight > 0 and impact.sole_weight == 0)
        assert impact.sole_points <= impact.covered_points
