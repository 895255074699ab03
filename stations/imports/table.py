"""What every table reader produces and shares: the Table, the file-level error, the row-error
marker, and the two checks and listings that CSV, XLSX and the demand importer all word alike."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from stations.errors import BadRequest

# A reader puts a reason under this key to reject a row it could read but not trust (an XLSX
# formula saved without its value); validate_row rejects such a row with that reason.
ROW_ERROR = "__row_error__"


class ImportFileError(BadRequest):
    """The file as a whole cannot be imported (wrong format, no header, missing columns)."""


@dataclass
class Table:
    """The columns a file provides and its rows as (row_number, {column: text}).

    CSV row numbers count the header as row 1, as a spreadsheet shows them; XLSX rows are
    numbered as Excel shows them; GeoJSON rows are numbered by feature, from 1.
    """

    columns: list[str]
    rows: Iterator[tuple[int, dict]]
    coord_system: str | None = None  # the GeoJSON "coord_system" foreign member, if any
    fmt: str = "csv"
    # How many rows the file holds, as far as the reader can tell without reading them (CSV:
    # its lines; XLSX: the sheet's recorded dimension; GeoJSON: its features); None: unknown.
    rows_estimate: int | None = None


def check_unique_columns(columns: list[str], header: str) -> None:
    """ImportFileError naming the repeated columns of ``header`` ("the CSV header", ...)."""
    if len(set(columns)) != len(columns):
        duplicates = sorted({c for c in columns if columns.count(c) > 1})
        raise ImportFileError(f"{header} repeats column(s) {', '.join(duplicates)}")


def rejected_rows_listing(rejects: Sequence[tuple[int, str]], shown: int, total: int | None = None) -> list[str]:
    """"row N: reason" for the first ``shown`` rejected rows, and a line counting the rest
    (``total`` of them in all, when more were rejected than ``rejects`` holds)."""
    total = len(rejects) if total is None else total
    lines = [f"row {row}: {reason}" for row, reason in rejects[:shown]]
    if total > shown:
        lines.append(f"... and {total - shown} more rejected rows")
    return lines
