"""manage.py import_stations: upserts, versions, all-or-nothing, rejects report, dry run, file errors."""

import csv
import shutil

import pytest
from django.core.management import CommandError

from geodata.index import morton_key
from stations.models import Station
from tests.stations.imports.helpers import FIXTURES, run

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(
        Station.objects.values_list("source", "external_id", "name", "lat", "lon", "version", "status", "updated_at")
    )


def test_it_imports_a_csv_and_says_so_in_one_line():
    out, err = run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian")

    assert out == "imported 3 stations (created 3, updated 0, unchanged 0), 0 rows rejected\n"
    assert err == ""
    station = Station.objects.get(source="futian", external_id="FT-1")
    assert station.name == "福田区总工会暖心驿站"
    assert station.kind == "rest_station"
    assert station.amenities == ["drinking_water", "microwave", "toilet"]
    assert station.opening_hours == "Mo-Su 08:00-20:00"
    assert station.status == "open"  # rows without a status are open
    assert (station.lat, station.lon) == (22.5431, 114.0579)
    assert station.zkey == morton_key(114.0579, 22.5431)
    assert (station.district, station.phone, station.version) == ("福田区", "0755-1", 1)
    assert Station.objects.get(external_id="FT-3").status == "open"


def test_it_updates_changed_rows_bumping_their_version_and_leaves_unchanged_ones_alone(tmp_path):
    run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian")
    Station.objects.filter(external_id="FT-3").update(phone="manager-entered")
    before = {s.external_id: s.updated_at for s in Station.objects.all()}
    changed = tmp_path / "futian.csv"
    text = (FIXTURES / "futian_ok.csv").read_text(encoding="utf-8").replace("香蜜湖爱心驿站", "香蜜湖爱心驿站（新）")
    changed.write_text(text, encoding="utf-8")

    out, _ = run(changed, kind="rest_station", coordsys="wgs84", source="futian")

    assert out == "imported 3 stations (created 0, updated 2, unchanged 1), 0 rows rejected\n"
    stations = {s.external_id: s for s in Station.objects.all()}
    assert {k: s.version for k, s in stations.items()} == {"FT-1": 1, "FT-2": 2, "FT-3": 2}
    assert stations["FT-1"].updated_at == before["FT-1"]
    assert stations["FT-2"].updated_at > before["FT-2"]
    assert stations["FT-2"].name == "香蜜湖爱心驿站（新）"
    # The file has a phone column: FT-3's empty phone in the file is the new value.
    assert stations["FT-3"].phone == ""
    assert Station.objects.count() == 3


def test_it_leaves_a_second_identical_import_untouched():
    run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian")
    before = snapshot()

    out, _ = run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian")

    assert out == "imported 3 stations (created 0, updated 0, unchanged 3), 0 rows rejected\n"
    assert snapshot() == before


def test_it_keeps_the_same_external_id_apart_under_another_source():
    run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian")

    out, _ = run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian-copy")

    assert "created 3" in out
    assert Station.objects.filter(external_id="FT-1").count() == 2


def test_it_keeps_columns_the_file_does_not_have(tmp_path):
    run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian")
    Station.objects.filter(external_id="FT-1").update(status="temporarily_closed")
    minimal = tmp_path / "minimal.csv"
    minimal.write_text("external_id,name,lon,lat\nFT-1,福田区总工会暖心驿站,114.0579,22.5431\n", encoding="utf-8")

    out, _ = run(minimal, kind="rest_station", coordsys="wgs84", source="futian")

    assert "unchanged 1" in out
    station = Station.objects.get(external_id="FT-1")
    assert (station.status, station.phone, station.version) == ("temporarily_closed", "0755-1", 1)


def test_it_takes_the_kind_from_the_file_over_the_option(tmp_path):
    path = tmp_path / "kinds.csv"
    path.write_text("external_id,name,lon,lat,kind\nK-1,司机之家,114.05,22.54,driver_home\nK-2,驿站,114.06,22.55,\n", encoding="utf-8")

    run(path, kind="rest_station", coordsys="wgs84", source="k")

    assert dict(Station.objects.values_list("external_id", "kind")) == {"K-1": "driver_home", "K-2": "rest_station"}


