"""geodata.coverage.summary: covered weight and share, weighted mean and 90th percentile distance."""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.coverage import (
    nearest_station_m,
    station_impacts,
    stations_within,
    summarize,
)
from tests.geodata.coverage.helpers import (
    LINE_DEMAND,
    LINE_STATIONS,
    UNIT_M,
    arrays,
    city_points,
    lats,
    lons,
    some_points,
    weights,
)

# Known values -------------------------------------------------------------------------------


def test_it_summarizes_coverage_on_a_line():
    dist, _ = nearest_station_m(*LINE_DEMAND, *LINE_STATIONS)
    summary = summarize(dist, np.ones(10), radius_m=2.25 * UNIT_M)
    # Covered: distances 0,1,2,1,0,1,2 units (points 0..6). Mean 19/10 units. Weighted p90:
    # sorted 0,0,1,1,1,2,2,3,4,5 -> the 9th of 10 is 4 units.
    assert summary.demand_points == 10 and summary.demand_weight == 10.0
    assert summary.covered_points == 7 and summary.covered_weight == 7.0
    assert summary.coverage == 0.7
    assert summary.mean_distance_m == pytest.approx(1.9 * UNIT_M)
    assert summary.p90_distance_m == pytest.approx(4 * UNIT_M)
    assert summary.as_dict()["coverage"] == 0.7
    assert set(summary.as_dict()) >= {
        "demand_points",
        "demand_weight",
        "covered_points",
        "covered_weight",
        "coverage",
        "mean_distance_m",
        "p90_distance_m",
    }


def test_it_weights_the_summary_and_its_percentile():
    dist, _ = nearest_station_m(*LINE_DEMAND, *LINE_STATIONS)
    weight = np.array([0, 0, 0, 0, 0, 0, 0, 1, 1, 8], dtype=np.float64)  # units 3, 4, 5
    summary = summarize(dist, weight, radius_m=3 * UNIT_M + 1e-6)
    assert summary.covered_weight == 1.0 and summary.coverage == 0.1
    assert summary.covered_points == 8  # zero-weight points are still points
    assert summary.mean_distance_m == pytest.approx((3 + 4 + 8 * 5) / 10 * UNIT_M)
    assert summary.p90_distance_m == pytest.approx(5 * UNIT_M)  # 20 % of the weight is within 4 units


def test_it_summarizes_a_masked_subset():
    dist, _ = nearest_station_m(*LINE_DEMAND, *LINE_STATIONS)
    mask = np.arange(10) >= 5  # units 5..9: distances 1..5
    summary = summarize(dist, np.ones(10), 2.25 * UNIT_M, mask=mask)
    assert (summary.demand_points, summary.covered_points, summary.coverage) == (5, 2, 0.4)
    assert summary.mean_distance_m == pytest.approx(3 * UNIT_M)


def test_it_counts_a_point_exactly_at_the_radius_as_covered():
    dist, _ = nearest_station_m(*LINE_DEMAND, *LINE_STATIONS)
    at = float(dist[9])  # 5 units
    assert summarize(dist, np.ones(10), at).covered_points == 10
    assert summarize(dist, np.ones(10), math.nextafter(at, 0)).covered_points == 9
    within = stations_within(*LINE_DEMAND, *LINE_STATIONS, at)
    assert within[9, 1] and not stations_within(*LINE_DEMAND, *LINE_STATIONS, math.nextafter(at, 0))[9, 1]


# Edge cases ---------------------------------------------------------------------------------


def test_it_treats_zero_weight_demand_as_no_demand_weight():
    dist, _ = nearest_station_m(*LINE_DEMAND, *LINE_STATIONS)
    summary = summarize(dist, np.zeros(10), 2.25 * UNIT_M)
    assert (summary.demand_weight, summary.covered_points, summary.coverage) == (0.0, 7, 0.0)
    assert summary.mean_distance_m is None and summary.p90_distance_m is None
    impacts = station_impacts(*LINE_DEMAND, np.zeros(10), *LINE_STATIONS, 2.25 * UNIT_M)
    assert not any(i.redundant for i in impacts) and [i.sole_points for i in impacts] == [2, 4, 0]


# Properties ---------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(city_points, city_points, st.tuples(lons, lats), weights, st.floats(0, 5_000))
@example([(114.0, 22.5)], [], (114.0, 22.5), [1.0] * 25, 0.0)
def test_it_never_loses_coverage_when_a_station_is_added(demand, stations, extra, w, radius_m):
    dlon, dlat = arrays(demand)
    weight = np.array(w[: len(demand)])
    slon, slat = arrays(stations)
    before = summarize(nearest_station_m(dlon, dlat, slon, slat)[0], weight, radius_m)
    after = summarize(
        nearest_station_m(dlon, dlat, np.append(slon, extra[0]), np.append(slat, extra[1]))[0], weight, radius_m
    )
    assert after.covered_weight >= before.covered_weight
    assert after.covered_points >= before.covered_points
    assert after.coverage >= before.coverage


@settings(max_examples=200, deadline=None)
@given(some_points, some_points, weights, st.floats(0, 20_000), st.floats(0, 20_000))
@example([(114.0, 22.5)], [(114.001, 22.5)], [1.0] * 25, 100.0, 103.0)
@example([(0.0, 1.0)], [(0.0, 0.0)], [5e-324] * 25, 0.0, 0.0)  # a subnormal weight once rounded the mean
def test_it_covers_no_less_with_a_larger_radius(demand, stations, w, r1, r2):
    dlon, dlat = arrays(demand)
    slon, slat = arrays(stations)
    weight = np.array(w[: len(demand)])
    dist, _ = nearest_station_m(dlon, dlat, slon, slat)
    small, large = summarize(dist, weight, min(r1, r2)), summarize(dist, weight, max(r1, r2))
    assert small.coverage <= large.coverage and small.covered_points <= large.covered_points
    assert 0.0 <= small.coverage <= 1.0
    if small.mean_distance_m is not None:
        assert min(dist) <= small.mean_distance_m * (1 + 1e-12) and small.mean_distance_m <= max(dist) * (1 + 1e-12)
        assert small.p90_distance_m in dist.tolist()
