"""Exactness on real, clustered data from ../shared/data (read at test time, never shipped)."""

import json
import random

import pytest

from geodata.coords import gcj02_to_wgs84, wgs84_to_gcj02
from geodata.distance import haversine_m
from geodata.index import morton_key
from stations.models import Station

pytestmark = pytest.mark.django_db
URL = "/api/v1/stations/nearest"


def _load_gcj02_points(path, kind: str) -> list[Station]:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    stations = []
    for n, feature in enumerate(features):
        lon, lat = gcj02_to_wgs84(*feature["geometry"]["coordinates"])
        stations.append(
            Station(name=f"{kind}-{n}", kind=kind, lon=lon, lat=lat, zkey=morton_key(lon, lat), source="shared", external_id=str(n))
        )
    return Station.objects.bulk_create(stations, batch_size=500)


def _brute_force(stations, lon, lat, k):
    ranked = sorted(stations, key=lambda s: (haversine_m(lon, lat, s.lon, s.lat), s.id))
    return [(s.id, round(haversine_m(lon, lat, s.lon, s.lat), 1)) for s in ranked[:k]]


def test_it_matches_brute_force_on_shenzhen_charging_stations(rider, shared_data):
    stations = list(Station.objects.filter(pk__in=[s.pk for s in _load_gcj02_points(shared_data / "shenzhen_ev_charging_stations.geojson", "charging_point")]))
    assert len(stations) == 1587
    rng = random.Random(2024)

    for _ in range(60):
        # Riders near real stations, plus some out in the bay and the hills.
        if rng.random() < 0.7:
            base = rng.choice(stations)
            lon, lat = base.lon + rng.gauss(0, 0.01), base.lat + rng.gauss(0, 0.01)
        else:
            lon, lat = rng.uniform(113.6, 114.8), rng.uniform(22.3, 23.0)
        k = rng.choice([1, 10, 100])

        body = rider.get(URL, {"lat": lat, "lon": lon, "k": k}).json()

        assert [(r["id"], r["distance_m"]) for r in body["results"]] == _brute_force(stations, lon, lat, k)


def test_it_breaks_ties_by_id_on_duplicate_shelter_coordinates(rider, shared_data):
    created = _load_gcj02_points(shared_data / "emergency_shelters_4cities.geojson", "rest_station")
    stations = list(Station.objects.filter(pk__in=[s.pk for s in created]))
    by_point: dict[tuple[float, float], list[Station]] = {}
    for s in stations:
        by_point.setdefault((s.lon, s.lat), []).append(s)
    duplicated = [group for group in by_point.values() if len(group) > 1]
    assert duplicated, "the shelters file is known to hold duplicate coordinates"

    for group in duplicated[:25]:
        lon, lat = group[0].lon, group[0].lat
        gcj_lon, gcj_lat = wgs84_to_gcj02(lon, lat)

        body = rider.get(URL, {"lat": gcj_lat, "lon": gcj_lon, "coordsys": "gcj02", "k": len(group) + 2}).json()

        ids = [r["id"] for r in body["results"]]
        assert ids[: len(group)] == sorted(s.id for s in group)
        assert ids == [i for i, _ in _brute_force(stations, lon, lat, len(group) + 2)]
