"""Writing validated stations in bulk: one lookup, one INSERT and one UPDATE statement per chunk.

No model instance per row and no bulk_update (whose CASE WHEN grows with the chunk). SQLite gets
executemany, which steps one prepared statement per row inside the C library. PostgreSQL gets
one statement per chunk whose rows arrive as one array per column through unnest(): a single
round trip, instead of a Bind/Execute per row on a server that shares the machine's CPUs.
Both run through Django's connection, so they join the caller's transaction.
"""

from django.db import connection
from django.utils import timezone

from stations.accounts.places import PAIRS as PLACE_PAIRS
from stations.models import Station
from stations.imports.rows import StationValues

# Columns every write sets, and the optional ones a file may provide (in a fixed order).
CORE = ("name", "kind", "lon", "lat", "zkey")
OPTIONAL = (
    "name_en", "status", "address", "city", "city_adcode", "district", "district_adcode", "amenity_mask",
    "eligible_workers_mask", "opening_hours", "phone", "operator", "charging_vehicle", "charging_sockets",
    "battery_swap", "max_power_kw", "last_verified_at",
)
_DATETIME_COLUMNS = ("last_verified_at",)
_FIELDS = {field.column: field for field in Station._meta.concrete_fields}
# What a new station gets for the columns the file does not provide.
DEFAULTS = {column: _FIELDS[column].get_default() for column in OPTIONAL}
# Where lon and lat sit in an _existing() row: (id, *CORE, ...).
_LON, _LAT = 1 + CORE.index("lon"), 1 + CORE.index("lat")
# After writing this many rows, PostgreSQL statistics are refreshed (see refresh_statistics).
ANALYZE_AFTER_ROWS = 10_000


def upsert_chunk(
    chunk: list[StationValues], source: str, *, dry_run: bool, source_is_new: bool, history=None
) -> tuple[int, int, int]:
    """Create the new stations of ``chunk`` and update the changed ones (version + 1);
    identical ones are not touched. Returns (created, updated, unchanged). ``history``
    (stations.imports.history.ImportHistory) records a change per written station."""
    present = set().union(*(station.values for station in chunk), *(station.derived for station in chunk))
    compare = [*CORE, *(column for column in OPTIONAL if column in present)]
    # A first import of a source has nothing to compare with: no lookup.
    existing = {} if source_is_new else _existing(source, chunk, compare)
    inserts, updates = [], []
    unchanged = 0
    for station in chunk:
        current = existing.get(station.external_id)
        if current is None:
            inserts.append(station)
            continue
        values = station.values
        # current = (id, *compare); a column the row does not set keeps its stored value, so
        # a file without phone numbers does not erase the ones a manager entered.
        if station.derived:
            values = {**values, **_usable_derived(station, current, compare)}
        new = [values.get(column, old) for column, old in zip(compare, current[1:])]
        if new != list(current[1:]):
            updates.append((current[0], new))
        else:
            unchanged += 1
    if not dry_run:
        # One timestamp for the chunk, converted once (per row it would cost seconds per million).
        stamp = connection.ops.adapt_datetimefield_value(timezone.now())
        if history is not None and updates:
            history.before_update([pk for pk, _ in updates])
        if inserts:
            _insert(inserts, present, source, stamp)
        if updates:
            _update(updates, compare, stamp)
        if history is not None:
            history.after_write(source, [s.external_id for s in inserts], [pk for pk, _ in updates])
    return len(inserts), len(updates), unchanged


def _usable_derived(station: StationValues, current: tuple, compare: list[str]) -> dict:
    """The derived values (city and district of the point) an existing station takes: all of
    them if it moves; otherwise those of each pair (name, adcode) that it has stored empty, so a
    re-import at the same place leaves what a manager entered."""
    if (station.values["lon"], station.values["lat"]) != (current[_LON], current[_LAT]):
        return station.derived
    stored = dict(zip(compare, current[1:]))
    usable = {}
    for pair in PLACE_PAIRS:
        if not any(stored.get(column) for column in pair):
            usable.update({column: station.derived[column] for column in pair if column in station.derived})
    return usable


