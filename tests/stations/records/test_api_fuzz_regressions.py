"""Regressions found by fuzzing the managers' API (schemathesis and hand-made hostile input):
each answered 500, or stored something that could not be read back."""

import pytest

from stations.models import Station
from tests.stations.helpers import JSON, futian_station, new_station_body, registry_state

pytestmark = pytest.mark.django_db


def url(station) -> str:
    return f"/api/v1/manage/stations/{station.id}"


@pytest.mark.parametrize(
    "if_match",
    [
        "²",  # str.isdigit() says yes, int() says no
        '"²"',
        "1" * 5000,  # more digits than int() converts (sys.get_int_max_str_digits)
    ],
)
def test_it_rejects_an_if_match_that_is_not_a_plain_version_number(manager_futian, if_match):
    station = futian_station()
    before = registry_state()

    for response in (
        manager_futian.patch(url(station), {"phone": "1"}, content_type=JSON, HTTP_IF_MATCH=if_match),
        manager_futian.delete(url(station), HTTP_IF_MATCH=if_match),
        manager_futian.post(f"{url(station)}/revert/1", HTTP_IF_MATCH=if_match),
    ):
        assert response.status_code == 400
        assert response.json()["detail"].startswith('If-Match must be the station\'s version, e.g. If-Match: "3"')
    assert registry_state() == before


# Each names an instant outside years 1-9999 once in UTC, where the databases keep it: SQLite's
# adapter overflowed (500); PostgreSQL stored year 10000, then every read of the station failed.
OUT_OF_RANGE_TIMES = ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "0001-01-01T00:00:00"]


@pytest.mark.parametrize("stamp", OUT_OF_RANGE_TIMES)
def test_it_rejects_a_last_verified_at_outside_the_storable_years(manager_futian, stamp):
    station = futian_station()
    before = registry_state(), list(Station.objects.values_list("last_verified_at", flat=True))

    patched = manager_futian.patch(url(station), {"last_verified_at": stamp}, content_type=JSON, HTTP_IF_MATCH='"1"')
    created = manager_futian.post("/api/v1/manage/stations", new_station_body(last_verified_at=stamp), content_type=JSON)
    batch = manager_futian.post(
        "/api/v1/manage/stations/batch",
        {"operations": [{"op": "create", "external_id": "fz-1", "station": new_station_body(last_verified_at=stamp)}]},
        content_type=JSON,
    )

    for response in (patched, created):
        assert response.status_code == 400
        assert response.json() == {
            "detail": "last_verified_at: Value error, must lie between years 1 and 9999 in UTC"
        }
    assert batch.status_code == 200
    assert batch.json()["results"][0]["status"] == "rejected"
    assert "must lie between years 1 and 9999 in UTC" in batch.json()["results"][0]["detail"]
    assert (registry_state(), list(Station.objects.values_list("last_verified_at", flat=True))) == before
    assert manager_futian.get(url(station)).status_code == 200


@pytest.mark.parametrize("stamp", OUT_OF_RANGE_TIMES[:2])
def test_it_rejects_an_updated_since_outside_the_storable_years(manager_futian, stamp):
    futian_station()
    response = manager_futian.get("/api/v1/manage/stations", {"updated_since": stamp})

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"updated_since: Value error, must lie between years 1 and 9999 in UTC (got {stamp!r})"
    }


@pytest.mark.parametrize("stamp", OUT_OF_RANGE_TIMES[:2])
def test_it_rejects_a_tampered_list_cursor_outside_the_storable_years(manager_futian, stamp):
    import base64
    import json

    futian_station()
    cursor = base64.urlsafe_b64encode(json.dumps([stamp, 1]).encode()).decode()
    response = manager_futian.get("/api/v1/manage/stations", {"cursor": cursor})

    assert response.status_code == 400
    assert response.json() == {"detail": "cursor is not valid: pass the `next` value of the previous page unchanged"}


def upload_csv(client, data: bytes, **form):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fields = {"file": SimpleUploadedFile("stations.csv", data, content_type="text/csv"), "coordsys": "wgs84", "kind": "rest_station"}
    return client.post("/api/v1/manage/imports", {**fields, **form})


