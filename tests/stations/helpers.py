"""Shared helpers for the managers' API tests."""

from stations.models import Station, StationChange
from tests.stations.factories import make_station
from tests.stations.personas import FUTIAN_POINT, NANSHAN_POINT

JSON = "application/json"


def registry_state() -> tuple:
    """Everything a refused write must leave as it was."""
    stations = tuple(Station.objects.order_by("id").values_list("id", "version", "status", "name", "lon", "lat", "amenity_mask", "opening_hours"))
    return stations, StationChange.objects.count()


def futian_station(**fields) -> Station:
    return make_station(**{"name": "福田区总工会暖心驿站", "lon": FUTIAN_POINT[0], "lat": FUTIAN_POINT[1], **fields})


def nanshan_station(**fields) -> Station:
    return make_station(**{"name": "南山区职工驿站", "lon": NANSHAN_POINT[0], "lat": NANSHAN_POINT[1], **fields})


def new_station_body(point=FUTIAN_POINT, **fields) -> dict:
    return {"name": "新洲路爱心驿站", "kind": "rest_station", "lon": point[0], "lat": point[1], **fields}
