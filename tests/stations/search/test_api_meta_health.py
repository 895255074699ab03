import pytest

from stations import vocabulary as vocab
from tests.stations.factories import make_station

pytestmark = pytest.mark.django_db


def test_it_lists_the_vocabularies(rider, django_assert_num_queries):
    with django_assert_num_queries(0):
        body = rider.get("/api/v1/meta").json()

    assert [k["code"] for k in body["kinds"]] == ["rest_station", "driver_home", "charging_point"]
    assert len(body["amenities"]) == 22
    assert {"code": "microwave", "zh": "微波炉热饭", "en": "Microwave (heat meals)"} in body["amenities"]
    assert [c["code"] for c in body["coordsys"]] == ["wgs84", "gcj02", "bd09"]
    assert [w["code"] for w in body["eligible_workers"]] == ["all", *vocab.WORKER_CODES]
    assert [s["code"] for s in body["statuses"]] == ["open", "temporarily_closed", "closed", "planned"]
    assert body["limits"] == {"max_k": 100, "max_radius_m": 50_000, "max_bbox_limit": 500}


def test_it_reports_health_with_a_cached_count(rider, django_assert_num_queries):
    make_station()
    make_station()

    with django_assert_num_queries(1):
        first = rider.get("/api/v1/health").json()
    make_station()
    with django_assert_num_queries(0):
        second = rider.get("/api/v1/health").json()

    assert first == {"status": "ok", "database": first["database"], "stations": 2}
    assert first["database"] in ("sqlite", "postgresql")
    assert second["stations"] == 2  # cached for HEALTH_COUNT_CACHE_S seconds


def test_it_serves_openapi_docs(rider):
    schema = rider.get("/api/v1/openapi.json").json()
    docs = rider.get("/api/v1/docs")

    assert docs.status_code == 200
    assert {"/api/v1/stations/nearest", "/api/v1/stations", "/api/v1/stations/{station_id}", "/api/v1/meta", "/api/v1/health"} <= set(schema["paths"])
    nearest = schema["paths"]["/api/v1/stations/nearest"]["get"]
    assert "400" in nearest["responses"]
    parameters = {p["name"]: p for p in nearest["parameters"]}
    assert set(parameters) == {"lat", "lon", "k", "kind", "amenity", "open_now", "open_at", "open_for_min", "radius_m", "status", "coordsys"}
    assert parameters["lat"]["required"] and not parameters["k"]["required"]
    assert parameters["k"]["schema"]["maximum"] == 100
    bbox = {p["name"] for p in schema["paths"]["/api/v1/stations"]["get"]["parameters"]}
    assert bbox == {"bbox", "kind", "amenity", "status", "coordsys", "open_at", "open_for_min", "limit", "cursor"}


def test_it_answers_json_for_unknown_api_urls(rider):
    response = rider.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert "no such endpoint" in response.json()["detail"]
