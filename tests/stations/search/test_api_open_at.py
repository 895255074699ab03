"""open_at / open_for_min on nearest, viewport and along-route; closes_at / opens_at in answers."""

import json

import pytest

from stations.models import Station
from stations.search import holidays, hours
from tests.stations.factories import make_station

pytestmark = pytest.mark.django_db
LAT, LON = 22.5431, 114.0579
BOX = "114.0,22.5,114.1,22.6"


@pytest.fixture(autouse=True)
def _fresh_calendar():
    holidays.reset()
    hours._timing_at.cache_clear()


@pytest.fixture
def stations(db):
    return {
        "ph_off": make_station(name="PH off", lon=LON, lat=LAT, opening_hours="Mo-Fr 09:00-18:00; PH off"),
        "weekdays": make_station(name="weekdays", lon=LON + 0.001, lat=LAT, opening_hours="Mo-Fr 09:00-18:00"),
        "always": make_station(name="always", lon=LON + 0.002, lat=LAT, opening_hours="24/7"),
    }


def names(body):
    return sorted(r["name"] for r in body["results"])


def test_it_leaves_out_ph_off_stations_on_national_day(rider, stations):
    body = rider.get("/api/v1/stations/nearest", {"lat": LAT, "lon": LON, "open_at": "2026-10-01T12:00"}).json()
    assert names(body) == ["always", "weekdays"]
    body = rider.get("/api/v1/stations", {"bbox": BOX, "open_at": "2026-10-01T12:00:00+08:00"}).json()
    assert names(body) == ["always", "weekdays"]


def test_it_keeps_them_on_the_make_up_saturday(rider, stations):
    body = rider.get("/api/v1/stations/nearest", {"lat": LAT, "lon": LON, "open_at": "2026-10-10T12:00"}).json()
    assert names(body) == ["PH off", "always", "weekdays"]


def test_it_reads_open_at_in_its_own_zone(rider, stations):
    # 04:30 UTC is 12:30 in China, a Thursday that is a holiday.
    body = rider.get("/api/v1/stations/nearest", {"lat": LAT, "lon": LON, "open_at": "2026-10-01T04:30:00Z"}).json()
    assert names(body) == ["always", "weekdays"]


def test_it_asks_for_stations_that_stay_open(rider, stations):
    query = {"lat": LAT, "lon": LON, "open_at": "2026-12-07T17:00", "open_for_min": 90}
    assert names(rider.get("/api/v1/stations/nearest", query).json()) == ["always"]
    query["open_for_min"] = 60
    assert names(rider.get("/api/v1/stations/nearest", query).json()) == ["PH off", "always", "weekdays"]


def test_it_leaves_out_ph_stations_in_a_year_not_yet_known(rider, stations):
    body = rider.get("/api/v1/stations/nearest", {"lat": LAT, "lon": LON, "open_at": "2031-10-01T12:00"}).json()
    assert names(body) == ["always", "weekdays"]


def test_it_says_when_each_station_closes_or_opens(rider, stations, monkeypatch):
    monkeypatch.setattr(hours, "now_in_china", lambda: hours._minute(hours.datetime.datetime(2026, 10, 1, 12, 0)))
    from stations.search import nearest

    monkeypatch.setattr(nearest.hours, "now_in_china", hours.now_in_china)
    results = {r["name"]: r for r in rider.get("/api/v1/stations/nearest", {"lat": LAT, "lon": LON, "status": "open"}).json()["results"]}
    assert (results["PH off"]["open_now"], results["PH off"]["opens_at"], results["PH off"]["closes_at"]) == (False, "2026-10-08T09:00:00+08:00", None)
    assert (results["weekdays"]["open_now"], results["weekdays"]["closes_at"]) == (True, "2026-10-01T18:00:00+08:00")
    assert (results["always"]["open_now"], results["always"]["closes_at"], results["always"]["opens_at"]) == (True, None, None)


def test_it_checks_opening_at_arrival_along_the_route(rider, stations):
    route = f"{LON - 0.01},{LAT};{LON + 0.01},{LAT}"
    body = {"polyline": route, "speed_kmh": 60, "depart_at": "2031-10-01T12:00"}
    results = {r["name"]: r for r in rider.post("/api/v1/stations/along-route", json.dumps(body), content_type="application/json").json()["results"]}
    assert results["PH off"]["open_at_arrival"] is None  # 2031's holidays are not known yet
    assert results["weekdays"]["open_at_arrival"] is True
    body = {"polyline": route, "speed_kmh": 60, "depart_at": "2026-10-01T12:00", "open_for_min": 30}
    answer = rider.post("/api/v1/stations/along-route", json.dumps(body), content_type="application/json").json()
    assert names(answer) == ["always", "weekdays"]


def test_it_lists_the_known_holiday_years_in_meta(rider):
    years = rider.get("/api/v1/meta").json()["holiday_years"]
    assert 2026 in years and 2031 not in years


@pytest.mark.parametrize(
    ("url", "query", "field"),
    [
        ("/api/v1/stations/nearest", {"lat": LAT, "lon": LON, "open_at": "tomorrow"}, "open_at"),
        ("/api/v1/stations/nearest", {"lat": LAT, "lon": LON, "open_for_min": 0}, "open_for_min"),
        ("/api/v1/stations/nearest", {"lat": LAT, "lon": LON, "open_for_min": 1441}, "open_for_min"),
        ("/api/v1/stations", {"bbox": BOX, "open_at": "2026-13-01T00:00"}, "open_at"),
    ],
)
def test_it_rejects_bad_times_naming_the_field(rider, stations, url, query, field):
    before = list(Station.objects.values_list("id", "version"))
    response = rider.get(url, query)
    assert response.status_code == 400
    assert field in response.json()["detail"]
    assert list(Station.objects.values_list("id", "version")) == before
