import pytest

from stations.models import Station, StationChange
from tests.stations.helpers import JSON, futian_station, registry_state
from tests.stations.personas import NANSHAN_POINT

pytestmark = pytest.mark.django_db


def url(station) -> str:
    return f"/api/v1/manage/stations/{station.id}"


def test_it_toggles_a_facility_when_the_microwave_breaks(manager_futian, rider):
    station = futian_station(amenities=["toilet", "microwave"])
    response = manager_futian.patch(url(station), {"amenities": ["toilet"]}, content_type=JSON, HTTP_IF_MATCH='"1"')

    assert response.status_code == 200
    assert response.json()["amenities"] == ["toilet"] and response.json()["version"] == 2
    assert response["ETag"] == '"2"'
    # riders see the change at once
    assert rider.get(f"/api/v1/stations/{station.id}").json()["amenities"] == ["toilet"]
    change = StationChange.objects.get(station=station)
    assert change.diff == {"amenities": [["microwave", "toilet"], ["toilet"]]}


def test_it_changes_only_the_fields_sent(manager_futian):
    station = futian_station(phone="0755-1", opening_hours="24/7", amenities=["toilet"])
    response = manager_futian.patch(url(station), {"opening_hours": "Mo-Fr 08:00-20:00", "version": 1}, content_type=JSON)

    assert response.status_code == 200
    station.refresh_from_db()
    assert station.opening_hours == "Mo-Fr 08:00-20:00"
    assert station.phone == "0755-1" and station.amenities == ["toilet"]


def test_it_closes_a_station_for_repairs(manager_futian, rider):
    station = futian_station()
    manager_futian.patch(url(station), {"status": "temporarily_closed"}, content_type=JSON, HTTP_IF_MATCH="1")

    nearest = rider.get(f"/api/v1/stations/nearest?lat={station.lat}&lon={station.lon}").json()
    assert nearest["count"] == 0


def test_it_answers_409_with_the_current_record_for_a_stale_version(manager_futian):
    station = futian_station()
    manager_futian.patch(url(station), {"phone": "1"}, content_type=JSON, HTTP_IF_MATCH='"1"')
    before = registry_state()

    response = manager_futian.patch(url(station), {"phone": "2"}, content_type=JSON, HTTP_IF_MATCH='"1"')

    assert response.status_code == 409
    assert response.json()["current"]["version"] == 2 and response.json()["current"]["phone"] == "1"
    assert "now version 2" in response.json()["detail"]
    assert registry_state() == before


def test_it_asks_for_the_version_when_none_is_sent(manager_futian):
    station = futian_station()
    before = registry_state()
    response = manager_futian.patch(url(station), {"phone": "2"}, content_type=JSON)

    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert registry_state() == before


@pytest.mark.parametrize(
    ("headers", "body", "message"),
    [
        ({"HTTP_IF_MATCH": "abc"}, {"phone": "2"}, "If-Match must be the station's version"),
        ({"HTTP_IF_MATCH": '"1"'}, {"phone": "2", "version": 2}, "If-Match says version 1 but the body says 2"),
        ({"HTTP_IF_MATCH": '"1"'}, {"lat": 22.55}, "lat and lon must be sent together"),
        ({"HTTP_IF_MATCH": '"1"'}, {"name": None}, "name cannot be null"),
        ({"HTTP_IF_MATCH": '"1"'}, {"amenities": ["sauna"]}, "unknown amenity 'sauna'"),
        ({"HTTP_IF_MATCH": '"1"'}, {"opening_hours": "25:00-26:00"}, "not valid OpenStreetMap opening_hours"),
        ({"HTTP_IF_MATCH": '"1"'}, {"lat": "NaN", "lon": 114.05}, "lat: Input should be a finite number"),
    ],
)
def test_it_rejects_bad_patches_and_changes_nothing(manager_futian, headers, body, message):
    station = futian_station()
    before = registry_state()
    response = manager_futian.patch(url(station), body, content_type=JSON, **headers)

    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert registry_state() == before


def test_it_refuses_to_move_a_station_out_of_the_jurisdiction(manager_futian):
    station = futian_station()
    before = registry_state()
    body = {"lon": NANSHAN_POINT[0], "lat": NANSHAN_POINT[1]}
    response = manager_futian.patch(url(station), body, content_type=JSON, HTTP_IF_MATCH='"1"')

    assert response.status_code == 403
    assert "cannot move a station to" in response.json()["detail"]
    assert registry_state() == before


