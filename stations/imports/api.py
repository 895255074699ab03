"""The union managers' upload API: a CSV, XLSX or GeoJSON of stations into their own source."""

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from stations.accounts.auth import manager_auth
from stations.http.schemas import Coordsys, ErrorOut, Kind
from stations.imports import uploads as station_uploads
from stations.imports.schemas import ImportOut, ImportRejectedOut

router = Router(auth=manager_auth, tags=["managers"])


@router.post(
    "/imports",
    response={200: ImportOut, 400: ImportRejectedOut | ErrorOut, 401: ErrorOut, 403: ErrorOut, 411: ErrorOut, 413: ErrorOut},
    summary="Upload a CSV, XLSX or GeoJSON of stations",
)
def upload(
    request: HttpRequest,
    file: File[UploadedFile],
    coordsys: Form[Coordsys],
    kind: Form[Kind | None] = None,
    dry_run: Form[bool] = False,
    skip_invalid: Form[bool] = False,
    format: Form[str | None] = None,
):
    """The same importer as `manage.py import_stations`, in your organisation's source
    (`org:<name>`): rows are upserted by `external_id`; rows outside your jurisdiction are
    rejected. All or nothing unless `skip_invalid=true`; `dry_run=true` validates only. The
    answer lists every rejected row with its number and reason."""
    report = station_uploads.import_upload(
        request.auth, file, coordsys=coordsys, kind=kind, fmt=format, dry_run=dry_run, skip_invalid=skip_invalid
    )
    return Status(200, report)
