"""Raw SQL for the spatial searches: the hot path of the riders' API.

The ORM is avoided here on purpose: building a QuerySet and model instances costs several times
the index search itself (see bench/). Statements are cached per shape (number of key ranges,
filters), so each request only binds parameters.
"""

import itertools
import math
import re
import sqlite3
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from geodata.distance import EARTH_RADIUS_M, haversine_m
from geodata.index import Box, KeyRange
from stations.models import Station

TABLE = Station._meta.db_table
WORLD: Box = (-180.0, -90.0, 180.0, 90.0)

# Row layout shared by nearest and bbox: geodata.nearest needs (id, lon, lat) first. The last
# three are the riders' signals (stations.reports keeps them) and FRESH_AT, the latest of rider
# confirmation, verification and change, which decides a station's freshness.
_COLUMN_NAMES = ("id", "lon", "lat", "name", "kind", "address", "amenity_mask", "status", "opening_hours", "zkey", "last_confirmed_at", "alerts")
ID, LON, LAT, NAME, KIND, ADDRESS, AMENITY_MASK, STATUS, OPENING_HOURS, ZKEY, LAST_CONFIRMED_AT, ALERTS, FRESH_AT = range(13)

# On SQLite FRESH_AT is the stored text (an expression has no declared type, so sqlite3 does not
# parse a datetime per row: callers compare it with cut-offs in the same text form, see
# stations.search.freshness); elsewhere a datetime. Verification and confirmation may be null.
_FRESH_AT_SQL = {
    "sqlite": "max({p}updated_at, coalesce({p}last_verified_at, ''), coalesce({p}last_confirmed_at, '')) AS fresh_at",
    "postgresql": "greatest({p}updated_at, {p}last_verified_at, {p}last_confirmed_at) AS fresh_at",
}


def _columns_of(alias: str) -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join([*(prefix + name for name in _COLUMN_NAMES), _FRESH_AT_SQL[connections[DEFAULT_DB_ALIAS].vendor].format(p=prefix)])


COLUMNS = _columns_of("")


@dataclass(frozen=True)
class Filters:
    """What the store can filter on itself. Empty tuples mean "any"."""

    statuses: tuple[str, ...] = ("open",)
    kinds: tuple[str, ...] = ()
    amenity_mask: int = 0
    worker_mask: int = 0  # eligible for all these worker types

    # Both are cached per instance: the riders' API reuses a few Filters (stations.search.api
    # caches them by query string), and every search round asks for them.
    def where(self) -> str:
        return self._sql[0]

    def params(self) -> tuple:
        return self._sql[1]

    @cached_property
    def _sql(self) -> tuple[str, tuple]:
        parts = []
        if self.statuses:
            parts.append(_in("status", len(self.statuses)))
        if self.kinds:
            parts.append(_in("kind", len(self.kinds)))
        params: tuple = (*self.statuses, *self.kinds)
        if self.amenity_mask:
            parts.append("(amenity_mask & %s) = %s")
            params += (self.amenity_mask, self.amenity_mask)
        if self.worker_mask:
            parts.append("(eligible_workers_mask & %s) = %s")
            params += (self.worker_mask, self.worker_mask)
        return " AND ".join(parts), params


def _in(column: str, n: int) -> str:
    return f"{column} = %s" if n == 1 else f"{column} IN ({', '.join(['%s'] * n)})"


# The search phase reads only what the covering indexes hold; whole rows are loaded for the
# k winners alone. "Open now" needs status and hours per candidate, so it reads whole rows.
CANDIDATE_COLUMNS = "id, lon, lat"


@lru_cache(maxsize=1024)
def _qmark(sql: str) -> str:
    return sql.replace("%s", "?")


def _query(sql: str, params: list) -> list[tuple]:
    """Run a hot read statement and return its rows.

    On SQLite, unless queries are being logged (DEBUG, or a test counting them), the statement
    goes straight to the sqlite3 connection: Django's cursor wrapper rewrites placeholders with
    a regex and wraps every call, which costs about as much as the indexed search itself.
    """
    db = connections[DEFAULT_DB_ALIAS]  # once: each access through the `connection` proxy is a thread-local lookup
    if db.vendor == "sqlite" and not db.queries_logged:
        if db.connection is None:
            db.ensure_connection()
        return db.connection.execute(_qmark(sql), params).fetchall()
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@cache
def _vendor() -> str:
    """The database vendor: fixed for the life of the process."""
    return connections[DEFAULT_DB_ALIAS].vendor


# lon and lat are in the covering indexes, so this check runs inside the index scan: rows in the
# key ranges' over-coverage are skipped without reaching Python.
_IN_BOUNDS = " AND lon BETWEEN %s AND %s AND lat BETWEEN %s AND %s"


@lru_cache(maxsize=512)
def _ranges_sql(n_ranges: int, where: str, columns: str) -> str:
    # SQLite: one indexed SELECT per key range, glued with UNION ALL (the ranges are disjoint);
    # each branch seeks (status, zkey) or (kind, status, zkey). An OR of BETWEENs would make
    # SQLite scan the whole status instead.
    prefix = f"{where} AND " if where else ""
    branch = f"SELECT {columns} FROM {TABLE} WHERE {prefix}zkey BETWEEN %s AND %s{_IN_BOUNDS}"
    return " UNION ALL ".join([branch] * n_ranges)