def test_it_moves_a_station_within_the_jurisdiction(manager_futian):
    station = futian_station()
    response = manager_futian.patch(url(station), {"lon": 114.0600, "lat": 22.5420}, content_type=JSON, HTTP_IF_MATCH='"1"')

    assert response.status_code == 200
    station.refresh_from_db()
    assert (station.lon, station.lat) == (114.06, 22.542)
    assert Station.objects.filter(zkey=station.zkey).exists()  # the spatial key follows


def test_it_does_not_bump_the_version_for_a_patch_that_changes_nothing(manager_futian):
    station = futian_station(phone="0755-1")
    response = manager_futian.patch(url(station), {"phone": "0755-1"}, content_type=JSON, HTTP_IF_MATCH='"1"')

    assert response.status_code == 200 and response.json()["version"] == 1
    assert StationChange.objects.count() == 0


def test_it_removes_softly_and_riders_stop_seeing_it(manager_futian, rider):
    station = futian_station()
    response = manager_futian.delete(url(station), HTTP_IF_MATCH='"1"')

    assert response.status_code == 200 and response.json()["status"] == "removed"
    assert Station.objects.filter(pk=station.pk, status="removed").exists()
    assert rider.get(f"/api/v1/stations/{station.id}").status_code == 404
    assert rider.get(f"/api/v1/stations/nearest?lat={station.lat}&lon={station.lon}&status=open,closed,temporarily_closed,planned").json()["count"] == 0
    assert rider.get("/api/v1/stations/nearest?lat=22.5&lon=114&status=removed").status_code == 400
    assert StationChange.objects.get(station=station).action == "remove"


def test_it_wants_a_version_to_remove(manager_futian):
    station = futian_station()
    assert manager_futian.delete(url(station)).status_code == 428
    assert manager_futian.delete(url(station) + "?version=1").status_code == 200


def test_it_shows_its_version_as_an_etag(manager_futian):
    station = futian_station()
    response = manager_futian.get(url(station))
    assert response.status_code == 200 and response["ETag"] == '"1"'


def test_it_refuses_a_last_verified_at_in_the_future(manager_futian):
    station = futian_station()
    before = registry_state()
    response = manager_futian.patch(url(station), {"last_verified_at": "2999-01-01T08:00:00+08:00"}, content_type=JSON, HTTP_IF_MATCH='"1"')

    assert response.status_code == 400
    assert response.json() == {
        "detail": "last_verified_at: Value error, must not be in the future: got 2999-01-01T08:00:00+08:00,"
        " more than 5 minutes ahead of the server's clock"
    }
    assert registry_state() == before


def _writes(client, station, if_match: str | None):
    """PATCH, DELETE and revert of ``station``, each with ``if_match`` (None: no header)."""
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match}
    first_change = StationChange.objects.filter(station=station).order_by("id").first()
    return [
        client.patch(url(station), {"phone": "2"}, content_type=JSON, **headers),
        client.delete(url(station), **headers),
        client.post(f"{url(station)}/revert/{first_change.id if first_change else 1}", **headers),
    ]


@pytest.mark.parametrize("if_match", ['W/"1"', 'w/"1"', " W/1 "])
def test_it_refuses_a_weak_if_match_with_412(manager_futian, if_match):
    station = futian_station()
    manager_futian.patch(url(station), {"phone": "1"}, content_type=JSON, HTTP_IF_MATCH='"1"')  # a change to revert to
    before = registry_state()

    for response in _writes(manager_futian, station, if_match.replace("1", "2")):
        assert response.status_code == 412
        assert response.json() == {
            "detail": 'If-Match needs a strong validator, compared byte for byte with the ETag; send If-Match: "2" (without W/)'
        }
    assert registry_state() == before


@pytest.mark.parametrize("if_match", ['W/"1"', '"1"', "abc", '"²"', None])
def test_it_answers_404_outside_the_jurisdiction_whatever_the_if_match_says(manager_nanshan, if_match):
    station = futian_station()
    before = registry_state()

    for response in _writes(manager_nanshan, station, if_match):
        assert response.status_code == 404
        assert response.json() == {"detail": f"no station with id {station.id} in your jurisdiction (南山区)"}
    assert registry_state() == before


def test_it_declares_412_for_every_write_that_reads_if_match():
    from backend.api import api

    paths = api.get_openapi_schema()["paths"]
    for path, method in [
        ("/api/v1/manage/stations/{station_id}", "patch"),
        ("/api/v1/manage/stations/{station_id}", "delete"),
        ("/api/v1/manage/stations/{station_id}/revert/{change_id}", "post"),
    ]:
        assert "412" in {str(status) for status in paths[path][method]["responses"]}, (path, method)
