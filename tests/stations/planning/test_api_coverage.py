import json

import pytest

from geodata.distance import haversine_m
from stations.models import CoverageRun
from tests.stations.planning.conftest import DATASET, FUTIAN_A, NANSHAN_A, NANSHAN_B, north_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/planning/coverage"


def post(client, **body):
    return client.post(URL, json.dumps({"demand": DATASET, **body}), content_type="application/json")


def row(name=None, **values):
    keys = ("demand_points", "demand_weight", "covered_points", "covered_weight", "coverage", "mean_distance_m", "p90_distance_m")
    out = dict(zip(keys, (values[k] for k in keys)))
    return out if name is None else {"name": name, **out}


def test_it_answers_the_contract_for_a_district(planner_shenzhen, demand, stations):
    response = post(planner_shenzhen, radius_m=500, kinds=["rest_station"], district="南山区")

    assert response.status_code == 201
    body = response.json()
    # 南山 A (weight 2) is 300 m from 南山驿站. 南山 B (weight 1) is ~700 m from it, but the
    # daytime station (08-20; without `at` its hours do not matter) is 100 m from B. The closed
    # station on B never counts.
    b_to_daytime = haversine_m(*NANSHAN_B, *north_of(NANSHAN_B, 100))
    expected = row(
        demand_points=2, demand_weight=3.0, covered_points=2, covered_weight=3.0, coverage=1.0,
        mean_distance_m=round((2 * 300 + 1 * b_to_daytime) / 3, 1), p90_distance_m=300.0,
    )
    assert body == {
        "id": CoverageRun.objects.get().pk,
        "radius_m": 500.0,
        "overall": expected,
        # Its two open stations were just created: fresh; no riders' reports.
        "districts": [{"name": "南山区", **expected, "fresh_share": 1.0, "aging_share": 0.0, "stale_share": 0.0, "open_reports": 0, "overdue_reports": 0}],
        "gaps": 0,
        # A is reached only by 南山驿站, B only by the daytime station: closing either loses its point.
        "station_impact": {
            "most_needed": [
                {"id": stations["nanshan"].id, "sole_weight": 2.0, "sole_points": 1, "covered_weight": 2.0},
                {"id": stations["daytime"].id, "sole_weight": 1.0, "sole_points": 1, "covered_weight": 1.0},
            ],
            "redundant_count": 0,
            "redundant": [],
        },
        "parameters": body["parameters"],
    }
    assert body["parameters"]["kinds"] == ["rest_station"] and body["parameters"]["area"] == "南山区"
    # 南山驿站 and the daytime one; 福田驿站 is more than 500 m beyond 南山区's bounding box.
    assert body["parameters"]["stations"] == 2


def test_it_counts_only_stations_open_at_the_given_hour(planner_shenzhen, demand, stations):
    body = post(planner_shenzhen, radius_m=500, district="南山区", at="22:00").json()
    # The daytime station is closed at 22:00: B is then 700 m from 南山驿站, uncovered.
    assert body["overall"]["covered_weight"] == 2.0
    assert body["overall"]["coverage"] == pytest.approx(2 / 3)
    assert body["gaps"] == 1
    assert body["parameters"]["at"].endswith("T22:00:00+08:00")


def test_it_filters_by_worker_type(planner_shenzhen, demand, stations):
    body = post(planner_shenzhen, radius_m=500, district="南山区", worker="delivery").json()
    assert body["overall"]["covered_weight"] == 2.0  # the daytime station serves couriers only


def test_the_whole_area_has_a_row_per_district(planner_shenzhen, demand, stations):
    body = post(planner_shenzhen, radius_m=500).json()
    names = [d["name"] for d in body["districts"]]
    assert len(names) == 9 and names[:3] == ["罗湖区", "福田区", "南山区"]
    futian = body["districts"][1]
    # 福田 A (weight 4) is 800 m from 福田驿站 and the charging point does not count.
    figures = {"fresh_share": 1.0, "aging_share": 0.0, "stale_share": 0.0, "open_reports": 0, "overdue_reports": 0}
    assert futian == row("福田区", demand_points=1, demand_weight=4.0, covered_points=0, covered_weight=0.0, coverage=0.0,
                         mean_distance_m=800.0, p90_distance_m=800.0) | figures
    assert body["overall"]["demand_weight"] == 7.0 and body["overall"]["covered_weight"] == 3.0
    assert body["overall"]["coverage"] == pytest.approx(3 / 7)
    assert body["districts"][5]["demand_points"] == 0 and body["districts"][5]["mean_distance_m"] is None


