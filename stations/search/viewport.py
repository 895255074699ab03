"""Use case: the stations inside a map viewport (bbox), one cursor-paged slice at a time."""

import math

from geodata.coords import from_wgs84, to_wgs84
from geodata.index import box_key_ranges
from stations import limits
from stations.errors import BadRequest
from stations.http.cursor import InvalidCursor, decode_cursor, encode_cursor
from stations.search.hours import now_in_china
from stations.search.sql import LAT, LON, ZKEY, Filters, fetch_range_page
from stations.search.station_json import summaries_json



def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """'minlon,minlat,maxlon,maxlat' -> floats, or BadRequest saying what is wrong."""
    parts = text.split(",")
    if len(parts) != 4:
        raise BadRequest(f"bbox must be 4 comma-separated numbers minlon,minlat,maxlon,maxlat; got {text!r}")
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in parts)
    except ValueError:
        raise BadRequest(f"bbox must be 4 comma-separated numbers minlon,minlat,maxlon,maxlat; got {text!r}") from None
    if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
        raise BadRequest(f"bbox values must be finite numbers; got {text!r}")
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise BadRequest(f"bbox longitudes must be within [-180, 180] and latitudes within [-90, 90]; got {text!r}")
    if min_lon > max_lon or min_lat > max_lat:
        raise BadRequest(
            f"bbox is inverted: it must be minlon,minlat,maxlon,maxlat with min <= max; got {text!r}"
            " (boxes across the antimeridian are not supported: send two requests)"
        )
    return min_lon, min_lat, max_lon, max_lat


def _wgs84_search_box(box, coordsys: str) -> tuple[float, float, float, float]:
    """A WGS-84 box that surely contains every point of ``box`` (given in coordsys).

    The GCJ-02/BD-09 offsets change by less than 0.1 % of the distance moved, so converting the
    corners and padding by 0.5 % of the box size (plus ~1 m) over-covers safely; rows are then
    checked exactly in the caller's system.
    """
    if coordsys == "wgs84":
        return box
    min_lon, min_lat, max_lon, max_lat = box
    corners = [to_wgs84(x, y, coordsys) for x in (min_lon, max_lon) for y in (min_lat, max_lat)]
    pad = 0.005 * max(max_lon - min_lon, max_lat - min_lat) + 1e-5
    return (
        max(-180.0, min(x for x, _ in corners) - pad),
        max(-90.0, min(y for _, y in corners) - pad),
        min(180.0, max(x for x, _ in corners) + pad),
        min(90.0, max(y for _, y in corners) + pad),
    )


def _after(cursor: str) -> tuple[int, int]:
    zkey, station_id = decode_cursor(cursor, int, int)
    if not (0 <= zkey < 1 << 62 and 0 <= station_id < 1 << 62):
        raise InvalidCursor
    return zkey, station_id


def stations_in_bbox(
    bbox: str, filters: Filters, coordsys: str = "wgs84", limit: int = limits.DEFAULT_PAGE_SIZE, cursor: str | None = None, accept=None
) -> dict:
    """``{"count", "results", "next"}``: up to ``limit`` stations inside the box, in a stable
    order (Morton key, then id); ``next`` is the cursor of the following page or null."""
    box = parse_bbox(bbox)
    after = _after(cursor) if cursor else (-1, -1)
    search_box = _wgs84_search_box(box, coordsys)
    min_lon, min_lat, max_lon, max_lat = box

    page: list[tuple] = []
    want = limit + 1  # one extra row tells whether a next page exists
    for key_range in box_key_ranges(search_box, max_ranges=16):
        if key_range[1] < after[0]:
            continue
        while len(page) < want:
            requested = want - len(page)
            rows = fetch_range_page(key_range, search_box, after, filters, requested)
            for row in rows:
                after = (row[ZKEY], row[0])
                x, y = from_wgs84(row[LON], row[LAT], coordsys)
                if min_lon <= x <= max_lon and min_lat <= y <= max_lat and (accept is None or accept(row)):
                    page.append(row)
            if len(rows) < requested:
                break  # this key range is exhausted
        if len(page) >= want:
            break

    next_cursor = None
    if len(page) > limit:
        last = page[limit - 1]
        next_cursor = encode_cursor(last[ZKEY], last[0])
        page = page[:limit]
    now = now_in_china()
    results = summaries_json(page, coordsys, now)
    return {"count": len(results), "results": results, "next": next_cursor}
