"""Importing Excel (.xlsx) workbooks: the same rows as a CSV would give, numbered as Excel shows them.

Workbooks are built in each test with openpyxl; where a file needs what openpyxl cannot write
(a formula's saved value, a 17-digit double), the sheet XML is patched in the zip.
"""

import datetime
import io
import random
import re
import zipfile

import pytest
from django.core.management import CommandError
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from stations.models import Station
from stations.imports import xlsx as import_xlsx
from stations.search.hours import STATION_TZ
from stations.imports.readers import guess_format, read_table
from stations.imports.table import ImportFileError
from stations.imports.xlsx import cell_text
from stations.imports.importer import ImportOptions, import_stations
from tests.stations.imports.helpers import run

pytestmark = pytest.mark.django_db

HEADER = ["external_id", "name", "lon", "lat", "phone"]
SHEET_XML = "xl/worksheets/sheet1.xml"


def xlsx(*rows, title: str | None = None, more_sheets: dict | None = None) -> bytes:
    """A workbook whose first sheet holds ``rows`` (lists of cell values; None is an empty row)."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.title = title
    for sheet_rows, target in [(rows, sheet), *((r, book.create_sheet(t)) for t, r in (more_sheets or {}).items())]:
        for row in sheet_rows:
            target.append(row if row is not None else [])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def patch_sheet(data: bytes, pattern: str, replacement: str) -> bytes:
    """The workbook with one regex substitution in its first sheet's XML."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == SHEET_XML:
                content, count = re.subn(pattern, replacement, content.decode())
                assert count == 1, f"{pattern!r} not found once in the sheet"
                content = content.encode()
            target.writestr(member, content)
    return out.getvalue()


def rows_of(data: bytes, **kwargs) -> list[tuple[int, dict]]:
    return list(read_table(data, "xlsx", **kwargs).rows)


