"""Use case: the k stations nearest to a rider, exactly, with filters."""

import math
from dataclasses import dataclass

from geodata import nearest as geo_nearest
from geodata.coords import check_lon_lat, to_wgs84
from geodata.distance import initial_bearing_deg
from stations.services import hours
from stations.services.search_sql import LAT, LON, OPENING_HOURS, STATUS, Filters, fetch_in_ranges
from stations.services.station_json import summary_json

MAX_K = 100
MAX_RADIUS_M = 50_000.0


@dataclass(frozen=True)
class NearestQuery:
    lat: float
    lon: float
    k: int = 10
    filters: Filters = Filters()
    open_now: bool = False
    radius_m: float | None = None
    coordsys: str = "wgs84"


def nearest_stations(query: NearestQuery) -> dict:
    """``{"count", "results"}`` for the riders' API, nearest first (ties by id).

    Distances and bearings are measured in WGS-84; coordinates come back in ``query.coordsys``.
    """
    check_lon_lat(query.lon, query.lat)
    lon, lat = to_wgs84(query.lon, query.lat, query.coordsys)
    now = hours.now_in_china()

    accept = None
    if query.open_now:

        def accept(row) -> bool:
            return hours.open_now(row[STATUS], row[OPENING_HOURS], now) is True

    filters = query.filters
    hits = geo_nearest.nearest(
        lon,
        lat,
        query.k,
        lambda ranges: fetch_in_ranges(ranges, filters),
        radius_m=query.radius_m,
        accept=accept,
        # Dense cities hold k stations within ~1 km; larger k needs a proportionally larger area.
        start_radius_m=1_000.0 * math.sqrt(query.k / 10),
    )
    results = []
    for hit in hits:
        row = hit.row
        result = summary_json(row, query.coordsys, now)
        result["distance_m"] = round(hit.distance_m, 1)
        result["bearing_deg"] = round(initial_bearing_deg(lon, lat, row[LON], row[LAT]), 1)
        results.append(result)
    return {"count": len(results), "results": results}
