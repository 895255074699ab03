"""Schemas of the managers' upload API (/api/v1/manage/imports). Explicit fields, never __all__."""

from typing import Literal

from ninja import Field, Schema


class ImportErrorOut(Schema):
    row: int
    external_id: str
    reason: str


class ImportOut(Schema):
    summary: str
    dry_run: bool
    written: bool
    total_rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[ImportErrorOut] = Field(..., description="Row-numbered reasons (row 1 = the header of a CSV)")
    warnings: list[str]


class ImportRejectedOut(ImportOut):
    detail: str


class ImportProgressOut(Schema):
    rows_read: int
    rows_total: int | None = Field(..., description="Rows the file holds, estimated when the job starts (CSV: its lines); exact once done")


class ImportJobOut(Schema):
    id: int
    status: Literal["queued", "running", "done", "failed"]
    file_name: str
    size_bytes: int
    coordsys: str
    kind: str | None
    dry_run: bool
    skip_invalid: bool
    uploaded_by: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    progress: ImportProgressOut
    result: ImportOut | None = Field(
        ..., description="When done, the report a small upload gets at once; when failed because rows were rejected, the same with their errors"
    )
    detail: str | None = Field(..., description="Why the job failed (what to fix)")
