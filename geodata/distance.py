"""Great-circle distance and bearing on a spherical Earth.

All functions take ``(lon, lat)`` pairs in degrees and return metres / degrees.
"""

import math
from collections.abc import Iterable

# Mean Earth radius R1 = (2a + b) / 3 of WGS-84 (IUGG), in metres; the radius geopy's
# great_circle uses as well.
EARTH_RADIUS_M = 6_371_008.8

# Half the circumference: no two points on the sphere are further apart than this.
MAX_DISTANCE_M = math.pi * EARTH_RADIUS_M

_RAD = math.pi / 180.0


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two points given in degrees.

    >>> round(haversine_m(116.3975, 39.9087, 121.4737, 31.2304) / 1000)
    1068
    """
    phi1 = lat1 * _RAD
    phi2 = lat2 * _RAD
    sin_dphi = math.sin((phi2 - phi1) * 0.5)
    sin_dlmb = math.sin((lon2 - lon1) * _RAD * 0.5)
    h = sin_dphi * sin_dphi + math.cos(phi1) * math.cos(phi2) * sin_dlmb * sin_dlmb
    # Rounding can push h just past 1.0 for antipodal points. (Not min(1.0, h): that would
    # turn a NaN input into half the circumference instead of NaN.)
    if h > 1.0:
        h = 1.0
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def initial_bearing_deg(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Initial bearing (forward azimuth) from point 1 to point 2, degrees clockwise from north, in [0, 360).

    Identical points give 0.

    >>> initial_bearing_deg(0.0, 0.0, 1.0, 0.0)
    90.0
    """
    phi1 = lat1 * _RAD
    phi2 = lat2 * _RAD
    dlmb = (lon2 - lon1) * _RAD
    y = math.sin(dlmb) * math.cos(phi2)
    x = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(dlmb)
    bearing = math.degrees(math.atan2(y, x)) % 360.0
    # (-0.0 % 360) is 360.0 in floating point for tiny negative values: fold it back.
    return 0.0 if bearing >= 360.0 else bearing


def bearings_deg(lon1: float, lat1: float, points: Iterable[tuple[float, float]]) -> list[float]:
    """``initial_bearing_deg`` from one origin to each ``(lon, lat)`` point, bit for bit the same.

    The origin's trigonometry is computed once, and the loop avoids a call per point: a search
    answer measures a bearing for each of its stations.
    """
    phi1 = lat1 * _RAD
    cos_phi1 = math.cos(phi1)
    sin_phi1 = math.sin(phi1)
    sin, cos, atan2, degrees = math.sin, math.cos, math.atan2, math.degrees
    out = []
    for lon2, lat2 in points:
        phi2 = lat2 * _RAD
        dlmb = (lon2 - lon1) * _RAD
        cos_phi2 = cos(phi2)
        bearing = degrees(atan2(sin(dlmb) * cos_phi2, cos_phi1 * sin(phi2) - sin_phi1 * cos_phi2 * cos(dlmb))) % 360.0
        out.append(0.0 if bearing >= 360.0 else bearing)
    return out
