"""geodata.coverage.gaps: covered and uncovered demand per H3 cell, and candidate sites from the gaps."""

import h3
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata import distance
from geodata.coverage import GapHex, candidate_sites_from_gaps, gap_hexes
from tests.geodata.coverage.helpers import arrays, city_points, weights

# Known values -------------------------------------------------------------------------------


def test_it_finds_the_gap_hexes_and_ranks_them():
    # Two clusters 0.05 degree apart (5.5 km: different res-8 cells); one covered, one not.
    lon = np.array([114.0, 114.0, 114.05, 114.05, 114.05])
    lat = np.full(5, 22.5)
    weight = np.array([1.0, 2.0, 1.5, 0.5, 1.0])
    covered = np.array([True, True, False, True, False])
    gaps = gap_hexes(lon, lat, weight, covered, np.array([114.0]), np.array([22.5]))
    cell_a = h3.latlng_to_cell(22.5, 114.0, 8)
    cell_b = h3.latlng_to_cell(22.5, 114.05, 8)
    assert [g.hex_id for g in gaps] == [cell_b, cell_a]
    b, a = gaps
    assert (b.demand_points, b.demand_weight, b.covered_weight, b.uncovered_weight) == (3, 3.0, 0.5, 2.5)
    assert (a.demand_points, a.demand_weight, a.covered_weight, a.uncovered_weight) == (2, 3.0, 3.0, 0.0)
    centre_lat, centre_lon = h3.cell_to_latlng(cell_b)
    assert (b.lon, b.lat) == (centre_lon, centre_lat)
    assert b.distance_m == pytest.approx(distance.haversine_m(centre_lon, centre_lat, 114.0, 22.5), rel=1e-12)
    assert len(b.boundary) == 7 and b.boundary[0] == b.boundary[-1]
    assert shapely.Polygon(b.boundary).contains(shapely.Point(114.05, 22.5))
    assert isinstance(b, GapHex) and b.as_dict()["hex_id"] == cell_b
    # Candidate sites: the gap centres only (uncovered weight > 0), the biggest first.
    cand_lon, cand_lat = candidate_sites_from_gaps(gaps, limit=5)
    assert cand_lon.tolist() == [centre_lon] and cand_lat.tolist() == [centre_lat]
    assert candidate_sites_from_gaps(gaps, limit=0)[0].size == 0


# Properties ---------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(city_points, weights, st.lists(st.booleans(), min_size=25, max_size=25), st.integers(5, 9))
def test_it_accounts_for_every_demand_point_in_the_hexes(demand, w, cov, resolution):
    dlon, dlat = arrays(demand)
    weight = np.array(w[: len(demand)])
    covered = np.array(cov[: len(demand)], dtype=bool)
    gaps = gap_hexes(dlon, dlat, weight, covered, [114.0], [22.5], resolution=resolution)
    assert sum(g.demand_points for g in gaps) == len(demand)
    assert sum(g.demand_weight for g in gaps) == pytest.approx(weight.sum())
    assert sum(g.uncovered_weight for g in gaps) == pytest.approx(weight[~covered].sum())
    keys = [(-g.uncovered_weight, g.hex_id) for g in gaps]
    assert keys == sorted(keys) and len({g.hex_id for g in gaps}) == len(gaps)
    cells = {h3.latlng_to_cell(la, lo, resolution) for lo, la in demand}
    assert {g.hex_id for g in gaps} == cells
    for g in gaps:
        assert g.covered_weight + g.uncovered_weight == pytest.approx(g.demand_weight)
        assert g.boundary[0] == g.boundary[-1]
