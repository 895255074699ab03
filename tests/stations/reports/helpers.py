"""Riders, their keys and reports, for the reports tests."""

from django.test import Client

from stations.models import Station
from tests.stations.factories import make_station
from tests.stations.personas import FUTIAN_POINT, NANSHAN_POINT

JSON = "application/json"


def new_rider(address: str = "10.0.0.1") -> Client:
    """A phone with a fresh rider key."""
    anonymous = Client(REMOTE_ADDR=address)
    token = anonymous.post("/api/v1/riders").json()["rider_token"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address)
    client.token = token
    return client


def report(rider: Client, station: Station, **body):
    return rider.post(f"/api/v1/stations/{station.id}/reports", body, content_type=JSON)


def futian_station(**fields) -> Station:
    lon, lat = FUTIAN_POINT
    return make_station(lon=lon, lat=lat, source="org:福田区", **fields)


def nanshan_station(**fields) -> Station:
    lon, lat = NANSHAN_POINT
    return make_station(lon=lon, lat=lat, source="org:南山区", **fields)


def record_state(station: Station) -> tuple:
    """What a rider must never change: the station's record."""
    station.refresh_from_db()
    return (station.version, station.updated_at, station.status, station.name, station.amenity_mask, station.opening_hours, station.lon, station.lat, station.changes.count())
