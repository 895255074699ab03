import random

import pytest

from geodata.coords import wgs84_to_bd09, wgs84_to_gcj02
from geodata.distance import haversine_m
from geodata.navigation import navigation_links
from stations.models import Station
from stations.search.sql import ranked_search_supported
from tests.stations.factories import make_station

pytestmark = pytest.mark.django_db
URL = "/api/v1/stations/nearest"

# Futian, Shenzhen (WGS-84)
LAT, LON = 22.5431, 114.0579


def test_it_returns_nearest_first_with_distance_and_bearing(rider):
    far = make_station(name="远", lat=LAT + 0.01, lon=LON)  # ~1.1 km north
    near = make_station(name="近", lat=LAT, lon=LON + 0.001, amenities=["toilet", "drinking_water"])  # ~103 m east

    response = rider.get(URL, {"lat": LAT, "lon": LON})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first, second = body["results"]
    assert first == {
        "id": near.id,
        "name": "近",
        "kind": "rest_station",
        "lat": LAT,
        "lon": round(LON + 0.001, 7),
        "distance_m": round(haversine_m(LON, LAT, LON + 0.001, LAT), 1),
        "bearing_deg": 90.0,
        "address": "",
        "amenities": ["drinking_water", "toilet"],
        "status": "open",
        "open_now": True,
        "closes_at": None,
        "opens_at": None,
        "opening_hours": "24/7",
        "last_confirmed_at": None,
        "freshness": "fresh",  # just created
        "alerts": [],
        "navigation": navigation_links(LON + 0.001, LAT, "近"),
    }
    assert second["id"] == far.id
    assert second["bearing_deg"] == 0.0
    assert 1100 < second["distance_m"] < 1120


@pytest.mark.parametrize("open_now", [False, True])  # both search paths: ranked in SQL, and filtered in Python
def test_it_reports_no_bearing_for_a_station_at_the_query_point(rider, open_now):
    here = make_station(name="此处", lat=LAT, lon=LON)
    two_cm = make_station(name="两厘米", lat=LAT, lon=LON + 2e-7)  # ~2 cm east: distance_m rounds to 0.0
    east = make_station(name="东", lat=LAT, lon=LON + 0.001)

    params = {"lat": LAT, "lon": LON, **({"open_now": "true"} if open_now else {})}
    body = rider.get(URL, params).json()

    assert [(r["id"], r["distance_m"], r["bearing_deg"]) for r in body["results"]] == [
        (here.id, 0.0, None),
        (two_cm.id, 0.0, None),
        (east.id, round(haversine_m(LON, LAT, LON + 0.001, LAT), 1), 90.0),
    ]


def test_it_reports_no_bearing_at_the_query_point_in_amap_coordinates(rider):
    here = make_station(lat=LAT, lon=LON)
    lon, lat = wgs84_to_gcj02(LON, LAT)

    body = rider.get(URL, {"lat": lat, "lon": lon, "coordsys": "gcj02"}).json()

    assert (body["results"][0]["id"], body["results"][0]["distance_m"], body["results"][0]["bearing_deg"]) == (here.id, 0.0, None)


def test_it_breaks_distance_ties_by_id(rider):
    stations = [make_station(lat=LAT, lon=LON + 0.002) for _ in range(4)]

    body = rider.get(URL, {"lat": LAT, "lon": LON, "k": 3}).json()

    assert [r["id"] for r in body["results"]] == [s.id for s in stations[:3]]


def test_it_returns_fewer_than_k_when_fewer_exist(rider):
    only = make_station()

    body = rider.get(URL, {"lat": 39.9, "lon": 116.4, "k": 10}).json()  # Beijing, ~1,950 km away

    assert body["count"] == 1
    assert body["results"][0]["id"] == only.id


def test_it_answers_an_empty_list_when_the_registry_is_empty(rider):
    response = rider.get(URL, {"lat": LAT, "lon": LON})

    assert response.status_code == 200
    assert response.json() == {"count": 0, "results": []}


