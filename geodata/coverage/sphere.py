"""Geometry on the sphere of geodata.distance (R = 6,371,008.8 m), vectorised over numpy arrays.

haversine_m is the formula that decides every distance and every ``<= radius_m`` in the package;
_unit_vectors and _chord turn degrees and metres into 3-D unit vectors and chords, the space in
which reach's k-d tree searches. Kept apart from the tree queries because the formula is public on
its own (bench/bench_coverage.py checks the tree against it) and needs nothing but numpy.
"""

import math

import numpy as np

from geodata.distance import EARTH_RADIUS_M, MAX_DISTANCE_M

_RAD = math.pi / 180.0


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres, element-wise over arrays of degrees.

    The formula of geodata.distance.haversine_m (same sphere, same clamp, NaN stays NaN),
    vectorised; the two agree to within a few ulps (numpy's and libm's sin may differ in the last bit).

    >>> float(np.round(haversine_m(116.3975, 39.9087, 121.4737, 31.2304) / 1000))
    1068.0
    """
    phi1 = np.asarray(lat1, dtype=np.float64) * _RAD
    phi2 = np.asarray(lat2, dtype=np.float64) * _RAD
    sin_dphi = np.sin((phi2 - phi1) * 0.5)
    sin_dlmb = np.sin((np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64)) * (_RAD * 0.5))
    h = sin_dphi * sin_dphi + np.cos(phi1) * np.cos(phi2) * sin_dlmb * sin_dlmb
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def _unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """(n, 3) points on the unit sphere; the same place gives the same vector (180 == -180)."""
    lmb = lon * _RAD
    phi = lat * _RAD
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lmb), cos_phi * np.sin(lmb), np.sin(phi)))


def _chord(radius_m: float) -> float:
    """Chord of the unit sphere subtending a great-circle distance of radius_m (2 past half the globe)."""
    if radius_m >= MAX_DISTANCE_M:
        return 2.0
    return 2.0 * math.sin(radius_m / (2.0 * EARTH_RADIUS_M))
