"""POST /api/v1/suggestions and the managers' approve / reject."""

import pytest

from stations.models import Report, Station, StationChange
from tests.stations.reports.helpers import JSON, futian_station, new_rider

pytestmark = pytest.mark.django_db

FUTIAN_SUGGESTION = {
    "name": "莲花山新驿站", "kind": "rest_station", "point": {"lon": 114.0552, "lat": 22.5411},
    "amenities": ["toilet", "drinking_water"], "opening_hours": "24/7", "comment": "公园东门",
}


def test_it_takes_a_suggestion_and_lists_nearby_stations_it_may_duplicate():
    near = futian_station(name="莲花山驿站")

    response = new_rider().post("/api/v1/suggestions", FUTIAN_SUGGESTION, content_type=JSON)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["type"], body["status"]) == ("suggestion", "open")
    assert [s["id"] for s in body["nearby"]] == [near.id]
    assert body["nearby"][0]["distance_m"] < 100
    saved = Report.objects.get()
    assert (saved.name, saved.kind, saved.suggested_hours, saved.station_id) == ("莲花山新驿站", "rest_station", "24/7", None)
    assert Station.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [({"name": ""}, "name"), ({"kind": "pool"}, "kind"), ({"point": None}, "point"), ({"amenities": ["pool"]}, "amenities"), ({"opening_hours": "sometimes"}, "opening_hours")],
)
def test_it_rejects_a_bad_suggestion_naming_the_field(change, field):
    response = new_rider().post("/api/v1/suggestions", {**FUTIAN_SUGGESTION, **change}, content_type=JSON)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(field), response.json()
    assert Report.objects.count() == 0


def test_approving_creates_the_station_in_the_organisations_source(manager_futian):
    rider = new_rider()
    suggestion = rider.post("/api/v1/suggestions", FUTIAN_SUGGESTION, content_type=JSON).json()["id"]

    response = manager_futian.post(f"/api/v1/manage/suggestions/{suggestion}/approve", {}, content_type=JSON)

    assert response.status_code == 200, response.json()
    station = Station.objects.get()
    assert (station.name, station.source, station.amenities, station.opening_hours) == ("莲花山新驿站", "org:福田区", ["drinking_water", "toilet"], "24/7")
    assert StationChange.objects.get(station=station).via == "suggestion"
    assert response.json()["created_station_id"] == station.id
    mine = rider.get("/api/v1/riders/me/reports").json()["results"][0]
    assert (mine["status"], mine["resolution"], mine["created_station_id"]) == ("resolved", "approved", station.id)


def test_approving_a_duplicate_answers_409_unless_forced(manager_futian):
    futian_station(name="莲花山新驿站")
    suggestion = new_rider().post("/api/v1/suggestions", FUTIAN_SUGGESTION, content_type=JSON).json()["id"]

    refused = manager_futian.post(f"/api/v1/manage/suggestions/{suggestion}/approve", {}, content_type=JSON)
    assert refused.status_code == 409 and "candidate" in refused.json()
    assert Report.objects.get(pk=suggestion).status == "open"

    forced = manager_futian.post(f"/api/v1/manage/suggestions/{suggestion}/approve", {"force": True}, content_type=JSON)
    assert forced.status_code == 200 and Station.objects.count() == 2


def test_rejecting_needs_a_reason_the_rider_sees(manager_futian):
    rider = new_rider()
    suggestion = rider.post("/api/v1/suggestions", FUTIAN_SUGGESTION, content_type=JSON).json()["id"]

    assert manager_futian.post(f"/api/v1/manage/suggestions/{suggestion}/reject", {}, content_type=JSON).status_code == 400
    response = manager_futian.post(f"/api/v1/manage/suggestions/{suggestion}/reject", {"reason": "这里是私人场所"}, content_type=JSON)

    assert response.status_code == 200
    mine = rider.get("/api/v1/riders/me/reports").json()["results"][0]
    assert (mine["resolution"], mine["note"]) == ("rejected", "这里是私人场所")
    assert Station.objects.count() == 0


def test_a_report_is_not_a_suggestion_and_back(manager_futian):
    station = futian_station()
    rider = new_rider()
    report_id = rider.post(f"/api/v1/stations/{station.id}/reports", {"type": "closed"}, content_type=JSON).json()["id"]
    suggestion = rider.post("/api/v1/suggestions", FUTIAN_SUGGESTION, content_type=JSON).json()["id"]

    assert manager_futian.post(f"/api/v1/manage/suggestions/{report_id}/approve", {}, content_type=JSON).status_code == 400
    assert manager_futian.post(f"/api/v1/manage/reports/{suggestion}/resolve", {"resolution": "fixed"}, content_type=JSON).status_code == 400
