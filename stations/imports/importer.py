"""Use case: import a table of stations (CSV / GeoJSON), all or nothing, upserting by
(source, external_id).

Reading (import_readers), validating one row (import_rows) and writing chunks (import_writes)
are separate so that an upload endpoint can reuse them with its own reader and a jurisdiction
check (``extra_check``). Rows stream through validation and are written in chunks inside one
transaction; if any row is rejected and invalid rows are not to be skipped, the transaction
rolls back and nothing changes. Memory grows only with the duplicate checks (each id and point
seen, about 0.2 KB a row, so bounded by ``max_rows``); rejects beyond the first MAX_KEPT_REJECTS
are counted, and handed to ``on_reject`` (the command's rejects report) as they happen, not kept;
everything else is per chunk.
"""

import csv
import os
import struct
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from shapely import unary_union
from shapely.prepared import prep

from geodata.coords import check_coordsys
from geodata.geojson import InvalidGeoJSON, coordsys_of, feature_geometries, read_polygon
from stations.accounts.places import FIELDS as PLACE_FIELDS
from stations.accounts.places import NOWHERE, Places, current_places, fill_place
from stations.errors import BadRequest
from stations.http.json_input import load_json
from stations.spreadsheets import safe_row
from stations.models import Station
from stations.imports.table import ImportFileError, Table
from stations.imports.rows import (
    KNOWN_COLUMNS,
    RowOptions,
    RowRejected,
    StationValues,
    is_whole_degrees,
    validate_row,
)
from stations.imports.writes import refresh_statistics, upsert_chunk

CHUNK_ROWS = 2000
_PLACE_FIELDS = frozenset(PLACE_FIELDS)
PROGRESS_EVERY = 1000
MAX_KEPT_WARNINGS = 200
MAX_KEPT_REJECTS = 1000  # what an upload's answer lists (uploads.MAX_LISTED_ERRORS)
SOURCE_MAX_LENGTH = 100
_POINT_KEY = struct.Struct("<dd")


