"""The precondition and idempotency headers are published under the names clients send.

gunicorn (and nginx, by default) drop request headers whose names contain an underscore, so a
client generated from a schema that called them `if_match` and `idempotency_key` lost its
precondition (428) and its idempotency."""

import json

import pytest

from stations.models import Station
from tests.backend.gunicorn_server import gunicorn_server
from tests.stations.helpers import JSON, futian_station

URL = "/api/v1/manage/stations"


def header_parameters() -> dict[str, list[str]]:
    from backend.api import api

    return {
        f"{method.upper()} {path}": [p["name"] for p in op.get("parameters", []) if p["in"] == "header"]
        for path, ops in api.get_openapi_schema()["paths"].items()
        for method, op in ops.items()
    }


def test_the_schema_names_the_headers_as_they_are_sent():
    headers = header_parameters()

    assert headers[f"PATCH {URL}/{{station_id}}"] == ["If-Match"]
    assert headers[f"DELETE {URL}/{{station_id}}"] == ["If-Match"]
    assert headers[f"POST {URL}/{{station_id}}/revert/{{change_id}}"] == ["If-Match"]
    assert headers[f"POST {URL}/batch"] == ["Idempotency-Key"]
    assert [name for names in headers.values() for name in names if "_" in name] == []


@pytest.mark.django_db
def test_django_receives_if_match_under_its_wsgi_name(manager_futian):
    station = futian_station()

    response = manager_futian.patch(f"{URL}/{station.id}", {"phone": "1"}, content_type=JSON, headers={"If-Match": '"1"'})

    assert response.status_code == 200, response.content
    assert response.wsgi_request.META["HTTP_IF_MATCH"] == '"1"'
    assert response["ETag"] == '"2"'


@pytest.mark.django_db(transaction=True)
def test_the_headers_survive_a_real_gunicorn(manager_futian, tmp_path):
    station = futian_station()
    auth = {"Authorization": f"Bearer {manager_futian.token}", "Content-Type": JSON}
    batch = json.dumps({"operations": [{"op": "create", "external_id": "G-1", "station": {
        "name": "经由gunicorn", "kind": "rest_station", "lon": 114.06, "lat": 22.542}}]}).encode()

    with gunicorn_server(tmp_path / "gunicorn.log") as request:
        # What a client generated from the old schema sent: gunicorn drops it, the change has no version.
        dropped = request("PATCH", f"{URL}/{station.id}", b'{"phone": "1"}', {**auth, "if_match": '"1"'})
        patched = request("PATCH", f"{URL}/{station.id}", b'{"phone": "2"}', {**auth, "If-Match": '"1"'})
        first = request("POST", f"{URL}/batch", batch, {**auth, "Idempotency-Key": "sync-42"})
        retry = request("POST", f"{URL}/batch", batch, {**auth, "Idempotency-Key": "sync-42"})

    assert dropped[0] == 428
    assert (patched[0], patched[1]["ETag"]) == (200, '"2"')
    assert first[0] == retry[0] == 200 and json.loads(first[2]) == json.loads(retry[2])
    assert retry[1].get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first[1]
    assert Station.objects.filter(external_id="G-1").count() == 1
    assert Station.objects.get(pk=station.pk).phone == "2"
