import io
import json

import pytest
from django.core.management import CommandError, call_command

from stations.models import DemandDataset, DemandPoint
from tests.stations.planning.conftest import DATASET, DEMAND_CSV

pytestmark = pytest.mark.django_db


def run(tmp_path, content: bytes, *args, name="demand.csv") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    out = io.StringIO()
    call_command("import_demand", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_imports_csv_points_with_their_weights(tmp_path):
    out = run(tmp_path, DEMAND_CSV, "--dataset", DATASET, "--coordsys", "wgs84", "--weight-field", "orders")
    assert out.strip() == f"imported 3 demand points (total weight 7) into dataset '{DATASET}'"
    rows = list(DemandPoint.objects.order_by("external_id").values_list("external_id", "lon", "lat", "weight", "category"))
    assert rows == [
        ("f-a", 114.05, 22.54, 4.0, "fast_food"),
        ("n-a", 113.93, 22.53, 2.0, "restaurant"),
        ("n-b", 113.93, 22.539, 1.0, "cafe"),
    ]


def test_it_weighs_every_point_one_without_a_weight_field(tmp_path):
    run(tmp_path, DEMAND_CSV, "--dataset", DATASET, "--coordsys", "wgs84")
    assert sorted(DemandPoint.objects.values_list("weight", flat=True)) == [1.0, 1.0, 1.0]


def test_it_weighs_an_empty_weight_cell_one(tmp_path):
    run(tmp_path, b"lon,lat,w\n114.05,22.54,\n114.06,22.54,3\n", "--dataset", "d", "--coordsys", "wgs84", "--weight-field", "w")
    assert sorted(DemandPoint.objects.values_list("weight", flat=True)) == [1.0, 3.0]


def test_it_converts_gcj02_to_wgs84(tmp_path):
    from geodata.coords import gcj02_to_wgs84

    run(tmp_path, b"lon,lat\n114.05,22.54\n", "--dataset", "d", "--coordsys", "gcj02")
    point = DemandPoint.objects.get()
    assert (point.lon, point.lat) == pytest.approx(gcj02_to_wgs84(114.05, 22.54), abs=1e-9)


def test_it_imports_geojson_points(tmp_path):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": "x1", "geometry": {"type": "Point", "coordinates": [114.05, 22.54]}, "properties": {"w": 2.5}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [114.06, 22.55]}, "properties": {}},
        ],
    }
    out = run(tmp_path, json.dumps(doc).encode(), "--dataset", "g", "--coordsys", "wgs84", "--weight-field", "w", name="d.geojson")
    assert "imported 2 demand points (total weight 3.5)" in out
    assert sorted(DemandPoint.objects.values_list("external_id", "weight")) == [("", 1.0), ("x1", 2.5)]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (b"abc,22.5,1", "row 3: lon 'abc' is not a number"),
        (b"114.0,95,1", "row 3: lat 95 is out of range -90..90"),
        (b"22.5,114.0,1", "row 3: lat/lon look swapped"),
        (b"114.0,22.5,-1", "row 3: w '-1' is negative; weights must be >= 0"),
        (b"114.0,22.5,x", "row 3: w 'x' is not a number"),
        (b"0,0,1", "row 3: lon/lat (0, 0) is a placeholder"),
        (b"2.35,48.85,1", "row 3: point (2.35, 48.85) is outside China"),
    ],
)
def test_it_rejects_bad_rows_with_their_number_and_writes_nothing(tmp_path, row, reason):
    content = b"lon,lat,w\n114.05,22.54,1\n" + row + b"\n"
    with pytest.raises(CommandError) as error:
        run(tmp_path, content, "--dataset", "bad", "--coordsys", "gcj02", "--weight-field", "w")
    assert reason in str(error.value)
    assert "nothing written" in str(error.value)
    assert not DemandDataset.objects.exists() and not DemandPoint.objects.exists()


def test_it_rejects_a_missing_weight_column(tmp_path):
    with pytest.raises(CommandError, match="no column\\(s\\) orders"):
        run(tmp_path, b"lon,lat\n114.05,22.54\n", "--dataset", "d", "--coordsys", "wgs84", "--weight-field", "orders")
    assert not DemandDataset.objects.exists()


def test_it_refuses_an_existing_dataset_without_replace(tmp_path):
    run(tmp_path, DEMAND_CSV, "--dataset", DATASET, "--coordsys", "wgs84")
    with pytest.raises(CommandError, match="already exists with 3 points; use --replace"):
        run(tmp_path, b"lon,lat\n114.05,22.54\n", "--dataset", DATASET, "--coordsys", "wgs84")
    assert DemandPoint.objects.count() == 3


def test_it_replaces_a_dataset_and_says_so(tmp_path):
    run(tmp_path, DEMAND_CSV, "--dataset", DATASET, "--coordsys", "wgs84")
    out = run(tmp_path, b"lon,lat\n114.05,22.54\n", "--dataset", DATASET, "--coordsys", "wgs84", "--replace")
    assert out.strip() == f"imported 1 demand points (total weight 1) into dataset '{DATASET}', replacing its 3 earlier points"
    assert DemandPoint.objects.count() == 1


