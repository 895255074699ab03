"""Reading a station table from an Excel 2007+ workbook (.xlsx) into numbered rows of text.

The rows are the text the CSV reader would give for the same sheet, so import_rows judges both
alike: integers without a ".0" (13800138000, not "13800138000.0" or "1.38e10"), other numbers
as ``repr`` (full precision for lon/lat), dates and times in ISO 8601 (a date at midnight as
"2026-11-01"), booleans "true"/"false", an empty cell "". Text is stripped, as in CSV.

The sheet is streamed (openpyxl read-only mode): memory does not grow with the rows, except for
the workbook's shared-strings table, which openpyxl holds whole; the zip-bomb limits below bound it.

Decisions:
- The header is the first non-empty row; row numbers are the ones Excel shows. Empty rows,
  trailing empty columns and columns with an empty header cell are skipped.
- Formulas are read as the values Excel saved with them (``data_only``). A formula saved without
  a value (the file was written by a program that does not calculate, e.g. a script) and a cell
  holding an Excel error (#N/A, #DIV/0! ...) reject their row with a reason naming the cell:
  reading them as empty would silently blank a column or give a misleading "name is empty".
  Finding formulas needs a second, formula-preserving parse of the sheet in step with the first;
  it runs only when a quick scan of the worksheets' XML finds a formula element at all.
"""

import datetime
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from stations.imports.table import ROW_ERROR, ImportFileError, Table, check_unique_columns

# Zip-bomb limits, on the sizes the zip directory declares (Python's zipfile stops inflating a
# member at its declared size, so a member cannot lie its way past them). A 100 000-row sheet is
# about 30 MB of XML; real sheets deflate 5-30x, a very repetitive one about 100x.
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
_RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024  # tiny members (styles, a one-cell sheet) can deflate more
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
_ZIP_MAGIC = b"PK\x03\x04"
# A formula element, <f>, <f t="shared" ...>, <x:f/> (text cannot hold a raw "<" in XML).
_FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_SCAN_CHUNK_BYTES = 1024 * 1024

_SAVE_AS = "save it again from Excel or WPS as 'Excel Workbook (.xlsx)' or as 'CSV UTF-8'"
# What a manager is told about a file the zip, XML or openpyxl layers cannot read: a fixed
# sentence with what to do. Their exception text ("BadZipFile: Bad CRC-32 for file ...", "There
# is no item named ...") helps no one fix a spreadsheet, so it only goes to the log.
_NOT_READABLE = f"the file is not a readable Excel workbook; {_SAVE_AS}"
_DAMAGED = f"the .xlsx file is damaged or incomplete (was it cut short while copying or uploading?); {_SAVE_AS}"
logger = logging.getLogger(__name__)
# What a damaged or foreign archive makes openpyxl (or the zip and XML layers under it) raise.
# (RuntimeError: an encrypted member; NotImplementedError: a compression zipfile lacks, e.g. Deflate64.)
_UNREADABLE = (
    zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, ParseError, zlib.error, EOFError,
    RuntimeError, NotImplementedError,
)


def read_xlsx(stream: BinaryIO, sheet: str | None = None) -> Table:
    """The first worksheet of an .xlsx (or the one named ``sheet``) as a Table."""
    stream = _seekable(stream)
    has_formulas = _check_archive(stream)
    books = []
    try:
        try:
            books.append(load_workbook(stream, read_only=True, data_only=True))
            if has_formulas:
                books.append(load_workbook(stream, read_only=True, data_only=False))
        except _UNREADABLE as exc:
            _log_unreadable(exc)
            raise ImportFileError(_NOT_READABLE) from None
        sheets = [_worksheet(book, sheet) for book in books]
        recorded_rows = sheets[0].max_row  # the sheet's <dimension>, if it has one: an estimate
        for each in sheets:
            each.reset_dimensions()  # openpyxl trusts the recorded dimensions, which some exporters get wrong
        # read-only iter_rows yields the rows the file leaves out as (), so rows count from 1
        if has_formulas:
            numbered = enumerate(zip(sheets[0].iter_rows(), sheets[1].iter_rows(), strict=True), start=1)
        else:
            numbered = enumerate(((cells, ()) for cells in sheets[0].iter_rows()), start=1)
        header_number, columns, positions = _header(numbered, sheets[0].title)
    except BaseException:
        for book in books:
            book.close()
        raise

    def rows() -> Iterator[tuple[int, dict]]:
        try:
            for row_number, (values, formulas) in numbered:
                row = _row(row_number, values, formulas, columns, positions)
                if row is not None:
                    yield row_number, row
        except _UNREADABLE as exc:
            _log_unreadable(exc)
            raise ImportFileError(f"the workbook is damaged after row {header_number}; {_SAVE_AS}") from None
        finally:
            for book in books:
                book.close()

    estimate = max(recorded_rows - header_number, 0) if isinstance(recorded_rows, int) else None
    return Table(columns, rows(), fmt="xlsx", rows_estimate=estimate)


