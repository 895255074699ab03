"""Raw SQL for the spatial searches: the hot path of the riders' API.

The ORM is avoided here on purpose: building a QuerySet and model instances costs several times
the index search itself (see bench/). Statements are cached per shape (number of key ranges,
filters), so each request only binds parameters.
"""

from dataclasses import dataclass
from functools import cache, lru_cache

from django.db import DEFAULT_DB_ALIAS, connections

from geodata.index import Box, KeyRange
from stations.models import Station

TABLE = Station._meta.db_table
WORLD: Box = (-180.0, -90.0, 180.0, 90.0)

# Row layout shared by nearest and bbox: geodata.nearest needs (id, lon, lat) first.
COLUMNS = "id, lon, lat, name, kind, address, amenity_mask, status, opening_hours, zkey"
ID, LON, LAT, NAME, KIND, ADDRESS, AMENITY_MASK, STATUS, OPENING_HOURS, ZKEY = range(10)


@dataclass(frozen=True)
class Filters:
    """What the store can filter on itself. Empty tuples mean "any"."""

    statuses: tuple[str, ...] = ("open",)
    kinds: tuple[str, ...] = ()
    amenity_mask: int = 0

    def where(self) -> str:
        parts = []
        if self.statuses:
            parts.append(_in("status", len(self.statuses)))
        if self.kinds:
            parts.append(_in("kind", len(self.kinds)))
        if self.amenity_mask:
            parts.append("(amenity_mask & %s) = %s")
        return " AND ".join(parts)

    def params(self) -> list:
        params: list = [*self.statuses, *self.kinds]
        if self.amenity_mask:
            params += [self.amenity_mask, self.amenity_mask]
        return params


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