@dataclass
class ImportOptions:
    source: str
    coordsys: str = "wgs84"
    kind: str | None = None
    id_column: str = "external_id"
    within_path: Path | None = None
    skip_invalid: bool = False
    dry_run: bool = False
    # Records a StationChange per written station (uploads by managers); None for the bulk
    # command, where a million history rows would double an operator's load.
    history: object | None = None
    # Called with every rejected row as it is rejected (the kept list stops at MAX_KEPT_REJECTS).
    on_reject: Callable[["Reject"], None] | None = None
    # More rows than this stop the import with ImportFileError (nothing written); None: no limit.
    max_rows: int | None = None


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
    rejects: list[Reject] = field(default_factory=list)  # the first MAX_KEPT_REJECTS
    rejected: int = 0  # every rejected row
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    dry_run: bool = False
    written: bool = False

    def reject(self, reject: Reject) -> None:
        self.rejected += 1
        if len(self.rejects) < MAX_KEPT_REJECTS:
            self.rejects.append(reject)

    def warn(self, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_KEPT_WARNINGS:
            self.warnings.append(message)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary_line(self, rejects_path: str | None = None) -> str:
        counts = f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"
        rejected = f"{self.rejected} rows rejected"
        if rejects_path and self.rejected and self.written:  # the report is written only then
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


def load_boundary(path: Path, default_coordsys: str):
    """A prepared WGS-84 polygon from a boundary GeoJSON (its "coord_system" member, if any,
    names its system; otherwise it is taken to be in ``default_coordsys``). Points are checked
    after their conversion to WGS-84, so the polygon is converted too, once per vertex."""
    try:
        doc = load_json(Path(path).read_text(encoding="utf-8-sig"), what="it")
    except (OSError, ValueError) as exc:
        raise ImportFileError(f"cannot read the --within boundary {str(path)!r}: {exc}") from None
    declared = doc.get("coord_system") if isinstance(doc, dict) else None
    coordsys = coordsys_of(declared) if declared else default_coordsys
    if coordsys is None:
        raise ImportFileError(
            f"the --within boundary says its coord_system is {declared!r}; expected one of WGS-84, GCJ-02, BD-09"
        )
    try:
        polygons = [read_polygon(g, coordsys, what="its geometry", repair=True) for g in feature_geometries(doc) if g]
    except InvalidGeoJSON as exc:
        raise ImportFileError(f"cannot read the --within boundary {str(path)!r}: {exc}") from None
    if not polygons:
        raise ImportFileError(f"the --within boundary {str(path)!r} holds no polygon")
    geometry = unary_union(polygons)
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
        if options.dry_run or (report.rejected and not options.skip_invalid):
            transaction.set_rollback(True)
        else:
            report.written = True
            refresh_statistics(report.created + report.updated)
    if report.rejected and not options.skip_invalid and not options.dry_run:
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
    places = current_places()
    id_column = options.id_column
    # Every id seen (valid row or not) -> its first row; a later row with the same id is a
    # duplicate. Points are keyed by their exact bits (16 bytes) to keep a million rows small.
    seen_ids: dict[str, int] = {}
    seen_points: dict[bytes, int] = {}
    pack_point = _POINT_KEY.pack
    chunk: list[StationValues] = []
    unreported = 0
    max_rows = options.max_rows
    for row_number, raw in table.rows:
        report.total_rows += 1
        if max_rows is not None and report.total_rows > max_rows:
            raise ImportFileError(
                f"the file has more than {max_rows} rows (the limit of this import); split it into files of at most {max_rows} rows"
            )
        unreported += 1
        if progress is not None and unreported >= PROGRESS_EVERY:
            progress(unreported)
            unreported = 0
        external_id = raw.get(id_column, "")
        try:
            station = _checked_row(row_number, raw, external_id, seen_ids, id_column, row_options, extra_check)
        except RowRejected as exc:
            reject = Reject(row_number, external_id, str(exc), raw)
            report.reject(reject)
            if options.on_reject is not None:
                options.on_reject(reject)
            continue
        if is_whole_degrees(raw):
            report.warn(f"row {row_number}: whole-degree coordinates ({raw['lon']}, {raw['lat']}) look like a placeholder")
        values = station.values
        first = seen_points.setdefault(pack_point(values["lon"], values["lat"]), row_number)
        if first != row_number:
            report.warn(f"row {row_number}: exactly the same coordinates as row {first}")
        chunk.append(station)
        if len(chunk) >= CHUNK_ROWS:
            _write(chunk, options, report, source_is_new, places)
            chunk = []
    if chunk:
        _write(chunk, options, report, source_is_new, places)
    if progress is not None and unreported:
        progress(unreported)


def _checked_row(row_number, raw, external_id, seen_ids, id_column, row_options, extra_check) -> StationValues:
    """The row's station values; RowRejected for a repeated id, a bad value or a failed extra check."""
    if external_id:
        first = seen_ids.setdefault(external_id, row_number)
        if first != row_number:
            raise RowRejected(f"{id_column} {external_id!r} was already used on row {first}")
    station = validate_row(raw, row_options)
    if extra_check is not None:
        reason = extra_check(station)
        if reason:
            raise RowRejected(reason)
    return station


def _write(chunk: list[StationValues], options: ImportOptions, report: ImportReport, source_is_new: bool, places: Places) -> None:
    _fill_places(chunk, places)
    created, updated, unchanged = upsert_chunk(
        chunk, options.source, dry_run=options.dry_run, source_is_new=source_is_new, history=options.history
    )
    report.created += created
    report.updated += updated
    report.unchanged += unchanged


def _fill_places(chunk: list[StationValues], places: Places) -> None:
    """City and district from the loaded organisations' polygons, for the rows that leave them
    empty (stations.accounts.places.fill_place), as derived values (StationValues.derived): one
    vectorised lookup per chunk. A row outside every polygon gets none.

    An empty city or district cell means "not said", as in the API: it never blanks a stored
    value (else re-importing a file with empty cells would undo the derived values each time)."""
    for station in chunk:
        values = station.values
        if not _PLACE_FIELDS.isdisjoint(values):
            for column in PLACE_FIELDS:
                if values.get(column) == "":
                    del values[column]
    if not places:
        return
    located = places.locate_many([s.values["lon"] for s in chunk], [s.values["lat"] for s in chunk])
    # Most rows say nothing of their place: their values depend on the place alone (read-only, shared).
    unsaid: dict[object, dict] = {}
    for station, place in zip(chunk, located):
        if place is NOWHERE:
            continue
        if _PLACE_FIELDS.isdisjoint(station.values):
            derived = unsaid.get(place)
            if derived is None:
                derived = unsaid[place] = fill_place({}, place)
            station.derived = derived
        else:
            station.derived = fill_place(station.values, place)


class RejectsReport:
    """The CSV of rejected rows, written as the import rejects them (pass ``add`` as
    ImportOptions.on_reject): row number, external id, reason, then the original fields (for
    GeoJSON also lon/lat from the geometry), so the file can be fixed and imported again. Cells
    that would run as formulas in Excel or WPS are written inert (stations.spreadsheets).

    Rows go to a temporary file beside ``path``; ``keep()`` gives it its name, closing without
    it removes it (an aborted import leaves no report)."""

    def __init__(self, path: Path, columns: Iterable[str], fmt: str = "csv"):
        self.path = Path(path)
        self.columns = [c for c in columns if not c.startswith("__")]
        if fmt == "geojson":
            self.columns += [c for c in ("lon", "lat") if c not in self.columns]
        self._handle = tempfile.NamedTemporaryFile(
            "w", newline="", encoding="utf-8-sig", dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".part", delete=False
        )
        self._writer = csv.writer(self._handle)
        self._writer.writerow(safe_row(["row", "external_id", "reason", *self.columns]))

    def add(self, reject: Reject) -> None:
        raw = reject.raw
        self._writer.writerow(safe_row([reject.row, reject.external_id, reject.reason, *(raw.get(c, "") for c in self.columns)]))

    def keep(self) -> None:
        self._handle.close()
        os.replace(self._handle.name, self.path)

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()
            os.unlink(self._handle.name)

    def __enter__(self) -> "RejectsReport":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