def cell_text(value) -> str:
    """The text of one cell value as openpyxl gives it, as the CSV reader would give it.

    >>> cell_text(13800138000.0), cell_text(114.05791234567891), cell_text(datetime.date(2026, 11, 1))
    ('13800138000', '114.05791234567891', '2026-11-01')
    """
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel stores every number as a double; integral ones are ids and phone numbers.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time() and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).strip()


def _seekable(stream: BinaryIO) -> BinaryIO:
    # A zip is read from its end (the directory), and both parses seek through it.
    try:
        if stream.seekable():
            stream.seek(0)
            return stream
    except (AttributeError, OSError):
        pass
    return io.BytesIO(stream.read())


def _check_archive(stream: BinaryIO) -> bool:
    """Refuse what is not a zip, or would unpack too far; say whether any worksheet has formulas."""
    magic = stream.read(8)
    stream.seek(0)
    if not magic:
        raise ImportFileError("the file is empty; an .xlsx workbook needs a header row")
    if magic == _OLE2_MAGIC:
        raise ImportFileError(f"this is an old binary Excel file (.xls) or a password-protected workbook; {_SAVE_AS}")
    if not magic.startswith(_ZIP_MAGIC):
        raise ImportFileError(
            "the file is not an Excel workbook (.xlsx files are zip archives); if it is a CSV, name it .csv,"
            f" otherwise {_SAVE_AS}"
        )
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            _check_sizes(members)
            sheets = [m for m in members if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")]
            return any(_has_formula(archive, member) for member in sheets)
    except ImportFileError:
        raise
    except _UNREADABLE as exc:
        _log_unreadable(exc)
        raise ImportFileError(_DAMAGED) from None
    finally:
        stream.seek(0)


def _has_formula(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    tail = b""
    with archive.open(member) as xml:
        while chunk := xml.read(_SCAN_CHUNK_BYTES):
            if _FORMULA_ELEMENT.search(tail + chunk):
                return True
            tail = chunk[-64:]  # a tag cut between two chunks
    return False


def _check_sizes(members: list[zipfile.ZipInfo]) -> None:
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            f"the workbook unpacks to {total} bytes, over the limit of {MAX_UNCOMPRESSED_BYTES};"
            " split it, or save it as CSV"
        )
    for member in members:
        if member.file_size > _RATIO_CHECKED_ABOVE_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise ImportFileError(
                f"the workbook member {member.filename!r} unpacks {member.file_size // max(member.compress_size, 1)}x,"
                f" over the limit of {MAX_COMPRESSION_RATIO}x for a real spreadsheet (a zip bomb, or a damaged file?); {_SAVE_AS}"
            )


def _log_unreadable(exc: BaseException) -> None:
    logger.info("unreadable .xlsx upload: %s: %s", type(exc).__name__, exc)


def _worksheet(book, name: str | None):
    sheets = book.worksheets  # worksheets only, in tab order (no chart sheets)
    if name is None:
        if not sheets:
            raise ImportFileError("the workbook has no worksheet")
        return sheets[0]
    for sheet in sheets:
        if sheet.title == name:
            return sheet
    found = ", ".join(repr(s.title) for s in sheets)
    raise ImportFileError(f"the workbook has no worksheet named {name!r}; its worksheets: {found}")


def _header(numbered, title: str) -> tuple[int, list[str], list[int]]:
    """(row number, column names, their cell positions) of the first non-empty row."""
    for row_number, (cells, _) in numbered:
        names = [cell_text(cell.value) for cell in cells]
        if not any(names):
            continue
        positions = [i for i, name in enumerate(names) if name]
        columns = [names[i] for i in positions]
        check_unique_columns(columns, f"the header (row {row_number})")
        return row_number, columns, positions
    raise ImportFileError(f"the worksheet {title!r} is empty; it needs a header row")


def _row(row_number: int, values, formulas, columns: list[str], positions: list[int]) -> dict | None:
    """{column: text} of one sheet row, None when the row is empty; a formula without a saved
    value or an error value puts a reason under ROW_ERROR."""
    row = {}
    problems = []
    width = len(values)
    for column, i in zip(columns, positions, strict=True):
        cell = values[i] if i < width else None
        if cell is None or cell.value is None:
            row[column] = ""
            formula = formulas[i] if i < len(formulas) else None
            if formula is not None and formula.data_type == "f":
                problems.append(
                    f"cell {get_column_letter(i + 1)}{row_number} ({column}) is a formula saved without its value;"
                    " open the file in Excel or WPS and save it again, or paste the values"
                )
            continue
        if cell.data_type == "e":
            problems.append(f"cell {get_column_letter(i + 1)}{row_number} ({column}) holds the Excel error {cell.value}")
        row[column] = cell_text(cell.value)
    if not any(row.values()) and not problems:
        return None
    if problems:
        row[ROW_ERROR] = "; ".join(problems)
    return row