def test_it_reads_excel_chinese_csv_when_told_its_encoding(tmp_path):
    gbk = tmp_path / "excel.csv"
    gbk.write_bytes("external_id,name,lon,lat\nX-1,福田暖心驿站,114.05,22.54\n".encode("gb18030"))

    with pytest.raises(CommandError, match="--encoding gb18030"):
        run(gbk, kind="rest_station", coordsys="wgs84", source="x")
    assert not Station.objects.exists()

    run(gbk, "--encoding", "gb18030", kind="rest_station", coordsys="wgs84", source="x")
    assert Station.objects.get(external_id="X-1").name == "福田暖心驿站"


@pytest.mark.parametrize("name", ["semicolon_bom.csv", "tab_bom.tsv"])
def test_it_sniffs_the_delimiter_and_skips_a_byte_order_mark(name):
    out, _ = run(FIXTURES / name, kind="rest_station", coordsys="wgs84", source="s")

    assert "0 rows rejected" in out
    first = Station.objects.order_by("external_id").first()
    assert first.external_id in ("S-1", "T-1")  # not "\ufeffexternal_id"-mangled
    assert "toilet" in first.amenities


def test_it_rolls_everything_back_when_one_row_is_bad_and_lists_the_rows():
    run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian")
    before = snapshot()

    with pytest.raises(CommandError) as excinfo:
        # OK-1 / W-1 / D-1 are valid and new, but must not be written either.
        run(FIXTURES / "broken.csv", kind="rest_station", coordsys="wgs84", source="futian")

    assert snapshot() == before
    message = str(excinfo.value)
    assert message.splitlines()[0] == "row 3: lon/lat (0, 0) is a placeholder, not a location; fill in the real coordinates"
    assert "row 16: unknown worker type 'astronaut'" in message
    assert message.splitlines()[-1] == "import aborted: 13 rows rejected, nothing written (fix them, or use --skip-invalid)"


def test_it_lists_only_the_first_twenty_rejects_and_a_count(tmp_path):
    path = tmp_path / "zeros.csv"
    path.write_text("external_id,name,lon,lat\n" + "".join(f"Z-{i},零,0,0\n" for i in range(25)), encoding="utf-8")

    with pytest.raises(CommandError) as excinfo:
        run(path, kind="rest_station", coordsys="wgs84", source="z")

    lines = str(excinfo.value).splitlines()
    assert lines[0].startswith("row 2: ") and lines[19].startswith("row 21: ")
    assert lines[20] == "... and 5 more rejected rows"
    assert lines[21].startswith("import aborted: 25 rows rejected")


def test_it_writes_the_valid_rows_and_a_rejects_report_with_skip_invalid(tmp_path):
    broken = tmp_path / "broken.csv"
    shutil.copyfile(FIXTURES / "broken.csv", broken)

    out, err = run(broken, kind="rest_station", coordsys="wgs84", source="x", skip_invalid=True)

    report = tmp_path / "broken.csv.rejects.csv"
    assert out == f"imported 3 stations (created 3, updated 0, unchanged 0), 13 rows rejected: see {report}\n"
    assert "row 3: lon/lat (0, 0) is a placeholder" in err
    assert set(Station.objects.values_list("external_id", flat=True)) == {"OK-1", "W-1", "D-1"}
    with open(report, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["row", "external_id", "reason", "name", "lon", "lat", "amenities", "opening_hours", "kind", "status", "eligible_workers", "color"]
    assert [int(r["row"]) for r in rows] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16]
    # The original fields come back unchanged, so the report can be fixed and re-imported.
    assert rows[2] == {
        "row": "5", "external_id": "N-1", "reason": "lon 13800138000 is out of range -180..180 (a phone number or another column's value?)",
        "name": "电话驿站", "lon": "13800138000", "lat": "22.5", "amenities": "", "opening_hours": "", "kind": "",
        "status": "", "eligible_workers": "", "color": "",
    }


def test_it_writes_the_rejects_report_where_asked(tmp_path):
    report = tmp_path / "out" / "report.csv"
    report.parent.mkdir()

    out, _ = run(FIXTURES / "broken.csv", kind="rest_station", coordsys="wgs84", source="x", skip_invalid=True, rejects=str(report))

    assert out.endswith(f"13 rows rejected: see {report}\n")
    assert len(report.read_text(encoding="utf-8-sig").splitlines()) == 14
    assert not (FIXTURES / "broken.csv.rejects.csv").exists()


