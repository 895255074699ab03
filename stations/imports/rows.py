"""Validating one imported row into the values of a Station, or a reason to reject it.

Every reason says what is wrong and how to fix it; the importer adds the row number. Parsing
the columns that repeat across a registry (amenities, worker types, opening hours) is cached
per distinct string: a million rows use a few hundred distinct values.
"""

import datetime
import math
import dataclasses
from dataclasses import dataclass
from functools import lru_cache

from django.utils.dateparse import parse_datetime
from shapely import Point
from shapely.prepared import PreparedGeometry

from geodata.coords import out_of_china, to_wgs84
from geodata.index import morton_key
from stations import limits
from stations import vocabulary as vocab
from stations.search.hours import STATION_TZ, hours_error
from stations.imports.table import ROW_ERROR

# Columns the importer understands. Everything else in a file is ignored with one warning.
TEXT_COLUMNS = {  # column -> max length (the model's)
    "name": 200, "name_en": 200, "address": 300, "city": 64, "city_adcode": 6, "district": 64,
    "district_adcode": 6, "phone": 64, "operator": 200, "opening_hours": 255,
}
_OPTIONAL_TEXT_COLUMNS = tuple((column, n) for column, n in TEXT_COLUMNS.items() if column != "name")
KNOWN_COLUMNS = {
    "external_id", "lon", "lat", "kind", "status", "amenities", "eligible_workers", "charging_vehicle",
    "charging_sockets", "battery_swap", "max_power_kw", "last_verified_at", *TEXT_COLUMNS,
}
EXTERNAL_ID_MAX_LENGTH = 100
_TRUE = {"true", "yes", "y", "1", "是"}
_FALSE = {"false", "no", "n", "0", "否"}
# A "coordinate" this large is another column's value, most often a phone number
# (the real Jinan export has 15610383000.0 as a longitude).
_LOOKS_LIKE_PHONE = 1e6
_CLOCK_SKEW = datetime.timedelta(seconds=limits.CLOCK_SKEW_S)


@dataclass
class RowOptions:
    kind: str | None
    coordsys: str
    id_column: str = "external_id"
    within: PreparedGeometry | None = None  # in WGS-84
    within_name: str = "--within"  # how reasons name the boundary


class RowRejected(ValueError):
    pass


@dataclass
class StationValues:
    """The model columns a row sets (WGS-84 lon/lat, zkey, masks ...). An update only touches
    the columns present here, never blanking the ones the file does not have.

    ``derived`` holds values the importer worked out rather than read (city and district from
    the polygons): a new station gets them, an existing one only where its own are empty or it
    moves, so a re-import does not overwrite what a manager entered."""

    external_id: str
    values: dict
    derived: dict = dataclasses.field(default_factory=dict)

    @property
    def present(self) -> frozenset[str]:
        return frozenset(self.values)