def write(tmp_path, data: bytes, name: str = "stations.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_it_imports_an_xlsx_through_the_command_and_says_so_in_one_line(tmp_path):
    path = write(tmp_path, xlsx(
        [*HEADER, "amenities", "last_verified_at", "battery_swap", "kind"],
        ["FT-1", "福田区总工会暖心驿站", 114.0579, 22.5431, 13800138000, "toilet;microwave",
         datetime.datetime(2026, 11, 1, 10, 30), True, None],
        ["FT-2", "香蜜湖爱心驿站", 114.0301, 22.5412, "0755-83000000", None, datetime.date(2026, 10, 2), False, "driver_home"],
    ))

    out, err = run(path, kind="rest_station", coordsys="wgs84", source="futian")

    assert out == "imported 2 stations (created 2, updated 0, unchanged 0), 0 rows rejected\n"
    assert err == ""
    first = Station.objects.get(source="futian", external_id="FT-1")
    assert (first.name, first.lon, first.lat, first.phone) == ("福田区总工会暖心驿站", 114.0579, 22.5431, "13800138000")
    assert first.amenities == ["microwave", "toilet"]
    assert first.last_verified_at == datetime.datetime(2026, 11, 1, 10, 30, tzinfo=STATION_TZ)  # local time
    assert (first.battery_swap, first.kind) == (True, "rest_station")
    second = Station.objects.get(source="futian", external_id="FT-2")
    assert (second.phone, second.battery_swap, second.kind) == ("0755-83000000", False, "driver_home")
    assert second.last_verified_at == datetime.datetime(2026, 10, 2, tzinfo=STATION_TZ)


def test_it_updates_by_external_id_on_a_second_import(tmp_path):
    rows = [HEADER, ["X-1", "甲驿站", 114.05, 22.54, 13800138000], ["X-2", "乙驿站", 114.06, 22.55, None]]
    run(write(tmp_path, xlsx(*rows)), kind="rest_station", coordsys="wgs84", source="x")
    rows[2][1] = "乙驿站（新）"

    out, _ = run(write(tmp_path, xlsx(*rows), "again.xlsx"), kind="rest_station", coordsys="wgs84", source="x")

    assert out == "imported 2 stations (created 0, updated 1, unchanged 1), 0 rows rejected\n"
    assert dict(Station.objects.values_list("external_id", "version")) == {"X-1": 1, "X-2": 2}
    assert Station.objects.get(external_id="X-2").name == "乙驿站（新）"


@pytest.mark.parametrize(
    "value, text",
    [
        (13800138000, "13800138000"),
        (13800138000.0, "13800138000"),  # how Excel stores every number: a double
        (1.38e10, "13800000000"),
        (440300, "440300"),
        (-0.0, "0"),
        (1e20, "100000000000000000000"),
        (114.05791234567891, "114.05791234567891"),
        (0.1 + 0.2, "0.30000000000000004"),
        (22.5, "22.5"),
        (True, "true"),
        (False, "false"),
        (None, ""),
        ("  福田 ", "福田"),
        (datetime.datetime(2026, 11, 1), "2026-11-01"),
        (datetime.datetime(2026, 11, 1, 8, 0, 5), "2026-11-01T08:00:05"),
        (datetime.date(2026, 1, 31), "2026-01-31"),
        (datetime.time(8, 30), "08:30:00"),
    ],
)
def test_it_turns_cell_values_into_the_text_a_csv_would_hold(value, text):
    assert cell_text(value) == text


def test_it_reads_big_integers_without_a_decimal_point_or_exponent_from_a_file():
    data = xlsx(HEADER, [13800138000, "甲", 114.05, 22.54, 13800138000.0], [1.38e10, "乙", 114, 22, 15610383000])

    assert rows_of(data) == [
        (2, {"external_id": "13800138000", "name": "甲", "lon": "114.05", "lat": "22.54", "phone": "13800138000"}),
        (3, {"external_id": "13800000000", "name": "乙", "lon": "114", "lat": "22", "phone": "15610383000"}),
    ]


def test_it_keeps_every_digit_excel_saved_for_a_coordinate():
    data = patch_sheet(xlsx(HEADER, ["A", "甲", 1.5, 22.54, None]), r"<v>1\.5</v>", "<v>114.05791234567891</v>")

    (_, row), = rows_of(data)

    assert row["lon"] == "114.05791234567891"
    assert float(row["lon"]) == 114.05791234567891


def test_it_reads_dates_and_times_as_iso_8601():
    data = xlsx(
        ["external_id", "name", "last_verified_at", "opens"],
        ["A", "甲", datetime.date(2026, 11, 1), datetime.time(8, 0)],
        ["B", "乙", datetime.datetime(2026, 11, 1, 23, 59, 30), None],
    )

    assert [row for _, row in rows_of(data)] == [
        {"external_id": "A", "name": "甲", "last_verified_at": "2026-11-01", "opens": "08:00:00"},
        {"external_id": "B", "name": "乙", "last_verified_at": "2026-11-01T23:59:30", "opens": ""},
    ]


def test_it_finds_the_header_below_empty_rows_and_numbers_rows_as_excel_does():
    book = Workbook()
    sheet = book.active
    sheet["A3"], sheet["B3"], sheet["D3"], sheet["E3"], sheet["F3"] = "external_id", "name", "lon", "lat", "  "
    sheet["C3"] = None  # a column without a header is skipped
    sheet.append(["A", "甲", "ignored", 114.05, 22.54])
    sheet.append([None, "   ", None])  # blank (spaces only): skipped
    sheet.append(["B", "乙", None, 114.06, 22.55])
    sheet.cell(row=40, column=30).fill = PatternFill("solid", fgColor="FFFF00")  # formatted, empty: ignored
    out = io.BytesIO()
    book.save(out)

    table = read_table(out.getvalue(), "xlsx")

    assert table.columns == ["external_id", "name", "lon", "lat"]
    assert list(table.rows) == [
        (4, {"external_id": "A", "name": "甲", "lon": "114.05", "lat": "22.54"}),
        (6, {"external_id": "B", "name": "乙", "lon": "114.06", "lat": "22.55"}),
    ]


def test_it_names_rejected_rows_by_their_excel_row_number(tmp_path):
    path = write(tmp_path, xlsx(None, HEADER, ["A", "甲", 114.05, 22.54], None, ["B", "乙", 0, 0]))

    with pytest.raises(CommandError) as excinfo:
        run(path, kind="rest_station", coordsys="wgs84", source="x")

    assert str(excinfo.value).splitlines()[0] == (
        "row 5: lon/lat (0, 0) is a placeholder, not a location; fill in the real coordinates"
    )
    assert not Station.objects.exists()


def test_it_reads_a_formula_as_the_value_excel_saved_with_it():
    data = patch_sheet(xlsx(HEADER, ["A", "甲", 114.05, 22.54, "=A2"]), r"<f>A2</f><v ?/>", "<f>A2</f><v>13800138000</v>")

    assert rows_of(data)[0][1]["phone"] == "13800138000"


def test_it_rejects_the_row_of_a_formula_saved_without_its_value_and_of_an_excel_error():
    data = xlsx(
        HEADER,
        ["A", "甲", 114.05, 22.54, "=1+1"],  # openpyxl, like most scripts, saves no value for formulas
        ["B", "乙", 114.06, 22.55, "#N/A"],
        ["C", "丙", 114.07, 22.56, None],
    )

    report = import_stations(
        read_table(data, "xlsx"), ImportOptions(source="x", kind="rest_station", skip_invalid=True)
    )

    assert [(r.row, r.external_id, r.reason) for r in report.rejects] == [
        (2, "A", "cell E2 (phone) is a formula saved without its value; open the file in Excel or WPS and save it"
                 " again, or paste the values"),
        (3, "B", "cell E3 (phone) holds the Excel error #N/A"),
    ]
    assert list(Station.objects.values_list("external_id", flat=True)) == ["C"]


def test_it_reads_the_first_worksheet_or_the_one_named(tmp_path):
    data = xlsx(HEADER, ["A", "甲", 114.05, 22.54], title="说明", more_sheets={"驿站": [HEADER, ["B", "乙", 114.06, 22.55]]})

    assert [row["external_id"] for _, row in rows_of(data)] == ["A"]
    assert [row["external_id"] for _, row in rows_of(data, sheet="驿站")] == ["B"]
    with pytest.raises(ImportFileError, match="no worksheet named 'Sheet2'; its worksheets: '说明', '驿站'"):
        read_table(data, "xlsx", sheet="Sheet2")

    out, _ = run(write(tmp_path, data), "--sheet", "驿站", kind="rest_station", coordsys="wgs84", source="x")
    assert "created 1" in out
    assert Station.objects.get().external_id == "B"


def test_it_names_the_missing_columns_and_the_ones_found(tmp_path):
    with pytest.raises(CommandError, match=r"the file has no column\(s\) lat; columns found: external_id, name, lon$"):
        run(write(tmp_path, xlsx(["external_id", "name", "lon"], ["A", "甲", 114.05])), kind="rest_station",
            coordsys="wgs84", source="x")


def test_it_wants_our_column_names_not_chinese_headers(tmp_path):
    path = write(tmp_path, xlsx(["编号", "名称", "经度", "纬度"], ["A", "甲", 114.05, 22.54]))

    with pytest.raises(CommandError, match=r"no column\(s\) name, external_id, lon, lat; columns found: 编号, 名称, 经度, 纬度"):
        run(path, kind="rest_station", coordsys="wgs84", source="x")
    assert not Station.objects.exists()


@pytest.mark.parametrize(
    "rows, message",
    [
        ([], "the worksheet 'Sheet' is empty; it needs a header row"),
        ([None, None], "the worksheet 'Sheet' is empty; it needs a header row"),
        ([None, ["name", "lon", "name"]], r"the header \(row 2\) repeats column\(s\) name"),
    ],
)
def test_it_refuses_a_sheet_without_a_usable_header(rows, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(xlsx(*rows), "xlsx")


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


VALID = xlsx(HEADER, ["A", "甲", 114.05, 22.54])


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        ("external_id,name,lon,lat\nA,甲,114.05,22.54\n".encode(), "is not an Excel workbook .* if it is a CSV, name it .csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), r"old binary Excel file \(.xls\) or a password-protected"),
        (VALID[: len(VALID) // 2], "the .xlsx file is damaged or incomplete"),
        (VALID[:-30], "the .xlsx file is damaged or incomplete"),
        (_zip({"hello.txt": b"hi"}), "the file is not a readable Excel workbook"),
        (_zip({SHEET_XML: b" " * (20 * 1024 * 1024)}), r"'xl/worksheets/sheet1.xml' unpacks \d+x, over the limit of 200x"),
        (b"PK\x03\x04" + random.Random(0).randbytes(3000), "the .xlsx file is damaged or incomplete"),
    ],
    ids=["empty", "csv", "xls", "half", "no-directory-end", "not-excel", "zip-bomb", "random"],
)
def test_it_refuses_what_is_not_a_readable_workbook_with_a_clear_message(tmp_path, content, message):
    with pytest.raises(CommandError, match=message):
        run(write(tmp_path, content), kind="rest_station", coordsys="wgs84", source="x")

    assert not Station.objects.exists()


def test_it_refuses_a_workbook_that_unpacks_past_the_limit(monkeypatch):
    monkeypatch.setattr(import_xlsx, "MAX_UNCOMPRESSED_BYTES", 10_000)

    with pytest.raises(ImportFileError, match=r"the workbook unpacks to \d+ bytes, over the limit of 10000"):
        read_table(VALID, "xlsx")


def test_it_survives_damaged_bytes_anywhere_in_a_workbook():
    rng = random.Random(20261101)
    for _ in range(100):
        damaged = bytearray(VALID)
        for _ in range(rng.randrange(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            list(read_table(bytes(damaged), "xlsx").rows)
        except ImportFileError:
            pass  # anything else (a traceback) fails the test


def test_it_knows_xlsx_and_tells_what_to_do_with_an_old_xls(tmp_path):
    assert guess_format("驿站.XLSX") == "xlsx"

    with pytest.raises(CommandError, match=r"'stations.xls' is an old binary Excel file \(.xls\).* 'CSV UTF-8'"):
        run(write(tmp_path, VALID, "stations.xls"), kind="rest_station", coordsys="wgs84", source="x")


# What openpyxl, zipfile and the XML parser say about a broken file means nothing to a manager
# (found by fuzzing: "BadZipFile: File is not a zip file", "KeyError: There is no item named
# '[Content_Types].xml' in the archive"); the answer says what to do instead.
_INTERNALS = re.compile(r"Error|BadZip|zlib|Exception|There is no item|\[Content_Types\]|Errno|codec|line \d+, column")


def _damaged_workbooks():
    rng = random.Random(20261216)
    yield VALID[: len(VALID) // 2]
    yield VALID[:-30]
    yield _zip({"hello.txt": b"hi"})
    yield _zip({"[Content_Types].xml": b"<not xml", "xl/workbook.xml": b"<"})
    yield b"PK\x03\x04" + rng.randbytes(3000)
    for _ in range(60):
        damaged = bytearray(VALID)
        for _ in range(rng.randrange(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        yield bytes(damaged)


def test_a_broken_workbook_answers_a_fixed_helpful_message_without_exception_internals():
    messages = set()
    for content in _damaged_workbooks():
        try:
            list(read_table(content, "xlsx").rows)
        except ImportFileError as exc:
            messages.add(str(exc))
    assert any(message.startswith("the file is not a readable Excel workbook;") for message in messages)
    for message in messages:
        # (a damaged size field can also make it look like a zip bomb, which says what to do too)
        assert "save it again from Excel or WPS as 'Excel Workbook (.xlsx)'" in message or "save it as CSV" in message, message
        assert not _INTERNALS.search(message), message
