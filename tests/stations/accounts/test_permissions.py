"""The permission matrix: every write endpoint × own / other / parent jurisdiction × anonymous,
asserting the status and that nothing changed where refused."""

import pytest
from django.test import Client

from stations.models import StationChange, StationPhoto
from tests.stations.photos.test_api_photos import jpeg_with_gps
from tests.stations.helpers import JSON, futian_station, registry_state

pytestmark = pytest.mark.django_db


def _patch(client, station):
    return client.patch(f"/api/v1/manage/stations/{station.id}", {"phone": "999"}, content_type=JSON, HTTP_IF_MATCH=str(station.version))


def _delete(client, station):
    return client.delete(f"/api/v1/manage/stations/{station.id}", HTTP_IF_MATCH=str(station.version))


def _revert(client, station):
    change = StationChange.objects.filter(station=station).order_by("id").first()
    return client.post(f"/api/v1/manage/stations/{station.id}/revert/{change.id}", HTTP_IF_MATCH=str(station.version))


def _detail(client, station):
    return client.get(f"/api/v1/manage/stations/{station.id}")


def _history(client, station):
    return client.get(f"/api/v1/manage/stations/{station.id}/history")


def _batch_update(client, station):
    op = {"op": "update", "external_id": station.external_id, "source": station.source, "version": station.version, "station": {"phone": "999"}}
    return client.post("/api/v1/manage/stations/batch", {"operations": [op]}, content_type=JSON)


def _create_here(client, station):
    body = {"name": "另一个驿站", "kind": "charging_point", "lon": station.lon + 0.001, "lat": station.lat}
    return client.post("/api/v1/manage/stations", body, content_type=JSON)


def _photo_add(client, station):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("p.jpg", jpeg_with_gps((300, 200), 1), content_type="image/jpeg")
    return client.post(f"/api/v1/manage/stations/{station.id}/photos", {"file": photo})


def _photo_delete(client, station):
    photo = StationPhoto.objects.get(station=station)
    return client.delete(f"/api/v1/manage/stations/{station.id}/photos/{photo.id}")


def _photo_order(client, station):
    photo = StationPhoto.objects.get(station=station)
    return client.put(f"/api/v1/manage/stations/{station.id}/photos/order", {"photo_ids": [photo.id]}, content_type=JSON)


ENDPOINTS = {
    "photo-add": (_photo_add, 201),
    "photo-delete": (_photo_delete, 204),
    "photo-order": (_photo_order, 200),
    "patch": (_patch, 200),
    "delete": (_delete, 200),
    "revert": (_revert, 200),
    "detail": (_detail, 200),
    "history": (_history, 200),
    "create": (_create_here, 201),
    "batch-update": (_batch_update, 200),
}
WRITES = {"patch", "delete", "revert", "create", "batch-update"}


@pytest.fixture
def station(manager_futian, settings, tmp_path):
    """A Futian station of 福田区's own source, with one recorded change (so revert has something
    to return to) and a photo."""
    settings.MEDIA_ROOT = tmp_path
    station = futian_station(source="org:福田区")
    _patch(manager_futian, station)
    station.refresh_from_db()
    StationPhoto.objects.create(station=station, full_name="a.webp", thumb_name="a_t.webp", width=1, height=1)
    return station


def _state():
    return registry_state(), tuple(StationPhoto.objects.values_list("id", "position"))


def _outcome(name, response) -> str:
    if name == "batch-update" and response.status_code == 200:
        return response.json()["results"][0]["status"]
    return str(response.status_code)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("manager_futian", "allowed"),  # own district
        ("manager_shenzhen", "allowed"),  # parent: the city union
        ("manager_nanshan", "404"),  # another district: the station does not exist for it
        ("anonymous", "401"),
        ("bad_token", "401"),
        ("planner_shenzhen", "403"),  # planners read and analyse, never edit
    ],
)
def test_permission_matrix(request, station, endpoint, persona, expected):
    if persona == "anonymous":
        client = Client()
    elif persona == "bad_token":
        client = Client(HTTP_AUTHORIZATION="Bearer yz_not-a-real-token")
    else:
        client = request.getfixturevalue(persona)
    call, ok_status = ENDPOINTS[endpoint]
    before = _state()

    response = call(client, station)

    if expected == "allowed":
        assert response.status_code == ok_status, response.content
        if endpoint == "batch-update":
            assert response.json()["results"][0]["status"] == "applied"
        return
    if persona == "manager_nanshan" and endpoint == "create":
        assert response.status_code == 403  # a location, not a record: refused, not hidden
    elif persona == "manager_nanshan" and endpoint == "batch-update":
        # named by (source, external_id): another district's source, refused as such
        assert _outcome(endpoint, response) == "rejected"
        assert response.json()["results"][0]["detail"].startswith("you may not write in source 'org:福田区'")
    else:
        assert response.status_code == int(expected), response.content
        assert "detail" in response.json()
    assert _state() == before
