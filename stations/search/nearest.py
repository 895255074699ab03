"""Use case: the k stations nearest to a rider, exactly, with filters."""

import datetime
from dataclasses import dataclass

from geodata import nearest as geo_nearest
from geodata.coords import check_lon_lat, to_wgs84
from geodata.distance import bearings_deg
from geodata.rounding import rounder
from stations.search import hours
from stations.search.start_radius import start_radius_m
from stations.search.sql import (
    CANDIDATE_COLUMNS,
    COLUMNS,
    LAT,
    LON,
    OPENING_HOURS,
    STATUS,
    Filters,
    fetch_by_ids,
    fetch_in_ranges,
    fetch_nearest_in_ranges,
    ranked_search_supported,
)
from stations.search.station_json import summaries_json

_round_tenth = rounder(1)  # distances and bearings: to 10 cm and a tenth of a degree


@dataclass(frozen=True)
class NearestQuery:
    lat: float
    lon: float
    k: int = 10
    filters: Filters = Filters()
    open_now: bool = False
    radius_m: float | None = None
    coordsys: str = "wgs84"
    open_at: datetime.datetime | None = None
    open_for_min: int | None = None


def nearest_stations(query: NearestQuery) -> dict:
    """``{"count", "results"}`` for the riders' API, nearest first (ties by id).

    Distances and bearings are measured in WGS-84; coordinates come back in ``query.coordsys``.
    """
    check_lon_lat(query.lon, query.lat)
    lon, lat = to_wgs84(query.lon, query.lat, query.coordsys)
    now = hours.now_in_china()

    accept = hours.open_filter(query.open_at, query.open_for_min)
    if query.open_now:
        open_then = accept

        def accept(row) -> bool:
            return hours.open_now(row[STATUS], row[OPENING_HOURS], now) is True and (open_then is None or open_then(row))

    filters = query.filters
    k = query.k
    start_m = start_radius_m(lon, lat, k, filters)
    two_phases = False
    if accept is not None:
        # "Open now" is decided in Python for every candidate, so candidates come whole.
        def fetch(ranges, bounds):
            return fetch_in_ranges(ranges, filters, COLUMNS, bounds)
    elif ranked_search_supported():
        # SQLite ranks the candidates and returns the k nearest whole rows: one statement per round.
        def fetch(ranges, bounds):
            return fetch_nearest_in_ranges(ranges, filters, bounds, lon, lat, k)
    else:
        # The search reads only the covering index and loads whole rows for the k winners
        # afterwards: cheaper than reading every candidate's row.
        two_phases = True

        def fetch(ranges, bounds):
            return fetch_in_ranges(ranges, filters, CANDIDATE_COLUMNS, bounds)

    hits = geo_nearest.nearest(lon, lat, k, fetch, radius_m=query.radius_m, accept=accept, start_radius_m=start_m)
    if two_phases:
        rows = fetch_by_ids([hit.id for hit in hits])
        # A station deleted between the two reads is simply left out.
        hits = [geo_nearest.Hit(hit.distance_m, rows[hit.id]) for hit in hits if hit.id in rows]
    rows = [hit.row for hit in hits]
    results = summaries_json(rows, query.coordsys, now)
    bearings = bearings_deg(lon, lat, [(row[LON], row[LAT]) for row in rows])
    for result, hit, bearing in zip(results, hits, bearings):
        distance_m = _round_tenth(hit.distance_m)
        result["distance_m"] = distance_m
        # At the query point (as reported: within 5 cm) there is no direction to walk; the
        # formula would still answer one, decided by rounding noise.
        result["bearing_deg"] = _round_tenth(bearing) if distance_m != 0.0 else None
    return {"count": len(results), "results": results}
