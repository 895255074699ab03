"""Use case: import a table of stations (CSV / GeoJSON), all or nothing, upserting by
(source, external_id).

Rows stream through validation in chunks and are written inside one transaction; if any row is
rejected and invalid rows are not to be skipped, the transaction rolls back and nothing changes.
Writes use executemany with plain SQL (no model instance per row), which is what makes a
million-row import take seconds rather than minutes.
"""

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
import shapely
from shapely import unary_union
from shapely.geometry import shape
from shapely.prepared import prep

from geodata.coords import check_coordsys, to_wgs84
from stations.errors import BadRequest
from stations.models import Station
from stations.services.import_readers import ImportFileError, Table
from stations.services.import_rows import KNOWN_COLUMNS, RowOptions, RowRejected, StationValues, validate_row

CHUNK_ROWS = 2000
MAX_KEPT_WARNINGS = 200

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
            return f"dry run: would import {self.imported} stations ({counts}), {rejected}; nothing written"
        if not self.written:
            return f"import aborted: {rejected}, nothing written (fix them, or use --skip-invalid)"
        return f"imported {self.imported} stations ({counts}), {rejected}"


class ImportAborted(BadRequest):
    """Rows were rejected and skipping was not asked for; the transaction was rolled back."""

    def __init__(self, report: ImportReport):
        super().__init__(report.summary_line())
        self.report = report


