"""Use case: the stations along a rider's route, in the order he will pass them, exactly.

geodata.polyline decodes and checks the route, geodata.route measures and covers it, geodata.along
runs the search; this module turns the request into WGS-84 vertices, asks the database for each
stretch's key ranges, and builds the answer.
"""

import datetime
from dataclasses import dataclass

from geodata.along import search_along
from geodata.coords_array import points_to_wgs84
from geodata.errors import InvalidArgument
from geodata.polyline import check_route, decode_amap, decode_google, geojson_line
from geodata.rounding import rounder
from geodata.route import prepare_route
from stations import limits
from stations.search import hours
from stations.search.sql import WORLD, Filters, fetch_by_ids, fetch_in_ranges
from stations.search.station_json import summaries_json

_round_tenth = rounder(1)
_CANDIDATE_COLUMNS = "id, lon, lat, zkey"
_RANGES_PER_STATEMENT = 64  # SQLite allows 500 SELECTs in a compound statement


@dataclass(frozen=True)
class AlongRouteQuery:
    route: dict | None = None
    polyline: str | None = None
    encoded: str | None = None
    coordsys: str = "wgs84"
    within_m: float = limits.DEFAULT_ROUTE_WITHIN_M
    k: int = limits.DEFAULT_ROUTE_K
    filters: Filters = Filters()
    from_m: float = 0.0
    speed_kmh: float | None = None
    depart_at: datetime.datetime | None = None
    open_at: datetime.datetime | None = None
    open_for_min: int | None = None


def route_vertices(query: AlongRouteQuery) -> list[tuple[float, float]]:
    """The route's WGS-84 vertices, from whichever of the three forms was sent."""
    given = [name for name in ("route", "polyline", "encoded") if getattr(query, name) is not None]
    if len(given) != 1:
        raise InvalidArgument(
            "route: send exactly one of route (a GeoJSON LineString), polyline (Amap's 'lon,lat;lon,lat;...')"
            f" or encoded (a Google encoded polyline); got {', '.join(given) or 'none'}"
        )
    field = given[0]
    if field == "route":
        points = geojson_line(query.route, "route")
    elif field == "polyline":
        points = decode_amap(query.polyline, "polyline")
    else:
        points = decode_google(query.encoded, 5, "encoded")
    points = check_route(points, field, limits.MAX_ROUTE_VERTICES, limits.MAX_ROUTE_LENGTH_M)
    if query.coordsys != "wgs84":
        points = check_route(points_to_wgs84(points, query.coordsys), field, limits.MAX_ROUTE_VERTICES, limits.MAX_ROUTE_LENGTH_M * 1.01)
    return points


def _depart(query: AlongRouteQuery) -> datetime.datetime:
    depart = query.depart_at or hours.now_in_china()
    return depart if depart.tzinfo else depart.replace(tzinfo=hours.STATION_TZ)


def _eta(query: AlongRouteQuery, depart: datetime.datetime, along_m: float) -> datetime.datetime:
    return depart + datetime.timedelta(seconds=(along_m - query.from_m) / (query.speed_kmh / 3.6))


def _accept(query: AlongRouteQuery):
    """``accept(row, along_m)``: open at open_at, or at the eta with a speed and no open_at."""
    if query.open_at is None and query.open_for_min is None:
        return None
    minutes = query.open_for_min or 0
    if query.open_at is None and query.speed_kmh:
        depart = _depart(query)

        def at_arrival(row, along_m) -> bool:
            return hours.open_for(row[4], row[5], _eta(query, depart, along_m), minutes) is True

        return at_arrival
    when = query.open_at or hours.now_in_china()

    def at_time(row, along_m) -> bool:
        return hours.open_for(row[4], row[5], when, minutes) is True

    return at_time


def _fetcher(filters: Filters, columns: str = _CANDIDATE_COLUMNS):
    def fetch(ranges):
        rows = []
        for i in range(0, len(ranges), _RANGES_PER_STATEMENT):
            group = ranges[i : i + _RANGES_PER_STATEMENT]
            # Padded to a power of two with empty ranges: few distinct statements, each prepared once.
            size = 1 << (len(group) - 1).bit_length()
            rows += fetch_in_ranges(group + [(-1, -1)] * (size - len(group)), filters, columns, WORLD)
        return rows

    return fetch


def along_route_stations(query: AlongRouteQuery) -> dict:
    """``{"count", "route_m", "results"}``: stations within ``within_m`` of the route, by ``along_m``."""
    route = prepare_route(route_vertices(query))
    if query.from_m >= route.total_m:
        raise InvalidArgument(f"from_m must be less than the route's length ({route.total_m:,.0f} m), got {query.from_m:g}")
    accept = _accept(query)
    columns = _CANDIDATE_COLUMNS if accept is None else _CANDIDATE_COLUMNS + ", status, opening_hours"
    hits = search_along(route, query.within_m, query.k, _fetcher(query.filters, columns), from_m=query.from_m, accept=accept)
    rows_by_id = fetch_by_ids([hit.id for hit in hits])
    hits = [hit for hit in hits if hit.id in rows_by_id]  # a station deleted meanwhile is left out
    now = hours.now_in_china()
    results = summaries_json([rows_by_id[hit.id] for hit in hits], query.coordsys, now)
    depart = _depart(query)
    for result, hit in zip(results, hits):
        result["along_m"] = _round_tenth(hit.along_m)
        result["off_route_m"] = _round_tenth(hit.off_route_m)
        if query.speed_kmh:
            eta = _eta(query, depart, hit.along_m)
            result["eta"] = eta.replace(microsecond=0).isoformat()
            result["open_at_arrival"] = hours.open_at(result["status"], result["opening_hours"], eta)
    return {"count": len(results), "route_m": _round_tenth(route.total_m), "results": results}
