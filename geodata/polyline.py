"""Routes as riders' apps send them: GeoJSON LineStrings, Amap's "lon,lat;lon,lat;..." strings and
Google's encoded polylines, decoded to ``[(lon, lat), ...]`` and checked.

Errors are ``InvalidArgument`` messages that start with the field's name (``route``, ``polyline``,
``encoded``), so the API can hand them to the client as they are.
"""

import math
from collections.abc import Sequence

from geodata.distance import haversine_m
from geodata.errors import InvalidArgument

Point = tuple[float, float]


def decode_amap(text: str, field: str = "polyline") -> list[Point]:
    """Amap's route format (路径规划 ``polyline``): ``"lon,lat;lon,lat;..."``.

    >>> decode_amap("116.481028,39.989643;116.465302,40.004717")
    [(116.481028, 39.989643), (116.465302, 40.004717)]
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidArgument(f"{field} must be a non-empty string 'lon,lat;lon,lat;...'")
    points = []
    for i, pair in enumerate(text.strip().strip(";").split(";")):
        parts = pair.split(",")
        if len(parts) != 2:
            raise InvalidArgument(f"{field}: vertex {i} must be 'lon,lat', got {pair[:40]!r}")
        try:
            points.append((float(parts[0]), float(parts[1])))
        except ValueError:
            raise InvalidArgument(f"{field}: vertex {i} must be two numbers 'lon,lat', got {pair[:40]!r}") from None
    return points


def decode_google(text: str, precision: int = 5, field: str = "encoded") -> list[Point]:
    """Google's encoded polyline algorithm format (latitude first, 1e-5 degrees by default).

    Source of the algorithm and of this example: developers.google.com/maps/documentation/utilities/polylinealgorithm

    >>> decode_google("_p~iF~ps|U_ulLnnqC_mqNvxq`@")
    [(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)]
    """
    if not isinstance(text, str) or not text:
        raise InvalidArgument(f"{field} must be a non-empty encoded polyline string")
    scale = 10.0**precision
    values: list[int] = []
    shift = result = 0
    for i, char in enumerate(text):
        byte = ord(char) - 63
        if not 0 <= byte < 64:
            raise InvalidArgument(f"{field}: character {i} ({char!r}) is not part of an encoded polyline (allowed: '?' to '~')")
        result |= (byte & 0x1F) << shift
        shift += 5
        if byte < 0x20:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            shift = result = 0
        elif shift > 60:
            raise InvalidArgument(f"{field}: a value at character {i} is too long to be a coordinate")
    if shift or len(values) % 2:
        raise InvalidArgument(f"{field} is truncated: it ends in the middle of a coordinate")
    points = []
    lat = lon = 0
    for i in range(0, len(values), 2):
        lat += values[i]
        lon += values[i + 1]
        points.append((round(lon / scale, precision), round(lat / scale, precision)))
    return points


def encode_google(points: Sequence[Point], precision: int = 5) -> str:
    """The inverse of ``decode_google`` (for tests and clients' examples)."""
    scale = 10**precision
    out = []
    previous = (0, 0)
    for lon, lat in points:
        current = (round(lat * scale), round(lon * scale))
        for value, before in zip(current, previous):
            delta = value - before
            delta = ~(delta << 1) if delta < 0 else delta << 1
            while delta >= 0x20:
                out.append(chr((0x20 | (delta & 0x1F)) + 63))
                delta >>= 5
            out.append(chr(delta + 63))
        previous = current
    return "".join(out)


def geojson_line(value: object, field: str = "route") -> list[Point]:
    """The vertices of a GeoJSON LineString ``{"type": "LineString", "coordinates": [[lon, lat], ...]}``."""
    if not isinstance(value, dict) or value.get("type") != "LineString":
        raise InvalidArgument(f"{field} must be a GeoJSON LineString {{\"type\": \"LineString\", \"coordinates\": [[lon, lat], ...]}}")
    coordinates = value.get("coordinates")
    if not isinstance(coordinates, list):
        raise InvalidArgument(f"{field}.coordinates must be a list of [lon, lat] positions")
    points = []
    for i, position in enumerate(coordinates):
        if not isinstance(position, list | tuple) or len(position) not in (2, 3):
            raise InvalidArgument(f"{field}.coordinates[{i}] must be [lon, lat], got {str(position)[:40]}")
        lon, lat = position[0], position[1]
        if isinstance(lon, bool) or isinstance(lat, bool) or not isinstance(lon, int | float) or not isinstance(lat, int | float):
            raise InvalidArgument(f"{field}.coordinates[{i}] must be two numbers [lon, lat], got {str(position)[:40]}")
        points.append((float(lon), float(lat)))
    return points


def check_route(points: Sequence[Point], field: str, max_vertices: int, max_length_m: float) -> list[Point]:
    """The route's vertices with consecutive repeats removed, or InvalidArgument naming ``field``.

    Refused: fewer than 2 distinct vertices, more than ``max_vertices``, a coordinate that is not
    a finite number in range, a step of 180 degrees of longitude or more (a route across the
    antimeridian: no road in China does that, and its direction would be ambiguous), and routes
    longer than ``max_length_m``. Self-crossing routes are fine.
    """
    if len(points) > max_vertices:
        raise InvalidArgument(f"{field} has {len(points)} vertices; at most {max_vertices:,} are allowed (simplify it)")
    kept: list[Point] = []
    length_m = 0.0
    for i, (lon, lat) in enumerate(points):
        if not (math.isfinite(lon) and math.isfinite(lat) and -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise InvalidArgument(f"{field}: vertex {i} ({lon}, {lat}) must have lon within [-180, 180] and lat within [-90, 90]")
        if kept and (lon, lat) == kept[-1]:
            continue
        if kept:
            if abs(lon - kept[-1][0]) >= 180.0:
                raise InvalidArgument(f"{field}: the step to vertex {i} crosses the antimeridian (180°); split the route there")
            length_m += haversine_m(kept[-1][0], kept[-1][1], lon, lat)
        kept.append((lon, lat))
    if len(kept) < 2:
        raise InvalidArgument(f"{field} needs at least 2 distinct vertices, got {len(kept)}")
    if length_m > max_length_m:
        raise InvalidArgument(f"{field} is {length_m / 1000:,.1f} km long; at most {max_length_m / 1000:,.0f} km are allowed")
    return kept