def test_it_writes_nothing_on_a_dry_run():
    out, _ = run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian", dry_run=True)

    assert out == "dry run: would create 3, update 0 and leave 0 unchanged, 0 rows rejected; nothing written\n"
    assert not Station.objects.exists()


def test_it_reports_updates_on_a_dry_run_without_making_them(tmp_path):
    run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian")
    before = snapshot()
    changed = tmp_path / "futian.csv"
    changed.write_text((FIXTURES / "futian_ok.csv").read_text(encoding="utf-8").replace("0755-1", "0755-2"), encoding="utf-8")

    out, _ = run(changed, kind="rest_station", coordsys="wgs84", source="futian", dry_run=True)

    assert out == "dry run: would create 0, update 1 and leave 2 unchanged, 0 rows rejected; nothing written\n"
    assert snapshot() == before


def test_it_dry_runs_a_broken_file_without_failing_or_writing_a_report(tmp_path):
    broken = tmp_path / "broken.csv"
    shutil.copyfile(FIXTURES / "broken.csv", broken)

    out, err = run(broken, kind="rest_station", coordsys="wgs84", source="x", dry_run=True)

    assert out == "dry run: would create 3, update 0 and leave 0 unchanged, 13 rows rejected; nothing written\n"
    assert "row 4: lat/lon look swapped" in err
    assert not Station.objects.exists()
    assert not (tmp_path / "broken.csv.rejects.csv").exists()


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"", "empty.csv", "the CSV file is empty"),
        (b"name,lon\nx,1\n", "nolat.csv", "the file has no column(s) external_id, lat"),
        (b"\xff\xfe\x00bad", "utf16.csv", "is not UTF-8 text"),
        (b"{not json", "bad.geojson", "the GeoJSON is not valid JSON"),
        (b'{"type": "Feature"}', "feature.geojson", "must be a FeatureCollection"),
        (b"x", "stations.ods", "cannot tell the format"),
        (b"external_id,name,name,lon,lat\n", "twice.csv", "the CSV header repeats column(s) name"),
    ],
)
def test_it_refuses_files_it_cannot_read_with_a_clear_message(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(path, kind="rest_station", coordsys="wgs84", source="x")

    assert not Station.objects.exists()


def test_it_says_when_the_file_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="cannot read .*missing.csv: No such file or directory"):
        run(tmp_path / "missing.csv", kind="rest_station", coordsys="wgs84", source="x")


def test_it_refuses_to_start_when_the_rejects_report_cannot_be_written(tmp_path):
    with pytest.raises(CommandError, match="cannot write the rejects report to .*nowhere/r.csv"):
        run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="x", skip_invalid=True,
            rejects=str(tmp_path / "nowhere" / "r.csv"))

    assert not Station.objects.exists()


def test_the_rejects_report_holds_every_rejected_row_however_many(tmp_path, monkeypatch):
    from stations.imports import importer

    monkeypatch.setattr(importer, "MAX_KEPT_REJECTS", 5)  # what the import keeps in memory
    path = tmp_path / "many.csv"
    path.write_text("external_id,name,lon,lat\n" + "".join(f"R{i},x,0,0\n" for i in range(300)) + "OK,好,114.05,22.54\n", encoding="utf-8")

    out, err = run(path, kind="rest_station", coordsys="wgs84", source="x", skip_invalid=True)

    report = tmp_path / "many.csv.rejects.csv"
    assert out == f"imported 1 stations (created 1, updated 0, unchanged 0), 300 rows rejected: see {report}\n"
    with open(report, encoding="utf-8-sig", newline="") as handle:
        assert [int(r["row"]) for r in csv.DictReader(handle)] == list(range(2, 302))
    assert "... and 280 more rejected rows" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.csv", "many.csv.rejects.csv"]  # no temporary file left


def test_an_aborted_import_leaves_no_rejects_report(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("external_id,name,lon,lat\nR1,x,0,0\n", encoding="utf-8")

    with pytest.raises(CommandError):
        run(path, kind="rest_station", coordsys="wgs84", source="x")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]
