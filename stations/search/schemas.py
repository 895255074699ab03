"""Schemas of the riders' search API (nearest, viewport, detail, meta, health). Explicit fields, never __all__."""

from typing import Literal

from ninja import Field, Schema

from stations import limits
from stations.http.schemas import ALERTS_TEXT, COMMA_CODES, FRESHNESS_TEXT, Coordsys, Freshness, Latitude, Longitude

class NearestQueryIn(Schema):
    lat: Latitude
    lon: Longitude
    k: int = Field(limits.DEFAULT_K, ge=1, le=limits.MAX_K, description=f"How many stations, 1-{limits.MAX_K}.")
    kind: str | None = Field(None, description=f"Only these kinds. {COMMA_CODES}")
    amenity: str | None = Field(None, description=f"Only stations that have ALL these amenities. {COMMA_CODES}")
    open_now: bool = Field(False, description="Only stations open right now (known hours, status open).")
    radius_m: float | None = Field(
        None, gt=0, le=limits.MAX_RADIUS_M, allow_inf_nan=False, description=f"Only stations within this distance, metres (max {limits.MAX_RADIUS_M:,.0f})."
    )
    status: str | None = Field(None, description=f"Statuses to include (default: open). {COMMA_CODES}")
    coordsys: Coordsys = Field("wgs84", description="System of the input point and of every output coordinate.")


class BboxQueryIn(Schema):
    bbox: str = Field(..., description="minlon,minlat,maxlon,maxlat in `coordsys`.", examples=["113.90,22.50,114.00,22.56"])
    kind: str | None = Field(None, description=f"Only these kinds. {COMMA_CODES}")
    amenity: str | None = Field(None, description=f"Only stations that have ALL these amenities. {COMMA_CODES}")
    status: str | None = Field(None, description=f"Statuses to include (default: open). {COMMA_CODES}")
    coordsys: Coordsys = "wgs84"
    limit: int = Field(limits.DEFAULT_PAGE_SIZE, ge=1, le=limits.MAX_PAGE_SIZE, description=f"Page size, 1-{limits.MAX_PAGE_SIZE}.")
    cursor: str | None = Field(None, description="The `next` value of the previous page.")


class DetailQueryIn(Schema):
    coordsys: Coordsys = "wgs84"


class StationSummaryOut(Schema):
    id: int
    name: str
    kind: str
    lat: float
    lon: float
    address: str
    amenities: list[str]
    status: str
    open_now: bool | None = Field(..., description="null when the opening hours are unknown")
    opening_hours: str = Field(..., description="OpenStreetMap opening_hours syntax; empty = unknown")
    last_confirmed_at: str | None = Field(..., description="When a rider last confirmed the station is here as described")
    freshness: Freshness = Field(..., description=FRESHNESS_TEXT)
    alerts: list[str] = Field(..., description=ALERTS_TEXT)


class NearestStationOut(StationSummaryOut):
    distance_m: float = Field(..., description="Great-circle distance from the query point, metres (WGS-84)")
    bearing_deg: float | None = Field(
        ...,
        description="Initial bearing from the query point, degrees clockwise from north (0 <= bearing < 360);"
        " null when the station is at the query point (distance_m 0), where there is no direction to walk",
    )


class NearestOut(Schema):
    count: int
    results: list[NearestStationOut]


class StationPageOut(Schema):
    count: int
    results: list[StationSummaryOut]
    next: str | None = Field(..., description="Cursor of the next page; null on the last page")


class TermOut(Schema):
    code: str
    zh: str
    en: str


class MetaOut(Schema):
    kinds: list[TermOut]
    amenities: list[TermOut]
    statuses: list[TermOut]
    coordsys: list[TermOut]
    eligible_workers: list[TermOut]
    charging_vehicles: list[TermOut]
    report_types: list[TermOut]
    freshness: list[TermOut]
    limits: dict[str, float]


class HealthOut(Schema):
    status: Literal["ok"]
    database: str
    stations: int
