"""Paths under /api/v1/ that name no endpoint answer 404 with the fallback's JSON body, not a
400 about a path parameter (issue 15): an id segment matches only an integer, so `/stations/along`
is an unknown endpoint rather than a station whose id is not a number. Integers out of range still
reach the endpoint and answer as before."""

import pytest

from tests.stations.helpers import JSON, futian_station, registry_state

pytestmark = pytest.mark.django_db


def _not_found(path: str) -> dict:
    return {"detail": f"no such endpoint or resource: {path} (see /api/v1/docs)"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/stations/along"),
        ("get", "/api/v1/stations/export"),
        ("post", "/api/v1/stations/suggest"),
        ("get", "/api/v1/stations/1.5"),
        ("get", "/api/v1/manage/stations/abc"),
        ("patch", "/api/v1/manage/stations/abc"),
        ("delete", "/api/v1/manage/stations/export"),
        ("get", "/api/v1/manage/stations/abc/history"),
        ("post", "/api/v1/manage/stations/1/revert/latest"),
        ("post", "/api/v1/manage/stations/abc/photos"),
        ("put", "/api/v1/manage/stations/abc/photos/order"),
        ("delete", "/api/v1/manage/stations/1/photos/first"),
        ("get", "/api/v1/planning/coverage/abc"),
        ("get", "/api/v1/planning/coverage/abc/map.png"),
        ("get", "/api/v1/planning/coverage/latest/gaps.geojson"),
        ("get", "/api/v1/planning/coverage/latest/districts.csv"),
    ],
)
def test_it_answers_404_for_a_path_that_names_no_endpoint(manager_shenzhen, method, path):
    futian_station()
    before = registry_state()

    response = getattr(manager_shenzhen, method)(path, {}, content_type=JSON)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == _not_found(path)
    assert registry_state() == before


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/api/v1/stations/-1", 404, {"detail": "no station with id -1"}),
        ("/api/v1/stations/99999999999999999999999", 404, {"detail": "no station with id 99999999999999999999999"}),
        (
            "/api/v1/stations/" + "9" * 5000,  # past int()'s 4,300-digit limit
            400,
            {"detail": "station_id: Unable to parse input string as an integer, exceeded maximum size"},
        ),
        ("/api/v1/manage/stations/-1", 404, {"detail": "no station with id -1 in your jurisdiction (深圳市)"}),
        ("/api/v1/planning/coverage/-1", 404, {"detail": "no coverage run -1 in your organisation"}),
        ("/api/v1/planning/coverage/99999999999999999999999/map.png", 404, {"detail": "no coverage run 99999999999999999999999 in your organisation"}),
    ],
)
def test_it_still_answers_an_integer_out_of_range_from_the_endpoint(manager_shenzhen, path, status, body):
    response = manager_shenzhen.get(path)

    assert response.status_code == status
    assert response.json() == body


def test_it_keeps_the_published_paths_without_converters():
    from backend.api import api

    paths = api.get_openapi_schema()["paths"]
    assert "/api/v1/stations/{station_id}" in paths
    assert "/api/v1/manage/stations/{station_id}/revert/{change_id}" in paths
    assert "/api/v1/planning/coverage/{run_id}/map.png" in paths
    assert [p["name"] for p in paths["/api/v1/manage/stations/{station_id}/photos/{photo_id}"]["delete"]["parameters"]] == [
        "station_id",
        "photo_id",
    ]
