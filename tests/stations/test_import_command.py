import csv
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from geodata.coords import bd09_to_wgs84
from geodata.distance import haversine_m
from geodata.index import morton_key
from stations.models import Station

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"


def run(path, *args, **options):
    out, err = StringIO(), StringIO()
    call_command("import_stations", str(path), *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def snapshot():
    return sorted(Station.objects.values_list("source", "external_id", "name", "lat", "lon", "version", "status"))


def test_it_imports_a_csv_and_says_so_in_one_line():
    out, _ = run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian")

    assert out.strip() == "imported 3 stations (created 3, updated 0, unchanged 0), 0 rows rejected"
    station = Station.objects.get(source="futian", external_id="FT-1")
    assert station.name == "福田区总工会暖心驿站"
    assert station.amenities == ["drinking_water", "microwave", "toilet"]
    assert station.opening_hours == "Mo-Su 08:00-20:00"
    assert station.status == "open"  # rows without a status are open
    assert (station.lat, station.lon) == (22.5431, 114.0579)
    assert station.zkey == morton_key(114.0579, 22.5431)
    assert station.district == "福田区" and station.version == 1


def test_it_updates_changed_rows_and_leaves_unchanged_ones_alone(tmp_path):
    run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian")
    Station.objects.filter(external_id="FT-3").update(phone="manager-entered")
    changed = tmp_path / "futian.csv"
    text = (FIXTURES / "futian_ok.csv").read_text(encoding="utf-8").replace("香蜜湖爱心驿站", "香蜜湖爱心驿站（新）")
    changed.write_text(text, encoding="utf-8")

    out, _ = run(changed, kind="rest_station", coordsys="wgs84", source="futian")

    assert "created 0, updated 2, unchanged 1" in out
    versions = dict(Station.objects.values_list("external_id", "version"))
    assert versions == {"FT-1": 1, "FT-2": 2, "FT-3": 2}
    assert Station.objects.get(external_id="FT-2").name == "香蜜湖爱心驿站（新）"
    # The file has a phone column: FT-3's empty phone in the file is the new value.
    assert Station.objects.get(external_id="FT-3").phone == ""
    assert Station.objects.count() == 3


def test_it_keeps_columns_the_file_does_not_have(tmp_path):
    run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian")
    Station.objects.filter(external_id="FT-1").update(status="temporarily_closed")
    minimal = tmp_path / "minimal.csv"
    minimal.write_text("external_id,name,lon,lat\nFT-1,福田区总工会暖心驿站,114.0579,22.5431\n", encoding="utf-8")

    out, _ = run(minimal, kind="rest_station", coordsys="wgs84", source="futian")

    assert "unchanged 1" in out
    station = Station.objects.get(external_id="FT-1")
    assert station.status == "temporarily_closed" and station.phone == "0755-1" and station.version == 1


def test_it_reads_excel_chinese_csv_when_told_its_encoding(tmp_path):
    gbk = tmp_path / "excel.csv"
    gbk.write_bytes("external_id,name,lon,lat\nX-1,福田暖心驿站,114.05,22.54\n".encode("gb18030"))

    with pytest.raises(CommandError, match="--encoding gb18030"):
        run(gbk, kind="rest_station", coordsys="wgs84", source="x")
    assert not Station.objects.exists()

    run(gbk, "--encoding", "gb18030", kind="rest_station", coordsys="wgs84", source="x")
    assert Station.objects.get(external_id="X-1").name == "福田暖心驿站"


def test_it_reads_semicolons_and_a_byte_order_mark():
    out, _ = run(FIXTURES / "semicolon_bom.csv", kind="rest_station", coordsys="wgs84", source="s")

    assert "created 2" in out
    assert Station.objects.get(external_id="S-1").amenities == ["toilet"]


def test_it_converts_gcj02_geojson_to_wgs84_using_feature_ids():
    run(FIXTURES / "gcj02_stations.geojson", kind="rest_station", coordsys="gcj02", source="g")

    pudong = Station.objects.get(external_id="G-1")
    xicheng = Station.objects.get(external_id="G-2")
    # Known pairs (the reference values): WGS-84 (31.1774276, 121.5272106), (39.911954, 116.377817).
    assert haversine_m(pudong.lon, pudong.lat, 121.5272106, 31.1774276) < 0.5
    assert haversine_m(xicheng.lon, xicheng.lat, 116.377817, 39.911954) < 0.5
    assert pudong.amenities == ["toilet", "wifi"] and xicheng.kind == "driver_home"


def test_it_converts_bd09_csv_to_wgs84():
    run(FIXTURES / "bd09_stations.csv", kind="rest_station", coordsys="bd09", source="b")

    station = Station.objects.get(external_id="B-1")
    lon, lat = bd09_to_wgs84(121.5380, 31.1812)
    assert haversine_m(station.lon, station.lat, lon, lat) < 0.01


def test_it_rejects_everything_when_one_row_is_bad_and_says_which_rows():
    run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian")
    before = snapshot()

    with pytest.raises(CommandError, match=r"import aborted: 10 rows rejected, nothing written") as excinfo:
        run(FIXTURES / "broken.csv", kind="rest_station", coordsys="wgs84", source="futian")

    assert snapshot() == before
    assert "--skip-invalid" in str(excinfo.value)


def test_it_explains_every_rejected_row_in_the_report(tmp_path):
    broken = tmp_path / "broken.csv"
    shutil.copyfile(FIXTURES / "broken.csv", broken)

    out, err = run(broken, kind="rest_station", coordsys="wgs84", source="x", skip_invalid=True)

    report = tmp_path / "broken.csv.rejects.csv"
    assert out.strip() == f"imported 2 stations (created 2, updated 0, unchanged 0), 10 rows rejected: see {report}"
    with open(report, encoding="utf-8-sig") as handle:
        rows = {int(r["row"]): r["reason"] for r in csv.DictReader(handle)}
    assert rows[3].startswith("lon/lat (0, 0) is a placeholder")
    assert rows[4].startswith("lat/lon look swapped")
    assert rows[5].startswith("lon 13800138000.0 is out of range -180..180")
    assert rows[6] == "lon 'abc' is not a number"
    assert rows[7].startswith("unknown amenity 'pool'; allowed: parking, ")
    assert "not valid OpenStreetMap opening_hours syntax" in rows[8]
    assert rows[9].startswith("unknown kind 'spaceship'; allowed: rest_station, driver_home, charging_point")
    assert rows[10].startswith("external_id is empty")
    assert rows[11] == "external_id 'OK-1' was already used on row 2"
    assert rows[12] == "name is empty"
    assert set(rows) == {3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
    assert "warning: ignored unknown column(s): color" in err
    assert "warning: row 13: whole-degree coordinates (114, 22) look like a placeholder" in err
    assert set(Station.objects.values_list("external_id", flat=True)) == {"OK-1", "W-1"}


def test_it_writes_nothing_on_a_dry_run():
    out, _ = run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="futian", dry_run=True)

    assert out.strip() == "dry run: would import 3 stations (created 3, updated 0, unchanged 0), 0 rows rejected; nothing written"
    assert not Station.objects.exists()


def test_it_rejects_points_outside_the_within_boundary(tmp_path):
    boundary = tmp_path / "futian_box.geojson"
    # A WGS-84 box around the two eastern Futian rows only.
    boundary.write_text(json.dumps({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[114.025, 22.53], [114.07, 22.53], [114.07, 22.55], [114.025, 22.55], [114.025, 22.53]]]}}))

    out, _ = run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="f", within=str(boundary), skip_invalid=True)

    assert "created 2" in out and "1 rows rejected" in out
    assert not Station.objects.filter(external_id="FT-3").exists()


