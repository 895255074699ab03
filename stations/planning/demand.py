"""Use case: import a demand dataset (weighted points: order pick-ups, residential compounds ...)
from CSV or GeoJSON, all or nothing.

Rows are read by stations.imports.readers and their coordinates checked by the station
importer's own row check (imports.rows.row_location): the same mistakes (non-numbers, out of
range, swapped, (0, 0), outside China for GCJ-02/BD-09) are caught with the same words.
Re-importing a dataset with ``replace`` swaps all its points for the file's, in one transaction;
when the file holds the very same points (DemandDataset.points_sha256) nothing is written, so
coverage runs over the dataset stay current.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from geodata.coords import check_coordsys
from stations.errors import BadRequest
from stations.models import DemandDataset, DemandPoint
from stations.imports.rows import RowOptions, RowRejected, number_field, row_location
from stations.imports.table import ImportFileError, Table, rejected_rows_listing
from stations.models.planning import demand_point_bytes, new_points_digest

CHUNK_ROWS = 5000
PROGRESS_EVERY = 1000
SHOWN_REJECTS = 20
CATEGORY_MAX_LENGTH = 64
EXTERNAL_ID_MAX_LENGTH = 100
NAME_MAX_LENGTH = 100


@dataclass
class DemandImportOptions:
    dataset: str
    coordsys: str = "wgs84"
    weight_field: str | None = None  # None: every point weighs 1
    replace: bool = False  # allow replacing the points of an existing dataset
    description: str = ""
    source: str = ""
    licence: str = ""


@dataclass
class DemandImportReport:
    dataset: str
    imported: int = 0
    replaced: int | None = None  # points the dataset held before, when it existed
    unchanged: bool = False  # the dataset already held exactly these points: nothing was written
    total_weight: float = 0.0
    rejects: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)

    def summary_line(self) -> str:
        if self.unchanged:
            return (
                f"dataset {self.dataset!r} unchanged: the file holds the same {self.imported} demand points"
                f" (total weight {self.total_weight:g}); nothing written"
            )
        line = f"imported {self.imported} demand points (total weight {self.total_weight:g}) into dataset {self.dataset!r}"
        if self.replaced is not None:
            line += f", replacing its {self.replaced} earlier points"
        return line


class DemandImportAborted(BadRequest):
    """Rows were rejected: nothing was written. The message lists the first rejected rows."""

    def __init__(self, report: DemandImportReport):
        lines = rejected_rows_listing(report.rejects, SHOWN_REJECTS)
        lines.append(f"import aborted: {len(report.rejects)} rows rejected, nothing written (fix them and import again)")
        super().__init__("\n".join(lines))
        self.report = report


def _weight(raw: dict, column: str | None) -> float:
    if column is None or raw.get(column, "") == "":
        return 1.0  # missing weight = 1: each point counts once
    value = number_field(raw, column)
    if value < 0:
        raise RowRejected(f"{column} {raw[column]!r} is negative; weights must be >= 0")
    return value


def _text(raw: dict, column: str, max_length: int) -> str:
    text = raw.get(column, "")
    if len(text) > max_length:
        raise RowRejected(f"{column} is longer than {max_length} characters ({len(text)})")
    return text


def _check_columns(table: Table, options: DemandImportOptions) -> None:
    columns = set(table.columns)
    missing = [] if table.fmt == "geojson" else [c for c in ("lon", "lat") if c not in columns]
    if options.weight_field and options.weight_field not in columns:
        missing.append(options.weight_field)
    if missing:
        found = ", ".join(table.columns) or "none"
        raise ImportFileError(f"the file has no column(s) {', '.join(missing)}; columns found: {found}")


def _dataset_to_fill(name: str, options: DemandImportOptions, report: DemandImportReport) -> tuple[DemandDataset, str]:
    """The dataset, locked and emptied when it exists and ``options.replace`` (BadRequest
    otherwise), or a new one; saved with the options' description, source and licence. With it,
    the digest of the points it held ("" for a new one)."""
    dataset = DemandDataset.objects.select_for_update().filter(name=name).first()
    earlier_sha256 = dataset.points_sha256 if dataset is not None else ""
    if dataset is not None:
        if not options.replace:
            raise BadRequest(
                f"dataset {name!r} already exists with {dataset.points.count()} points;"
                " use --replace to replace them with this file's"
            )
        report.replaced, _ = dataset.points.all().delete()
    else:
        dataset = DemandDataset(name=name)
    for attribute in ("description", "source", "licence"):
        if getattr(options, attribute):
            setattr(dataset, attribute, getattr(options, attribute))
    dataset.save()  # bumps updated_at: earlier coverage runs know their points are gone
    return dataset, earlier_sha256


def _point(dataset: DemandDataset, raw: dict, options: DemandImportOptions, row_options: RowOptions) -> DemandPoint:
    lon, lat = row_location(raw, row_options)
    return DemandPoint(
        dataset=dataset,
        lon=lon,
        lat=lat,
        weight=_weight(raw, options.weight_field),
        category=_text(raw, "category", CATEGORY_MAX_LENGTH),
        external_id=_text(raw, "external_id", EXTERNAL_ID_MAX_LENGTH),
    )


def import_demand(
    table: Table, options: DemandImportOptions, progress: Callable[[int], None] | None = None
) -> DemandImportReport:
    """Validate every row of ``table`` and store the points in dataset ``options.dataset``.

    All or nothing: any rejected row raises DemandImportAborted and nothing changes (a new
    dataset is not created, an existing one keeps its points). An existing dataset is replaced
    only with ``options.replace``; otherwise BadRequest says so. ``progress(n)`` is called as
    rows are read.
    """
    check_coordsys(options.coordsys)
    name = options.dataset.strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise BadRequest(f"the dataset name must be 1..{NAME_MAX_LENGTH} characters, got {options.dataset!r}")
    _check_columns(table, options)
    row_options = RowOptions(kind=None, coordsys=options.coordsys)
    report = DemandImportReport(dataset=name)
    digest = new_points_digest()
    with transaction.atomic():
        dataset, earlier_sha256 = _dataset_to_fill(name, options, report)
        chunk: list[DemandPoint] = []
        for count, (row_number, raw) in enumerate(table.rows, start=1):
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
            try:
                point = _point(dataset, raw, options, row_options)
            except RowRejected as exc:
                report.rejects.append((row_number, str(exc)))
                continue
            if report.rejects:
                continue  # the import is lost anyway: keep checking rows, stop writing them
            chunk.append(point)
            digest.update(demand_point_bytes(point.lon, point.lat, point.weight, point.category, point.external_id))
            report.imported += 1
            report.total_weight += point.weight
            if len(chunk) >= CHUNK_ROWS:
                DemandPoint.objects.bulk_create(chunk)
                chunk = []
        _finish(dataset, chunk, digest.hexdigest(), earlier_sha256, report)
    if report.rejects:
        raise DemandImportAborted(report)
    if report.unchanged:
        # The rollback undid a new description, source or licence too; update() keeps updated_at.
        metadata = {a: getattr(options, a) for a in ("description", "source", "licence") if getattr(options, a)}
        if metadata:
            DemandDataset.objects.filter(pk=dataset.pk).update(**metadata)
    return report


def _finish(dataset: DemandDataset, chunk: list[DemandPoint], sha256: str, earlier_sha256: str, report: DemandImportReport) -> None:
    """Inside the import's transaction: roll back on rejected rows or on the very same points
    (undoing the delete, the writes and the updated_at bump), else write the last chunk."""
    if report.rejects:
        transaction.set_rollback(True)
    elif report.imported == 0:
        raise BadRequest("the file holds no data rows; nothing imported")
    elif sha256 == earlier_sha256:
        transaction.set_rollback(True)
        report.unchanged = True
    else:
        if chunk:
            DemandPoint.objects.bulk_create(chunk)
        DemandDataset.objects.filter(pk=dataset.pk).update(points_sha256=sha256)