@lru_cache(maxsize=64)
def _ranges_sql_postgresql(where: str, columns: str) -> str:
    # PostgreSQL: one statement whatever the number of ranges (arrays of bounds), so server-side
    # binding prepares it once per connection instead of planning a new UNION per request.
    # LATERAL ... OFFSET 0 pins the plan to "for each range, an index range scan": a generic
    # (prepared) plan cannot see how short the arrays are and might otherwise pick a hash join
    # over a parallel scan of the whole table.
    prefix = f"{where} AND " if where else ""
    return (
        f"SELECT s.* FROM unnest(%s::bigint[], %s::bigint[]) AS r(lo, hi) CROSS JOIN LATERAL"
        f" (SELECT {columns} FROM {TABLE} WHERE {prefix}zkey BETWEEN r.lo AND r.hi{_IN_BOUNDS} OFFSET 0) AS s"
    )


def fetch_in_ranges(
    ranges: list[KeyRange], filters: Filters, columns: str = COLUMNS, bounds: Box = WORLD
) -> list[tuple]:
    """Rows (``columns``, starting id, lon, lat) whose key falls in any of the ranges, that lie
    inside ``bounds`` (min_lon, min_lat, max_lon, max_lat) and pass the filters."""
    min_lon, min_lat, max_lon, max_lat = bounds
    base = filters.params()
    if _vendor() == "postgresql":
        params = [[lo for lo, _ in ranges], [hi for _, hi in ranges], *base, min_lon, max_lon, min_lat, max_lat]
        return _query(_ranges_sql_postgresql(filters.where(), columns), params)
    params = []
    for lo, hi in ranges:
        params += base
        params += (lo, hi, min_lon, max_lon, min_lat, max_lat)
    return _query(_ranges_sql(len(ranges), filters.where(), columns), params)


# The k-nearest ranking inside SQLite: the candidates' distances, measured in the index scan with
# the same floating-point operations, in the same order, as geodata.nearest's inlined haversine
# (SQLite's sin/cos/asin/sqrt are the C library's, like Python's math). Returning only the k
# nearest rows, whole, spares Python measuring every candidate and a second statement for the
# winners' rows. geodata.nearest still measures the rows it gets and makes every decision: the
# k nearest candidates are all it needs to find that k lie inside the circle, or the k-th
# distance to widen to, or (fewer than k) how many there were.
_HAVERSINE_SQL = (
    "%(diameter_m)s * asin(sqrt(min(1.0,"
    " sin((c.lat * %(rad)s - %(lat0)s) * 0.5) * sin((c.lat * %(rad)s - %(lat0)s) * 0.5)"
    " + %(cos_lat0)s * cos(c.lat * %(rad)s) * sin((c.lon - %(lon)s) * %(rad)s * 0.5) * sin((c.lon - %(lon)s) * %(rad)s * 0.5))))"
)
_RAD = math.pi / 180.0


# The statement's fixed parameters, bound by position: ?1 is diameter_m, ?2 rad, and so on; the
# filters' values follow, then each key range's bounds. SQLite binds ?NNN by number, each once
# however often the statement uses it, which is cheaper than looking up names.
_FIXED_PARAMS = ("diameter_m", "rad", "lat0", "cos_lat0", "lon", "min_lon", "max_lon", "min_lat", "max_lat", "k")


@lru_cache(maxsize=512)
def _nearest_sql(n_ranges: int, where: str, answer_in_index: bool) -> str:
    # One statement: a VALUES list of key ranges joined to a covering index (one range seek
    # each, like the UNION ALL of fetch_in_ranges but with a single sort), the k nearest kept.
    # When the index holds whole answer rows (station_status_zkey_idx on SQLite, searched when
    # no kind is asked for), they come straight from it; otherwise the k winners' rows are
    # joined by primary key afterwards, so that only k rows are read from the table.
    numbered = itertools.count()
    where = re.sub("%s", lambda _: f"%(f{next(numbered)})s", where)
    prefix = f"{where} AND " if where else ""
    values = ", ".join(f"(%(lo{i})s, %(hi{i})s)" for i in range(n_ranges))
    search = (
        f" FROM (VALUES {values}) AS r JOIN {TABLE} AS c"
        f" ON {prefix}c.zkey BETWEEN r.column1 AND r.column2"
        " AND c.lon BETWEEN %(min_lon)s AND %(max_lon)s AND c.lat BETWEEN %(min_lat)s AND %(max_lat)s"
        f" ORDER BY {_HAVERSINE_SQL}, c.id LIMIT %(k)s"
    )
    if answer_in_index:
        return f"SELECT {_columns_of('c')}{search}"
    return f"SELECT {_columns_of('s')} FROM (SELECT c.id AS id{search}) AS w JOIN {TABLE} AS s ON s.id = w.id"


