"""An upload of stations that is imported in the background (POST /api/v1/manage/imports above
IMPORT_SYNC_MAX_BYTES), run by `manage.py run_import_jobs`. The row is the whole state of the
job, so any app server can answer for it and any worker can run it."""

from django.db import models


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中 / Queued"
        RUNNING = "running", "导入中 / Running"
        DONE = "done", "完成 / Done"
        FAILED = "failed", "失败 / Failed"

    # Only this organisation's managers see the job (another's id answers 404).
    organisation = models.ForeignKey("stations.Organisation", on_delete=models.CASCADE, related_name="import_jobs")
    account = models.ForeignKey("stations.Account", null=True, on_delete=models.SET_NULL, related_name="import_jobs")
    uploaded_by = models.CharField(max_length=150)  # the username, kept if the account goes
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)

    # The upload, in the "imports" storage until the job has run, and how to read it.
    stored_name = models.CharField(max_length=255)
    file_name = models.CharField(max_length=255)  # as the client named it
    size_bytes = models.BigIntegerField()
    fmt = models.CharField(max_length=10)
    coordsys = models.CharField(max_length=10)
    kind = models.CharField(max_length=20, blank=True)
    dry_run = models.BooleanField(default=False)
    skip_invalid = models.BooleanField(default=False)

    rows_read = models.BigIntegerField(default=0)
    rows_total = models.BigIntegerField(null=True, blank=True)  # the reader's estimate, once running
    result = models.JSONField(null=True, blank=True)  # the import's report, as the synchronous answer gives it
    detail = models.TextField(blank=True)  # why it failed

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Refreshed while the job runs (with its progress); a running job silent for longer than
    # IMPORT_JOB_LOST_AFTER_S lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True)  # host:pid that ran it

    class Meta:
        indexes = [
            # the workers' queue: status = 'queued' ORDER BY id; lost jobs: status = 'running'
            models.Index(fields=["status", "id"], name="importjob_status_idx"),
        ]

    def __str__(self) -> str:
        return f"import job #{self.pk} ({self.file_name}, {self.get_status_display()})"
