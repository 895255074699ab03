import pytest

from stations.models import StationChange
from tests.stations.helpers import JSON, futian_station, registry_state

pytestmark = pytest.mark.django_db


def test_it_lists_every_change_with_who_when_and_a_field_diff(manager_futian, manager_shenzhen):
    created = manager_futian.post("/api/v1/manage/stations", {"name": "香蜜湖驿站", "kind": "rest_station", "lon": 114.0550, "lat": 22.5410, "amenities": ["toilet"]}, content_type=JSON).json()
    sid = created["id"]
    manager_futian.patch(f"/api/v1/manage/stations/{sid}", {"amenities": ["toilet", "hot_water"], "phone": "123"}, content_type=JSON, HTTP_IF_MATCH="1")
    manager_shenzhen.patch(f"/api/v1/manage/stations/{sid}", {"status": "temporarily_closed"}, content_type=JSON, HTTP_IF_MATCH="2")

    response = manager_futian.get(f"/api/v1/manage/stations/{sid}/history")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    newest, middle, first = body["results"]
    assert (newest["version"], newest["action"], newest["changed_by"], newest["organisation"]) == (3, "update", "shenzhen_manager", "深圳市")
    assert newest["diff"] == {"status": ["open", "temporarily_closed"]}
    assert middle["diff"] == {"amenities": [["toilet"], ["hot_water", "toilet"]], "phone": ["", "123"]}
    assert first["action"] == "create" and first["diff"]["name"] == [None, "香蜜湖驿站"]
    assert newest["changed_at"] >= middle["changed_at"] >= first["changed_at"]


def test_it_reverts_to_an_earlier_state_as_a_new_change(manager_futian):
    created = manager_futian.post("/api/v1/manage/stations", {"name": "香蜜湖驿站", "kind": "rest_station", "lon": 114.0550, "lat": 22.5410, "opening_hours": "24/7"}, content_type=JSON).json()
    sid = created["id"]
    manager_futian.patch(f"/api/v1/manage/stations/{sid}", {"opening_hours": "Mo-Fr 09:00-17:00", "name": "错名"}, content_type=JSON, HTTP_IF_MATCH="1")
    first_change = StationChange.objects.filter(station_id=sid).order_by("id").first()

    response = manager_futian.post(f"/api/v1/manage/stations/{sid}/revert/{first_change.id}", HTTP_IF_MATCH='"2"')

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["opening_hours"], response.json()["version"]) == ("香蜜湖驿站", "24/7", 3)
    revert = StationChange.objects.filter(station_id=sid).order_by("-id").first()
    assert revert.action == "revert" and revert.reverted_change_id == first_change.id
    assert revert.diff == {"name": ["错名", "香蜜湖驿站"], "opening_hours": ["Mo-Fr 09:00-17:00", "24/7"]}


def test_it_brings_a_removed_station_back_by_revert(manager_futian, rider):
    station = futian_station()
    manager_futian.patch(f"/api/v1/manage/stations/{station.id}", {"phone": "1"}, content_type=JSON, HTTP_IF_MATCH="1")
    manager_futian.delete(f"/api/v1/manage/stations/{station.id}", HTTP_IF_MATCH="2")
    before_removal = StationChange.objects.get(station=station, version=2)

    response = manager_futian.post(f"/api/v1/manage/stations/{station.id}/revert/{before_removal.id}", HTTP_IF_MATCH="3")

    assert response.status_code == 200 and response.json()["status"] == "open"
    assert rider.get(f"/api/v1/stations/{station.id}").status_code == 200


def test_it_answers_404_for_a_change_of_another_station(manager_futian):
    one, other = futian_station(), futian_station(lon=114.06)
    manager_futian.patch(f"/api/v1/manage/stations/{other.id}", {"phone": "1"}, content_type=JSON, HTTP_IF_MATCH="1")
    foreign = StationChange.objects.get(station=other)
    before = registry_state()

    response = manager_futian.post(f"/api/v1/manage/stations/{one.id}/revert/{foreign.id}", HTTP_IF_MATCH="1")

    assert response.status_code == 404
    assert "has no change" in response.json()["detail"]
    assert registry_state() == before


def test_it_wants_the_current_version_to_revert(manager_futian):
    station = futian_station()
    manager_futian.patch(f"/api/v1/manage/stations/{station.id}", {"phone": "1"}, content_type=JSON, HTTP_IF_MATCH="1")
    change = StationChange.objects.get(station=station)
    assert manager_futian.post(f"/api/v1/manage/stations/{station.id}/revert/{change.id}").status_code == 428
    assert manager_futian.post(f"/api/v1/manage/stations/{station.id}/revert/{change.id}", HTTP_IF_MATCH="1").status_code == 409
