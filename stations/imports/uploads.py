"""Use case: a manager uploads a spreadsheet or GeoJSON of stations. The same importer as the
`import_stations` command, with the uploader's jurisdiction checked row by row and a history
entry per written station."""

from collections.abc import Callable

from django.conf import settings

from stations.errors import BadRequest, PayloadTooLarge
from stations.limits import size_text
from stations.models import Account, Station
from stations.imports.history import ImportHistory
from stations.imports.readers import guess_format, read_table
from stations.imports.rows import StationValues
from stations.imports.table import Table
from stations.imports.importer import ImportAborted, ImportOptions, ImportReport, import_stations
from stations.accounts.jurisdiction import jurisdiction_of

MAX_LISTED_ERRORS = 1000  # = importer.MAX_KEPT_REJECTS; the answer counts the rest


def check_upload(upload, fmt: str | None) -> str:
    """The upload's format (named, or from its file name); PayloadTooLarge over the limit,
    ImportFileError when the format cannot be told."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise PayloadTooLarge(f"the file is {upload.size} bytes; uploads are limited to {size_text(limit)}: split it")
    return fmt or guess_format(upload.name or "")


def import_upload(account: Account, upload, *, coordsys: str, kind: str | None, fmt: str | None, dry_run: bool, skip_invalid: bool) -> dict:
    """The import's report as JSON, at once (the request waits for it). Raises BadRequest
    carrying the row-numbered errors when rows are rejected and ``skip_invalid`` is off
    (nothing is written then)."""
    table = read_table(upload.file, check_upload(upload, fmt))
    return import_into_organisation(account, table, coordsys=coordsys, kind=kind, dry_run=dry_run, skip_invalid=skip_invalid)


def import_into_organisation(
    account: Account, table: Table, *, coordsys: str, kind: str | None, dry_run: bool, skip_invalid: bool,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Import ``table`` into the account's organisation's source, as import_upload describes;
    ``progress(n)`` is called as rows are read (background jobs report it)."""
    organisation = account.organisation
    jurisdiction = jurisdiction_of(organisation)
    source = organisation.source_name

    # Stations of this source that someone (a parent union) has since moved outside the
    # uploader's area: the upload must not change them either.
    own = list(Station.objects.filter(source=source).values_list("external_id", "lon", "lat"))
    inside = jurisdiction.covers_many([lon for _, lon, _ in own], [lat for _, _, lat in own]) if own else []
    elsewhere = {external_id for (external_id, _, _), ok in zip(own, inside) if not ok}

    def in_jurisdiction(station: StationValues) -> str | None:
        if station.external_id in elsewhere:
            return f"station {station.external_id!r} now lies outside your jurisdiction ({organisation.name}); ask its union to change it"
        lon, lat = station.values["lon"], station.values["lat"]
        if not jurisdiction.covers(lon, lat):
            return f"point (lon {lon:.6f}, lat {lat:.6f}) (WGS-84) is outside your jurisdiction ({organisation.name})"
        return None

    options = ImportOptions(
        source=source, coordsys=coordsys, kind=kind, skip_invalid=skip_invalid, dry_run=dry_run, history=ImportHistory(account),
        max_rows=settings.IMPORT_MAX_ROWS,
    )
    try:
        report = import_stations(table, options, progress=progress, extra_check=in_jurisdiction)
    except ImportAborted as exc:
        raise BadRequest(exc.report.summary_line().replace("--skip-invalid", "skip_invalid=true"), **report_json(exc.report)) from None
    return report_json(report)


def report_json(report: ImportReport) -> dict:
    return {
        "summary": report.summary_line().replace("--skip-invalid", "skip_invalid=true"),
        "dry_run": report.dry_run,
        "written": report.written,
        "total_rows": report.total_rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "errors": [{"row": r.row, "external_id": r.external_id, "reason": r.reason} for r in report.rejects[:MAX_LISTED_ERRORS]],
        "warnings": report.warnings,
    }
