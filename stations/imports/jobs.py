"""Use case: an upload too large to import within a request becomes a background job.

POST /api/v1/manage/imports answers at once for a file of up to IMPORT_SYNC_MAX_BYTES; a larger
one is stored (the "imports" storage) and queued as an ImportJob row, and `manage.py
run_import_jobs` imports it with the same code and the same report. App servers keep nothing:
the job's state is its row, so any of them answers GET /imports/{id}, and any number of
workers may run (each claims a job with a conditional UPDATE, so a job runs once).

The import is one transaction, and the job's outcome is written in it: a job is "done" exactly
when its stations are. Progress is written beside it every PROGRESS_EVERY_S, through a
connection of its own, so other processes see it advance (on PostgreSQL; SQLite has one write
lock, which the import holds, so there the progress shows when the job ends). A worker that
dies mid-import leaves its job "running" with nothing written; once its heartbeat is older than
IMPORT_JOB_LOST_AFTER_S, the next worker marks it failed.
"""

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from stations.errors import BadRequest, NotFound
from stations.imports.readers import read_table
from stations.imports.uploads import check_upload, import_into_organisation, import_upload
from stations.models import Account, ImportJob

logger = logging.getLogger(__name__)

PROGRESS_EVERY_S = 1.0
STORAGE = "imports"  # settings.STORAGES alias: a folder (or bucket) every app server and worker shares
LOST_DETAIL = "the import was interrupted (its worker stopped); nothing was written. Upload the file again"
FAILED_DETAIL = (
    "the import failed on the server (it has been logged); nothing was written. Upload the file again, or ask your administrator"
)
Status = ImportJob.Status


@dataclass(frozen=True)
class Accepted:
    """What POST /imports answers: the report (imported at once) or the queued job."""

    report: dict | None = None
    job: ImportJob | None = None


def accept_upload(account: Account, upload, *, coordsys: str, kind: str | None, fmt: str | None, dry_run: bool, skip_invalid: bool) -> Accepted:
    """Import ``upload`` now if it is small (IMPORT_SYNC_MAX_BYTES), otherwise queue it."""
    if upload.size <= settings.IMPORT_SYNC_MAX_BYTES:
        return Accepted(report=import_upload(account, upload, coordsys=coordsys, kind=kind, fmt=fmt, dry_run=dry_run, skip_invalid=skip_invalid))
    return Accepted(job=submit(account, upload, coordsys=coordsys, kind=kind, fmt=fmt, dry_run=dry_run, skip_invalid=skip_invalid))


def submit(account: Account, upload, *, coordsys: str, kind: str | None, fmt: str | None, dry_run: bool, skip_invalid: bool) -> ImportJob:
    """Store the upload and queue its job; the checks that need no reading (size, format) first."""
    fmt = check_upload(upload, fmt)
    # A name of our own: the client's file name is only shown back, never used as a path.
    stored_name = storages[STORAGE].save(f"{uuid.uuid4().hex}.{fmt}", upload)
    return ImportJob.objects.create(
        organisation=account.organisation, account=account, uploaded_by=account.user.get_username(),
        stored_name=stored_name, file_name=(upload.name or "")[:255], size_bytes=upload.size, fmt=fmt,
        coordsys=coordsys, kind=kind or "", dry_run=dry_run, skip_invalid=skip_invalid,
    )


def visible_job(account: Account, job_id: int) -> ImportJob:
    """The job if the caller's organisation uploaded it; NotFound otherwise (as for stations,
    another organisation's job does not exist for the caller)."""
    job = ImportJob.objects.filter(pk=job_id, organisation_id=account.organisation_id).first() if 1 <= job_id < 2**63 else None
    if job is None:
        raise NotFound(f"no import job {job_id} in your organisation ({account.organisation.name})")
    return job


def job_json(job: ImportJob) -> dict:
    def iso(value):
        return value.isoformat() if value else None

    return {
        "id": job.pk,
        "status": job.status,
        "file_name": job.file_name,
        "size_bytes": job.size_bytes,
        "coordsys": job.coordsys,
        "kind": job.kind or None,
        "dry_run": job.dry_run,
        "skip_invalid": job.skip_invalid,
        "uploaded_by": job.uploaded_by,
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
        "progress": {"rows_read": job.rows_read, "rows_total": job.rows_total},
        "result": job.result,
        "detail": job.detail or None,
    }


# -- the worker ---------------------------------------------------------------------------------


def run_jobs(
    *, loop: bool = False, interval_s: float = 2.0, stop: Callable[[], bool] = lambda: False,
    report: Callable[[ImportJob], None] = lambda job: None, sleep: Callable[[float], object] = time.sleep,
) -> None:
    """Run queued jobs, oldest first, until none is left (or, with ``loop``, until ``stop()``,
    polling every ``interval_s`` when idle). ``report(job)`` after each job."""
    worker = f"{socket.gethostname()}:{os.getpid()}"[:100]
    while not stop():
        fail_lost_jobs()
        job = claim_next(worker)
        if job is None:
            if not loop:
                return
            sleep(interval_s)
            continue
        run_job(job)
        report(job)


