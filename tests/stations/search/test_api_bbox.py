import pytest

from geodata.coords import wgs84_to_gcj02
from tests.stations.factories import make_station

pytestmark = pytest.mark.django_db
URL = "/api/v1/stations"
BOX = "114.00,22.50,114.10,22.60"


def test_it_lists_stations_inside_the_box_only(rider):
    inside = make_station(lon=114.05, lat=22.55)
    make_station(lon=114.15, lat=22.55)  # east of the box
    make_station(lon=114.05, lat=22.65)  # north of the box

    response = rider.get(URL, {"bbox": BOX})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["next"] is None
    assert body["results"][0]["id"] == inside.id
    assert set(body["results"][0]) == {
        "id", "name", "kind", "lat", "lon", "address", "amenities", "status", "open_now", "closes_at", "opens_at", "opening_hours",
        "last_confirmed_at", "freshness", "alerts", "navigation",
    }


def test_it_pages_through_every_station_once_with_the_cursor(rider):
    made = {make_station(lon=114.0 + (i % 13) * 0.007, lat=22.5 + (i // 13) * 0.009).id for i in range(130)}

    seen, cursor, pages = [], None, 0
    while True:
        params = {"bbox": BOX, "limit": 17}
        if cursor:
            params["cursor"] = cursor
        body = rider.get(URL, params).json()
        seen += [r["id"] for r in body["results"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            break
        assert body["count"] == 17

    assert len(seen) == len(set(seen))
    assert set(seen) == made
    assert pages == 8  # 130 / 17 rounded up


def test_it_filters_by_kind_amenity_and_status(rider):
    match = make_station(lon=114.05, lat=22.55, kind="driver_home", amenities=["shower", "parking"])
    make_station(lon=114.05, lat=22.55, kind="driver_home", amenities=["parking"])
    make_station(lon=114.05, lat=22.55, kind="rest_station", amenities=["shower"])
    closed = make_station(lon=114.05, lat=22.55, kind="driver_home", amenities=["shower"], status="closed")

    body = rider.get(URL, {"bbox": BOX, "kind": "driver_home", "amenity": "shower"}).json()
    closed_body = rider.get(URL, {"bbox": BOX, "status": "closed"}).json()

    assert [r["id"] for r in body["results"]] == [match.id]
    assert [r["id"] for r in closed_body["results"]] == [closed.id]


def test_it_reads_the_box_and_writes_coordinates_in_gcj02(rider):
    station = make_station(lon=114.0005, lat=22.55)  # WGS-84 just inside the west edge
    gcj_lon, gcj_lat = wgs84_to_gcj02(station.lon, station.lat)  # ~500 m east of it in GCJ-02

    wgs_box_in_gcj = rider.get(URL, {"bbox": BOX, "coordsys": "gcj02"}).json()
    shifted = f"{gcj_lon - 0.0001},{gcj_lat - 0.0001},{gcj_lon + 0.0001},{gcj_lat + 0.0001}"
    tight = rider.get(URL, {"bbox": shifted, "coordsys": "gcj02"}).json()

    assert wgs_box_in_gcj["results"][0]["lon"] == pytest.approx(gcj_lon, abs=1e-7)
    assert [r["id"] for r in tight["results"]] == [station.id]


def test_it_uses_one_query_per_key_range_not_per_station(rider, django_assert_max_num_queries):
    for i in range(60):
        make_station(lon=114.05 + i * 1e-5, lat=22.55)

    with django_assert_max_num_queries(16):
        body = rider.get(URL, {"bbox": BOX, "limit": 500}).json()

    assert body["count"] == 60


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, "bbox: Field required"),
        ({"bbox": "1,2,3"}, "bbox must be 4 comma-separated numbers"),
        ({"bbox": "a,b,c,d"}, "bbox must be 4 comma-separated numbers"),
        ({"bbox": "114,22,nan,23"}, "finite"),
        ({"bbox": "114.1,22.5,114.0,22.6"}, "inverted"),
        ({"bbox": "114,22.6,114.1,22.5"}, "inverted"),
        ({"bbox": "114,22,200,23"}, "within [-180, 180]"),
        ({"bbox": BOX, "limit": 0}, "limit: Input should be greater than or equal to 1"),
        ({"bbox": BOX, "limit": 501}, "limit: Input should be less than or equal to 500"),
        ({"bbox": BOX, "cursor": "not-a-cursor"}, "cursor is not valid"),
        ({"bbox": BOX, "cursor": "LTE6MQ"}, "cursor is not valid"),  # base64 of "-1:1": never handed out
        ({"bbox": BOX, "kind": "spaceship"}, "unknown kind 'spaceship'"),
        ({"bbox": BOX, "amenity": "pool"}, "unknown amenity 'pool'"),
        ({"bbox": BOX, "coordsys": "utm"}, "coordsys"),
    ],
)
def test_it_rejects_bad_input_with_a_clear_message(rider, params, message):
    response = rider.get(URL, params)

    assert response.status_code == 400
    assert message in response.json()["detail"]
