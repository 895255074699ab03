import datetime

import pytest

from geodata.coords import wgs84_to_gcj02
from stations.models import Station, StationChange
from stations.records.writes import station_out
from tests.stations.helpers import JSON, futian_station, new_station_body, registry_state
from tests.stations.personas import FUTIAN_POINT, NANSHAN_POINT, OUTSIDE_SHENZHEN

pytestmark = pytest.mark.django_db
URL = "/api/v1/manage/stations"


def test_it_creates_a_station_in_the_managers_district(manager_futian):
    body = new_station_body(
        amenities=["toilet", "microwave", "drinking_water"],
        opening_hours="Mo-Su 07:00-22:00",
        phone="0755-83000000",
        operator="福田区总工会",
        eligible_workers=["delivery", "courier"],
        external_id="FT-0001",
    )
    response = manager_futian.post(URL, body, content_type=JSON)

    assert response.status_code == 201
    created = response.json()
    assert response["ETag"] == '"1"'
    station = Station.objects.get(pk=created["id"])
    assert (station.lon, station.lat) == FUTIAN_POINT
    assert station.source == "org:福田区" and station.external_id == "FT-0001"
    assert station.amenities == ["drinking_water", "microwave", "toilet"]
    assert station.eligible_workers == ["delivery", "courier"]
    assert created["version"] == 1 and created["status"] == "open" and created["photos"] == []
    change = StationChange.objects.get(station=station)
    assert change.action == "create" and change.changed_by_name == "futian_manager" and change.organisation_name == "福田区"
    assert change.diff["name"] == [None, "新洲路爱心驿站"]


def test_it_takes_amap_coordinates_and_answers_in_them(manager_futian):
    lon, lat = wgs84_to_gcj02(*FUTIAN_POINT)
    response = manager_futian.post(URL, new_station_body((lon, lat), coordsys="gcj02"), content_type=JSON)

    assert response.status_code == 201
    station = Station.objects.get(pk=response.json()["id"])
    assert station.lon == pytest.approx(FUTIAN_POINT[0], abs=1e-7) and station.lat == pytest.approx(FUTIAN_POINT[1], abs=1e-7)
    assert response.json()["lon"] == pytest.approx(lon, abs=1e-6) and response.json()["coordsys"] == "gcj02"


def test_it_lets_the_city_union_create_in_any_district(manager_shenzhen):
    response = manager_shenzhen.post(URL, new_station_body(NANSHAN_POINT), content_type=JSON)
    assert response.status_code == 201


def test_it_refuses_a_station_outside_the_jurisdiction(manager_futian):
    before = registry_state()
    response = manager_futian.post(URL, new_station_body(NANSHAN_POINT), content_type=JSON)

    assert response.status_code == 403
    assert "outside your jurisdiction (福田区)" in response.json()["detail"]
    assert registry_state() == before


def test_it_answers_409_with_the_candidate_for_a_near_duplicate(manager_futian):
    existing = futian_station()
    before = registry_state()
    body = new_station_body((FUTIAN_POINT[0] + 0.0001, FUTIAN_POINT[1]), name="福田区总工会 暖心驿站（新）")
    response = manager_futian.post(URL, body, content_type=JSON)

    assert response.status_code == 409
    assert response.json()["candidate"]["id"] == existing.id
    assert "force=true" in response.json()["detail"]
    assert registry_state() == before

    forced = manager_futian.post(URL + "?force=true", body, content_type=JSON)
    assert forced.status_code == 201


def test_a_removed_neighbour_is_no_duplicate_but_a_closed_one_is(manager_futian):
    futian_station(status="removed")
    closed = futian_station(status="closed", lon=FUTIAN_POINT[0] + 0.0002)  # ~20 m east
    body = new_station_body((FUTIAN_POINT[0] + 0.0001, FUTIAN_POINT[1]), name="福田区总工会暖心驿站")

    response = manager_futian.post(URL, body, content_type=JSON)

    assert response.status_code == 409
    assert response.json()["candidate"]["id"] == closed.id


def test_it_allows_a_similar_name_of_another_kind_or_further_away(manager_futian):
    futian_station()
    other_kind = new_station_body((FUTIAN_POINT[0] + 0.0001, FUTIAN_POINT[1]), name="福田区总工会暖心驿站", kind="charging_point")
    far = new_station_body((FUTIAN_POINT[0] + 0.001, FUTIAN_POINT[1]), name="福田区总工会暖心驿站")  # ~100 m east
    assert manager_futian.post(URL, other_kind, content_type=JSON).status_code == 201
    assert manager_futian.post(URL, far, content_type=JSON).status_code == 201


