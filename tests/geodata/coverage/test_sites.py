"""geodata.coverage.sites: greedy maximal covering, on a trap worked out by hand and against brute force."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.coverage import Site, choose_sites
from tests.geodata.coverage.helpers import UNIT_M, arrays, brute_covered_weight, line

# Known values -------------------------------------------------------------------------------

# The greedy trap: points (weights) at units 0 (3), 2.5 (2), 4 (2), 5.5 (2), 8 (3); candidates
# A at 1, M at 4, B at 7, radius 1.8 units. M covers 2.5, 4, 5.5 (6); A covers 0, 2.5 (5); B
# covers 5.5, 8 (5). Best single site: M (6). Best pair: A + B (10), while greedy takes M then A
# (9). All three: 12.
TRAP_DEMAND = line([0, 2.5, 4, 5.5, 8])
TRAP_WEIGHT = np.array([3, 2, 2, 2, 3], dtype=np.float64)
TRAP_CANDIDATES = line([1, 4, 7])  # A, M, B
TRAP_RADIUS_M = 1.8 * UNIT_M


def _trap(p, covered=None):
    covered = np.zeros(5, dtype=bool) if covered is None else covered
    return choose_sites(*TRAP_DEMAND, TRAP_WEIGHT, covered, *TRAP_CANDIDATES, TRAP_RADIUS_M, p)


def test_it_chooses_the_best_single_site():
    assert _trap(1) == [Site(candidate_index=1, lon=0.004, lat=0.0, added_weight=6.0, added_points=3)]


def test_it_chooses_greedily_and_reports_what_each_site_adds():
    # After M, A and B both add 3: the lower index (A) first.
    sites = _trap(3)
    assert [(s.candidate_index, s.added_weight, s.added_points) for s in sites] == [
        (1, 6.0, 3),
        (0, 3.0, 1),
        (2, 3.0, 1),
    ]
    assert [s.candidate_index for s in _trap(2)] == [1, 0]
    assert sites[0].as_dict()["candidate_index"] == 1


def test_it_is_within_the_greedy_bound_of_the_optimal_pair():
    zeros = np.zeros(5, dtype=bool)
    optimum = max(
        brute_covered_weight(*TRAP_DEMAND, TRAP_WEIGHT, zeros, *TRAP_CANDIDATES, TRAP_RADIUS_M, pair)
        for pair in itertools.combinations(range(3), 2)
    )
    greedy = sum(s.added_weight for s in _trap(2))
    assert (optimum, greedy) == (10.0, 9.0)


def test_it_keeps_existing_coverage_fixed_and_stops_when_nothing_is_left():
    # Unit 0 already covered: M (6), then B (3); A would add nothing, so p=3 gives two sites.
    covered = np.array([True, False, False, False, False])
    assert [(s.candidate_index, s.added_weight) for s in _trap(3, covered)] == [(1, 6.0), (2, 3.0)]
    assert _trap(3, np.ones(5, dtype=bool)) == []
    assert _trap(0) == []


def test_it_ignores_candidates_that_add_only_zero_weight_points():
    weight = np.array([0, 0, 0, 0, 1], dtype=np.float64)
    sites = choose_sites(*TRAP_DEMAND, weight, np.zeros(5, dtype=bool), *TRAP_CANDIDATES, TRAP_RADIUS_M, 3)
    # B adds 1 (and the zero-weight point at 5.5 with it); nothing else adds weight.
    assert [(s.candidate_index, s.added_weight, s.added_points) for s in sites] == [(2, 1.0, 2)]


# Properties ---------------------------------------------------------------------------------

small_weights = st.lists(st.integers(0, 10).map(float), min_size=12, max_size=12)
small_city = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=12).map(
    lambda pts: [(114.0 + 0.001 * x, 22.5 + 0.001 * y) for x, y in pts]
)
candidates = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=8).map(
    lambda pts: [(114.0 + 0.001 * x, 22.5 + 0.001 * y) for x, y in pts]
)


@settings(max_examples=150, deadline=None)
@given(
    small_city,
    small_weights,
    st.lists(st.booleans(), min_size=12, max_size=12),
    candidates,
    st.floats(0, 600),
    st.integers(1, 3),
)
@example(
    [(114.0, 22.5), (114.0025, 22.5), (114.004, 22.5), (114.0055, 22.5), (114.008, 22.5)],
    [3.0, 2.0, 2.0, 2.0, 3.0] + [0.0] * 7,
    [False] * 12,
    [(114.001, 22.5), (114.004, 22.5), (114.007, 22.5)],
    180.0,
    2,
)
def test_it_is_between_the_greedy_bound_and_the_brute_force_optimum(demand, w, cov, cands, radius_m, p):
    dlon, dlat = arrays(demand)
    clon, clat = arrays(cands)
    weight = np.array(w[: len(demand)])
    covered = np.array(cov[: len(demand)], dtype=bool)
    base = float(weight[covered].sum())
    added = [0.0]
    for q in range(1, p + 1):
        sites = choose_sites(dlon, dlat, weight, covered, clon, clat, radius_m, q)
        assert all(s.added_weight > 0 for s in sites) and len(sites) <= q
        # Coverage is submodular: each greedy pick adds no more than the one before it.
        assert all(a.added_weight >= b.added_weight for a, b in itertools.pairwise(sites))
        assert len({s.candidate_index for s in sites}) == len(sites)
        greedy = sum(s.added_weight for s in sites)
        chosen = [s.candidate_index for s in sites]
        assert base + greedy == pytest.approx(
            brute_covered_weight(dlon, dlat, weight, covered, clon, clat, radius_m, chosen)
        )
        assert greedy >= added[-1]  # never decreases with p
        added.append(greedy)
        optimum = max(
            brute_covered_weight(dlon, dlat, weight, covered, clon, clat, radius_m, combo) - base
            for combo in itertools.combinations(range(len(cands)), min(q, len(cands)))
        )
        assert optimum + 1e-9 >= greedy >= (1 - 1 / math.e) * optimum - 1e-9
        # Fewer than q sites only when no candidate adds anything more.
        if len(sites) < q:
            assert brute_covered_weight(
                dlon, dlat, weight, covered, clon, clat, radius_m, range(len(cands))
            ) == pytest.approx(base + greedy)
