"""POST /api/v1/riders and the rider key on writes."""

import pytest

from stations.models import RiderKey
from stations.models.organisation import hash_token
from tests.stations.reports.helpers import JSON, futian_station, new_rider

pytestmark = pytest.mark.django_db


def test_it_issues_a_random_key_and_stores_only_its_hash(rider):
    response = rider.post("/api/v1/riders")

    assert response.status_code == 201
    token = response.json()["rider_token"]
    assert token.startswith("yr_") and len(token) > 40
    assert list(RiderKey.objects.values_list("key_hash", flat=True)) == [hash_token(token)]
    assert rider.post("/api/v1/riders").json()["rider_token"] != token


@pytest.mark.parametrize("authorization", [None, "Bearer yr_nonsense", "Bearer ", "Basic abc"])
def test_it_refuses_a_write_without_a_known_rider_key(rider, authorization):
    station = futian_station()
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = rider.post(f"/api/v1/stations/{station.id}/reports", {"type": "confirmed"}, content_type=JSON, **headers)

    assert response.status_code == 401
    assert "detail" in response.json()


def test_it_does_not_take_a_managers_token_for_a_rider_key(manager_futian, planner_shenzhen):
    station = futian_station()
    for client in (manager_futian, planner_shenzhen):
        response = client.post(f"/api/v1/stations/{station.id}/reports", {"type": "confirmed"}, content_type=JSON)
        assert response.status_code == 401


def test_it_lists_only_my_reports_with_the_unions_answer(rider):
    me, other = new_rider(), new_rider()
    station = futian_station()
    mine = me.post(f"/api/v1/stations/{station.id}/reports", {"type": "closed", "comment": "铁门锁着"}, content_type=JSON).json()
    other.post(f"/api/v1/stations/{station.id}/reports", {"type": "gone"}, content_type=JSON)

    body = me.get("/api/v1/riders/me/reports").json()

    assert body["count"] == 1
    (item,) = body["results"]
    assert item["id"] == mine["id"]
    assert (item["type"], item["station_id"], item["comment"], item["status"], item["resolution"], item["note"]) == (
        "closed", station.id, "铁门锁着", "open", "", ""
    )
    assert rider.get("/api/v1/riders/me/reports").status_code == 401