def test_it_shows_only_open_stations_unless_status_says_otherwise(rider):
    make_station(status="closed", lon=LON + 0.0001)
    repaired = make_station(status="temporarily_closed", lon=LON + 0.0002)
    open_one = make_station(lon=LON + 0.0003)

    default = rider.get(URL, {"lat": LAT, "lon": LON}).json()
    with_paused = rider.get(URL, {"lat": LAT, "lon": LON, "status": "open,temporarily_closed"}).json()

    assert [r["id"] for r in default["results"]] == [open_one.id]
    assert [r["id"] for r in with_paused["results"]] == [repaired.id, open_one.id]
    assert with_paused["results"][0]["open_now"] is False


def test_it_filters_by_kind_and_all_amenities(rider):
    make_station(kind="charging_point", lon=LON + 0.0001, amenities=["toilet", "wifi"])
    make_station(kind="rest_station", lon=LON + 0.0002, amenities=["toilet"])
    match = make_station(kind="rest_station", lon=LON + 0.0003, amenities=["toilet", "wifi", "aed"])
    driver_home = make_station(kind="driver_home", lon=LON + 0.0004, amenities=["toilet", "wifi"])

    body = rider.get(URL, {"lat": LAT, "lon": LON, "kind": "rest_station,driver_home", "amenity": "wifi,toilet"}).json()

    assert [r["id"] for r in body["results"]] == [match.id, driver_home.id]


