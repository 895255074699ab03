"""Small builders for stations in tests."""

import itertools

from stations.models import Station

_ids = itertools.count(1)


def make_station(**fields) -> Station:
    n = next(_ids)
    defaults = {
        "name": f"测试驿站{n}",
        "kind": "rest_station",
        "lat": 22.54,
        "lon": 114.05,
        "source": "test",
        "external_id": f"t{n}",
        "opening_hours": "24/7",
    }
    amenities = fields.pop("amenities", None)
    station = Station(**{**defaults, **fields})
    if amenities is not None:
        station.amenities = amenities
    station.save()
    return station
