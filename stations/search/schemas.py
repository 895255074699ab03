"""Schemas of the riders' search API (nearest, viewport, detail, meta, health). Explicit fields, never __all__."""

import datetime
from typing import Literal

from ninja import Field, Schema

from stations import limits
from stations.http.schemas import ALERTS_TEXT, COMMA_CODES, FRESHNESS_TEXT, Coordsys, Freshness, Latitude, Longitude, StationDetailOut

OPEN_AT = (
    "Only stations open at this moment (ISO 8601; Asia/Shanghai when no zone is given), public holidays and"
    " make-up working days included."
)
OPEN_FOR_MIN = "Only stations open for at least this many minutes from open_at (or from now)."


class NearestQueryIn(Schema):
    lat: Latitude
    lon: Longitude
    k: int = Field(limits.DEFAULT_K, ge=1, le=limits.MAX_K, description=f"How many stations, 1-{limits.MAX_K}.")
    kind: str | None = Field(None, description=f"Only these kinds. {COMMA_CODES}")
    amenity: str | None = Field(None, description=f"Only stations that have ALL these amenities. {COMMA_CODES}")
    open_now: bool = Field(False, description="Only stations open right now (known hours, status open).")
    open_at: datetime.datetime | None = Field(None, description=OPEN_AT)
    open_for_min: int | None = Field(None, ge=1, le=limits.MAX_OPEN_FOR_MIN, description=OPEN_FOR_MIN)
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
    open_at: datetime.datetime | None = Field(None, description=OPEN_AT)
    open_for_min: int | None = Field(None, ge=1, le=limits.MAX_OPEN_FOR_MIN, description=OPEN_FOR_MIN)
    limit: int = Field(limits.DEFAULT_PAGE_SIZE, ge=1, le=limits.MAX_PAGE_SIZE, description=f"Page size, 1-{limits.MAX_PAGE_SIZE}.")
    cursor: str | None = Field(None, description="The `next` value of the previous page.")


class DetailQueryIn(Schema):
    coordsys: Coordsys = "wgs84"


class NavigationLinkOut(Schema):
    coordsys: Coordsys = Field(..., description="The system of the coordinates inside the links")
    web: str = Field(..., description="Web URI (opens the provider's app when installed, else its web map)")
    app: str = Field(..., description="The app's own URI scheme")


class NavigationOut(Schema):
    """Links that start turn-by-turn navigation to the station from the phone's own position
    (the rider's position is never part of a link)."""

    amap: NavigationLinkOut
    baidu: NavigationLinkOut
    tencent: NavigationLinkOut
    apple: NavigationLinkOut


class StationSummaryOut(Schema):
    id: int
    name: str
    kind: str
    lat: float
    lon: float
    address: str
    amenities: list[str]
    status: str
    open_now: bool | None = Field(..., description="null when the opening hours are unknown (or mention PH in a year whose holidays are not yet known)")
    closes_at: str | None = Field(..., description="When an open station next closes (ISO 8601, within a week); null if not within a week or unknown")
    opens_at: str | None = Field(..., description="When a closed station next opens (ISO 8601, within a week); null if not within a week or unknown")
    opening_hours: str = Field(..., description="OpenStreetMap opening_hours syntax; empty = unknown")
    last_confirmed_at: str | None = Field(..., description="When a rider last confirmed the station is here as described")
    freshness: Freshness = Field(..., description=FRESHNESS_TEXT)
    alerts: list[str] = Field(..., description=ALERTS_TEXT)
    navigation: NavigationOut


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


class RiderStationDetailOut(StationDetailOut):
    navigation: NavigationOut


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
    holiday_years: list[int] = Field(..., description="Years whose public holidays and make-up working days are known")


class HealthOut(Schema):
    status: Literal["ok"]
    database: str
    stations: int


class AlongRouteIn(Schema):
    route: dict | None = Field(None, description="The route as a GeoJSON LineString (send exactly one of route, polyline, encoded).")
    polyline: str | None = Field(None, description="The route in Amap's format 'lon,lat;lon,lat;...'.", examples=["114.0579,22.5431;113.2644,23.1291"])
    encoded: str | None = Field(None, description="The route as a Google encoded polyline (precision 5).")
    coordsys: Coordsys = Field("wgs84", description="System of the route's vertices and of every output coordinate.")
    within_m: float = Field(
        limits.DEFAULT_ROUTE_WITHIN_M, ge=1, le=limits.MAX_ROUTE_WITHIN_M, allow_inf_nan=False,
        description=f"Stations at most this far from the route, metres (1-{limits.MAX_ROUTE_WITHIN_M:,}).",
    )
    k: int = Field(limits.DEFAULT_ROUTE_K, ge=1, le=limits.MAX_ROUTE_K, description=f"How many stations, 1-{limits.MAX_ROUTE_K}, the first ones along the route.")
    kind: str | None = Field(None, description=f"Only these kinds. {COMMA_CODES}")
    amenity: str | None = Field(None, description=f"Only stations that have ALL these amenities. {COMMA_CODES}")
    status: str | None = Field(None, description=f"Statuses to include (default: open). {COMMA_CODES}")
    worker: str | None = Field(None, description=f"Only stations open to ALL these worker types. {COMMA_CODES}")
    from_m: float = Field(0.0, ge=0, allow_inf_nan=False, description="Skip the first from_m metres of the route (already driven); eta counts from here.")
    speed_kmh: float | None = Field(None, gt=0, le=200, allow_inf_nan=False, description="Average speed: each result gets an eta and open_at_arrival.")
    depart_at: datetime.datetime | None = Field(None, description="When the rider is at from_m (ISO 8601; default now, zone Asia/Shanghai if none given).")
    open_at: datetime.datetime | None = Field(None, description=OPEN_AT + " With speed_kmh and no open_at: open at each station's eta.")
    open_for_min: int | None = Field(None, ge=1, le=limits.MAX_OPEN_FOR_MIN, description=OPEN_FOR_MIN)


class AlongRouteStationOut(StationSummaryOut):
    along_m: float = Field(..., description="Distance along the route to the point closest to the station, metres")
    off_route_m: float = Field(..., description="Shortest distance from the route to the station, metres (great circle, WGS-84)")
    eta: str | None = Field(None, description="Arrival time at the closest point, when speed_kmh is given (ISO 8601)")
    open_at_arrival: bool | None = Field(None, description="Open at eta; null when the hours are unknown (present with speed_kmh)")


class AlongRouteOut(Schema):
    count: int
    route_m: float = Field(..., description="The route's length, metres")
    results: list[AlongRouteStationOut]
