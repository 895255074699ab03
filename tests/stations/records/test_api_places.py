"""Stations written through the API get their city and district (names and adcodes) from the
loaded jurisdiction polygons when the caller does not send them: on create, on a move (PATCH with
lat/lon), on revert and in batches (issue 15 item 4)."""

import pytest

from stations.models import Station, StationChange
from tests.stations.helpers import JSON, futian_station, new_station_body, registry_state
from tests.stations.personas import NANSHAN_POINT, OUTSIDE_SHENZHEN

pytestmark = pytest.mark.django_db
URL = "/api/v1/manage/stations"
FUTIAN = ("深圳市", "440300", "福田区", "440304")
NANSHAN = ("深圳市", "440300", "南山区", "440305")


def place_of(station_id) -> tuple:
    return Station.objects.values_list("city", "city_adcode", "district", "district_adcode").get(pk=station_id)


def place_in(body: dict) -> tuple:
    return body["city"], body["city_adcode"], body["district"], body["district_adcode"]


def test_it_fills_city_and_district_on_create(manager_futian):
    response = manager_futian.post(URL, new_station_body(), content_type=JSON)

    assert response.status_code == 201
    assert place_in(response.json()) == FUTIAN
    assert place_of(response.json()["id"]) == FUTIAN
    assert StationChange.objects.get().diff["district"] == [None, "福田区"]  # the history shows it too


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ({"district": "福田区"}, FUTIAN),  # agrees with the polygon: its adcode is filled in
        ({"city_adcode": "440300"}, FUTIAN),
        ({"district": "车公庙片区"}, ("深圳市", "440300", "车公庙片区", "")),  # the caller's word stands, unmixed
        ({"city": "", "district": ""}, FUTIAN),  # empty is not sent
        ({"city": "Shenzhen", "city_adcode": "440300", "district": "Futian", "district_adcode": "440304"}, ("Shenzhen", "440300", "Futian", "440304")),
    ],
)
def test_it_keeps_what_the_caller_sent(manager_futian, sent, stored):
    response = manager_futian.post(URL, new_station_body(**sent), content_type=JSON)

    assert response.status_code == 201
    assert place_of(response.json()["id"]) == stored


def test_it_recomputes_them_when_a_station_moves(manager_shenzhen):
    created = manager_shenzhen.post(URL, new_station_body(), content_type=JSON).json()
    url = f"{URL}/{created['id']}"

    moved = manager_shenzhen.patch(url, {"lat": NANSHAN_POINT[1], "lon": NANSHAN_POINT[0]}, content_type=JSON, HTTP_IF_MATCH='"1"')

    assert moved.status_code == 200
    assert place_in(moved.json()) == NANSHAN and place_of(created["id"]) == NANSHAN
    assert StationChange.objects.filter(station_id=created["id"]).latest("id").diff["district"] == ["福田区", "南山区"]


def test_a_move_keeps_the_district_the_patch_sets(manager_shenzhen):
    created = manager_shenzhen.post(URL, new_station_body(), content_type=JSON).json()
    body = {"lat": NANSHAN_POINT[1], "lon": NANSHAN_POINT[0], "district": "后海片区"}

    moved = manager_shenzhen.patch(f"{URL}/{created['id']}", body, content_type=JSON, HTTP_IF_MATCH='"1"')

    assert moved.status_code == 200
    assert place_of(created["id"]) == ("深圳市", "440300", "后海片区", "")


def test_a_patch_that_does_not_move_leaves_them_alone(manager_futian):
    station = futian_station(district="手填区")

    manager_futian.patch(f"{URL}/{station.id}", {"phone": "1"}, content_type=JSON, HTTP_IF_MATCH='"1"')
    manager_futian.patch(f"{URL}/{station.id}", {"lat": station.lat, "lon": station.lon}, content_type=JSON, HTTP_IF_MATCH='"2"')

    assert place_of(station.id) == ("", "", "手填区", "")


def test_revert_fills_them_where_the_restored_state_has_none(manager_futian):
    station = futian_station()  # written before places were filled: none
    manager_futian.patch(f"{URL}/{station.id}", {"phone": "1"}, content_type=JSON, HTTP_IF_MATCH='"1"')
    first = StationChange.objects.get(station=station)

    reverted = manager_futian.post(f"{URL}/{station.id}/revert/{first.id}", HTTP_IF_MATCH='"2"')

    assert reverted.status_code == 200
    assert place_of(station.id) == FUTIAN


def test_revert_restores_the_place_of_the_state_it_returns_to(manager_shenzhen):
    created = manager_shenzhen.post(URL, new_station_body(), content_type=JSON).json()
    url = f"{URL}/{created['id']}"
    manager_shenzhen.patch(url, {"lat": NANSHAN_POINT[1], "lon": NANSHAN_POINT[0]}, content_type=JSON, HTTP_IF_MATCH='"1"')
    creation = StationChange.objects.filter(station_id=created["id"]).earliest("id")

    manager_shenzhen.post(f"{url}/revert/{creation.id}", HTTP_IF_MATCH='"2"')

    assert place_of(created["id"]) == FUTIAN


def test_it_fills_them_in_batches(manager_shenzhen):
    existing = futian_station(source="org:深圳市", external_id="SZ-1")
    operations = [
        {"op": "create", "external_id": "SZ-2", "station": new_station_body(NANSHAN_POINT)},
        {"op": "update", "external_id": "SZ-1", "version": 1, "station": {"lon": NANSHAN_POINT[0], "lat": NANSHAN_POINT[1]}},
    ]

    response = manager_shenzhen.post(f"{URL}/batch", {"operations": operations}, content_type=JSON)

    assert response.json()["applied"] == 2
    assert place_of(Station.objects.get(external_id="SZ-2").id) == NANSHAN
    assert place_of(existing.id) == NANSHAN


def test_a_refused_create_fills_nothing(manager_shenzhen):
    before = registry_state()

    response = manager_shenzhen.post(URL, new_station_body(OUTSIDE_SHENZHEN), content_type=JSON)

    assert response.status_code == 403
    assert registry_state() == before
