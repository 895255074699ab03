"""Which stations reach which demand points: each point's nearest station, every pair within a radius.

nearest_station_m and stations_within are what the other analyses build on. A scipy k-d tree over
unit vectors proposes candidates; the haversine formula of sphere decides, so each answer is the
one a brute-force scan gives (ties go to the lower index). The package docstring says why the
chord search cannot miss a station.
"""

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from geodata.coverage.sphere import _chord, _unit_vectors, haversine_m
from geodata.coverage.validation import _coords, _radius

# How far (in unit-sphere chord) the tree's float arithmetic and the haversine formula's may
# disagree. The haversine formula loses precision near antipodes: asin(sqrt(h)) with h within
# 1e-16 of 1 is off by up to ~1.5e-8 rad (0.1 m); a chord differs from the angle by a factor
# cos(angle / 2) <= 1, so 1e-7 (0.64 m on the ground) covers both with room to spare. Any
# station within this margin of the tree's best is re-decided by haversine.
_CHORD_SLACK = 1e-7

# Points per k-d tree query: bounds the memory of the (n, 2) answers without slowing the scan.
_QUERY_BATCH = 262_144


def _tree(lon: np.ndarray, lat: np.ndarray) -> cKDTree:
    # balanced_tree=False: the sliding-midpoint build is several times faster on clustered points
    # and queries as fast; compact_nodes keeps it small.
    return cKDTree(_unit_vectors(lon, lat), balanced_tree=False, compact_nodes=True)


def nearest_station_m(demand_lon, demand_lat, station_lon, station_lat) -> tuple[np.ndarray, np.ndarray]:
    """(distance_m, station_index) of the nearest station for every demand point.

    distance_m is the exact haversine distance in metres (float64), station_index an int64
    index into the station arrays; of stations at the same distance the lowest index wins.
    With no stations every point gets (inf, -1). Coordinates are WGS-84 degrees, (lon, lat).

    >>> d, i = nearest_station_m([114.0], [22.5], [114.0, 114.01], [22.5, 22.5])
    >>> d.tolist(), i.tolist()
    ([0.0], [0])
    """
    demand_lon, demand_lat = _coords(demand_lon, demand_lat, "demand")
    station_lon, station_lat = _coords(station_lon, station_lat, "station")
    n, m = demand_lon.size, station_lon.size
    distance_m = np.full(n, np.inf)
    index = np.full(n, -1, dtype=np.int64)
    if n == 0 or m == 0:
        return distance_m, index
    tree = _tree(station_lon, station_lat)
    k = min(2, m)
    doubtful = []
    for start in range(0, n, _QUERY_BATCH):
        stop = min(n, start + _QUERY_BATCH)
        chord, idx = tree.query(_unit_vectors(demand_lon[start:stop], demand_lat[start:stop]), k=k, workers=-1)
        if k == 1:
            index[start:stop] = idx
            continue
        index[start:stop] = idx[:, 0]
        # Runner-up too close to call by chord: decide by haversine over everything that close.
        near_tie = chord[:, 1] - chord[:, 0] <= _CHORD_SLACK
        if near_tie.any():
            doubtful.append((start + np.flatnonzero(near_tie), chord[near_tie, 0]))
    distance_m = haversine_m(demand_lon, demand_lat, station_lon[index], station_lat[index])
    for points, best_chord in doubtful:
        balls = tree.query_ball_point(
            _unit_vectors(demand_lon[points], demand_lat[points]), best_chord + _CHORD_SLACK, workers=-1
        )
        for point, ball in zip(points.tolist(), balls):
            candidates = np.array(sorted(ball), dtype=np.int64)
            d = haversine_m(demand_lon[point], demand_lat[point], station_lon[candidates], station_lat[candidates])
            best = int(np.argmin(d))  # first minimum: the lowest index among equals
            index[point] = candidates[best]
            distance_m[point] = d[best]
    return distance_m, index


def stations_within(demand_lon, demand_lat, station_lon, station_lat, radius_m) -> sparse.csr_matrix:
    """Which stations reach which demand points: a boolean scipy.sparse.csr_matrix.

    Shape (n_demand, n_station); entry [i, j] is True when the haversine distance from demand
    point i to station j is <= radius_m (metres). Row i's stored column indices are the
    stations covering point i, in increasing order. Memory grows with the number of
    (point, station) pairs within the radius: about 12 bytes each.
    """
    demand_lon, demand_lat = _coords(demand_lon, demand_lat, "demand")
    station_lon, station_lat = _coords(station_lon, station_lat, "station")
    radius_m = _radius(radius_m)
    n, m = demand_lon.size, station_lon.size
    if n == 0 or m == 0:
        return sparse.csr_matrix((n, m), dtype=bool)
    # The tree proposes pairs a little beyond the radius; the haversine formula decides.
    pairs = _tree(demand_lon, demand_lat).sparse_distance_matrix(
        _tree(station_lon, station_lat), _chord(radius_m) + _CHORD_SLACK, output_type="ndarray"
    )
    rows = pairs["i"].astype(np.int64)
    cols = pairs["j"].astype(np.int64)
    keep = haversine_m(demand_lon[rows], demand_lat[rows], station_lon[cols], station_lat[cols]) <= radius_m
    rows, cols = rows[keep], cols[keep]
    matrix = sparse.csr_matrix((np.ones(rows.size, dtype=bool), (rows, cols)), shape=(n, m))
    matrix.sort_indices()
    return matrix