def test_more_kinds_cover_more(planner_shenzhen, demand, stations):
    body = post(planner_shenzhen, radius_m=500, kinds=["rest_station", "charging_point"]).json()
    assert body["overall"]["covered_weight"] == 7.0


def test_a_larger_radius_never_covers_less(planner_shenzhen, demand, stations):
    coverages = [post(planner_shenzhen, radius_m=r, at="22:00").json()["overall"]["coverage"] for r in (200, 500, 1000, 1500)]
    assert coverages == sorted(coverages)
    assert coverages[0] == 0.0 and coverages[-1] == 1.0


def test_a_station_outside_the_area_covers_demand_inside_it(planner_nanshan, demand, stations):
    # A ~220 m box around 南山 A: 南山驿站, 300 m north of A, is outside it but reaches A.
    x, y = NANSHAN_A
    box = {"type": "Polygon", "coordinates": [[[x - 0.001, y - 0.001], [x + 0.001, y - 0.001], [x + 0.001, y + 0.001], [x - 0.001, y + 0.001], [x - 0.001, y - 0.001]]]}
    body = post(planner_nanshan, radius_m=500, polygon=box).json()
    assert body["overall"]["demand_points"] == 1 and body["overall"]["covered_points"] == 1
    assert body["overall"]["mean_distance_m"] == 300.0
    assert body["parameters"]["polygon_clipped"] is False


def test_a_district_planner_sees_only_their_district(planner_nanshan, demand, stations):
    body = post(planner_nanshan, radius_m=500).json()
    assert [d["name"] for d in body["districts"]] == ["南山区"]
    assert body["overall"]["demand_points"] == 2


def test_a_polygon_is_clipped_to_the_planners_area(planner_nanshan, demand, stations):
    # A box around both 南山 points and 福田 A: the 福田 part lies outside 南山区 and is cut off.
    box = {"type": "Polygon", "coordinates": [[[113.9, 22.5], [114.1, 22.5], [114.1, 22.6], [113.9, 22.6], [113.9, 22.5]]]}
    body = post(planner_nanshan, radius_m=500, polygon=box).json()
    assert body["overall"]["demand_points"] == 2
    assert body["parameters"]["polygon_clipped"] is True


def test_a_polygon_in_gcj02_is_converted(planner_shenzhen, demand, stations):
    from geodata.coords import wgs84_to_gcj02

    corners = [(FUTIAN_A[0] - 0.01, FUTIAN_A[1] - 0.01), (FUTIAN_A[0] + 0.01, FUTIAN_A[1] - 0.01),
               (FUTIAN_A[0] + 0.01, FUTIAN_A[1] + 0.01), (FUTIAN_A[0] - 0.01, FUTIAN_A[1] + 0.01)]
    ring = [list(wgs84_to_gcj02(*c)) for c in corners]
    body = post(planner_shenzhen, polygon={"type": "Polygon", "coordinates": [ring + [ring[0]]]}, coordsys="gcj02").json()
    assert body["overall"]["demand_points"] == 1 and body["overall"]["demand_weight"] == 4.0
    assert [d["name"] for d in body["districts"]] == ["福田区"]


def test_a_manager_may_analyse_their_area(manager_futian, demand, stations):
    response = post(manager_futian, kinds=["charging_point"])
    assert response.status_code == 201
    assert response.json()["overall"]["coverage"] == 1.0


