"""Exact k-nearest search over any store that can answer Morton key-range queries.

The search asks the store for the candidates inside a circle's key ranges, measures each
exactly (haversine), and stops once k accepted candidates lie within the circle: every point
outside the circle is further away than all of them, so the answer equals a brute-force scan.
Otherwise it widens the circle (guided by how many it found) and asks again; the last circle
is the whole sphere, so the loop always ends.

The store is a function, ``fetch(ranges, bounds) -> rows``, each row a tuple starting
``(id, lon, lat)``: the rows whose key falls in the ranges. ``bounds`` is a lon/lat box around the
circle; a store may leave out rows outside it (a database can, inside its index scan, sparing
the key ranges' over-coverage from reaching Python) or ignore it.
Ties in distance are broken by id, as a brute-force scan sorted by (distance, id) would.
"""

import bisect
import heapq
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from geodata.distance import EARTH_RADIUS_M, MAX_DISTANCE_M, haversine_m
from geodata.index import Box, KeyRange, circle_search_area, morton_key

Row = Sequence[Any]
Fetch = Callable[[list[KeyRange], Box], Iterable[Row]]

DEFAULT_START_RADIUS_M = 1_000.0
# How far one step may widen the circle; bounds the rows fetched in a step when the density
# estimate is poor (a dense city just outside an empty circle).
_MIN_GROWTH = 1.4
_MAX_GROWTH = 5.0


class Hit(NamedTuple):
    """One search result: the row as the store returned it, and its distance from the query point.

    A named tuple rather than a frozen dataclass: searches build thousands per second, and a
    frozen dataclass's __init__ costs several times a tuple's."""

    distance_m: float
    row: Row

    @property
    def id(self) -> Any:
        return self.row[0]


def _next_radius_m(radius_m: float, found: int, k: int) -> float:
    if found == 0:
        return radius_m * _MAX_GROWTH
    # Points found grow with the area, i.e. the square of the radius; aim 20 % past k.
    growth = math.sqrt(k / found) * 1.2
    return radius_m * min(_MAX_GROWTH, max(_MIN_GROWTH, growth))


def nearest(
    lon: float,
    lat: float,
    k: int,
    fetch: Fetch,
    *,
    radius_m: float | None = None,
    accept: Callable[[Row], bool] | None = None,
    start_radius_m: float = DEFAULT_START_RADIUS_M,
    max_ranges: int = 8,
) -> list[Hit]:
    """The k rows nearest to (lon, lat), nearest first, ties by id; fewer if fewer exist.

    ``radius_m`` limits the search to that distance (inclusive). ``accept`` filters rows that
    the store could not filter itself (e.g. "open now"); it is called for every fetched row.
    ``start_radius_m`` is where the search starts (a density guess): it changes how many
    rounds a search takes, never its answer.
    """
    if k <= 0:
        return []
    if not start_radius_m > 0.0:
        # 0 (or NaN) would never widen: the loop below only multiplies it.
        start_radius_m = DEFAULT_START_RADIUS_M
    limit_m = MAX_DISTANCE_M if radius_m is None else min(radius_m, MAX_DISTANCE_M)
    search_m = min(start_radius_m, limit_m)
    # haversine_m, inlined: this loop runs for every candidate row and dominates the search's
    # Python time. The test suite checks it against geodata.distance and a brute-force scan.
    rad = math.pi / 180.0
    lat0 = lat * rad
    cos_lat0 = math.cos(lat0)
    sin, cos, asin, sqrt = math.sin, math.cos, math.asin, math.sqrt
    diameter_m = 2.0 * EARTH_RADIUS_M
    while True:
        measured = []
        ranges, bounds = circle_search_area(lon, lat, search_m, max_ranges)
        for row in fetch(ranges, bounds):
            if accept is not None and not accept(row):
                continue
            lat1 = row[2] * rad
            s_dlat = sin((lat1 - lat0) * 0.5)
            s_dlon = sin((row[1] - lon) * rad * 0.5)
            h = s_dlat * s_dlat + cos_lat0 * cos(lat1) * s_dlon * s_dlon
            measured.append((diameter_m * asin(sqrt(h if h < 1.0 else 1.0)), row[0], row))
        within = [hit for hit in measured if hit[0] <= search_m]
        if len(within) >= k or search_m >= limit_m:
            within.sort(key=_by_distance_then_id)
            return [Hit(d, row) for d, _, row in within[:k]]
        if len(measured) >= k:
            # The key ranges over-cover the circle, so rows beyond it were fetched too. The
            # k-th nearest of everything seen bounds the true k-th distance: one more round
            # with that radius is certain to be the last.
            search_m = min(limit_m, heapq.nsmallest(k, measured, key=_by_distance_then_id)[-1][0])
        else:
            search_m = min(limit_m, _next_radius_m(search_m, len(measured), k))


def _by_distance_then_id(hit: tuple) -> tuple:
    return hit[0], hit[1]


def brute_force_nearest(
    lon: float,
    lat: float,
    k: int,
    rows: Iterable[Row],
    *,
    radius_m: float | None = None,
    accept: Callable[[Row], bool] | None = None,
) -> list[Hit]:
    """The reference answer: measure every row. For tests and benchmarks."""
    hits = []
    for row in rows:
        d = haversine_m(lon, lat, row[1], row[2])
        if (radius_m is None or d <= radius_m) and (accept is None or accept(row)):
            hits.append((d, row[0], row))
    hits.sort(key=_by_distance_then_id)
    return [Hit(d, row) for d, _, row in hits[:k]]


class SortedKeyStore:
    """An in-memory store of rows sorted by Morton key: the same access pattern as a B-tree.

    Useful for tests and for planners' in-process analyses; the database plays this role in
    production.
    """

    def __init__(self, rows: Iterable[Row]):
        keyed = sorted((morton_key(row[1], row[2]), row[0], tuple(row)) for row in rows)
        self._keys = [key for key, _, _ in keyed]
        self._rows = [row for _, _, row in keyed]

    def __len__(self) -> int:
        return len(self._rows)

    def fetch(self, ranges: list[KeyRange], bounds: Box | None = None) -> list[Row]:
        out: list[Row] = []
        for lo, hi in ranges:
            start = bisect.bisect_left(self._keys, lo)
            end = bisect.bisect_right(self._keys, hi)
            out.extend(self._rows[start:end])
        if bounds is not None:
            min_lon, min_lat, max_lon, max_lat = bounds
            out = [row for row in out if min_lon <= row[1] <= max_lon and min_lat <= row[2] <= max_lat]
        return out
