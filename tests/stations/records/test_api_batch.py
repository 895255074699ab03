import json

import pytest

from stations.models import BatchRequest, Station
from tests.stations.helpers import JSON, futian_station, registry_state
from tests.stations.personas import NANSHAN_POINT

pytestmark = pytest.mark.django_db
URL = "/api/v1/manage/stations/batch"


def create_op(external_id, lon=114.0550, lat=22.5410, **station):
    return {"op": "create", "external_id": external_id, "station": {"name": f"驿站{external_id}", "kind": "rest_station", "lon": lon, "lat": lat, **station}}


def test_it_applies_each_operation_or_rejects_it_alone(manager_futian):
    existing = futian_station(source="org:福田区", external_id="OLD-1")
    operations = [
        create_op("N-1", amenities=["toilet"]),
        create_op("N-2", lon=NANSHAN_POINT[0], lat=NANSHAN_POINT[1]),  # outside: rejected
        {"op": "update", "external_id": "OLD-1", "version": 1, "station": {"opening_hours": "24/7", "amenities": ["wifi"]}},
        {"op": "update", "external_id": "OLD-1", "version": 1, "station": {"phone": "1"}},  # stale now: rejected
        {"op": "update", "external_id": "N-1", "version": 1, "station": {"amenities": ["spa"]}},  # bad code
        {"op": "close", "external_id": "N-1", "version": 1},
        {"op": "remove", "external_id": "MISSING", "version": 1},
    ]
    response = manager_futian.post(URL, {"operations": operations}, content_type=JSON)

    assert response.status_code == 200
    body = response.json()
    assert (body["applied"], body["rejected"]) == (3, 4)
    statuses = [(r["index"], r["status"]) for r in body["results"]]
    assert statuses == [(0, "applied"), (1, "rejected"), (2, "applied"), (3, "rejected"), (4, "rejected"), (5, "applied"), (6, "rejected")]
    reasons = {r["index"]: r["detail"] for r in body["results"]}
    assert "outside your jurisdiction" in reasons[1]
    assert "now version 2" in reasons[3]
    assert "unknown amenity 'spa'" in reasons[4]
    assert "no station with external_id 'MISSING'" in reasons[6]
    assert not Station.objects.filter(external_id="N-2").exists()
    existing.refresh_from_db()
    assert (existing.version, existing.phone, existing.amenities) == (2, "", ["wifi"])
    assert Station.objects.get(external_id="N-1").status == "closed"


def test_it_applies_a_retried_batch_once(manager_futian):
    payload = json.dumps({"operations": [create_op("R-1")]})
    first = manager_futian.post(URL, payload, content_type=JSON, HTTP_IDEMPOTENCY_KEY="union-sync-2026-12-01-001")
    retry = manager_futian.post(URL, payload, content_type=JSON, HTTP_IDEMPOTENCY_KEY="union-sync-2026-12-01-001")

    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Station.objects.filter(external_id="R-1").count() == 1
    assert BatchRequest.objects.count() == 1


def test_it_refuses_a_key_reused_for_another_batch(manager_futian):
    manager_futian.post(URL, {"operations": [create_op("R-1")]}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k")
    before = registry_state()
    response = manager_futian.post(URL, {"operations": [create_op("R-2", lon=114.06)]}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 422
    assert "already used for a different batch" in response.json()["detail"]
    assert registry_state() == before


def test_keys_belong_to_their_account(manager_futian, manager_shenzhen):
    manager_futian.post(URL, {"operations": [create_op("R-1")]}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k")
    response = manager_shenzhen.post(URL, {"operations": [create_op("R-1", lon=114.06, name="另一站")]}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k")
    # the city's own source: a different station, applied (not a replay of Futian's batch)
    assert response.status_code == 200 and response.json()["applied"] == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"operations": [create_op(f"B-{i}", lon=114.05 + i * 1e-5) for i in range(1001)]}, "operations: List should have at most 1000 items"),
        ({"operations": []}, "operations: List should have at least 1 item"),
        ({"operations": [{"op": "explode", "external_id": "x"}]}, "operations.0.op: Input should be 'create', 'update', 'close' or 'remove'"),
        ({"operations": [{"op": "create"}]}, "operations.0.external_id: Field required"),
        ({}, "operations: Field required"),
    ],
)
def test_it_rejects_malformed_batches_whole(manager_futian, payload, message):
    futian_station()
    before = registry_state()
    response = manager_futian.post(URL, payload, content_type=JSON)

    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert registry_state() == before


