"""What the geodata.coverage tests share: points on a line, brute-force references, hypothesis strategies.

Most hand-made cases lie on the equator, where 0.001 degree of longitude is
R * pi / 180 / 1000 = 111.19508 m (R = 6,371,008.8 m), so distances are whole "units" of it.
"""

import math

import numpy as np
from hypothesis import strategies as st

from geodata.coverage import EARTH_RADIUS_M, haversine_m

UNIT_M = EARTH_RADIUS_M * math.pi / 180 / 1000  # 0.001 degree of longitude on the equator


def line(units):
    """Points on the equator at the given multiples of 0.001 degree of longitude."""
    lon = np.array(units, dtype=np.float64) / 1000
    return lon, np.zeros_like(lon)


def brute_nearest(dlon, dlat, slon, slat):
    """Scan every station with the same haversine formula; first minimum = lowest index."""
    dist = np.full(len(dlon), np.inf)
    idx = np.full(len(dlon), -1)
    for i in range(len(dlon)):
        if len(slon):
            d = haversine_m(dlon[i], dlat[i], slon, slat)
            idx[i] = int(np.argmin(d))
            dist[i] = d[idx[i]]
    return dist, idx


def brute_within(dlon, dlat, slon, slat, radius_m):
    return np.array(
        [
            [haversine_m(dlon[i], dlat[i], slon[j], slat[j]) <= radius_m for j in range(len(slon))]
            for i in range(len(dlon))
        ],
        dtype=bool,
    ).reshape(len(dlon), len(slon))


def brute_covered_weight(dlon, dlat, weight, covered, clon, clat, radius_m, chosen):
    """Total weight covered by the existing coverage plus the chosen candidates (brute force)."""
    now = covered.copy()
    for j in chosen:
        now |= haversine_m(dlon, dlat, clon[j], clat[j]) <= radius_m
    return float(weight[now].sum())


def arrays(points):
    a = np.array(points, dtype=np.float64).reshape(-1, 2)
    return a[:, 0], a[:, 1]


# Hand-made points ---------------------------------------------------------------------------

# Ten demand points at units 0..9; stations S0 at 0, S1 at 4, S2 at 20.
LINE_DEMAND = line(range(10))
LINE_STATIONS = line([0, 4, 20])


# Hypothesis strategies ----------------------------------------------------------------------

lons = st.floats(-180, 180, allow_nan=False)
lats = st.floats(-90, 90, allow_nan=False)
world_points = st.lists(st.tuples(lons, lats), max_size=25)
# Points around one city, on a grid of ~110 m so ties and duplicates happen.
city_points = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=25).map(
    lambda pts: [(114.0 + 0.001 * x, 22.5 + 0.001 * y) for x, y in pts]
)
some_points = st.one_of(world_points, city_points)

weights = st.lists(st.floats(0, 100, allow_nan=False), min_size=25, max_size=25)
