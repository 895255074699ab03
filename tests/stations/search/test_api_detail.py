import datetime

import pytest


from geodata.coords import wgs84_to_bd09
from geodata.navigation import navigation_links
from tests.stations.factories import make_station

pytestmark = pytest.mark.django_db


def test_it_shows_every_public_field(rider, django_assert_num_queries):
    station = make_station(
        name="福田区总工会暖心驿站",
        name_en="Futian Warm Station",
        kind="charging_point",
        lat=22.5431,
        lon=114.0579,
        address="深圳市福田区福华路1号",
        city="深圳市",
        city_adcode="440300",
        district="福田区",
        district_adcode="440304",
        amenities=["ebike_charging", "toilet"],
        opening_hours="Mo-Su 08:00-22:00",
        phone="0755-12345678",
        operator="深圳市总工会",
        charging_vehicle="ebike",
        charging_sockets=12,
        battery_swap=True,
        max_power_kw=3.5,
        source="test:futian",
        external_id="FT-001",
        last_verified_at=datetime.datetime(2026, 11, 1, 10, 0, tzinfo=datetime.timezone.utc),
    )

    with django_assert_num_queries(2):  # the station, its photos
        response = rider.get(f"/api/v1/stations/{station.id}")

    assert response.status_code == 200
    body = response.json()
    assert body["created_at"] and body["updated_at"]
    assert body["open_now"] in (True, False)
    assert body.pop("navigation") == navigation_links(114.0579, 22.5431, "福田区总工会暖心驿站")
    del body["created_at"], body["updated_at"], body["open_now"]
    assert body == {
        "id": station.id,
        "name": "福田区总工会暖心驿站",
        "name_en": "Futian Warm Station",
        "kind": "charging_point",
        "lat": 22.5431,
        "lon": 114.0579,
        "coordsys": "wgs84",
        "address": "深圳市福田区福华路1号",
        "city": "深圳市",
        "city_adcode": "440300",
        "district": "福田区",
        "district_adcode": "440304",
        "amenities": ["ebike_charging", "toilet"],
        "opening_hours": "Mo-Su 08:00-22:00",
        "status": "open",
        "phone": "0755-12345678",
        "operator": "深圳市总工会",
        "charging": {"vehicle": "ebike", "sockets": 12, "battery_swap": True, "max_power_kw": 3.5},
        "eligible_workers": ["all"],
        "source": "test:futian",
        "external_id": "FT-001",
        "last_verified_at": "2026-11-01T10:00:00+00:00",
        "last_confirmed_at": None,
        "freshness": "fresh",  # just created
        "alerts": [],
        "version": 1,
        "photos": [],
    }


def test_it_converts_coordinates_to_the_asked_system(rider):
    station = make_station(lat=22.5431, lon=114.0579)

    body = rider.get(f"/api/v1/stations/{station.id}", {"coordsys": "bd09"}).json()

    bd_lon, bd_lat = wgs84_to_bd09(114.0579, 22.5431)
    assert body["coordsys"] == "bd09"
    assert body["lon"] == pytest.approx(bd_lon, abs=1e-7)
    assert body["lat"] == pytest.approx(bd_lat, abs=1e-7)


def test_it_counts_versions_up_on_every_change(rider):
    station = make_station()
    station.phone = "12345"
    station.save()
    station.status = "temporarily_closed"
    station.save()

    assert rider.get(f"/api/v1/stations/{station.id}").json()["version"] == 3


@pytest.mark.parametrize("station_id", ["999999", "0", "-1", "99999999999999999999999999"])
def test_it_answers_404_for_unknown_ids(rider, station_id):
    make_station()

    response = rider.get(f"/api/v1/stations/{station_id}")

    assert response.status_code == 404
    assert "no station with id" in response.json()["detail"]


def test_it_answers_404_for_a_non_numeric_id(rider):
    # not an id, so no station's URL: an unknown endpoint (tests/stations/http/test_unknown_paths.py)
    response = rider.get("/api/v1/stations/abc")

    assert response.status_code == 404
    assert response.json() == {"detail": "no such endpoint or resource: /api/v1/stations/abc (see /api/v1/docs)"}


def test_it_rejects_an_unknown_coordsys(rider):
    station = make_station()

    response = rider.get(f"/api/v1/stations/{station.id}", {"coordsys": "mars"})

    assert response.status_code == 400
    assert "coordsys" in response.json()["detail"]