def test_it_rejects_gcj02_points_outside_china(tmp_path):
    outside = tmp_path / "paris.csv"
    outside.write_text("external_id,name,lon,lat\nP-1,巴黎,2.35,48.85\n", encoding="utf-8")

    with pytest.raises(CommandError):
        run(outside, kind="rest_station", coordsys="gcj02", source="p")

    assert not Station.objects.exists()


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"", "empty.csv", "the CSV file is empty"),
        (b"name,lon\nx,1\n", "nolat.csv", "the file has no column(s) external_id, lat"),
        (b"\xff\xfe\x00bad", "utf16.csv", "is not UTF-8 text"),
        (b"{not json", "bad.geojson", "the GeoJSON is not valid JSON"),
        (b'{"type": "Feature"}', "feature.geojson", "must be a FeatureCollection"),
        (b"x", "stations.xls", "cannot tell the format"),
    ],
)
def test_it_refuses_files_it_cannot_read_with_a_clear_message(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(path, kind="rest_station", coordsys="wgs84", source="x")

    assert not Station.objects.exists()


def test_it_rejects_all_56_broken_rows_of_the_real_jinan_file(shared_data, tmp_path):
    source = tmp_path / "jinan_invalid.csv"
    shutil.copyfile(shared_data / "jinan_ev_charging_invalid_coords.csv", source)
    boundary = shared_data / "boundaries_jinan_districts.geojson"

    out, err = run(source, "--id-column", "source_id", kind="charging_point", coordsys="gcj02", source="jinan", within=str(boundary), skip_invalid=True)

    assert out.strip().startswith("imported 0 stations (created 0, updated 0, unchanged 0), 56 rows rejected")
    with open(tmp_path / "jinan_invalid.csv.rejects.csv", encoding="utf-8-sig") as handle:
        reasons = [r["reason"] for r in csv.DictReader(handle)]
    assert len(reasons) == 56
    assert sum(r.startswith("lon/lat (0, 0) is a placeholder") for r in reasons) == 41
    assert sum(r.startswith("lat/lon look swapped") for r in reasons) == 4
    assert sum("is out of range -180..180" in r for r in reasons) == 3
    assert sum("outside China" in r or "outside the --within boundary" in r for r in reasons) == 8
    assert not Station.objects.exists()


def test_it_loads_the_demo_data_idempotently():
    first, second = StringIO(), StringIO()

    call_command("load_demo", stdout=first)
    counts = Station.objects.count()
    versions = sorted(Station.objects.values_list("version", flat=True).distinct())
    call_command("load_demo", stdout=second)

    assert counts == 693 + 1587 + 215
    assert "created 693" in first.getvalue()
    assert second.getvalue().count("created 0, updated 0") == 3
    assert Station.objects.count() == counts
    assert versions == [1] and sorted(Station.objects.values_list("version", flat=True).distinct()) == [1]
    assert all(source.startswith("demo:") for source in Station.objects.values_list("source", flat=True).distinct())