def test_it_needs_a_version_for_updates(manager_futian):
    futian_station(source="org:福田区", external_id="OLD-1")
    response = manager_futian.post(URL, {"operations": [{"op": "update", "external_id": "OLD-1", "station": {"phone": "1"}}]}, content_type=JSON)
    assert response.json()["results"][0]["status"] == "rejected"
    assert "needs the version" in response.json()["results"][0]["detail"]


def test_it_applies_a_full_batch_of_1000(manager_futian):
    operations = [create_op(f"B-{i}", lon=114.05 + (i % 40) * 4e-4, lat=22.535 + (i // 40) * 4e-4) for i in range(1000)]
    response = manager_futian.post(URL, {"operations": operations}, content_type=JSON)

    assert response.status_code == 200
    assert response.json()["applied"] == 1000
    assert Station.objects.filter(source="org:福田区").count() == 1000


def test_it_rejects_a_last_verified_at_in_the_future(manager_futian):
    futian_station(source="org:福田区", external_id="OLD-1")
    before = registry_state()
    operations = [
        create_op("F-1", last_verified_at="2999-01-01T00:00:00Z"),
        {"op": "update", "external_id": "OLD-1", "version": 1, "station": {"last_verified_at": "2999-01-01T00:00:00Z"}},
    ]
    response = manager_futian.post(URL, {"operations": operations}, content_type=JSON)

    assert response.status_code == 200
    reason = (
        "station.last_verified_at: Value error, must not be in the future: got 2999-01-01T00:00:00+00:00,"
        " more than 5 minutes ahead of the server's clock"
    )
    assert response.json() == {
        "applied": 0,
        "rejected": 2,
        "results": [
            {"index": 0, "op": "create", "external_id": "F-1", "status": "rejected", "id": None, "version": None, "detail": reason},
            {"index": 1, "op": "update", "external_id": "OLD-1", "status": "rejected", "id": None, "version": None, "detail": reason},
        ],
    }
    assert registry_state() == before


# -- sources and jurisdictions: one answer whatever exists outside them -------------------------


def _result(index, op, external_id, detail):
    return {"index": index, "op": op, "external_id": external_id, "status": "rejected", "id": None, "version": None, "detail": detail}


NOT_NANSHANS = (
    "you may not write in source {source!r}: 南山区 writes only in its own source 'org:南山区'"
    " (see the managers' section of the README)"
)


@pytest.mark.parametrize("source", ["org:福田区", "test", "demo:osm-shenzhen (© OpenStreetMap contributors)"])
def test_it_refuses_another_organisations_source_with_one_answer_whatever_exists(manager_nanshan, source):
    futian_station(source=source, external_id="FT-1")
    before = registry_state()
    operations = [
        create_op("FT-1", lon=NANSHAN_POINT[0], lat=NANSHAN_POINT[1], name="冒名驿站"),  # its id is taken there
        create_op("FT-NEW", lon=NANSHAN_POINT[0], lat=NANSHAN_POINT[1], name="冒名驿站"),  # a new id: spoofing
        {"op": "update", "external_id": "FT-1", "version": 1, "station": {"phone": "1"}},
        {"op": "update", "external_id": "FT-MISSING", "version": 1, "station": {"phone": "1"}},
        {"op": "close", "external_id": "FT-1", "version": 1},
        {"op": "remove", "external_id": "FT-MISSING", "version": 1},
    ]

    response = manager_nanshan.post(URL, {"operations": [{**op, "source": source} for op in operations]}, content_type=JSON)

    assert response.status_code == 200
    detail = NOT_NANSHANS.format(source=source)
    assert response.json() == {
        "applied": 0,
        "rejected": 6,
        "results": [_result(i, op["op"], op["external_id"], detail) for i, op in enumerate(operations)],
    }
    assert registry_state() == before


def test_it_answers_a_station_outside_the_jurisdiction_like_a_missing_one(manager_nanshan):
    # 南山区's own station, moved by the city union into 福田区: no longer 南山区's to see.
    futian_station(source="org:南山区", external_id="NS-MOVED")
    before = registry_state()
    operations = [
        {"op": "update", "external_id": "NS-MOVED", "version": 1, "station": {"phone": "1"}},
        {"op": "update", "external_id": "NS-MISSING", "version": 1, "station": {"phone": "1"}},
        {"op": "close", "external_id": "NS-MOVED", "version": 1},
        {"op": "remove", "external_id": "NS-MISSING", "version": 1},
    ]

    response = manager_nanshan.post(URL, {"operations": operations}, content_type=JSON)

    def missing(external_id):
        return f"no station with external_id {external_id!r} in source 'org:南山区' in your jurisdiction"

    assert response.json() == {
        "applied": 0,
        "rejected": 4,
        "results": [_result(i, op["op"], op["external_id"], missing(op["external_id"])) for i, op in enumerate(operations)],
    }
    assert registry_state() == before


def test_it_creates_past_a_near_duplicate_outside_the_jurisdiction_but_not_past_its_external_id(manager_nanshan):
    from tests.stations.personas import FUTIAN_EDGE_POINT, NANSHAN_EDGE_POINT

    futian_station(name="深圳湾暖心驿站", lon=FUTIAN_EDGE_POINT[0], lat=FUTIAN_EDGE_POINT[1], source="org:福田区", external_id="FT-EDGE")
    futian_station(source="org:南山区", external_id="NS-MOVED")
    operations = [
        create_op("NS-EDGE", lon=NANSHAN_EDGE_POINT[0], lat=NANSHAN_EDGE_POINT[1], name="深圳湾 暖心驿站"),
        create_op("NS-MOVED", lon=NANSHAN_POINT[0], lat=NANSHAN_POINT[1]),
    ]

    response = manager_nanshan.post(URL, {"operations": operations}, content_type=JSON)

    created = Station.objects.get(source="org:南山区", external_id="NS-EDGE")
    assert response.json() == {
        "applied": 1,
        "rejected": 1,
        "results": [
            {"index": 0, "op": "create", "external_id": "NS-EDGE", "status": "applied", "id": created.id, "version": 1, "detail": None},
            _result(1, "create", "NS-MOVED", "external_id 'NS-MOVED' is already used in source 'org:南山区'; choose another external_id"),
        ],
    }


def test_the_city_union_writes_in_its_districts_sources(manager_shenzhen):
    existing = futian_station(source="org:福田区", external_id="FT-1")
    operations = [
        {"op": "update", "source": "org:福田区", "external_id": "FT-1", "version": 1, "station": {"phone": "1"}},
        {"op": "update", "source": "test", "external_id": "FT-1", "version": 1, "station": {"phone": "1"}},
    ]

    response = manager_shenzhen.post(URL, {"operations": operations}, content_type=JSON)

    assert response.json()["results"] == [
        {"index": 0, "op": "update", "external_id": "FT-1", "status": "applied", "id": existing.id, "version": 2, "detail": None},
        _result(
            1, "update", "FT-1",
            "you may not write in source 'test': 深圳市 writes only in its own source 'org:深圳市'"
            " and those of the organisations below it (org:<name>) (see the managers' section of the README)",
        ),
    ]


def test_it_names_stations_by_source_and_external_id_in_its_messages(manager_futian):
    futian_station(source="org:福田区", external_id="OLD-1", version=3)
    futian_station(source="org:福田区", external_id="GONE-1", status="removed")
    futian_station(source="org:福田区", external_id="NEAR-1", name="莲花山驿站", lon=114.0600, lat=22.5450)
    operations = [
        {"op": "update", "external_id": "OLD-1", "version": 1, "station": {"phone": "1"}},
        {"op": "update", "external_id": "GONE-1", "version": 1, "station": {"phone": "1"}},
        create_op("NEW-1", lon=114.0600, lat=22.5450, name="莲花山 驿站"),
        create_op("OLD-1", lon=114.0700, lat=22.5450),
    ]

    response = manager_futian.post(URL, {"operations": operations}, content_type=JSON)

    assert [r["detail"] for r in response.json()["results"]] == [
        "station 'OLD-1' in source 'org:福田区' has changed since version 1: it is now version 3;"
        " review the current record and send your change again based on it",
        "station 'GONE-1' in source 'org:福田区' is removed; send a status (e.g. \"open\") to bring it back, or revert it",
        "station 'NEAR-1' in source 'org:福田区' (莲花山驿站) is a rest_station within 30 m with a similar name;"
        " update it instead, or send \"force\": true if this is really another station",
        "external_id 'OLD-1' is already used in source 'org:福田区'; update that station instead",
    ]