def claim_next(worker: str) -> ImportJob | None:
    """The oldest queued job, now running for ``worker``; None when the queue is empty. The
    conditional UPDATE is the claim: of two workers reaching for one job, one updates it."""
    for pk in ImportJob.objects.filter(status=Status.QUEUED).order_by("id").values_list("pk", flat=True)[:20]:
        now = timezone.now()
        if ImportJob.objects.filter(pk=pk, status=Status.QUEUED).update(status=Status.RUNNING, started_at=now, heartbeat_at=now, worker=worker):
            return ImportJob.objects.select_related("account__user", "account__organisation", "organisation").get(pk=pk)
    return None


def fail_lost_jobs() -> int:
    """Mark failed the running jobs whose worker has not been heard of for IMPORT_JOB_LOST_AFTER_S."""
    cutoff = timezone.now() - timedelta(seconds=settings.IMPORT_JOB_LOST_AFTER_S)
    lost = list(ImportJob.objects.filter(status=Status.RUNNING, heartbeat_at__lt=cutoff))
    for job in lost:
        if ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING, heartbeat_at__lt=cutoff).update(
            status=Status.FAILED, detail=LOST_DETAIL, finished_at=timezone.now()
        ):
            logger.warning("import job %s: its worker %s stopped; marked failed", job.pk, job.worker)
            _delete_upload(job)
    return len(lost)


def run_job(job: ImportJob) -> ImportJob:
    """Import a claimed job's file and record the outcome (``job`` is updated in place)."""
    progress = JobProgress(job.pk)
    try:
        with storages[STORAGE].open(job.stored_name, "rb") as handle:
            _import(job, handle, progress)
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _finish(job, Status.FAILED, progress, detail=FAILED_DETAIL)
    finally:
        progress.close()
        _delete_upload(job)
    return job


def _import(job: ImportJob, handle, progress: "JobProgress") -> None:
    account = job.account
    try:
        if account is None or account.organisation_id != job.organisation_id:
            raise BadRequest("the account that uploaded the file no longer manages this organisation; nothing was written")
        table = read_table(handle, job.fmt)
        job.rows_total = table.rows_estimate
        ImportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_total, heartbeat_at=timezone.now())
        # The outcome commits with the stations (or with nothing, when the import is refused).
        with transaction.atomic():
            try:
                report = import_into_organisation(
                    account, table, coordsys=job.coordsys, kind=job.kind or None, dry_run=job.dry_run,
                    skip_invalid=job.skip_invalid, progress=progress,
                )
            except BadRequest as exc:  # rows rejected (the report is its extra), or the file unusable
                _finish(job, Status.FAILED, progress, detail=str(exc), result=exc.extra or None)
            else:
                job.rows_total = report["total_rows"]  # exact now
                _finish(job, Status.DONE, progress, result=report)
    except BadRequest as exc:
        _finish(job, Status.FAILED, progress, detail=str(exc))


def _finish(job: ImportJob, status: str, progress: "JobProgress", *, detail: str = "", result: dict | None = None) -> None:
    now = timezone.now()
    job.status, job.detail, job.result, job.rows_read, job.finished_at, job.heartbeat_at = status, detail, result, progress.rows_read, now, now
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, detail=detail, result=result, rows_read=progress.rows_read, rows_total=job.rows_total, finished_at=now, heartbeat_at=now
    )


def _delete_upload(job: ImportJob) -> None:
    try:
        storages[STORAGE].delete(job.stored_name)
    except OSError:
        logger.warning("import job %s: could not delete its upload %s", job.pk, job.stored_name, exc_info=True)


class JobProgress:
    """The importer's progress callback: counts rows and, every PROGRESS_EVERY_S, writes the
    count and a heartbeat through a connection of its own (autocommit), beside the import's
    transaction, so they are visible while it runs."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.rows_read = 0
        self._written_at = time.monotonic()
        self._connection = None

    def __call__(self, rows: int) -> None:
        self.rows_read += rows
        if time.monotonic() - self._written_at >= PROGRESS_EVERY_S:
            self._written_at = time.monotonic()
            self._write()

    def _write(self) -> None:
        if connection.vendor == "sqlite":
            return  # its one write lock is the import's until it commits: a write would only wait
        try:
            if self._connection is None:
                self._connection = connections.create_connection("default")
            with self._connection.cursor() as cursor:
                cursor.execute(_PROGRESS_SQL, [self.rows_read, timezone.now(), self.job_id])
        except DatabaseError:
            logger.warning("import job %s: could not record its progress", self.job_id, exc_info=True)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


_PROGRESS_SQL = f"UPDATE {ImportJob._meta.db_table} SET rows_read = %s, heartbeat_at = %s WHERE id = %s"
