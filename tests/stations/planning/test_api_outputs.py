"""gaps.geojson, districts.csv, map.png and POST /sites of a stored run."""

import io
import json

import pytest
from PIL import Image

from geodata.coords import wgs84_to_gcj02
from stations.models import CoverageRun, DemandDataset
from tests.stations.planning.conftest import DATASET, FUTIAN_A, NANSHAN_B

pytestmark = pytest.mark.django_db

URL = "/api/v1/planning"


def run_id(client, **body) -> int:
    response = client.post(f"{URL}/coverage", json.dumps({"demand": DATASET, **body}), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def sites(client, **body):
    return client.post(f"{URL}/sites", json.dumps(body), content_type="application/json")


def test_gaps_are_hex_polygons_with_kepler_properties(planner_shenzhen, demand, stations):
    rid = run_id(planner_shenzhen, at="22:00")
    response = planner_shenzhen.get(f"{URL}/coverage/{rid}/gaps.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    doc = response.json()
    assert doc["type"] == "FeatureCollection"
    # Three demand points in three res-8 cells; at 22:00 only 南山 A (weight 2) is covered.
    props = [f["properties"] for f in doc["features"]]
    assert [(p["demand"], p["covered"], p["uncovered"], p["demand_points"]) for p in props] == [
        (4.0, 0.0, 4.0, 1), (1.0, 0.0, 1.0, 1), (2.0, 2.0, 0.0, 1),
    ]
    assert set(props[0]) == {"hex_id", "demand", "covered", "uncovered", "distance_m", "demand_points"}
    ring = doc["features"][0]["geometry"]["coordinates"][0]
    assert doc["features"][0]["geometry"]["type"] == "Polygon" and len(ring) == 7 and ring[0] == ring[-1]
    from shapely.geometry import Point, shape

    assert shape(doc["features"][0]["geometry"]).contains(Point(FUTIAN_A))
    assert shape(doc["features"][1]["geometry"]).contains(Point(NANSHAN_B))


def test_gaps_come_in_the_requested_coordsys(planner_shenzhen, demand, stations):
    rid = run_id(planner_shenzhen)
    wgs = planner_shenzhen.get(f"{URL}/coverage/{rid}/gaps.geojson").json()
    gcj = planner_shenzhen.get(f"{URL}/coverage/{rid}/gaps.geojson?coordsys=gcj02").json()
    x, y = wgs["features"][0]["geometry"]["coordinates"][0][0]
    assert gcj["features"][0]["geometry"]["coordinates"][0][0] == pytest.approx(list(wgs84_to_gcj02(x, y)), abs=1e-6)
    bad = planner_shenzhen.get(f"{URL}/coverage/{rid}/gaps.geojson?coordsys=utm")
    assert bad.status_code == 400 and "coordsys" in bad.json()["detail"]


def test_districts_csv_has_a_row_per_district_and_the_total(planner_shenzhen, demand, stations):
    rid = run_id(planner_shenzhen)
    response = planner_shenzhen.get(f"{URL}/coverage/{rid}/districts.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "district,demand_points,demand_weight,covered_points,covered_weight,coverage,mean_distance_m,p90_distance_m"
    assert len(lines) == 11
    assert lines[2] == "福田区,1,4.0,0,0.0,0.0,800.0,800.0"
    assert lines[-1].startswith("overall,3,7.0,2,3.0,")


def test_the_map_is_a_png(planner_shenzhen, demand, stations):
    rid = run_id(planner_shenzhen, district="南山区", at="22:00")
    response = planner_shenzhen.get(f"{URL}/coverage/{rid}/map.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.width == 1200 and image.height > 300


def test_sites_cover_the_gaps_in_order(planner_shenzhen, demand, stations):
    rid = run_id(planner_shenzhen, at="22:00")  # uncovered: 福田 A (4), 南山 B (1)
    response = sites(planner_shenzhen, coverage=rid, p=5)
    assert response.status_code == 200, response.content
    body = response.json()
    # The gap cell centres are within 500 m of the point in them (res-8 cells: edge ~0.5 km), so the
    # first site is 福田's cell (adds 4), the second 南山 B's (adds 1); nothing else is left.
    assert [(s["rank"], s["added_weight"], s["added_points"]) for s in body["sites"]] == [(1, 4.0, 1), (2, 1.0, 1)]
    assert body["coverage_before"] == pytest.approx(2 / 7)
    assert [s["coverage_after"] for s in body["sites"]] == pytest.approx([6 / 7, 1.0])
    assert CoverageRun.objects.get(pk=rid).sites == body  # the map shows them


def test_sites_from_a_candidate_list_in_gcj02(planner_shenzhen, demand, stations):
    rid = run_id(planner_shenzhen, at="22:00")
    far = wgs84_to_gcj02(114.3, 22.7)
    on_futian = wgs84_to_gcj02(*FUTIAN_A)
    body = sites(planner_shenzhen, coverage=rid, p=2, candidates=[list(far), {"lon": on_futian[0], "lat": on_futian[1]}], coordsys="gcj02").json()
    assert [(s["added_weight"], s["lon"], s["lat"]) for s in body["sites"]] == [(4.0, round(on_futian[0], 7), round(on_futian[1], 7))]
    assert body["sites"][0]["wgs84"] == pytest.approx(list(FUTIAN_A), abs=1e-6)


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"p": 101}, 400, "p: Input should be less than or equal to 100"),
        ({"p": 0}, 400, "p: Input should be greater than or equal to 1"),
        ({"candidates": []}, 400, "candidates must be \"gaps\" or a non-empty list"),
        ({"candidates": [[114.0]]}, 400, "candidates[0] must be [lon, lat]"),
        ({"candidates": [[200.0, 22.0]]}, 400, "candidates[0]: lon must be a number between -180 and 180"),
        ({"candidates": "stations"}, 400, "candidates"),
        ({"coverage": 999999}, 404, "no coverage run 999999 in your organisation"),
    ],
)
def test_sites_reject_bad_input_and_store_nothing(planner_shenzhen, demand, stations, body, status, detail):
    rid = run_id(planner_shenzhen)
    response = sites(planner_shenzhen, **{"coverage": rid, **body})
    assert response.status_code == status, response.content
    assert detail in response.json()["detail"]
    assert CoverageRun.objects.get(pk=rid).sites is None