def test_it_finds_sparse_matches_far_away(rider):
    for i in range(60):
        make_station(lat=LAT + (i % 8) * 0.001, lon=LON + (i // 8) * 0.001)
    aed = make_station(lat=23.1291, lon=113.2644, amenities=["aed"])  # Guangzhou, ~100 km

    body = rider.get(URL, {"lat": LAT, "lon": LON, "amenity": "aed"}).json()

    assert [r["id"] for r in body["results"]] == [aed.id]
    assert 95_000 < body["results"][0]["distance_m"] < 110_000


def test_it_filters_open_now_and_reports_unknown_hours_as_null(rider):
    never = make_station(opening_hours="Jan 01 00:00-00:01", lon=LON + 0.0001)
    unknown = make_station(opening_hours="", lon=LON + 0.0002)
    always = make_station(opening_hours="24/7", lon=LON + 0.0003)

    everyone = rider.get(URL, {"lat": LAT, "lon": LON}).json()["results"]
    open_now = rider.get(URL, {"lat": LAT, "lon": LON, "open_now": "true"}).json()["results"]

    assert {r["id"]: r["open_now"] for r in everyone} == {never.id: False, unknown.id: None, always.id: True}
    assert [r["id"] for r in open_now] == [always.id]


def test_it_limits_results_to_radius(rider):
    inside = make_station(lat=LAT + 0.004, lon=LON)  # ~445 m
    make_station(lat=LAT + 0.006, lon=LON)  # ~667 m

    body = rider.get(URL, {"lat": LAT, "lon": LON, "radius_m": 500}).json()

    assert [r["id"] for r in body["results"]] == [inside.id]


@pytest.mark.parametrize("coordsys, forward", [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)])
def test_it_speaks_gcj02_and_bd09_in_and_out(rider, coordsys, forward):
    station = make_station(lat=LAT + 0.001, lon=LON)
    query_lon, query_lat = forward(LON, LAT)

    body = rider.get(URL, {"lat": query_lat, "lon": query_lon, "coordsys": coordsys}).json()

    result = body["results"][0]
    expected_lon, expected_lat = forward(station.lon, station.lat)
    assert result["lat"] == pytest.approx(expected_lat, abs=1e-7)
    assert result["lon"] == pytest.approx(expected_lon, abs=1e-7)
    # The distance is measured in WGS-84: the same as for a WGS-84 query.
    assert result["distance_m"] == pytest.approx(haversine_m(LON, LAT, station.lon, station.lat), abs=0.2)


@pytest.mark.parametrize(
    "lat, lon",
    [(90, 0), (-90, 0), (89.9999, 179.9999), (0, 180), (0, -180), (-89.5, -179.9)],
)
def test_it_handles_poles_and_the_antimeridian(rider, lat, lon):
    across = make_station(lat=0.0, lon=179.9995)
    make_station(lat=0.0, lon=0.0)

    response = rider.get(URL, {"lat": lat, "lon": lon, "k": 2})

    assert response.status_code == 200
    assert response.json()["count"] == 2
    if (lat, lon) in [(0, 180), (0, -180)]:
        assert response.json()["results"][0]["id"] == across.id


def test_it_equals_a_brute_force_scan_on_random_data_with_duplicates(rider):
    rng = random.Random(7)
    points = [(113.9 + rng.random() * 0.3, 22.45 + rng.random() * 0.3) for _ in range(120)]
    points += points[:30]  # duplicate coordinates, different ids
    kinds = ["rest_station", "driver_home", "charging_point"]
    for lon, lat in points:
        make_station(lon=lon, lat=lat, kind=rng.choice(kinds), amenities=rng.sample(["toilet", "wifi", "aed"], rng.randint(0, 3)))
    everyone = list(Station.objects.all())

    for _ in range(40):
        q_lon, q_lat = 113.8 + rng.random() * 0.5, 22.35 + rng.random() * 0.5
        k = rng.choice([1, 5, 10, 40])
        kind = rng.choice([None, "driver_home"])
        amenity = rng.choice([None, "aed", "toilet,wifi"])
        params = {"lat": q_lat, "lon": q_lon, "k": k}
        if kind:
            params["kind"] = kind
        if amenity:
            params["amenity"] = amenity

        got = [(r["id"], r["distance_m"]) for r in rider.get(URL, params).json()["results"]]

        wanted = [
            s
            for s in everyone
            if (kind is None or s.kind == kind) and (amenity is None or set(amenity.split(",")) <= set(s.amenities))
        ]
        wanted.sort(key=lambda s: (haversine_m(q_lon, q_lat, s.lon, s.lat), s.id))
        assert got == [(s.id, round(haversine_m(q_lon, q_lat, s.lon, s.lat), 1)) for s in wanted[:k]]


def test_it_uses_few_queries_whatever_k(rider, django_assert_num_queries, django_assert_max_num_queries):
    for i in range(50):
        make_station(lat=LAT + (i % 10) * 0.0005, lon=LON + (i // 10) * 0.0005)
    # The density grid (built once per process), the search and, except where SQLite ranks the
    # candidates itself (stations.search.sql.ranked_search_supported), the winners' rows.
    with django_assert_num_queries(2 if ranked_search_supported() else 3):
        rider.get(URL, {"lat": LAT, "lon": LON, "k": 1})

    for k in (1, 10, 50):
        # One query per widening step of the search plus one for the winners' rows; never one per station.
        with django_assert_max_num_queries(3):
            assert rider.get(URL, {"lat": LAT, "lon": LON, "k": k}).status_code == 200


def test_it_gzips_when_the_client_accepts_it(rider):
    for i in range(30):
        make_station(lon=LON + i * 0.0001)

    response = rider.get(URL, {"lat": LAT, "lon": LON, "k": 30}, HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    "params, detail",
    [
        ({}, "lat: Field required; lon: Field required"),
        ({"lat": LAT}, "lon: Field required"),
        ({"lat": 123.4, "lon": LON}, "lat: Input should be less than or equal to 90 (got '123.4')"),
        ({"lat": LAT, "lon": 200}, "lon: Input should be less than or equal to 180 (got '200')"),
        ({"lat": "abc", "lon": LON}, "lat: Input should be a valid number, unable to parse string as a number (got 'abc')"),
        ({"lat": "nan", "lon": LON}, "lat: Input should be a finite number (got 'nan')"),
        ({"lat": LAT, "lon": LON, "k": 0}, "k: Input should be greater than or equal to 1 (got '0')"),
        ({"lat": LAT, "lon": LON, "k": 101}, "k: Input should be less than or equal to 100 (got '101')"),
        ({"lat": LAT, "lon": LON, "radius_m": 0}, "radius_m: Input should be greater than 0 (got '0')"),
        ({"lat": LAT, "lon": LON, "coordsys": "utm"}, "coordsys: Input should be 'wgs84', 'gcj02' or 'bd09' (got 'utm')"),
        ({"lat": LAT, "lon": LON, "kind": "spaceship"}, "unknown kind 'spaceship'; allowed: rest_station, driver_home, charging_point"),
        ({"lat": LAT, "lon": LON, "status": "gone"}, "unknown status 'gone'; allowed: open, temporarily_closed, closed, planned"),
    ],
)
def test_it_rejects_bad_input_with_a_clear_message(rider, params, detail):
    response = rider.get(URL, params)

    assert response.status_code == 400
    assert response.json() == {"detail": detail}
