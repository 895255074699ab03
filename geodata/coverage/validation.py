"""Input checks shared by every coverage function.

Coordinates, weights, boolean masks, radii and counts become float64 / bool numpy arrays or plain
Python numbers here, or raise geodata.errors.InvalidCoordinate (a coordinate) or InvalidArgument
(anything else) with a message saying what is allowed and what was received. They live in one
module so every analysis checks its inputs the same way, and the API maps the two exceptions to a
4xx in one place.
"""

import numpy as np

from geodata.errors import InvalidArgument, InvalidCoordinate


def _coords(lon, lat, what: str) -> tuple[np.ndarray, np.ndarray]:
    """lon/lat as 1-D float64 arrays of one length, finite and in range, else InvalidCoordinate."""
    try:
        lon = np.asarray(lon, dtype=np.float64).reshape(-1)
        lat = np.asarray(lat, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise InvalidCoordinate(f"{what} lon/lat must be arrays of numbers ({exc})") from None
    if lon.shape != lat.shape:
        raise InvalidArgument(f"{what} lon and lat must have the same length, got {lon.size} and {lat.size}")
    bad = ~(np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidCoordinate(
            f"{what} points need lon in [-180, 180] and lat in [-90, 90], "
            f"got lon={lon[i]!r}, lat={lat[i]!r} at index {i} ({int(bad.sum())} bad in all)"
        )
    return lon, lat


def _weights(weight, n: int) -> np.ndarray:
    try:
        weight = np.asarray(weight, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"weights must be an array of numbers ({exc})") from None
    if weight.size != n:
        raise InvalidArgument(f"need one weight per demand point: {n} points, got {weight.size} weights")
    bad = ~(np.isfinite(weight) & (weight >= 0.0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidArgument(f"weights must be finite and >= 0, got {weight[i]!r} at index {i}")
    return weight


def _bools(values, n: int, what: str) -> np.ndarray:
    values = np.asarray(values).reshape(-1)
    if values.size != n:
        raise InvalidArgument(f"{what} needs one value per demand point: {n} points, got {values.size}")
    if values.dtype != np.bool_:
        raise InvalidArgument(f"{what} must be an array of booleans, got dtype {values.dtype}")
    return values


def _radius(radius_m) -> float:
    try:
        radius_m = float(radius_m)
    except (TypeError, ValueError):
        raise InvalidArgument(f"radius_m must be a number of metres >= 0, got {radius_m!r}") from None
    if not radius_m >= 0.0:  # also catches NaN
        raise InvalidArgument(f"radius_m must be a number of metres >= 0, got {radius_m!r}")
    return radius_m


def _count(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise InvalidArgument(f"{what} must be a whole number >= 0, got {value!r}")
    return int(value)