def _param_names(n_filters: int, n_ranges: int) -> list[str]:
    names = [*_FIXED_PARAMS, *(f"f{i}" for i in range(n_filters))]
    return names + [name for i in range(n_ranges) for name in (f"lo{i}", f"hi{i}")]


@lru_cache(maxsize=512)
def _numbered(sql: str, n_filters: int, n_ranges: int) -> str:
    """``sql`` with its %(name)s placeholders numbered ?1, ?2, ... in _param_names order."""
    number = {name: i for i, name in enumerate(_param_names(n_filters, n_ranges), start=1)}
    return re.sub(r"%\((\w+)\)s", lambda m: f"?{number[m.group(1)]}", sql)


@lru_cache(maxsize=512)
def _named(sql: str) -> str:
    return re.sub(r"%\((\w+)\)s", r":\1", sql)


def fetch_nearest_in_ranges(
    ranges: list[KeyRange], filters: Filters, bounds: Box, lon: float, lat: float, k: int
) -> list[tuple]:
    """The k rows (COLUMNS) nearest to (lon, lat), ties by id, of those ``fetch_in_ranges`` would
    return; in no particular order. SQLite only, where ``ranked_search_supported()``."""
    min_lon, min_lat, max_lon, max_lat = bounds
    lat0 = lat * _RAD
    filter_params = filters.params()
    params = [2.0 * EARTH_RADIUS_M, _RAD, lat0, math.cos(lat0), float(lon), min_lon, max_lon, min_lat, max_lat, k, *filter_params]
    for key_range in ranges:
        params += key_range
    sql = _nearest_sql(len(ranges), filters.where(), not filters.kinds)
    n_filters = len(filter_params)
    db = connections[DEFAULT_DB_ALIAS]
    if not db.queries_logged:
        if db.connection is None:
            db.ensure_connection()
        return db.connection.execute(_numbered(sql, n_filters, len(ranges)), params).fetchall()
    # Logged (tests counting queries, DEBUG): by name, as Django's query log substitutes them.
    with db.cursor() as cursor:
        cursor.execute(sql, dict(zip(_param_names(n_filters, len(ranges)), params)))
        return cursor.fetchall()


# Probe pairs: two points 30 m apart, antipodal, near both poles across the antimeridian, city to city.
_PROBES = ((114.0579, 22.5431, 114.0581, 22.5433), (0.0, 0.0, 180.0, 0.0), (-179.9, 89.9, 179.9, -89.9), (121.47, 31.23, 116.4, 39.9))


@cache
def ranked_search_supported() -> bool:
    """True when the database can rank candidates exactly as geodata.nearest measures them:
    SQLite built with its math functions (SQLITE_ENABLE_MATH_FUNCTIONS), agreeing bit for bit
    with Python on probe distances. Checked once per process."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "sqlite":
        return False
    sql = _named(f"SELECT {_HAVERSINE_SQL} FROM (SELECT %(lon1)s AS lon, %(lat1)s AS lat) AS c")
    try:
        db.ensure_connection()
        for lon0, lat0, lon1, lat1 in _PROBES:
            params = {"diameter_m": 2.0 * EARTH_RADIUS_M, "rad": _RAD, "lat0": lat0 * _RAD, "cos_lat0": math.cos(lat0 * _RAD)}
            (distance_m,) = db.connection.execute(sql, {**params, "lon": lon0, "lon1": lon1, "lat1": lat1}).fetchone()
            if distance_m != haversine_m(lon0, lat0, lon1, lat1):
                return False
    except (DatabaseError, sqlite3.Error):
        return False
    return True


def fetch_by_ids(ids: list[int]) -> dict[int, tuple]:
    """Whole rows (COLUMNS) by id."""
    if not ids:
        return {}
    rows = _query(_ids_sql(len(ids)), ids)
    return {row[ID]: row for row in rows}


@lru_cache(maxsize=128)
def _ids_sql(n: int) -> str:
    return f"SELECT {COLUMNS} FROM {TABLE} WHERE id IN ({', '.join(['%s'] * n)})"


@lru_cache(maxsize=256)
def _page_sql(where: str) -> str:
    prefix = f"{where} AND " if where else ""
    return (
        f"SELECT {COLUMNS} FROM {TABLE} WHERE {prefix}zkey BETWEEN %s AND %s"
        " AND lon BETWEEN %s AND %s AND lat BETWEEN %s AND %s"
        " AND (zkey > %s OR id > %s) ORDER BY zkey, id LIMIT %s"
    )


def fetch_range_page(
    key_range: KeyRange, box: tuple[float, float, float, float], after: tuple[int, int], filters: Filters, limit: int
) -> list[tuple]:
    """Rows in one key range and inside the WGS-84 box, after (zkey, id), in (zkey, id) order."""
    min_lon, min_lat, max_lon, max_lat = box
    after_key, after_id = after
    # Start the index seek at the cursor, not at the range start: deep pages stay O(limit).
    lo = max(key_range[0], after_key)
    params = [*filters.params(), lo, key_range[1], min_lon, max_lon, min_lat, max_lat, after_key, after_id, limit]
    return _query(_page_sql(filters.where()), params)
