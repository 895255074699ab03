"""JSON shapes of a station for the riders' API, built straight from rows or models.

The riders' endpoints serialise plain dicts with orjson instead of validating through pydantic
response models: the schemas in stations/schemas.py document the same shapes in OpenAPI, and
tests pin that both agree.
"""

import datetime
from functools import lru_cache

from geodata.coords import from_wgs84
from geodata.navigation import navigation_links
from geodata.rounding import round_coord
from stations import limits
from stations import vocabulary as vocab
from stations.models import Station
from stations.search import freshness as fresh
from stations.search import hours
from stations.photos.store import photos_json
from stations.search.sql import ADDRESS, ALERTS, AMENITY_MASK, FRESH_AT, ID, KIND, LAST_CONFIRMED_AT, LAT, LON, NAME, OPENING_HOURS, STATUS


# A station's links change only with its name or position; answers repeat the same stations.
_navigation = lru_cache(maxsize=8192)(navigation_links)


def summaries_json(rows: list[tuple], coordsys: str, now: datetime.datetime) -> list[dict]:
    """The short form used in lists, of each search_sql.COLUMNS row, in one loop: the riders'
    lists build ten to hundreds at a time."""
    if coordsys == "wgs84":
        coords = [(row[LON], row[LAT]) for row in rows]
    else:
        coords = [from_wgs84(row[LON], row[LAT], coordsys) for row in rows]
    amenity_codes, timing, round_ = vocab.amenity_codes, hours.timing, round_coord
    cuts, freshness, iso_utc, alert_list = fresh.cutoffs(now), fresh.freshness, fresh.iso_utc, fresh.alert_list
    timings = [timing(row[STATUS], row[OPENING_HOURS], now) for row in rows]
    return [
        {
            "id": row[ID],
            "name": row[NAME],
            "kind": row[KIND],
            "lat": round_(lat),
            "lon": round_(lon),
            "address": row[ADDRESS],
            "amenities": amenity_codes(row[AMENITY_MASK]),
            "status": row[STATUS],
            "open_now": open_now,
            "closes_at": closes_at,
            "opens_at": opens_at,
            "opening_hours": row[OPENING_HOURS],
            "last_confirmed_at": iso_utc(row[LAST_CONFIRMED_AT]),
            "freshness": freshness(row[FRESH_AT], cuts),
            "alerts": alert_list(row[ALERTS]),
            "navigation": _navigation(row[LON], row[LAT], row[NAME]),
        }
        for row, (lon, lat), (open_now, closes_at, opens_at) in zip(rows, coords, timings)
    ]


def _aware_cutoffs(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    return now - datetime.timedelta(days=limits.FRESH_DAYS), now - datetime.timedelta(days=limits.AGING_DAYS)


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def detail_json(station: Station, coordsys: str, now: datetime.datetime) -> dict:
    """Every public field of a station, with its photos (one query)."""
    lon, lat = from_wgs84(station.lon, station.lat, coordsys)
    charging = None
    if station.kind == Station.Kind.CHARGING_POINT or station.charging_vehicle:
        charging = {
            "vehicle": station.charging_vehicle or None,
            "sockets": station.charging_sockets,
            "battery_swap": station.battery_swap,
            "max_power_kw": station.max_power_kw,
        }
    return {
        "id": station.id,
        "name": station.name,
        "name_en": station.name_en,
        "kind": station.kind,
        "lat": round_coord(lat),
        "lon": round_coord(lon),
        "coordsys": coordsys,
        "address": station.address,
        "city": station.city,
        "city_adcode": station.city_adcode,
        "district": station.district,
        "district_adcode": station.district_adcode,
        "amenities": station.amenities,
        "opening_hours": station.opening_hours,
        "open_now": hours.open_now(station.status, station.opening_hours, now),
        "status": station.status,
        "phone": station.phone,
        "operator": station.operator,
        "charging": charging,
        "eligible_workers": station.eligible_workers,
        "source": station.source,
        "external_id": station.external_id,
        "created_at": _iso(station.created_at),
        "updated_at": _iso(station.updated_at),
        "last_verified_at": _iso(station.last_verified_at),
        "last_confirmed_at": _iso(station.last_confirmed_at),
        "freshness": fresh.freshness(fresh.latest(station.updated_at, station.last_verified_at, station.last_confirmed_at), _aware_cutoffs(now)),
        "alerts": fresh.alert_list(station.alerts),
        "version": station.version,
        "photos": photos_json(station),
        "navigation": _navigation(station.lon, station.lat, station.name),
    }