def test_it_refuses_a_reused_external_id(manager_futian):
    manager_futian.post(URL, new_station_body(external_id="X1"), content_type=JSON)
    before = registry_state()
    response = manager_futian.post(URL, new_station_body((114.06, 22.545), name="另一个站", external_id="X1"), content_type=JSON)

    assert response.status_code == 409
    assert "external_id 'X1' is already used" in response.json()["detail"]
    assert registry_state() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lat": 123}, "lat: Input should be less than or equal to 90"),
        ({"lon": "abc"}, "lon: Input should be a valid number"),
        ({"lat": None}, "lat: Input should be a valid number"),
        ({"kind": "spa"}, "kind: Input should be 'rest_station', 'driver_home' or 'charging_point'"),
        ({"amenities": ["toilet", "pool"]}, "unknown amenity 'pool'; allowed: parking"),
        ({"eligible_workers": ["pilot"]}, "unknown worker type 'pilot'"),
        ({"opening_hours": "open when the boss is in"}, "is not valid OpenStreetMap opening_hours syntax"),
        ({"status": "removed"}, "status: Input should be 'open'"),
        ({"name": ""}, "name: String should have at least 1 character"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
        ({"coordsys": "gcj02", "lon": 2.35, "lat": 48.85}, "outside China, where GCJ-02 coordinates do not exist"),
        ({"charging": {"sockets": -1}}, "charging.sockets: Input should be greater than or equal to 0"),
        ({"city_adcode": "44030"}, "city_adcode: String should match pattern"),
    ],
)
def test_it_rejects_bad_input_and_changes_nothing(manager_futian, change, message):
    before = registry_state()
    response = manager_futian.post(URL, {**new_station_body(), **change}, content_type=JSON)

    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert registry_state() == before


def test_it_rejects_a_body_that_is_not_json(manager_futian):
    response = manager_futian.post(URL, "name=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert Station.objects.count() == 0


def test_it_refuses_a_point_outside_every_jurisdiction_even_for_the_city(manager_shenzhen):
    response = manager_shenzhen.post(URL, new_station_body(OUTSIDE_SHENZHEN), content_type=JSON)
    assert response.status_code == 403


def _in(minutes: float) -> str:
    """An instant ``minutes`` from now, in China time, as a client would send it."""
    now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))
    return (now + datetime.timedelta(minutes=minutes)).isoformat(timespec="seconds")


def test_it_refuses_a_last_verified_at_in_the_future(manager_futian):
    before = registry_state()
    stamp = _in(60)
    response = manager_futian.post(URL, new_station_body(last_verified_at=stamp), content_type=JSON)

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"last_verified_at: Value error, must not be in the future: got {stamp},"
        " more than 5 minutes ahead of the server's clock"
    }
    assert registry_state() == before


def test_it_allows_a_few_minutes_of_clock_skew_in_last_verified_at(manager_futian):
    response = manager_futian.post(URL, new_station_body(last_verified_at=_in(4)), content_type=JSON)

    assert response.status_code == 201


# -- the duplicate check sees only the caller's jurisdiction ---------------------------------


def _edge_stations():
    """A 福田区 station on its district's edge, and a body for a near-duplicate 0.41 m away in 南山区."""
    from stations.accounts.jurisdiction import jurisdiction_of
    from stations.models import Organisation
    from tests.stations.personas import FUTIAN_EDGE_POINT, NANSHAN_EDGE_POINT

    futian, nanshan = (jurisdiction_of(Organisation.objects.get(name=name)) for name in ("福田区", "南山区"))
    assert futian.covers(*FUTIAN_EDGE_POINT) and not nanshan.covers(*FUTIAN_EDGE_POINT)
    assert nanshan.covers(*NANSHAN_EDGE_POINT) and not futian.covers(*NANSHAN_EDGE_POINT)
    existing = futian_station(name="深圳湾暖心驿站", lon=FUTIAN_EDGE_POINT[0], lat=FUTIAN_EDGE_POINT[1], source="org:福田区", external_id="FT-EDGE")
    return existing, new_station_body(NANSHAN_EDGE_POINT, name="深圳湾 暖心驿站")


def test_it_names_no_candidate_outside_the_jurisdiction_and_creates_the_station(manager_nanshan):
    existing, body = _edge_stations()

    response = manager_nanshan.post(URL, body, content_type=JSON)

    assert response.status_code == 201
    created = Station.objects.get(pk=response.json()["id"])
    # The managers' record: the public detail without the riders' navigation links.
    assert response.json() == {k: v for k, v in station_out(created).items() if k != "navigation"}
    assert (created.source, created.name) == ("org:南山区", "深圳湾 暖心驿站")
    assert "FT-EDGE" not in response.content.decode()
    assert Station.objects.count() == 2


def test_it_still_answers_409_with_the_candidate_where_the_caller_sees_both(manager_shenzhen):
    existing, body = _edge_stations()
    before = registry_state()

    response = manager_shenzhen.post(URL, body, content_type=JSON)

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"station {existing.id} (深圳湾暖心驿站) is a rest_station within 30 m with a similar name;"
        " update it instead, or send force=true if this is really another station",
        "candidate": station_out(existing),
    }
    assert registry_state() == before


def test_it_does_not_reveal_a_station_of_its_own_source_outside_the_jurisdiction(manager_nanshan):
    # 南山区 created it; the city union has since moved it into 福田区, out of 南山区's sight.
    futian_station(source="org:南山区", external_id="NS-1")
    before = registry_state()

    response = manager_nanshan.post(URL, new_station_body(NANSHAN_POINT, external_id="NS-1"), content_type=JSON)

    assert response.status_code == 409
    assert response.json() == {"detail": "external_id 'NS-1' is already used in source 'org:南山区'; choose another external_id"}
    assert registry_state() == before


def test_it_names_the_station_that_uses_the_external_id_when_the_caller_sees_it(manager_futian):
    existing = futian_station(source="org:福田区", external_id="X1")
    before = registry_state()

    response = manager_futian.post(URL, new_station_body((114.06, 22.545), name="另一个站", external_id="X1"), content_type=JSON)

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"external_id 'X1' is already used by station {existing.id} in source 'org:福田区'; PATCH that station instead",
        "candidate": station_out(existing),
    }
    assert registry_state() == before
