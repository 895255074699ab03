"""Request and response schemas of the API (ninja / pydantic). Explicit fields, never __all__."""

from typing import Annotated, Literal

from ninja import Field, Schema

Coordsys = Literal["wgs84", "gcj02", "bd09"]

Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, description="Latitude in degrees, -90..90")]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, description="Longitude in degrees, -180..180")]

COMMA_CODES = "Comma-separated codes (see /api/v1/meta)."


class NearestQueryIn(Schema):
    lat: Latitude
    lon: Longitude
    k: int = Field(10, ge=1, le=100, description="How many stations, 1-100.")
    kind: str | None = Field(None, description=f"Only these kinds. {COMMA_CODES}")
    amenity: str | None = Field(None, description=f"Only stations that have ALL these amenities. {COMMA_CODES}")
    open_now: bool = Field(False, description="Only stations open right now (known hours, status open).")
    radius_m: float | None = Field(
        None, gt=0, le=50_000, allow_inf_nan=False, description="Only stations within this distance, metres (max 50,000)."
    )
    status: str | None = Field(None, description=f"Statuses to include (default: open). {COMMA_CODES}")
    coordsys: Coordsys = Field("wgs84", description="System of the input point and of every output coordinate.")


class BboxQueryIn(Schema):
    bbox: str = Field(..., description="minlon,minlat,maxlon,maxlat in `coordsys`.", examples=["113.90,22.50,114.00,22.56"])
    kind: str | None = Field(None, description=f"Only these kinds. {COMMA_CODES}")
    amenity: str | None = Field(None, description=f"Only stations that have ALL these amenities. {COMMA_CODES}")
    status: str | None = Field(None, description=f"Statuses to include (default: open). {COMMA_CODES}")
    coordsys: Coordsys = "wgs84"
    limit: int = Field(100, ge=1, le=500, description="Page size, 1-500.")
    cursor: str | None = Field(None, description="The `next` value of the previous page.")


class DetailQueryIn(Schema):
    coordsys: Coordsys = "wgs84"


class ErrorOut(Schema):
    detail: str = Field(..., examples=["lat: Input should be less than or equal to 90 (got '123')"])


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


class NearestStationOut(StationSummaryOut):
    distance_m: float = Field(..., description="Great-circle distance from the query point, metres (WGS-84)")
    bearing_deg: float = Field(..., description="Initial bearing from the query point, degrees clockwise from north")


class NearestOut(Schema):
    count: int
    results: list[NearestStationOut]


class StationPageOut(Schema):
    count: int
    results: list[StationSummaryOut]
    next: str | None = Field(..., description="Cursor of the next page; null on the last page")


class ChargingOut(Schema):
    vehicle: Literal["ebike", "ev", "both"] | None
    sockets: int | None
    battery_swap: bool | None
    max_power_kw: float | None


class PhotoOut(Schema):
    id: int
    position: int
    url: str = Field(..., description="The photo, at most 1600 px on its long side (WebP)")
    thumb_url: str = Field(..., description="A thumbnail, at most 320 px (WebP)")
    width: int
    height: int


class StationDetailOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    lat: float
    lon: float
    coordsys: Coordsys
    address: str
    city: str
    city_adcode: str
    district: str
    district_adcode: str
    amenities: list[str]
    opening_hours: str
    open_now: bool | None
    status: str
    phone: str
    operator: str
    charging: ChargingOut | None
    eligible_workers: list[str]
    source: str
    external_id: str
    created_at: str
    updated_at: str
    last_verified_at: str | None
    version: int
    photos: list[PhotoOut]


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
    limits: dict[str, float]


class HealthOut(Schema):
    status: Literal["ok"]
    database: str
    stations: int
