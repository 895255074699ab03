"""The riders' endpoints write JSON by hand for speed; these tests hold them to the schemas
that OpenAPI publishes, so the docs never drift from what phones receive."""

import pytest

from stations.search.schemas import AlongRouteOut, HealthOut, MetaOut, NearestOut, RiderStationDetailOut, StationPageOut
from tests.stations.factories import make_station

pytestmark = pytest.mark.django_db


def _strict(schema, body):
    model = schema.model_validate(body, strict=False)
    assert model.model_dump(mode="json") == body


def test_it_keeps_every_body_to_its_published_schema(rider):
    station = make_station(kind="charging_point", charging_vehicle="ev", charging_sockets=4, amenities=["wifi"])
    make_station(opening_hours="", lon=114.06)

    _strict(NearestOut, rider.get("/api/v1/stations/nearest", {"lat": 22.54, "lon": 114.05}).json())
    _strict(StationPageOut, rider.get("/api/v1/stations", {"bbox": "114,22.5,114.1,22.6", "limit": 1}).json())
    _strict(RiderStationDetailOut, rider.get(f"/api/v1/stations/{station.id}").json())
    route = {"polyline": "114.04,22.54;114.07,22.54", "speed_kmh": 30, "depart_at": "2026-10-01T12:00"}
    _strict(AlongRouteOut, rider.post("/api/v1/stations/along-route", route, content_type="application/json").json())
    _strict(MetaOut, rider.get("/api/v1/meta").json())
    _strict(HealthOut, rider.get("/api/v1/health").json())
