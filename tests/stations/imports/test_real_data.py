"""Importing real files: the broken Jinan rows (../shared/data) and the shipped demo data."""

import csv
import shutil
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from geodata.coords import wgs84_to_gcj02
from geodata.distance import haversine_m
from stations.models import Station
from tests.stations.imports.helpers import run

pytestmark = pytest.mark.django_db


def classify(reason: str) -> str:
    for prefix, label in [
        ("lon/lat (0, 0) is a placeholder", "zero_zero"),
        ("lat/lon look swapped", "lon_lat_swapped"),
        ("lon ", "lon_out_of_range"),
    ]:
        if reason.startswith(prefix):
            return label
    if "outside China" in reason or "outside the boundary" in reason:
        return "integer_degrees_placeholder" if "whole-degree" in reason else "outside_city"
    return reason


def test_it_rejects_all_56_broken_rows_of_the_real_jinan_file(shared_data, tmp_path):
    # The file's id column is source_id; its "problem" column says what the source got wrong
    # (zero_zero, lon_lat_swapped, lon_out_of_range, outside_city, integer_degrees_placeholder).
    source = tmp_path / "jinan_invalid.csv"
    shutil.copyfile(shared_data / "jinan_ev_charging_invalid_coords.csv", source)
    boundary = shared_data / "boundaries_jinan_districts.geojson"  # GCJ-02, like the file

    out, err = run(source, "--id-column", "source_id", kind="charging_point", coordsys="gcj02", source="jinan",
                   within=str(boundary), skip_invalid=True)

    report = tmp_path / "jinan_invalid.csv.rejects.csv"
    assert out == f"imported 0 stations (created 0, updated 0, unchanged 0), 56 rows rejected: see {report}\n"
    assert "warning: ignored unknown column(s): category, problem" in err
    with open(report, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 56
    # Each reject's reason agrees with the problem the source itself recorded.
    assert [classify(r["reason"]) for r in rows] == [r["problem"] for r in rows]
    assert Counter(r["problem"] for r in rows) == {
        "zero_zero": 41, "integer_degrees_placeholder": 5, "lon_lat_swapped": 4, "outside_city": 3, "lon_out_of_range": 3,
    }
    by_id = {r["external_id"]: r["reason"] for r in rows}
    assert by_id["601"] == "lon 15610383000.0 is out of range -180..180 (a phone number or another column's value?)"
    assert by_id["482"] == (
        "point (117.0, 36.0) (GCJ-02) is outside the boundary boundaries_jinan_districts.geojson;"
        " whole-degree coordinates like these are usually a placeholder"
    )
    assert not Station.objects.exists()


def test_it_writes_nothing_from_the_jinan_file_without_skip_invalid(shared_data):
    with pytest.raises(CommandError, match="import aborted: 56 rows rejected, nothing written"):
        run(shared_data / "jinan_ev_charging_invalid_coords.csv", "--id-column", "source_id", kind="charging_point",
            coordsys="gcj02", source="jinan", within=str(shared_data / "boundaries_jinan_districts.geojson"))

    assert not Station.objects.exists()


def test_it_loads_the_demo_data_idempotently():
    first, second = StringIO(), StringIO()

    call_command("load_demo", stdout=first)
    before = sorted(Station.objects.values_list("source", "external_id", "version", "updated_at", "lon", "lat"))
    call_command("load_demo", stdout=second)

    assert first.getvalue().splitlines() == [
        "boundaries_shenzhen_districts.geojson: loaded 10 organisations (created 10, updated 0)",
        "shenzhen_rest_stations.wgs84.csv: imported 693 stations (created 693, updated 0, unchanged 0), 0 rows rejected",
        "shenzhen_charging_points.gcj02.csv: imported 1587 stations (created 1587, updated 0, unchanged 0), 0 rows rejected",
        "anhui_driver_homes.gcj02.csv: imported 215 stations (created 215, updated 0, unchanged 0), 0 rows rejected",
        "shenzhen_demand_food.csv: imported 923 demand points (total weight 923) into dataset 'shenzhen-food-pickups'",
    ]
    assert second.getvalue().splitlines() == [
        "boundaries_shenzhen_districts.geojson: loaded 10 organisations (created 0, updated 10)",
        "shenzhen_rest_stations.wgs84.csv: imported 693 stations (created 0, updated 0, unchanged 693), 0 rows rejected",
        "shenzhen_charging_points.gcj02.csv: imported 1587 stations (created 0, updated 0, unchanged 1587), 0 rows rejected",
        "anhui_driver_homes.gcj02.csv: imported 215 stations (created 0, updated 0, unchanged 215), 0 rows rejected",
        "shenzhen_demand_food.csv: dataset 'shenzhen-food-pickups' unchanged: the file holds the same 923 demand points"
        " (total weight 923); nothing written",
    ]
    assert sorted(Station.objects.values_list("source", "external_id", "version", "updated_at", "lon", "lat")) == before
    assert {source.split(" ")[0] for source in Station.objects.values_list("source", flat=True).distinct()} == {
        "demo:osm-shenzhen", "demo:urbanev-shenzhen", "demo:osm-anhui-services",
    }
    assert dict(Counter(Station.objects.values_list("kind", flat=True))) == {
        "rest_station": 693, "charging_point": 1587, "driver_home": 215,
    }


def test_it_stores_the_gcj02_demo_points_in_wgs84_inside_their_districts():
    call_command("load_demo", stdout=StringIO())

    # UrbanEV station 1001 is at GCJ-02 (113.784724, 22.714121) in Bao'an, as the file says.
    station = Station.objects.get(source__startswith="demo:urbanev", external_id="1001")
    assert (station.district, station.district_adcode, station.charging_sockets) == ("宝安区", "440306", 20)
    assert haversine_m(*wgs84_to_gcj02(station.lon, station.lat), 113.784724, 22.714121) < 0.5
    # ../shared/data/README.md: WGS-84 and GCJ-02 differ by about 480-610 m in these cities.
    assert 450 < haversine_m(station.lon, station.lat, 113.784724, 22.714121) < 650