def test_a_failed_replace_keeps_the_old_points(tmp_path):
    run(tmp_path, DEMAND_CSV, "--dataset", DATASET, "--coordsys", "wgs84")
    with pytest.raises(CommandError):
        run(tmp_path, b"lon,lat\nabc,22.54\n", "--dataset", DATASET, "--coordsys", "wgs84", "--replace")
    assert DemandPoint.objects.count() == 3


def test_it_rejects_a_file_without_rows(tmp_path):
    with pytest.raises(CommandError, match="no data rows"):
        run(tmp_path, b"lon,lat\n", "--dataset", "d", "--coordsys", "wgs84")
    assert not DemandDataset.objects.exists()


def test_load_demo_loads_the_demand_and_the_districts_idempotently():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)
    dataset = DemandDataset.objects.get(name="shenzhen-food-pickups")
    assert dataset.licence == "ODbL-1.0" and "OpenStreetMap" in dataset.source
    assert dataset.points.count() == 923
    from stations.models import Organisation

    assert Organisation.objects.filter(parent__name="深圳市").count() == 9
    assert "dataset 'shenzhen-food-pickups' unchanged: the file holds the same 923 demand points" in out.getvalue()


def test_it_changes_nothing_when_a_replace_brings_the_same_points(tmp_path):
    run(tmp_path, DEMAND_CSV, "--dataset", DATASET, "--coordsys", "wgs84", "--weight-field", "orders")
    before = DemandDataset.objects.get()
    point_ids = list(DemandPoint.objects.order_by("pk").values_list("pk", flat=True))

    out = run(tmp_path, DEMAND_CSV, "--dataset", DATASET, "--coordsys", "wgs84", "--weight-field", "orders", "--replace")

    assert out.strip() == (
        f"dataset '{DATASET}' unchanged: the file holds the same 3 demand points (total weight 7); nothing written"
    )
    assert DemandDataset.objects.get().updated_at == before.updated_at  # its coverage runs stay current
    assert list(DemandPoint.objects.order_by("pk").values_list("pk", flat=True)) == point_ids


def test_it_compares_points_not_file_bytes(tmp_path):
    run(tmp_path, b"lon,lat,w\n114.05,22.54,2\n114.06,22.55,1\n", "--dataset", "d", "--coordsys", "wgs84", "--weight-field", "w")
    before = DemandDataset.objects.get()
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [114.050, 22.540]}, "properties": {"w": 2}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [114.060, 22.550]}, "properties": {"w": "1.0"}},
        ],
    }

    out = run(tmp_path, json.dumps(doc).encode(), "--dataset", "d", "--coordsys", "wgs84", "--weight-field", "w", "--replace", name="d.geojson")

    assert "unchanged" in out
    assert DemandDataset.objects.get().updated_at == before.updated_at


def test_it_replaces_points_whose_weights_changed(tmp_path):
    run(tmp_path, DEMAND_CSV, "--dataset", DATASET, "--coordsys", "wgs84", "--weight-field", "orders")
    before = DemandDataset.objects.get()

    out = run(tmp_path, DEMAND_CSV, "--dataset", DATASET, "--coordsys", "wgs84", "--replace")  # every weight 1 now

    assert out.strip() == f"imported 3 demand points (total weight 3) into dataset '{DATASET}', replacing its 3 earlier points"
    assert DemandDataset.objects.get().updated_at > before.updated_at
    assert sorted(DemandPoint.objects.values_list("weight", flat=True)) == [1.0, 1.0, 1.0]


def test_it_updates_the_description_of_unchanged_points_without_touching_them(tmp_path):
    run(tmp_path, DEMAND_CSV, "--dataset", DATASET, "--coordsys", "wgs84", "--description", "pick-ups")
    before = DemandDataset.objects.get()

    run(tmp_path, DEMAND_CSV, "--dataset", DATASET, "--coordsys", "wgs84", "--replace", "--description", "order pick-ups", "--licence", "CC0-1.0")

    after = DemandDataset.objects.get()
    assert (after.description, after.licence, after.source) == ("order pick-ups", "CC0-1.0", "")
    assert after.updated_at == before.updated_at


def test_it_backfills_the_points_digest_of_datasets_imported_before_it_was_stored(tmp_path):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("stations.migrations.0006_demanddataset_points_sha256")
    run(tmp_path, DEMAND_CSV, "--dataset", DATASET, "--coordsys", "wgs84", "--weight-field", "orders")
    stored = DemandDataset.objects.get().points_sha256
    DemandDataset.objects.update(points_sha256="")

    migration.store_points_sha256(apps, schema_editor=None)

    assert len(stored) == 64
    assert DemandDataset.objects.get().points_sha256 == stored