@pytest.mark.parametrize("stamp", OUT_OF_RANGE_TIMES)
def test_it_rejects_an_imported_last_verified_at_outside_the_storable_years(manager_futian, stamp):
    before = registry_state()
    response = upload_csv(manager_futian, f"external_id,name,lon,lat,last_verified_at\nFT-1,福田驿站,114.055,22.541,{stamp}\n".encode())

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 2, "external_id": "FT-1", "reason": f"last_verified_at {stamp!r} must lie between years 1 and 9999 in UTC"}
    ]
    assert registry_state() == before


NUL_FIELDS = ["name", "name_en", "address", "city", "district", "phone", "operator", "external_id"]


@pytest.mark.parametrize("field", NUL_FIELDS)
def test_it_rejects_a_nul_character_in_text_on_every_database(manager_futian, field):
    # PostgreSQL refuses NUL in text (500); SQLite would store it: refuse it on both.
    station = futian_station()
    before = registry_state()

    created = manager_futian.post("/api/v1/manage/stations", new_station_body(**{field: "a\x00b"}), content_type=JSON)
    patched = (
        manager_futian.patch(url(station), {field: "a\x00b"}, content_type=JSON, HTTP_IF_MATCH='"1"')
        if field != "external_id"
        else created
    )

    for response in (created, patched):
        assert response.status_code == 400
        assert response.json() == {"detail": f"{field}: Value error, must not contain NUL (\\x00) characters"}
    assert registry_state() == before


@pytest.mark.parametrize("operation", [{"external_id": "a\x00b"}, {"external_id": "FT-1", "source": "a\x00b"}])
def test_it_rejects_a_nul_character_in_a_batch_operation(manager_futian, operation):
    before = registry_state()
    response = manager_futian.post(
        "/api/v1/manage/stations/batch", {"operations": [{"op": "update", "version": 1, **operation}]}, content_type=JSON
    )

    assert response.status_code == 400
    assert "must not contain NUL (\\x00) characters" in response.json()["detail"]
    assert registry_state() == before


def test_it_rejects_an_imported_row_with_a_nul_character(manager_futian):
    before = registry_state()
    response = upload_csv(manager_futian, b"external_id,name,lon,lat,address\nFT-\x001,\xe7\xa6\x8f\xe7\x94\xb0,114.055,22.541,a\x00b\n")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 2, "external_id": "FT-\x001", "reason": "external_id contains a NUL (\\x00) character; remove it"}
    ]
    assert registry_state() == before


def test_it_rejects_a_csv_whose_header_is_one_huge_field(manager_futian):
    # csv refuses a field over 131,072 characters; in the header that escaped as a 500.
    before = registry_state()
    response = upload_csv(manager_futian, b"a" * 200_000 + b"\n")

    assert response.status_code == 400
    assert response.json()["detail"] == "the CSV header is malformed: field larger than field limit (131072)"
    assert registry_state() == before


def test_it_documents_both_bodies_an_import_answers_400_with(manager_futian):
    # schemathesis: a request without a file got {"detail"} while OpenAPI promised ImportRejectedOut only.
    response = manager_futian.post("/api/v1/manage/imports", {"coordsys": "wgs84"})
    rejected = upload_csv(manager_futian, b"external_id,name,lon,lat\nNS-1,\xe5\x8d\x97\xe5\xb1\xb1,113.93,22.533\n")

    assert response.status_code == 400 and set(response.json()) == {"detail"}
    assert rejected.status_code == 400 and {"detail", "errors", "summary"} <= set(rejected.json())
    operation = manager_futian.get("/api/v1/openapi.json").json()["paths"]["/api/v1/manage/imports"]["post"]
    schema = operation["responses"]["400"]["content"]["application/json"]["schema"]
    assert sorted(option["$ref"] for option in schema["anyOf"]) == [
        "#/components/schemas/ErrorOut",
        "#/components/schemas/ImportRejectedOut",
    ]
