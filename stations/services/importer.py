"""Use case: import a table of stations (CSV / GeoJSON), all or nothing, upserting by
(source, external_id).

Rows stream through validation in chunks and are written inside one transaction; if any row is
rejected and invalid rows are not to be skipped, the transaction rolls back and nothing changes.
Writes use executemany with plain SQL (no model instance per row), which is what makes a
million-row import take seconds rather than minutes.
"""

import csv
import json
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
import shapely
from shapely import unary_union
from shapely.geometry import shape
from shapely.prepared import prep

from geodata.coords import COORDSYS, check_coordsys, to_wgs84
from stations.errors import BadRequest
from stations.models import Station
from stations.services.import_readers import ImportFileError, Table
from stations.services.import_rows import (
    KNOWN_COLUMNS,
    RowOptions,
    RowRejected,
    StationValues,
    is_whole_degrees,
    validate_row,
)

CHUNK_ROWS = 2000
PROGRESS_EVERY = 1000
MAX_KEPT_WARNINGS = 200
SOURCE_MAX_LENGTH = 100
_POINT_KEY = struct.Struct("<dd")

# Columns every write sets, and the optional ones a file may provide (in a fixed order).
_CORE = ("name", "kind", "lon", "lat", "zkey")
_OPTIONAL = (
    "name_en", "status", "address", "city", "city_adcode", "district", "district_adcode", "amenity_mask",
    "eligible_workers_mask", "opening_hours", "phone", "operator", "charging_vehicle", "charging_sockets",
    "battery_swap", "max_power_kw", "last_verified_at",
)
_DATETIME_COLUMNS = {"last_verified_at"}
# What a new station gets for columns the file does not provide.
_DEFAULTS = {
    field.name: field.get_default() for field in Station._meta.concrete_fields if field.name in _OPTIONAL
}


@dataclass
class ImportOptions:
    source: str
    coordsys: str = "wgs84"
    kind: str | None = None
    id_column: str = "external_id"
    within_path: Path | None = None
    skip_invalid: bool = False
    dry_run: bool = False


@dataclass
class Reject:
    row: int
    external_id: str
    reason: str
    raw: dict


