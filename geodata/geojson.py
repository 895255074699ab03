"""Reading polygons from GeoJSON: the one reader behind jurisdiction boundaries, import
``--within`` boundaries and planners' areas.

GeoJSON (RFC 7946) is ``[lon, lat]``; files from Chinese sources often are GCJ-02 instead and
say so in a ``"coord_system"`` foreign member (as ../shared/data does). Every polygon comes out
in WGS-84, valid, with an area. Errors are InvalidGeoJSON with a message that names ``what``
was being read and how to fix it.
"""

import shapely
from shapely.geometry import shape

from geodata.coords import COORDSYS, geometry_to_wgs84
from geodata.errors import InvalidArgument

POLYGON_TYPES = ("Polygon", "MultiPolygon")


class InvalidGeoJSON(InvalidArgument):
    """GeoJSON that does not hold the polygon it should."""


def coordsys_of(declared) -> str | None:
    """Our coordsys code for a GeoJSON "coord_system" member ("GCJ-02" as in ../shared/data,
    "gcj02", "WGS84" ...), or None if it names none of the three.

    >>> coordsys_of("GCJ-02"), coordsys_of("WGS 84"), coordsys_of("EPSG:3857")
    ('gcj02', 'wgs84', None)
    """
    code = str(declared).replace("-", "").replace("_", "").replace(" ", "").lower()
    return code if code in COORDSYS else None


def feature_geometries(doc) -> list:
    """The geometry members of a FeatureCollection's features (None where a feature has none),
    of a Feature, or the document itself when it is a bare geometry."""
    if not isinstance(doc, dict):
        raise InvalidGeoJSON(f"expected a GeoJSON object, got {type(doc).__name__}")
    if doc.get("type") == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise InvalidGeoJSON('a FeatureCollection needs a "features" list')
        return [feature.get("geometry") if isinstance(feature, dict) else None for feature in features]
    if doc.get("type") == "Feature":
        return [doc.get("geometry")]
    return [doc]


def read_polygon(geometry, coordsys: str = "wgs84", *, what: str = "polygon", repair: bool = False) -> shapely.Geometry:
    """A WGS-84 shapely Polygon or MultiPolygon from a GeoJSON Polygon/MultiPolygon geometry (or
    a Feature holding one) whose coordinates are in ``coordsys``.

    A self-intersecting polygon is refused, or with ``repair`` (official boundary files with a
    sliver here and there) made valid. Conversion from GCJ-02/BD-09 moves every vertex a little,
    which can make a valid ring invalid: that is always repaired.
    """
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGON_TYPES:
        got = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise InvalidGeoJSON(f"{what} must be a GeoJSON Polygon or MultiPolygon geometry, got {got!r}")
    try:
        polygon = shape(geometry)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, shapely.errors.GEOSException) as exc:
        raise InvalidGeoJSON(f"{what} has unreadable coordinates ({exc}); expected [[[lon, lat], ...]] rings") from None
    if polygon.is_empty:
        raise InvalidGeoJSON(f"{what} is empty (no area); give at least 3 distinct corners")
    min_lon, min_lat, max_lon, max_lat = polygon.bounds
    if not (-180 <= min_lon and max_lon <= 180 and -90 <= min_lat and max_lat <= 90):
        raise InvalidGeoJSON(
            f"{what} coordinates must be [lon, lat] with lon in -180..180 and lat in -90..90; bounds {polygon.bounds}"
        )
    if not polygon.is_valid:
        if not repair:
            raise InvalidGeoJSON(f"{what} is not a valid polygon ({shapely.is_valid_reason(polygon)}); e.g. its edges must not cross")
        polygon = polygonal_part(shapely.make_valid(polygon))
    if polygon.area == 0:
        raise InvalidGeoJSON(f"{what} is empty (no area); give at least 3 distinct corners")
    if coordsys != "wgs84":
        polygon = geometry_to_wgs84(polygon, coordsys)
        if not polygon.is_valid:
            polygon = polygonal_part(shapely.make_valid(polygon))
    return polygon


def polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of make_valid's answer (it may add the lines where a ring touched itself)."""
    if geometry.geom_type in POLYGON_TYPES:
        return geometry
    polygons = [g for g in getattr(geometry, "geoms", []) if g.geom_type in POLYGON_TYPES]
    return shapely.union_all(polygons) if polygons else shapely.Polygon()
