"""Where to open new stations: the maximal covering location problem (MCLP), solved greedily.

Site and choose_sites pick, one by one, the candidate sites adding the most demand weight not yet
covered, with existing coverage kept fixed and lazy evaluation of the gains. Candidates typically
come from gaps.candidate_sites_from_gaps; coverage is decided by reach.stations_within.
"""

import heapq
from dataclasses import asdict, dataclass

import numpy as np

from geodata.coverage.reach import stations_within
from geodata.coverage.validation import _bools, _coords, _count, _radius, _weights


@dataclass(frozen=True)
class Site:
    """A chosen new site: the weight and points it newly covers, given the sites chosen before it."""

    candidate_index: int
    lon: float
    lat: float
    added_weight: float
    added_points: int

    def as_dict(self) -> dict:
        return asdict(self)


def choose_sites(demand_lon, demand_lat, weight, covered, candidate_lon, candidate_lat, radius_m, p) -> list[Site]:
    """Up to p candidate sites that together newly cover the most demand weight (greedy MCLP).

    Existing coverage (``covered``, one boolean per demand point) stays fixed; a site covers a
    point within radius_m (haversine, metres). Each step takes the candidate adding the most
    weight not yet covered, ties by the lower candidate_index; it stops early when no candidate
    adds any weight. Sites come in the order chosen, each with what it adds given the earlier
    picks (added_points counts newly covered points, zero-weight ones included). The greedy
    objective is within (1 - 1/e) of the optimum (Nemhauser, Wolsey & Fisher 1978) and usually
    much closer; lazy evaluation (Minoux 1978) recomputes only the gains that could matter.
    """
    demand_lon, demand_lat = _coords(demand_lon, demand_lat, "demand")
    weight = _weights(weight, demand_lon.size)
    covered = _bools(covered, demand_lon.size, "covered")
    candidate_lon, candidate_lat = _coords(candidate_lon, candidate_lat, "candidate")
    radius_m = _radius(radius_m)
    p = _count(p, "p")
    open_points = np.flatnonzero(~covered)
    if p == 0 or open_points.size == 0 or candidate_lon.size == 0:
        return []
    # Rows: candidates; columns: the demand points not yet covered.
    reach = stations_within(
        demand_lon[open_points], demand_lat[open_points], candidate_lon, candidate_lat, radius_m
    ).T.tocsr()
    reach.sort_indices()
    w = weight[open_points]
    taken = np.zeros(open_points.size, dtype=bool)

    def gain(j: int) -> float:
        cols = reach.indices[reach.indptr[j] : reach.indptr[j + 1]]
        return float(w[cols[~taken[cols]]].sum())

    # Max-heap of (-upper bound on gain, index): gains only shrink as points get taken.
    heap = [(-gain(j), j) for j in range(reach.shape[0])]
    heapq.heapify(heap)
    sites: list[Site] = []
    while heap and len(sites) < p:
        bound, j = heapq.heappop(heap)
        if -bound <= 0.0:
            break
        fresh = gain(j)
        if heap and (-fresh, j) > heap[0]:
            heapq.heappush(heap, (-fresh, j))  # someone else may now be better: look again
            continue
        if fresh <= 0.0:
            break
        cols = reach.indices[reach.indptr[j] : reach.indptr[j + 1]]
        new = cols[~taken[cols]]
        taken[new] = True
        sites.append(
            Site(
                candidate_index=j,
                lon=float(candidate_lon[j]),
                lat=float(candidate_lat[j]),
                added_weight=fresh,
                added_points=int(new.size),
            )
        )
    return sites
