"""geodata.coords over numpy arrays: routes arrive with thousands of vertices.

The same formulas as geodata.coords (WGS-84 <-> GCJ-02 <-> BD-09), term for term, and the same
fixed-point inverse with the same stopping rule. Tests hold both versions to within 1e-9 degrees.
"""

import numpy as np

from geodata.coords import _A, _EE, _INVERSE_MAX_ITERATIONS, _INVERSE_TOLERANCE_DEG, _X_PI, CHINA_BOX


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    min_lon, min_lat, max_lon, max_lat = CHINA_BOX
    return (min_lon <= lon) & (lon <= max_lon) & (min_lat <= lat) & (lat <= max_lat)


def _transform_lat(x, y):
    pi = np.pi
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x, y):
    pi = np.pi
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    inside = _in_china(lon, lat)
    return np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)


def gcj02_to_bd09(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _invert(forward, lon, lat, guess_lon, guess_lat):
    # Step by step as geodata.coords._invert, each point stopping once it reproduces its input
    # (points on the edge of the China box, where the offset switches off, oscillate like there).
    x_lon, x_lat = guess_lon.copy(), guess_lat.copy()
    active = np.ones(len(x_lon), dtype=bool)
    for _ in range(_INVERSE_MAX_ITERATIONS):
        f_lon, f_lat = forward(x_lon, x_lat)
        err_lon, err_lat = f_lon - lon, f_lat - lat
        active &= ~((np.abs(err_lon) < _INVERSE_TOLERANCE_DEG) & (np.abs(err_lat) < _INVERSE_TOLERANCE_DEG))
        if not active.any():
            break
        x_lon = np.where(active, x_lon - err_lon, x_lon)
        x_lat = np.where(active, x_lat - err_lat, x_lat)
    return x_lon, x_lat


def gcj02_to_wgs84(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x_lon, x_lat = _invert(wgs84_to_gcj02, lon, lat, lon, lat)
    inside = _in_china(lon, lat)
    return np.where(inside, x_lon, lon), np.where(inside, x_lat, lat)


def bd09_to_wgs84(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 0.0065, lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    g_lon, g_lat = _invert(gcj02_to_bd09, lon, lat, z * np.cos(theta), z * np.sin(theta))
    return gcj02_to_wgs84(g_lon, g_lat)


def points_to_wgs84(points: list[tuple[float, float]], coordsys: str) -> list[tuple[float, float]]:
    """``[(lon, lat), ...]`` in ``coordsys`` -> WGS-84."""
    if coordsys == "wgs84":
        return list(points)
    lon = np.array([p[0] for p in points], dtype=float)
    lat = np.array([p[1] for p in points], dtype=float)
    x, y = (gcj02_to_wgs84 if coordsys == "gcj02" else bd09_to_wgs84)(lon, lat)
    return list(zip(x.tolist(), y.tolist()))
