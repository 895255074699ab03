"""Conversions between WGS-84 (GPS, OpenStreetMap), GCJ-02 (Amap, Tencent, WeChat) and BD-09 (Baidu).

GCJ-02 is WGS-84 plus a deliberate, published-by-reverse-engineering offset that applies only
inside mainland China; BD-09 adds Baidu's own offset on top of GCJ-02. The forward transforms are
closed formulas. The inverse ones have no closed form: the usual one-step approximation is off by
metres, so we iterate the forward transform (fixed-point) until it reproduces the input to
~1e-9 degrees (about 0.1 mm).

Every function takes and returns ``(lon, lat)`` in degrees.
"""

import math
from collections.abc import Callable

import shapely

from geodata.errors import InvalidCoordinate

COORDSYS = ("wgs84", "gcj02", "bd09")

# Krasovsky 1940 ellipsoid, which the GCJ-02 algorithm is defined on.
_A = 6378245.0
_EE = 0.00669342162296594323
# Baidu's constant: pi * 3000 / 180.
_X_PI = math.pi * 3000.0 / 180.0

# The rectangle used by every public GCJ-02 implementation as "China"; outside it the
# offset is not applied (GCJ-02 == WGS-84). It also contains Taiwan, Hong Kong and Macau,
# where Amap applies no offset either; we keep the common convention.
CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)

_INVERSE_TOLERANCE_DEG = 1e-9
_INVERSE_MAX_ITERATIONS = 30


def out_of_china(lon: float, lat: float) -> bool:
    """True where GCJ-02 and BD-09 are not defined (the offset is not applied there)."""
    min_lon, min_lat, max_lon, max_lat = CHINA_BOX
    return not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 -> GCJ-02. Identity outside China."""
    if out_of_china(lon, lat):
        return lon, lat
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = math.sin(rad_lat)
    magic = 1 - _EE * magic * magic
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 -> BD-09 (Baidu's published formula)."""
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def _bd09_to_gcj02_approx(lon: float, lat: float) -> tuple[float, float]:
    x = lon - 0.0065
    y = lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def _invert(
    forward: Callable[[float, float], tuple[float, float]], lon: float, lat: float, guess: tuple[float, float]
) -> tuple[float, float]:
    """Solve forward(x) == (lon, lat) for x by fixed-point iteration from ``guess``.

    The offsets vary slowly with position (their derivative is ~1e-5), so each step shrinks the
    error by about that factor: two or three steps reach 1e-9 degrees.
    """
    x_lon, x_lat = guess
    for _ in range(_INVERSE_MAX_ITERATIONS):
        f_lon, f_lat = forward(x_lon, x_lat)
        err_lon = f_lon - lon
        err_lat = f_lat - lat
        if abs(err_lon) < _INVERSE_TOLERANCE_DEG and abs(err_lat) < _INVERSE_TOLERANCE_DEG:
            break
        x_lon -= err_lon
        x_lat -= err_lat
    return x_lon, x_lat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 -> WGS-84, exact to ~1e-9 degrees. Identity outside China."""
    if out_of_china(lon, lat):
        return lon, lat
    return _invert(wgs84_to_gcj02, lon, lat, (lon, lat))


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 -> GCJ-02, exact to ~1e-9 degrees (the published inverse formula is approximate)."""
    return _invert(gcj02_to_bd09, lon, lat, _bd09_to_gcj02_approx(lon, lat))


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 -> BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 -> WGS-84, exact to ~1e-9 degrees."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def _identity(lon: float, lat: float) -> tuple[float, float]:
    return lon, lat


_TO_WGS84 = {"wgs84": _identity, "gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}
_FROM_WGS84 = {"wgs84": _identity, "gcj02": wgs84_to_gcj02, "bd09": wgs84_to_bd09}


def check_coordsys(coordsys: str) -> str:
    if coordsys not in COORDSYS:
        raise InvalidCoordinate(f"coordsys must be one of {', '.join(COORDSYS)}, got {coordsys!r}")
    return coordsys


def to_wgs84(lon: float, lat: float, coordsys: str) -> tuple[float, float]:
    """Convert a point given in ``coordsys`` to WGS-84."""
    return _TO_WGS84[check_coordsys(coordsys)](lon, lat)


def from_wgs84(lon: float, lat: float, coordsys: str) -> tuple[float, float]:
    """Convert a WGS-84 point to ``coordsys``."""
    return _FROM_WGS84[check_coordsys(coordsys)](lon, lat)


def geometry_to_wgs84(geometry: shapely.Geometry, coordsys: str) -> shapely.Geometry:
    """A shapely geometry given in ``coordsys``, converted vertex by vertex to WGS-84."""
    if check_coordsys(coordsys) == "wgs84":
        return geometry
    to = _TO_WGS84[coordsys]
    return shapely.transform(geometry, lambda xy: [to(x, y) for x, y in xy])


def check_lon_lat(lon: float, lat: float) -> None:
    """Raise InvalidCoordinate unless lon/lat are finite and within [-180, 180] / [-90, 90]."""
    if not (isinstance(lon, (int, float)) and isinstance(lat, (int, float))):
        raise InvalidCoordinate(f"lon/lat must be numbers, got {lon!r}, {lat!r}")
    if not math.isfinite(lat) or not -90.0 <= lat <= 90.0:
        raise InvalidCoordinate(f"lat must be a number between -90 and 90, got {lat!r}")
    if not math.isfinite(lon) or not -180.0 <= lon <= 180.0:
        raise InvalidCoordinate(f"lon must be a number between -180 and 180, got {lon!r}")
