import json
import random

import pytest

from geodata.along import brute_force_along
from geodata.coords import wgs84_to_gcj02
from geodata.distance import haversine_m
from geodata.index import morton_key
from geodata.polyline import encode_google
from geodata.route import prepare_route
from stations.models import Station
from tests.stations.factories import make_station

pytestmark = pytest.mark.django_db
URL = "/api/v1/stations/along-route"

# A stretch of road west to east through Futian, Shenzhen (WGS-84), ~2 km.
ROUTE = [(114.04, 22.54), (114.05, 22.54), (114.06, 22.545)]


def _post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def _polyline(points):
    return ";".join(f"{lon},{lat}" for lon, lat in points)


def test_it_returns_stations_in_route_order_with_along_and_off_route(rider):
    ahead = make_station(name="前", lon=114.055, lat=22.5435)
    behind = make_station(name="后", lon=114.041, lat=22.541)
    make_station(name="远", lon=114.05, lat=22.60)  # 6.7 km off the route

    response = _post(rider, {"polyline": _polyline(ROUTE), "within_m": 1000})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [r["id"] for r in body["results"]] == [behind.id, ahead.id]
    first = body["results"][0]
    assert first["off_route_m"] == pytest.approx(haversine_m(114.041, 22.54, 114.041, 22.541), abs=0.2)
    assert first["along_m"] == pytest.approx(haversine_m(114.04, 22.54, 114.041, 22.54), abs=0.2)
    assert "eta" not in first
    assert body["route_m"] == pytest.approx(prepare_route(ROUTE).total_m, abs=0.1)


def test_it_accepts_geojson_and_google_encoded_routes_alike(rider):
    station = make_station(lon=114.05, lat=22.541)
    bodies = [
        {"route": {"type": "LineString", "coordinates": [list(p) for p in ROUTE]}},
        {"encoded": encode_google(ROUTE)},
        {"polyline": _polyline(ROUTE)},
    ]
    answers = [_post(rider, body).json()["results"] for body in bodies]
    assert [[r["id"] for r in a] for a in answers] == [[station.id]] * 3
    assert answers[0] == answers[2]


def test_it_reads_and_answers_in_gcj02(rider):
    station = make_station(lon=114.05, lat=22.541)
    route = [wgs84_to_gcj02(lon, lat) for lon, lat in ROUTE]
    result = _post(rider, {"polyline": _polyline(route), "coordsys": "gcj02"}).json()["results"][0]
    lon, lat = wgs84_to_gcj02(114.05, 22.541)
    assert (result["id"], result["lon"], result["lat"]) == (station.id, round(lon, 7), round(lat, 7))
    in_wgs84 = _post(rider, {"polyline": _polyline(ROUTE)}).json()["results"][0]
    assert result["off_route_m"] == pytest.approx(in_wgs84["off_route_m"], abs=1.0)
    assert result["along_m"] == pytest.approx(in_wgs84["along_m"], abs=1.0)


def test_it_skips_the_part_already_driven_and_gives_arrival_times(rider):
    make_station(lon=114.041, lat=22.541)
    ahead = make_station(lon=114.055, lat=22.5435, opening_hours="Mo-Su 08:00-09:00")
    body = _post(rider, {"polyline": _polyline(ROUTE), "from_m": 1000, "speed_kmh": 36, "depart_at": "2026-12-07T08:58:00+08:00"}).json()
    assert [r["id"] for r in body["results"]] == [ahead.id]
    result = body["results"][0]
    # ~1.6 km along at 10 m/s from 1 km: about 60 s later, 08:59:0x, still open.
    assert result["eta"].startswith("2026-12-07T08:59:0")
    assert result["open_at_arrival"] is True
    late = _post(rider, {"polyline": _polyline(ROUTE), "from_m": 0, "speed_kmh": 1, "depart_at": "2026-12-07T08:00:00+08:00"}).json()
    assert late["results"][1]["open_at_arrival"] is False  # 1.5 km at 1 km/h: after nine


def test_it_filters_by_kind_amenity_and_worker(rider):
    make_station(lon=114.05, lat=22.541, kind="rest_station", eligible_workers=["delivery"])
    make_station(lon=114.0505, lat=22.541, kind="driver_home", eligible_workers=["delivery"], amenities=["toilet"])
    home = make_station(lon=114.051, lat=22.541, kind="driver_home", amenities=["toilet"], eligible_workers=["truck"])
    body = _post(rider, {"polyline": _polyline(ROUTE), "kind": "driver_home", "amenity": "toilet", "worker": "truck"}).json()
    assert [r["id"] for r in body["results"]] == [home.id]


def test_it_equals_a_brute_force_scan_of_every_station(rider):
    rng = random.Random(5)
    for _ in range(300):
        make_station(lon=rng.uniform(114.03, 114.07), lat=rng.uniform(22.52, 22.56))
    rows = [(s.id, s.lon, s.lat, morton_key(s.lon, s.lat)) for s in Station.objects.all()]
    for within_m, k in ((300, 200), (2000, 10), (50, 5)):
        body = _post(rider, {"polyline": _polyline(ROUTE), "within_m": within_m, "k": k}).json()
        want = brute_force_along(prepare_route(ROUTE), within_m, k, rows)
        assert [(r["id"], r["along_m"], r["off_route_m"]) for r in body["results"]] == [(h.id, round(h.along_m, 1), round(h.off_route_m, 1)) for h in want]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "route"),
        ({"polyline": "114,22;115,23", "encoded": "_p~iF~ps|U"}, "route"),
        ({"polyline": "114,22"}, "polyline"),
        ({"polyline": "114,22;114,91"}, "polyline"),
        ({"polyline": "179.9,10;-179.9,10"}, "polyline"),
        ({"polyline": "80,30;120,30"}, "polyline"),
        ({"encoded": "_p~iF~ps|"}, "encoded"),
        ({"route": {"type": "Point", "coordinates": [114, 22]}}, "route"),
        ({"polyline": "114,22;115,23", "within_m": 0}, "within_m"),
        ({"polyline": "114,22;115,23", "within_m": 5001}, "within_m"),
        ({"polyline": "114,22;115,23", "k": 201}, "k"),
        ({"polyline": "114,22;115,23", "kind": "pool"}, "kind"),
        ({"polyline": "114,22;115,23", "worker": "astronaut"}, "worker"),
        ({"polyline": "114,22;114.01,22", "from_m": 5000}, "from_m"),
        ({"polyline": "114,22;115,23", "speed_kmh": -3}, "speed_kmh"),
        ({"polyline": "114,22;115,23", "depart_at": "tomorrow"}, "depart_at"),
        ({"polyline": "114,22;115,23", "coordsys": "mars"}, "coordsys"),
    ],
)
def test_it_rejects_bad_input_naming_the_field(rider, body, field):
    make_station()
    before = list(Station.objects.values_list("id", "version"))
    response = _post(rider, body)
    assert response.status_code == 400
    assert field in response.json()["detail"]
    assert list(Station.objects.values_list("id", "version")) == before


def test_it_rejects_a_body_that_is_not_json(rider):
    response = rider.post(URL, "not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()
