"""The riders' API: public, read-only, small and fast.

Handlers parse (ninja), call one service, and return. The hot endpoints return orjson bytes
directly (stations.http.responses) and parse their query strings with stations.http.fast_query: the schemas still document
both in OpenAPI, and tests check the bodies against them.
"""

from functools import lru_cache

from django.http import HttpRequest
from ninja import Path, Query, Router

from stations.search.schemas import (
    AlongRouteIn,
    AlongRouteOut,
    BboxQueryIn,
    DetailQueryIn,
    HealthOut,
    MetaOut,
    NearestOut,
    NearestQueryIn,
    RiderStationDetailOut,
    StationPageOut,
)
from stations.http import paths  # noqa: F401  registers the {id:...} path converter
from stations.http.fast_query import parse_query, query_parameters
from stations.http.responses import json_response
from stations.http.schemas import ErrorOut
from stations.search import registry as registry_info
from stations.search.along_route import AlongRouteQuery, along_route_stations
from stations.search.filters import build_filters
from stations.search.hours import open_filter
from stations.search.nearest import NearestQuery, nearest_stations
from stations.search.viewport import stations_in_bbox

router = Router(tags=["riders"])

MAX_ID = 2**63 - 1

# The same few filter strings arrive again and again; a bad one raises and is not cached.
_filters = lru_cache(maxsize=1024)(build_filters)


@router.get(
    "/stations/nearest",
    response={200: NearestOut, 400: ErrorOut},
    summary="Nearest stations",
    openapi_extra={"parameters": query_parameters(NearestQueryIn)},
)
def nearest(request: HttpRequest):
    """The `k` stations nearest to a point, nearest first (ties by id), exact.

    Filter by `kind`, `amenity` (must have all), `open_now`, `radius_m` and `status`
    (default: only open stations). `coordsys` applies to the input point and to every
    coordinate in the answer; distances are always measured in WGS-84.
    """
    q = parse_query(request, NearestQueryIn)
    query = NearestQuery(
        lat=q.lat,
        lon=q.lon,
        k=q.k,
        filters=_filters(q.kind, q.amenity, q.status),
        open_now=q.open_now,
        radius_m=q.radius_m,
        coordsys=q.coordsys,
        open_at=q.open_at,
        open_for_min=q.open_for_min,
    )
    return json_response(nearest_stations(query))


@router.get(
    "/stations",
    response={200: StationPageOut, 400: ErrorOut},
    summary="Stations in a map viewport",
    openapi_extra={"parameters": query_parameters(BboxQueryIn)},
)
def in_bbox(request: HttpRequest):
    """A page of the stations inside `bbox` (for map viewports). Follow `next` for more."""
    q = parse_query(request, BboxQueryIn)
    filters = build_filters(q.kind, q.amenity, q.status)
    accept = open_filter(q.open_at, q.open_for_min)
    return json_response(stations_in_bbox(q.bbox, filters, q.coordsys, q.limit, q.cursor, accept))


@router.post(
    "/stations/along-route",
    response={200: AlongRouteOut, 400: ErrorOut},
    summary="Stations along a route",
)
def along_route(request: HttpRequest, body: AlongRouteIn):
    """The first `k` stations within `within_m` of a route, in the order the rider passes them
    (`along_m`, ties by id), exact: the same stations and distances as measuring every station.

    Send the route as exactly one of `route` (GeoJSON LineString), `polyline` (Amap's
    "lon,lat;lon,lat;...") or `encoded` (Google encoded polyline); up to 20,000 vertices and
    3,000 km, not across the antimeridian. With `speed_kmh`, each result also carries `eta` and
    `open_at_arrival` (from `depart_at`, default now, at `from_m`).
    """
    query = AlongRouteQuery(
        route=body.route,
        polyline=body.polyline,
        encoded=body.encoded,
        coordsys=body.coordsys,
        within_m=body.within_m,
        k=body.k,
        filters=_filters(body.kind, body.amenity, body.status, body.worker),
        from_m=body.from_m,
        speed_kmh=body.speed_kmh,
        depart_at=body.depart_at,
        open_at=body.open_at,
        open_for_min=body.open_for_min,
    )
    return json_response(along_route_stations(query))


@router.get(
    "/stations/{id:station_id}",
    response={200: RiderStationDetailOut, 400: ErrorOut, 404: ErrorOut},
    summary="One station, every public field",
)
def detail(request: HttpRequest, station_id: Path[int], q: Query[DetailQueryIn]):
    if not 1 <= station_id <= MAX_ID:
        return json_response({"detail": f"no station with id {station_id}"}, status=404)
    return json_response(registry_info.station_detail(station_id, q.coordsys))


@router.get("/meta", response=MetaOut, summary="Vocabularies: kinds, amenities, statuses, coordinate systems")
def meta(request: HttpRequest):
    return json_response(registry_info.meta())


@router.get("/health", response=HealthOut, summary="Liveness and database check")
def health(request: HttpRequest):
    return json_response(registry_info.health())
