"""Schemas of the managers' station records API (/api/v1/manage/stations...): writes, batch, list, history."""

import datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, field_validator, model_validator

from stations import limits
from stations import vocabulary as vocab
from stations.http.schemas import ChargingVehicle, Coordsys, Kind, Latitude, Longitude, StationDetailOut
from stations.search.hours import hours_error

# "removed" is not settable: DELETE removes a station.
Status = Literal[vocab.STATUS_CODES]


def _without_nul(text: str) -> str:
    # PostgreSQL refuses NUL in text (and SQLite would keep it): refuse it on both, up front.
    if "\x00" in text:
        raise ValueError("must not contain NUL (\\x00) characters")
    return text


NoNul = AfterValidator(_without_nul)
Text200 = Annotated[str, Field(max_length=200), NoNul]
Text64 = Annotated[str, Field(max_length=64), NoNul]
Adcode = Annotated[str, Field(max_length=6, pattern=r"^(\d{6})?$")]


def _storable_instant(value: datetime.datetime) -> datetime.datetime:
    """The databases keep datetimes in UTC, where Python's years 1-9999 apply: beyond them SQLite's
    adapter overflows, and PostgreSQL stores year 10000 that psycopg then cannot read back.
    A naive value is local time (TIME_ZONE), as Django will take it."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.get_default_timezone())
    try:
        aware.astimezone(datetime.timezone.utc)
    except OverflowError:
        raise ValueError("must lie between years 1 and 9999 in UTC") from None
    return value


StorableDatetime = Annotated[datetime.datetime, AfterValidator(_storable_instant)]


def _not_in_future(value: datetime.datetime) -> datetime.datetime:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.get_default_timezone())
    if aware > timezone.now() + datetime.timedelta(seconds=limits.CLOCK_SKEW_S):
        raise ValueError(
            f"must not be in the future: got {value.isoformat()}, more than {limits.CLOCK_SKEW_S // 60} minutes"
            " ahead of the server's clock"
        )
    return value


# When something was seen, so not later than now (give or take the clock skew).
PastDatetime = Annotated[StorableDatetime, AfterValidator(_not_in_future)]


def _check_amenities(codes: list[str] | None) -> list[str] | None:
    if codes is not None:
        vocab.amenity_mask(codes)  # raises UnknownCode (a ValueError) naming the allowed codes
    return codes


def _check_workers(codes: list[str] | None) -> list[str] | None:
    if codes is not None:
        vocab.worker_mask(codes)
    return codes


def _check_hours(text: str | None) -> str | None:
    if text:
        error = hours_error(text)
        if error:
            raise ValueError(error)
    return text


class ChargingIn(Schema):
    vehicle: ChargingVehicle | None = None
    sockets: int | None = Field(None, ge=0, le=100_000)
    battery_swap: bool | None = None
    max_power_kw: float | None = Field(None, ge=0, le=10_000, allow_inf_nan=False)


class _StationFields(Schema):
    """Fields a manager may set; validators reuse the registry's vocabularies and hours parser."""

    # A misspelt field must not be silently ignored.
    model_config = ConfigDict(extra="forbid")

    name_en: Text200 | None = None
    address: Annotated[str, Field(max_length=300), NoNul] | None = None
    city: Text64 | None = None
    city_adcode: Adcode | None = None
    district: Text64 | None = None
    district_adcode: Adcode | None = None
    amenities: list[str] | None = Field(None, description="Amenity codes (see /api/v1/meta); replaces the set.")
    opening_hours: Annotated[str, Field(max_length=255), NoNul] | None = Field(
        None, description="OpenStreetMap opening_hours, e.g. '24/7' or 'Mo-Fr 08:00-20:00'; empty = unknown."
    )
    phone: Text64 | None = None
    operator: Text200 | None = None
    charging: ChargingIn | None = None
    eligible_workers: list[str] | None = Field(None, description="Worker-type codes, or ['all'].")
    last_verified_at: PastDatetime | None = Field(
        None, description="When someone last checked the station on site (ISO 8601); not in the future."
    )

    _amenities = field_validator("amenities")(_check_amenities)
    _workers = field_validator("eligible_workers")(_check_workers)
    _hours = field_validator("opening_hours")(_check_hours)


class StationIn(_StationFields):
    name: Annotated[str, Field(min_length=1, max_length=200), NoNul]
    kind: Kind
    lat: Latitude
    lon: Longitude
    coordsys: Coordsys = Field("wgs84", description="System of lat/lon (and of the coordinates in the answer).")
    status: Status = "open"
    external_id: Annotated[str, Field(min_length=1, max_length=100), NoNul] | None = Field(
        None, description="Your system's id for the station; generated when absent."
    )


class StationPatch(_StationFields):
    """Only the fields sent are changed. lat and lon go together."""

    name: Annotated[str, Field(min_length=1, max_length=200), NoNul] | None = None
    kind: Kind | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    coordsys: Coordsys = "wgs84"
    status: Status | None = None
    version: int | None = Field(None, ge=1, description="The version this change is based on (or send If-Match).")

    @model_validator(mode="after")
    def _lat_lon_together(self):
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon must be sent together")
        return self


class ManagedStationOut(StationDetailOut):
    pass


class ConflictOut(Schema):
    detail: str
    current: dict | None = Field(None, description="The station as it is now (stale version)")
    candidate: dict | None = Field(None, description="The existing station this one would duplicate")


class ChangeOut(Schema):
    id: int
    version: int
    action: str
    changed_at: str
    changed_by: str
    organisation: str
    via: str
    diff: dict[str, list] = Field(..., description="{field: [old, new]}")
    reverted_change: int | None


class HistoryOut(Schema):
    station_id: int
    count: int
    results: list[ChangeOut]


class ManagedPageOut(Schema):
    count: int
    results: list[dict]
    next: str | None


class ListQueryIn(Schema):
    updated_since: StorableDatetime | None = Field(None, description="Only stations changed at or after this time (ISO 8601).")
    limit: int = Field(limits.DEFAULT_PAGE_SIZE, ge=1, le=limits.MAX_PAGE_SIZE)
    cursor: str | None = None
    coordsys: Coordsys = "wgs84"


class BatchOperationIn(Schema):
    op: Literal["create", "update", "close", "remove"]
    external_id: Annotated[str, Field(min_length=1, max_length=100), NoNul]
    source: Annotated[str, Field(min_length=1, max_length=100), NoNul] | None = Field(
        None, description="Defaults to your organisation's source (org:<name>)."
    )
    version: int | None = Field(None, ge=1, description="Required for update/close/remove: the version it is based on.")
    station: dict | None = Field(
        None, description='create: a StationIn (plus "force": true to skip the duplicate check); update: a StationPatch.'
    )


class BatchIn(Schema):
    operations: list[BatchOperationIn] = Field(..., min_length=1, max_length=limits.MAX_BATCH_OPERATIONS)


class BatchResultOut(Schema):
    index: int
    op: str
    external_id: str
    status: Literal["applied", "rejected"]
    id: int | None = None
    version: int | None = None
    detail: str | None = None


class BatchOut(Schema):
    applied: int
    rejected: int
    results: list[BatchResultOut]
