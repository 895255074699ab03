"""The schemas every router shares: the error body, coordinate types, and the public station
record (riders' detail; managers' answers extend it). Explicit fields, never __all__."""

from typing import Annotated, Literal

from ninja import Field, Header, Schema

from stations import vocabulary as vocab

Coordsys = Literal[vocab.COORDSYS_CODES]
Kind = Literal[vocab.KIND_CODES]
ChargingVehicle = Literal[vocab.CHARGING_VEHICLE_CODES]

Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, description="Latitude in degrees, -90..90")]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, description="Longitude in degrees, -180..180")]

COMMA_CODES = "Comma-separated codes (see /api/v1/meta)."
Freshness = Literal[tuple(term.code for term in vocab.FRESHNESS)]
FRESHNESS_TEXT = (
    "fresh: a rider confirmed it, or its union verified or changed it, within 90 days; aging: within 365 days; stale: longer ago or never"
)
ALERTS_TEXT = (
    'Problems two or more riders reported within 7 days, until the union resolves them or two riders confirm the station: e.g. "reported_closed", "amenity_missing:drinking_water"'
)

# Request headers under the names clients send. The parameter names (if_match) are Python's; an
# OpenAPI name with an underscore would make generated clients send a header that gunicorn and
# nginx drop on the way in.
IfMatch = Annotated[
    str | None, Header(alias="If-Match", description='The version your change is based on, as the ETag gave it: "3"')
]
IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", description="Any unique string (a UUID is ideal): a retry with the same key is applied once")
]


class ErrorOut(Schema):
    detail: str = Field(..., examples=["lat: Input should be less than or equal to 90 (got '123')"])


class ChargingOut(Schema):
    vehicle: ChargingVehicle | None
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
    last_confirmed_at: str | None = Field(..., description="When a rider last confirmed the station is here as described")
    freshness: Freshness = Field(..., description=FRESHNESS_TEXT)
    alerts: list[str] = Field(..., description=ALERTS_TEXT)
    version: int
    photos: list[PhotoOut]
