"""Schemas of the managers' upload API (/api/v1/manage/imports). Explicit fields, never __all__."""

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
