"""Reading station tables from CSV, GeoJSON and XLSX (imports.xlsx) into numbered rows of text fields.

Readers only parse; they do not judge the values (imports.rows does). A file that cannot be
read as a table at all raises ImportFileError with a message that says what to fix.
"""

import codecs
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from stations.http.json_input import load_json
from stations.imports.table import ImportFileError, Table, check_unique_columns

FORMATS = ("csv", "geojson", "xlsx")
_SNIFF_BYTES = 64 * 1024
_COUNT_BLOCK_BYTES = 1024 * 1024
_DELIMITERS = ",;\t|"


def guess_format(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if suffix in (".geojson", ".json"):
        return "geojson"
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".xls":
        raise ImportFileError(
            f"{name!r} is an old binary Excel file (.xls), which cannot be read;"
            " save it from Excel or WPS as 'Excel Workbook (.xlsx)' or as 'CSV UTF-8'"
        )
    raise ImportFileError(f"cannot tell the format of {name!r} from its extension; use .csv, .geojson or .xlsx")


def read_table(source: BinaryIO | bytes, fmt: str, encoding: str = "utf-8-sig", sheet: str | None = None) -> Table:
    """A table from an open binary file (read lazily, for CSV and XLSX) or from bytes. CSV text
    may be in another ``encoding`` (e.g. "gb18030", what Excel in China saves by default); an
    XLSX is read from its first worksheet, or the one named ``sheet``."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    if fmt == "csv":
        return _read_csv(stream, encoding)
    if fmt == "xlsx":
        from stations.imports.xlsx import read_xlsx  # openpyxl loads only when needed

        return read_xlsx(stream, sheet)
    if fmt == "geojson":
        return _read_geojson(stream.read())
    raise ImportFileError(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")


_NOT_UTF8 = (
    "the file is not UTF-8 text; save it as UTF-8 (Excel: 'CSV UTF-8'), or name its encoding"
    " (--encoding gb18030 for Excel's default Chinese CSV)"
)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_NOT_UTF8) from None


def _read_csv(stream: BinaryIO, encoding: str) -> Table:
    # Sniff the dialect from the start of the file, then stream it: a million-row file is never
    # held in memory whole. (Undecodable bytes are reported while streaming, with a line number.)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ImportFileError(f"unknown encoding {encoding!r}; e.g. utf-8, gb18030") from None
    head = stream.read(_SNIFF_BYTES)
    sample = head.decode(encoding, errors="ignore")
    if len(head) == _SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only: a cut line can mislead the sniffer
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        dialect = csv.excel  # one column, or too regular to tell: plain commas
    stream.seek(0)
    lines = _count_lines(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    reader = csv.reader(text, dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the CSV file is empty; it needs a header row") from None
    except UnicodeDecodeError:
        raise ImportFileError(_NOT_UTF8) from None
    except csv.Error as exc:  # e.g. a field over csv's 131,072-character limit
        raise ImportFileError(f"the CSV header is malformed: {exc}") from None
    columns = [name.strip() for name in header]
    check_unique_columns(columns, "the CSV header")

    def rows() -> Iterator[tuple[int, dict]]:
        try:
            for values in reader:
                row = dict(zip(columns, map(str.strip, values)))
                if any(row.values()):  # else a blank line
                    yield reader.line_num, row
        except UnicodeDecodeError:
            raise ImportFileError(f"cannot decode line {reader.line_num + 1} as {encoding}: {_NOT_UTF8}") from None
        except csv.Error as exc:
            raise ImportFileError(f"the CSV is malformed after line {reader.line_num}: {exc}") from None

    return Table(columns, rows(), rows_estimate=None if lines is None else max(lines - 1, 0))


def _count_lines(stream: BinaryIO) -> int | None:
    """Lines of a seekable stream (an estimate of its rows: a quoted field may hold a line
    break), read in 1 MB blocks at C speed; the stream is left at its start."""
    try:
        if not stream.seekable():
            return None
    except (AttributeError, OSError):
        return None
    lines, last = 0, b"\n"
    while block := stream.read(_COUNT_BLOCK_BYTES):
        lines += block.count(b"\n")
        last = block[-1:]
    stream.seek(0)
    return lines + (last != b"\n")


def _read_geojson(data: bytes) -> Table:
    try:
        doc = load_json(_decode(data), what="the GeoJSON", hint="a FeatureCollection of Points needs 5")
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"the GeoJSON is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise ImportFileError('the GeoJSON must be a FeatureCollection: {"type": "FeatureCollection", "features": [...]}')
    features = doc["features"]
    columns: dict[str, None] = {}
    for feature in features:
        if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
            columns.update(dict.fromkeys(feature["properties"]))

    def rows() -> Iterator[tuple[int, dict]]:
        for n, feature in enumerate(features, start=1):
            yield n, _feature_row(feature)

    return Table(list(columns), rows(), coord_system=doc.get("coord_system"), fmt="geojson", rows_estimate=len(features))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(_text(v) for v in value)
    return str(value).strip()


def _feature_row(feature) -> dict:
    """Properties as text, plus lon/lat from a Point geometry (or a reason in __geometry_error__)."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return {"__geometry_error__": "is not a GeoJSON Feature"}
    props = feature.get("properties") or {}
    row = {key: _text(value) for key, value in props.items()} if isinstance(props, dict) else {}
    if feature.get("id") is not None and not row.get("external_id"):
        row["external_id"] = _text(feature["id"])
    geometry = feature.get("geometry")
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        row["__geometry_error__"] = "geometry must be a Point"
    elif not isinstance(coords, list) or len(coords) < 2:
        row["__geometry_error__"] = "Point coordinates must be [lon, lat]"
    else:
        row["lon"], row["lat"] = _text(coords[0]), _text(coords[1])
    return row