@dataclass
class ImportReport:
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    dry_run: bool = False
    written: bool = False

    def warn(self, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_KEPT_WARNINGS:
            self.warnings.append(message)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary_line(self, rejects_path: str | None = None) -> str:
        counts = f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"
        rejected = f"{len(self.rejects)} rows rejected"
        if rejects_path and self.rejects:
            rejected += f": see {rejects_path}"
        if self.dry_run:
            return (
                f"dry run: would create {self.created}, update {self.updated} and leave {self.unchanged} unchanged,"
                f" {rejected}; nothing written"
            )
        if not self.written:
            return f"import aborted: {rejected}, nothing written (fix them, or use --skip-invalid)"
        return f"imported {self.imported} stations ({counts}), {rejected}"


class ImportAborted(BadRequest):
    """Rows were rejected and skipping was not asked for; the transaction was rolled back."""

    def __init__(self, report: ImportReport):
        super().__init__(report.summary_line())
        self.report = report


def coordsys_of(declared) -> str | None:
    """Our coordsys code for a GeoJSON "coord_system" member ("GCJ-02" as in ../shared/data,
    "gcj02", "WGS84" ...), or None if it names none of the three."""
    code = str(declared).replace("-", "").replace("_", "").replace(" ", "").lower()
    return code if code in COORDSYS else None


def load_boundary(path: Path, default_coordsys: str):
    """A prepared WGS-84 polygon from a boundary GeoJSON (its "coord_system" member, if any,
    names its system; otherwise it is taken to be in ``default_coordsys``). Points are checked
    after their conversion to WGS-84, so the polygon is converted too, once per vertex."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        features = doc["features"] if doc.get("type") == "FeatureCollection" else [{"geometry": doc.get("geometry", doc)}]
        geometry = unary_union([shape(f["geometry"]) for f in features if f.get("geometry")])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImportFileError(f"cannot read the --within boundary {str(path)!r}: {exc}") from None
    if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise ImportFileError(f"the --within boundary {str(path)!r} holds no polygon")
    declared = doc.get("coord_system")
    coordsys = coordsys_of(declared) if declared else default_coordsys
    if coordsys is None:
        raise ImportFileError(
            f"the --within boundary says its coord_system is {declared!r}; expected one of WGS-84, GCJ-02, BD-09"
        )
    if coordsys != "wgs84":
        geometry = shapely.transform(geometry, lambda xy: [to_wgs84(x, y, coordsys) for x, y in xy])
    return prep(geometry)


def import_stations(
    table: Table,
    options: ImportOptions,
    progress: Callable[[int], None] | None = None,
    extra_check: Callable[[StationValues], str | None] | None = None,
) -> ImportReport:
    """Validate and upsert every row of ``table``, in one transaction.

    Raises ImportAborted (nothing written) when rows are rejected and ``options.skip_invalid``
    is false, and ImportFileError when the file as a whole is unusable. With ``dry_run`` the
    report says what would happen and nothing is written. ``progress(n)`` is called as rows are
    read; ``extra_check`` may reject a valid row with a reason (e.g. outside the caller's
    jurisdiction).
    """
    check_coordsys(options.coordsys)
    if not options.source:
        raise ImportFileError("a source name is required (e.g. --source futian-union)")
    if len(options.source) > SOURCE_MAX_LENGTH:
        raise ImportFileError(f"the source name is longer than {SOURCE_MAX_LENGTH} characters")
    within = load_boundary(options.within_path, options.coordsys) if options.within_path else None
    row_options = RowOptions(
        kind=options.kind,
        coordsys=options.coordsys,
        id_column=options.id_column,
        within=within,
        within_name=Path(options.within_path).name if options.within_path else "",
    )
    report = ImportReport(dry_run=options.dry_run)
    _check_columns(table, options, report)

    with transaction.atomic():
        _run(table, options, row_options, report, progress, extra_check)
        if options.dry_run or (report.rejects and not options.skip_invalid):
            transaction.set_rollback(True)
        else:
            report.written = True
    if report.rejects and not options.skip_invalid and not options.dry_run:
        raise ImportAborted(report)
    return report


def _check_columns(table: Table, options: ImportOptions, report: ImportReport) -> None:
    columns = set(table.columns)
    is_geojson = table.fmt == "geojson"
    missing = [c for c in ("name", options.id_column) if c not in columns]
    if is_geojson:
        # Features may carry their id as the Feature "id"; their location is the geometry.
        missing = [c for c in missing if c != "external_id"]
    else:
        missing += [c for c in ("lon", "lat") if c not in columns]
    if missing:
        raise ImportFileError(f"the file has no column(s) {', '.join(missing)}; columns found: {', '.join(table.columns)}")
    unknown = [c for c in table.columns if c not in KNOWN_COLUMNS and c != options.id_column]
    if unknown:
        report.warn(f"ignored unknown column(s): {', '.join(unknown)}")
    declared = table.coord_system
    if declared and coordsys_of(declared) != options.coordsys:
        report.warn(f"the file says its coord_system is {declared} but --coordsys is {options.coordsys}")


def _run(table, options, row_options, report, progress, extra_check) -> None:
    # A first import of a source has nothing to compare with: skip looking rows up.
    source_is_new = not Station.objects.filter(source=options.source).exists()
    id_column = options.id_column
    # Every id seen (valid row or not) -> its first row; a later row with the same id is a
    # duplicate. Points are keyed by their exact bits (16 bytes) to keep a million rows small.
    seen_ids: dict[str, int] = {}
    seen_points: dict[bytes, int] = {}
    pack_point = _POINT_KEY.pack
    chunk: list[StationValues] = []
    unreported = 0
    for row_number, raw in table.rows:
        report.total_rows += 1
        external_id = raw.get(id_column, "")
        try:
            if external_id:
                first = seen_ids.setdefault(external_id, row_number)
                if first != row_number:
                    raise RowRejected(f"{id_column} {external_id!r} was already used on row {first}")
            station = validate_row(raw, row_options)
            if extra_check is not None:
                reason = extra_check(station)
                if reason:
                    raise RowRejected(reason)
        except RowRejected as exc:
            report.rejects.append(Reject(row_number, external_id, str(exc), raw))
            continue
        if is_whole_degrees(raw):
            report.warn(f"row {row_number}: whole-degree coordinates ({raw['lon']}, {raw['lat']}) look like a placeholder")
        values = station.values
        first = seen_points.setdefault(pack_point(values["lon"], values["lat"]), row_number)
        if first != row_number:
            report.warn(f"row {row_number}: exactly the same coordinates as row {first}")
        chunk.append(station)
        if len(chunk) >= CHUNK_ROWS:
            _upsert(chunk, options, report, source_is_new)
            chunk = []
        unreported += 1
        if progress is not None and unreported >= PROGRESS_EVERY:
            progress(unreported)
            unreported = 0
    if chunk:
        _upsert(chunk, options, report, source_is_new)
    if progress is not None and unreported:
        progress(unreported)


def _upsert(chunk: list[StationValues], options: ImportOptions, report: ImportReport, source_is_new: bool) -> None:
    """Create new stations and update changed ones; identical rows are left untouched."""
    present = set().union(*(station.values for station in chunk))
    compare = [*_CORE, *(c for c in _OPTIONAL if c in present)]
    existing = {}
    if not source_is_new:
        # A plain query, not .iterator(): the chunk bounds the rows, and on PostgreSQL a
        # server-side cursor per chunk costs more than the lookup itself.
        existing = {
            row[0]: row[1:]
            for row in Station.objects.filter(
                source=options.source, external_id__in=[s.external_id for s in chunk]
            ).values_list("external_id", "id", *compare)
        }
    inserts, updates = [], []
    for station in chunk:
        current = existing.get(station.external_id)
        if current is None:
            inserts.append(station)
            continue
        values = station.values
        # current = (id, *compare); a column the row does not set keeps its stored value.
        new = [values.get(column, old) for column, old in zip(compare, current[1:])]
        if new != list(current[1:]):
            updates.append((current[0], new))
        else:
            report.unchanged += 1
    report.created += len(inserts)
    report.updated += len(updates)
    if options.dry_run:
        return
    adapt = connection.ops.adapt_datetimefield_value
    stamp = adapt(timezone.now())
    table = connection.ops.quote_name(Station._meta.db_table)
    if inserts:
        # Columns no row of the chunk provides get the model default as a constant in the SQL:
        # fewer parameters to bind per row (this is the hot loop of a large import).
        provided = [(column, _DEFAULTS[column]) for column in _OPTIONAL if column in present]
        constant = [column for column in _OPTIONAL if column not in present]
        columns = [*_CORE, *(c for c, _ in provided), "source", "external_id", "created_at", "updated_at", *constant, "version"]
        placeholders = ["%s"] * (len(columns) - len(constant) - 1) + [_sql_literal(_DEFAULTS[c]) for c in constant] + ["1"]
        source = options.source
        rows = [
            [values["name"], values["kind"], values["lon"], values["lat"], values["zkey"],
             *[values.get(column, default) for column, default in provided],
             source, station.external_id, stamp, stamp]
            for station in inserts
            for values in (station.values,)
        ]
        _adapt_datetimes(rows, columns[: len(placeholders) - len(constant) - 1], adapt)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(placeholders)})"
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    if updates:
        # Only the columns this chunk provides change: a file without phone numbers does not
        # erase the ones a manager entered.
        assignments = ", ".join(f"{c} = %s" for c in compare)
        sql = f"UPDATE {table} SET {assignments}, updated_at = %s, version = version + 1 WHERE id = %s"
        rows = [[*new, stamp, pk] for pk, new in updates]
        _adapt_datetimes(rows, compare, adapt)
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _sql_literal(value) -> str:
    """A model default (None, an int or a short code) as an SQL constant; these are ours, never input."""
    if value is None:
        return "NULL"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for default {value!r}")


def _adapt_datetimes(rows: list[list], columns: list[str], adapt) -> None:
    for column in _DATETIME_COLUMNS:
        if column in columns:
            i = columns.index(column)
            for row in rows:
                row[i] = adapt(row[i])


def write_rejects(report: ImportReport, path: Path, columns: Iterable[str]) -> None:
    """A CSV of rejected rows: row number, external id, reason, then the original fields."""
    columns = [c for c in columns if not c.startswith("__")]
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "external_id", "reason", *columns])
        for reject in report.rejects:
            writer.writerow([reject.row, reject.external_id, reject.reason, *(reject.raw.get(c, "") for c in columns)])