def _existing(source: str, chunk: list[StationValues], compare: list[str]) -> dict[str, tuple]:
    # A plain query, not .iterator(): the chunk bounds the rows, and on PostgreSQL a server-side
    # cursor per chunk costs more than the lookup. The unique (source, external_id) index serves it.
    rows = Station.objects.filter(source=source, external_id__in=[s.external_id for s in chunk]).values_list(
        "external_id", "id", *compare
    )
    return {row[0]: row[1:] for row in rows}


def _insert(inserts: list[StationValues], present: set[str], source: str, stamp) -> None:
    # Columns no row of the chunk provides get the model default as a constant in the SQL:
    # fewer values to bind per row, in the hot loop of a large import.
    provided = [(column, DEFAULTS[column]) for column in OPTIONAL if column in present]
    bound = [*CORE, *(column for column, _ in provided), "source", "external_id", "created_at", "updated_at"]
    constant = {column: _sql_literal(DEFAULTS[column]) for column in OPTIONAL if column not in present}
    constant["version"] = "1"
    rows = [
        [values["name"], values["kind"], values["lon"], values["lat"], values["zkey"],
         *[values.get(column, default) for column, default in provided],
         source, station.external_id, stamp, stamp]
        for station in inserts
        for values in ({**station.values, **station.derived} if station.derived else station.values,)
    ]
    table = _table()
    columns = ", ".join([*bound, *constant])
    if connection.vendor == "postgresql":
        sql = f"INSERT INTO {table} ({columns}) SELECT *, {', '.join(constant.values())} FROM unnest({_arrays(bound)})"
        _execute(sql, _columns_of(rows))
    else:
        _adapt_datetimes(rows, bound)
        placeholders = ", ".join(["%s"] * len(bound) + list(constant.values()))
        _executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def _update(updates: list[tuple[int, list]], compare: list[str], stamp) -> None:
    rows = [[*new, stamp, pk] for pk, new in updates]
    bound = [*compare, "updated_at", "id"]
    table = _table()
    if connection.vendor == "postgresql":
        assignments = ", ".join(f"{column} = v.{column}" for column in bound[:-1])
        sql = (
            f"UPDATE {table} AS t SET {assignments}, version = t.version + 1"
            f" FROM unnest({_arrays(bound)}) AS v({', '.join(bound)}) WHERE t.id = v.id"
        )
        _execute(sql, _columns_of(rows))
    else:
        _adapt_datetimes(rows, bound)
        assignments = ", ".join(f"{column} = %s" for column in bound[:-1])
        _executemany(f"UPDATE {table} SET {assignments}, version = version + 1 WHERE id = %s", rows)


def refresh_statistics(rows_written: int) -> None:
    """After a large import, let PostgreSQL's planner see the new rows now rather than at the
    next autovacuum: with the statistics of an empty table it looks stations up by source alone
    and filters the rest, so the next import's lookups become scans. ("Run ANALYZE afterwards":
    the PostgreSQL manual on populating a database.) SQLite keeps no statistics unless asked,
    and its plans for these statements do not depend on them."""
    if connection.vendor == "postgresql" and rows_written >= ANALYZE_AFTER_ROWS:
        _execute(f"ANALYZE {_table()}", [])


def _table() -> str:
    return connection.ops.quote_name(Station._meta.db_table)


def _arrays(columns: list[str]) -> str:
    """unnest()'s arguments: one typed array parameter per column."""
    return ", ".join(f"%s::{_FIELDS[column].db_type(connection)}[]" for column in columns)


def _columns_of(rows: list[list]) -> list[list]:
    return [list(column) for column in zip(*rows)]


def _sql_literal(value) -> str:
    """A model default (None, an int or a short code) as an SQL constant; they are ours, never input."""
    if value is None:
        return "NULL"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for default {value!r}")


def _adapt_datetimes(rows: list[list], columns: list[str]) -> None:
    """SQLite stores datetimes as text in UTC: convert the file's as Django's ORM would."""
    adapt = connection.ops.adapt_datetimefield_value
    for column in _DATETIME_COLUMNS:
        if column in columns:
            i = columns.index(column)
            for row in rows:
                row[i] = adapt(row[i])


def _execute(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _executemany(sql: str, rows: list[list]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