def test_get_returns_the_stored_run(planner_shenzhen, demand, stations):
    created = post(planner_shenzhen, district="福田区").json()
    response = planner_shenzhen.get(f"{URL}/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


def test_another_organisations_run_is_not_found(planner_shenzhen, planner_nanshan, demand, stations):
    run_id = post(planner_shenzhen).json()["id"]
    for suffix in ("", "/gaps.geojson", "/districts.csv", "/map.png"):
        response = planner_nanshan.get(f"{URL}/{run_id}{suffix}")
        assert response.status_code == 404, suffix
        assert response.json() == {"detail": f"no coverage run {run_id} in your organisation"}


def test_a_rider_needs_a_token(rider, demand):
    response = rider.post(URL, json.dumps({"demand": DATASET}), content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"detail": "missing or invalid API token"}


SELF_CROSSING = {"type": "Polygon", "coordinates": [[[113.9, 22.5], [114.0, 22.6], [114.0, 22.5], [113.9, 22.6], [113.9, 22.5]]]}
OUTSIDE = {"type": "Polygon", "coordinates": [[[116.0, 39.0], [116.1, 39.0], [116.1, 39.1], [116.0, 39.0]]]}


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"radius_m": 0}, "radius_m: Input should be greater than 0"),
        ({"radius_m": -5}, "radius_m: Input should be greater than 0"),
        ({"radius_m": 20_001}, "radius_m: Input should be less than or equal to 20000"),
        ({"demand": "nope"}, "unknown demand dataset 'nope'; known: test-demand"),
        ({"district": "海淀区"}, "unknown district '海淀区'; districts in your area: "),
        ({"kinds": ["toilet"]}, "unknown kind 'toilet'; allowed: rest_station, driver_home, charging_point"),
        ({"kinds": []}, "kinds must name at least one kind"),
        ({"worker": "pilot"}, "unknown worker type 'pilot'"),
        ({"at": "25:00"}, "at '25:00' is not a time like '22:00'"),
        ({"at": "tonight"}, "at 'tonight' is not a time like '22:00'"),
        ({"polygon": SELF_CROSSING}, "polygon is not a valid polygon (Self-intersection"),
        ({"polygon": {"type": "Polygon", "coordinates": []}}, "polygon is empty"),
        ({"polygon": {"type": "Point", "coordinates": [114.0, 22.5]}}, "polygon must be a GeoJSON Polygon or MultiPolygon geometry, got 'Point'"),
        ({"polygon": {"type": "Polygon", "coordinates": [[[114.0, 22.5], [114.1, 22.5], [114.0, 22.5]]]}}, "polygon"),
        ({"polygon": {"type": "Polygon", "coordinates": "x"}}, "polygon has unreadable coordinates"),
        ({"polygon": OUTSIDE}, "the polygon lies entirely outside your area (深圳市)"),
        ({"district": "南山区", "polygon": OUTSIDE}, "give either district or polygon, not both"),
        ({"resolution": 7}, "resolution: Input should be 8 or 9"),
        ({"coordsys": "utm"}, "coordsys: Input should be 'wgs84', 'gcj02' or 'bd09'"),
    ],
)
def test_it_rejects_bad_input_and_stores_nothing(planner_shenzhen, demand, stations, body, detail):
    response = post(planner_shenzhen, **body)
    assert response.status_code == 400, response.content
    assert detail in response.json()["detail"]
    assert not CoverageRun.objects.exists()


def test_a_district_outside_the_planners_area_is_unknown(planner_nanshan, demand):
    response = post(planner_nanshan, district="福田区")
    assert response.status_code == 400
    assert response.json() == {"detail": "unknown district '福田区'; districts in your area: 南山区"}
    assert not CoverageRun.objects.exists()


def test_it_names_stations_whose_reach_is_redundant(planner_shenzhen, demand, stations):
    from tests.stations.factories import make_station

    twin = make_station(lon=stations["nanshan"].lon, lat=stations["nanshan"].lat + 1e-5, name="南山驿站二")
    body = post(planner_shenzhen, radius_m=500, kinds=["rest_station"], district="南山区").json()
    impact = body["station_impact"]
    # Two stations 1 m apart reach A together: neither alone, both redundant.
    assert impact["redundant"] == sorted([stations["nanshan"].id, twin.id]) and impact["redundant_count"] == 2
    assert [s["id"] for s in impact["most_needed"]] == [stations["daytime"].id]