def test_sites_refuse_a_run_whose_dataset_was_reimported(planner_shenzhen, demand, stations):
    rid = run_id(planner_shenzhen)
    dataset = DemandDataset.objects.get(name=DATASET)
    dataset.save()  # what a re-import does
    response = sites(planner_shenzhen, coverage=rid, p=3)
    assert response.status_code == 409
    assert "was re-imported or removed after run" in response.json()["detail"]


def test_another_organisations_run_has_no_sites(planner_shenzhen, planner_nanshan, demand, stations):
    rid = run_id(planner_shenzhen)
    assert sites(planner_nanshan, coverage=rid, p=3).status_code == 404
    assert CoverageRun.objects.get(pk=rid).sites is None


@pytest.mark.parametrize("suffix", ["", "/districts.csv", "/map.png", "/gaps.geojson"])
@pytest.mark.parametrize("bad_id", ["abc", "1.5", "99999999999999999999", "-1", "0"])
def test_a_run_id_that_cannot_be_a_run_answers_a_declared_json_4xx(planner_shenzhen, suffix, bad_id):
    from backend.api import api

    response = planner_shenzhen.get(f"{URL}/coverage/{bad_id}{suffix}")

    declared = api.get_openapi_schema()["paths"][f"{URL}/coverage/{{run_id}}{suffix}"]["get"]["responses"]
    assert 400 <= response.status_code < 500, response.content
    assert response.status_code in declared, f"{response.status_code} is not in the schema's {sorted(declared)}"
    assert response.json()["detail"]


def test_districts_csv_neutralises_names_that_would_run_as_formulas_but_not_negative_numbers():
    from stations.planning.exports import districts_csv

    row = {"demand_points": 1, "demand_weight": -2.5, "covered_points": 0, "covered_weight": 0.0, "coverage": 0.0,
           "mean_distance_m": None, "p90_distance_m": None}
    summary = {"districts": [{"name": "=HYPERLINK(\"http://evil.example\")", **row}, {"name": "-1+cmd|' /C calc'!A0", **row}],
               "overall": row}

    lines = districts_csv(summary).removeprefix("\ufeff").splitlines()

    assert lines[1] == "\"'=HYPERLINK(\"\"http://evil.example\"\")\",1,-2.5,0,0.0,0.0,,"
    assert lines[2] == "'-1+cmd|' /C calc'!A0,1,-2.5,0,0.0,0.0,,"
    assert lines[3] == "overall,1,-2.5,0,0.0,0.0,,"