def load_boundary(path: Path, default_coordsys: str):
    """A prepared WGS-84 polygon from a boundary GeoJSON (its "coord_system" member, if any,
    names its system; otherwise it is taken to be in ``default_coordsys``)."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        features = doc["features"] if doc.get("type") == "FeatureCollection" else [{"geometry": doc.get("geometry", doc)}]
        geometry = unary_union([shape(f["geometry"]) for f in features if f.get("geometry")])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImportFileError(f"cannot read the --within boundary {str(path)!r}: {exc}") from None
    if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise ImportFileError(f"the --within boundary {str(path)!r} holds no polygon")
    coordsys = {"GCJ-02": "gcj02", "BD-09": "bd09", "WGS-84": "wgs84"}.get(doc.get("coord_system"), default_coordsys)
    if coordsys != "wgs84":
        geometry = shapely.transform(geometry, lambda xy: [to_wgs84(x, y, coordsys) for x, y in xy])
    return prep(geometry)


def import_stations(
    table: Table,
    options: ImportOptions,
    progress: Callable[[int], None] | None = None,
    extra_check: Callable[[StationValues], str | None] | None = None,
) -> ImportReport:
    """Validate and upsert every row of ``table``. Raises ImportAborted (nothing written) when
    rows are rejected and ``options.skip_invalid`` is false; with ``dry_run`` nothing is written
    either way. ``extra_check`` may reject a valid row with a reason (e.g. outside the caller's
    jurisdiction)."""
    check_coordsys(options.coordsys)
    row_options = RowOptions(
        kind=options.kind,
        coordsys=options.coordsys,
        id_column=options.id_column,
        within=load_boundary(options.within_path, options.coordsys) if options.within_path else None,
    )
    report = ImportReport(dry_run=options.dry_run)
    if not options.source:
        raise ImportFileError("a source name is required (e.g. --source futian-union)")
    required = {"name", options.id_column}
    missing = sorted(required - set(table.columns) - ({"external_id"} if table.coord_system is not None else set()))
    if table.coord_system is None and not {"lon", "lat"} <= set(table.columns):
        missing += sorted({"lon", "lat"} - set(table.columns))
    if missing:
        raise ImportFileError(f"the file has no column(s) {', '.join(missing)}; columns found: {', '.join(table.columns)}")
    unknown = [c for c in table.columns if c not in KNOWN_COLUMNS and c != options.id_column]
    if unknown:
        report.warn(f"ignored unknown column(s): {', '.join(unknown)}")
    if table.coord_system and table.coord_system.replace("-", "").lower() != options.coordsys:
        report.warn(f"the file says its coord_system is {table.coord_system} but --coordsys is {options.coordsys}")

    with transaction.atomic():
        _run(table, options, row_options, report, progress, extra_check)
        if options.dry_run or (report.rejects and not options.skip_invalid):
            transaction.set_rollback(True)
        else:
            report.written = True
    if report.rejects and not options.skip_invalid and not options.dry_run:
        raise ImportAborted(report)
    return report


def _run(table, options, row_options, report, progress, extra_check) -> None:
    # A first import of a source has nothing to compare with: skip looking rows up.
    source_is_new = not Station.objects.filter(source=options.source).exists()
    seen_ids: dict[str, int] = {}
    seen_points: dict[tuple[float, float], int] = {}
    chunk: list[tuple[int, StationValues]] = []
    for row_number, raw in table.rows:
        report.total_rows += 1
        if progress:
            progress(1)
        external_id = raw.get(options.id_column, "")
        try:
            values = validate_row(raw, row_options)
            reason = extra_check(values) if extra_check else None
            if reason:
                raise RowRejected(reason)
            first = seen_ids.get(values.external_id)
            if first is not None:
                raise RowRejected(f"{options.id_column} {values.external_id!r} was already used on row {first}")
        except RowRejected as exc:
            report.rejects.append(Reject(row_number, external_id, str(exc), raw))
            continue
        seen_ids[values.external_id] = row_number
        _warn_suspicious(raw, row_number, values, seen_points, report)
        chunk.append((row_number, values))
        if len(chunk) >= CHUNK_ROWS:
            _upsert(chunk, options, report, source_is_new)
            chunk = []
    if chunk:
        _upsert(chunk, options, report, source_is_new)


def _warn_suspicious(raw, row_number, values, seen_points, report) -> None:
    lon, lat = float(raw["lon"]), float(raw["lat"])
    if lon.is_integer() and lat.is_integer():
        report.warn(f"row {row_number}: whole-degree coordinates ({raw['lon']}, {raw['lat']}) look like a placeholder")
    point = (values.values["lon"], values.values["lat"])
    first = seen_points.setdefault(point, row_number)
    if first != row_number:
        report.warn(f"row {row_number}: exactly the same coordinates as row {first}")


def _upsert(chunk: list[tuple[int, StationValues]], options: ImportOptions, report: ImportReport, source_is_new: bool) -> None:
    """Create new stations and update changed ones; identical rows are left untouched."""
    present = sorted(set().union(*(v.present for _, v in chunk)) - set(_CORE), key=_OPTIONAL.index)
    compare = [*_CORE, *present]
    existing = {}
    if not source_is_new:
        existing = {
            row[0]: row[1:]
            for row in Station.objects.filter(source=options.source, external_id__in=[v.external_id for _, v in chunk])
            .values_list("external_id", "id", *compare)
            .iterator(chunk_size=CHUNK_ROWS)
        }
    now = timezone.now()
    inserts, updates = [], []
    for _, station in chunk:
        values = station.values
        current = existing.get(station.external_id)
        if current is None:
            inserts.append(station)
        elif any(values.get(col, current[i + 1]) != current[i + 1] for i, col in enumerate(compare)):
            updates.append((current, station))
        else:
            report.unchanged += 1
    report.created += len(inserts)
    report.updated += len(updates)
    if options.dry_run:
        return
    adapt = connection.ops.adapt_datetimefield_value
    table = Station._meta.db_table
    if inserts:
        columns = [*_CORE, *_OPTIONAL, "source", "external_id", "created_at", "updated_at", "version"]
        stamp = adapt(now)
        rows = []
        for station in inserts:
            values = station.values
            row = [values[c] for c in _CORE]
            for column in _OPTIONAL:
                value = values.get(column, _DEFAULTS[column])
                row.append(adapt(value) if column in _DATETIME_COLUMNS else value)
            row += [options.source, station.external_id, stamp, stamp, 1]
            rows.append(row)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    if updates:
        # Only the columns this file provides change: a file without phone numbers does not
        # erase the ones a manager entered.
        assignments = ", ".join(f"{c} = %s" for c in compare)
        sql = f"UPDATE {table} SET {assignments}, updated_at = %s, version = version + 1 WHERE id = %s"
        stamp = adapt(now)
        rows = []
        for current, station in updates:
            row = []
            for i, column in enumerate(compare):
                value = station.values.get(column, current[i + 1])
                row.append(adapt(value) if column in _DATETIME_COLUMNS else value)
            rows.append([*row, stamp, current[0]])
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def write_rejects(report: ImportReport, path: Path, columns: Iterable[str]) -> None:
    """A CSV of rejected rows: row number, external id, reason, then the original fields."""
    columns = [c for c in columns if not c.startswith("__")]
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "external_id", "reason", *columns])
        for reject in report.rejects:
            writer.writerow([reject.row, reject.external_id, reject.reason, *(reject.raw.get(c, "") for c in columns)])