def number_field(raw: dict, column: str) -> float:
    """The finite number in ``column``, or RowRejected saying why not."""
    text = raw.get(column, "")
    if text == "":
        raise RowRejected(f"{column} is empty")
    try:
        value = float(text)
    except ValueError:
        raise RowRejected(f"{column} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise RowRejected(f"{column} {text!r} is not a finite number")
    return value


def _swapped(lon_text: str, lat_text: str) -> RowRejected:
    return RowRejected(
        f"lat/lon look swapped (lon={lon_text}, lat={lat_text}): put the longitude in lon and the latitude in lat"
    )


def is_whole_degrees(raw: dict) -> bool:
    """Both coordinates whole numbers, e.g. (117, 36): usually a placeholder, not a place."""
    return float(raw["lon"]).is_integer() and float(raw["lat"]).is_integer()


def row_location(raw: dict, options: RowOptions) -> tuple[float, float]:
    """(lon, lat) in WGS-84, after the checks that catch real-world mistakes (also used by the
    demand importer, stations.planning.demand)."""
    if "__geometry_error__" in raw:
        raise RowRejected(raw["__geometry_error__"])
    lon = number_field(raw, "lon")
    lat = number_field(raw, "lat")
    lon_text, lat_text = raw["lon"], raw["lat"]
    if lon == 0 and lat == 0:
        raise RowRejected("lon/lat (0, 0) is a placeholder, not a location; fill in the real coordinates")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        if -90 <= lon <= 90 and -180 <= lat <= 180:
            raise _swapped(lon_text, lat_text)
        column, text, value, allowed = ("lat", lat_text, lat, "-90..90") if not -90 <= lat <= 90 else ("lon", lon_text, lon, "-180..180")
        hint = "a phone number or another column's value?" if abs(value) >= _LOOKS_LIKE_PHONE else "another column's value?"
        raise RowRejected(f"{column} {text} is out of range {allowed} ({hint})")
    if options.coordsys != "wgs84" and out_of_china(lon, lat):
        if not out_of_china(lat, lon):
            raise _swapped(lon_text, lat_text)
        raise RowRejected(
            f"point ({lon_text}, {lat_text}) is outside China, where {vocab.COORDSYS_NAMES[options.coordsys]} coordinates"
            " do not exist; check the coordinates or --coordsys"
        )
    lon, lat = to_wgs84(lon, lat, options.coordsys)
    if options.within is not None and not options.within.contains(Point(lon, lat)):
        hint = "; whole-degree coordinates like these are usually a placeholder" if is_whole_degrees(raw) else ""
        raise RowRejected(
            f"point ({lon_text}, {lat_text}) ({vocab.COORDSYS_NAMES[options.coordsys]}) is outside the boundary"
            f" {options.within_name}{hint}"
        )
    return lon, lat


def _codes(text: str) -> list[str]:
    return [code.strip() for code in text.replace(",", ";").split(";") if code.strip()]


# The cached parsers return (value, None) or (None, reason): lru_cache does not cache exceptions.
@lru_cache(maxsize=4096)
def _amenity_mask(text: str) -> tuple[int | None, str | None]:
    try:
        return vocab.amenity_mask(_codes(text)), None
    except vocab.UnknownCode as exc:
        return None, str(exc)


@lru_cache(maxsize=1024)
def _worker_mask(text: str) -> tuple[int | None, str | None]:
    try:
        return vocab.worker_mask(_codes(text) or [vocab.ALL_WORKERS]), None
    except vocab.UnknownCode as exc:
        return None, str(exc)


@lru_cache(maxsize=4096)
def _hours_error(text: str) -> str | None:
    # ~8 µs per parse; registries repeat a few hundred distinct strings.
    return hours_error(text)


def _choice(text: str, allowed: tuple[str, ...], column: str) -> str:
    if text not in allowed:
        raise RowRejected(f"unknown {column} {text!r}; allowed: {', '.join(allowed)}")
    return text


def _bool(text: str, column: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise RowRejected(f"{column} {text!r} is not yes/no (true/false, 1/0)")


def _optional_fields(raw: dict, values: dict) -> None:
    _text_fields(raw, values)
    _coded_fields(raw, values)
    _charging_fields(raw, values)
    if "last_verified_at" in raw:
        values["last_verified_at"] = _datetime(raw["last_verified_at"])


def _text_fields(raw: dict, values: dict) -> None:
    for column, max_length in _OPTIONAL_TEXT_COLUMNS:
        text = raw.get(column)
        if text is not None:
            if len(text) > max_length:
                raise RowRejected(f"{column} is longer than {max_length} characters ({len(text)})")
            values[column] = text
    hours = raw.get("opening_hours")
    if hours:
        error = _hours_error(hours)
        if error:
            raise RowRejected(error)


def _coded_fields(raw: dict, values: dict) -> None:
    """status, amenities and eligible_workers: codes of the vocabulary."""
    status = raw.get("status")
    if status is not None:
        values["status"] = _choice(status, vocab.STATUS_CODES, "status") if status else "open"
    for column, field, read_mask in (("amenities", "amenity_mask", _amenity_mask), ("eligible_workers", "eligible_workers_mask", _worker_mask)):
        text = raw.get(column)
        if text is not None:
            mask, error = read_mask(text)
            if error:
                raise RowRejected(error)
            values[field] = mask


def _charging_fields(raw: dict, values: dict) -> None:
    if "charging_vehicle" in raw:
        text = raw["charging_vehicle"]
        values["charging_vehicle"] = _choice(text, vocab.CHARGING_VEHICLE_CODES, "charging_vehicle") if text else ""
    if "charging_sockets" in raw:
        text = raw["charging_sockets"]
        if text and not (text.isascii() and text.isdigit()):
            raise RowRejected(f"charging_sockets {text!r} is not a whole number >= 0")
        values["charging_sockets"] = int(text) if text else None
    if "battery_swap" in raw:
        values["battery_swap"] = _bool(raw["battery_swap"], "battery_swap") if raw["battery_swap"] else None
    if "max_power_kw" in raw:
        power = number_field(raw, "max_power_kw") if raw["max_power_kw"] else None
        if power is not None and power < 0:
            raise RowRejected(f"max_power_kw {power} must be >= 0")
        values["max_power_kw"] = power


def _datetime(text: str) -> datetime.datetime | None:
    if not text:
        return None
    try:
        value = parse_datetime(text) or (
            datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time()) if len(text) == 10 else None
        )
    except ValueError:
        value = None
    if value is None:
        raise RowRejected(f"last_verified_at {text!r} is not an ISO 8601 date/time like 2026-11-01T10:00:00+08:00")
    if value.tzinfo is None:
        value = value.replace(tzinfo=STATION_TZ)  # local time of the stations
    try:
        value.astimezone(datetime.UTC)  # stored in UTC: past year 9999 (or before 1) it cannot be
    except OverflowError:
        raise RowRejected(f"last_verified_at {text!r} must lie between years 1 and 9999 in UTC") from None
    if value > datetime.datetime.now(datetime.UTC) + _CLOCK_SKEW:
        raise RowRejected(
            f"last_verified_at {text!r} must not be in the future: it is more than {limits.CLOCK_SKEW_S // 60} minutes"
            " ahead of the server's clock"
        )
    return value


def validate_row(raw: dict, options: RowOptions) -> StationValues:
    """The Station values of one row (a dict of text fields, as the readers give it), or
    RowRejected with a reason that says what to fix."""
    if ROW_ERROR in raw:  # the reader could not trust the row (e.g. an unsaved XLSX formula)
        raise RowRejected(raw[ROW_ERROR])
    for column, text in raw.items():
        if "\x00" in text:  # PostgreSQL refuses NUL in text; SQLite would keep it
            raise RowRejected(f"{column} contains a NUL (\\x00) character; remove it")
    name = raw.get("name", "")
    if not name:
        raise RowRejected("name is empty")
    if len(name) > TEXT_COLUMNS["name"]:
        raise RowRejected(f"name is longer than {TEXT_COLUMNS['name']} characters ({len(name)})")
    external_id = raw.get(options.id_column, "")
    if not external_id:
        raise RowRejected(f"{options.id_column} is empty: every row needs a stable id so re-imports update it")
    if len(external_id) > EXTERNAL_ID_MAX_LENGTH:
        raise RowRejected(f"{options.id_column} is longer than {EXTERNAL_ID_MAX_LENGTH} characters")
    lon, lat = row_location(raw, options)
    kind = raw.get("kind") or options.kind
    if not kind:
        raise RowRejected(f"kind is empty and no --kind was given; allowed: {', '.join(vocab.KIND_CODES)}")
    values = {"name": name, "kind": _choice(kind, vocab.KIND_CODES, "kind"), "lon": lon, "lat": lat, "zkey": morton_key(lon, lat)}
    _optional_fields(raw, values)
    return StationValues(external_id, values)
