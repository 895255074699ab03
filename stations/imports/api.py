"""The union managers' upload API: a CSV, XLSX or GeoJSON of stations into their own source."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Path, Router, Status
from ninja.files import UploadedFile

from stations.accounts.auth import manager_auth
from stations.http import paths  # noqa: F401  registers the {id:...} path converter
from stations.http.schemas import Coordsys, ErrorOut, Kind
from stations.imports import jobs as import_jobs
from stations.imports.schemas import ImportJobOut, ImportOut, ImportRejectedOut

router = Router(auth=manager_auth, tags=["managers"])


@router.post(
    "/imports",
    response={
        200: ImportOut, 202: ImportJobOut, 400: ImportRejectedOut | ErrorOut, 401: ErrorOut, 403: ErrorOut, 411: ErrorOut, 413: ErrorOut,
    },
    summary="Upload a CSV, XLSX or GeoJSON of stations",
)
def upload(
    request: HttpRequest,
    response: HttpResponse,
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
    answer lists every rejected row with its number and reason (the first 1,000; `rejected`
    counts them all).

    A file of up to 256 KB (by default) is imported at once: 200 with the report (400 with it when
    rows are rejected). A larger one (up to 20 MB and 1,000,000 rows) is imported in the background: 202
    with the job, and `Location: /api/v1/manage/imports/{id}`; poll that until its `status` is
    `done` or `failed`."""
    accepted = import_jobs.accept_upload(
        request.auth, file, coordsys=coordsys, kind=kind, fmt=format, dry_run=dry_run, skip_invalid=skip_invalid
    )
    if accepted.job is None:
        return Status(200, accepted.report)
    response["Location"] = reverse("api-v1:import_job", kwargs={"job_id": accepted.job.pk})
    return Status(202, import_jobs.job_json(accepted.job))


@router.get(
    "/imports/{id:job_id}",
    response={200: ImportJobOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A background import: its progress, then its report",
    url_name="import_job",
)
def import_job(request: HttpRequest, job_id: Path[int]):
    """`status` is `queued`, `running`, `done` or `failed`; `progress` counts the rows read.
    When done, `result` is the report a small upload gets at once; when failed, `detail` says
    why (and `result` lists the rejected rows, when that was the reason). Only your
    organisation's managers see its jobs."""
    return import_jobs.job_json(import_jobs.visible_job(request.auth, job_id))
