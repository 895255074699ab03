"""Use cases: the vocabularies (/meta), a station's detail and the service's health."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from stations import limits
from stations import vocabulary as vocab
from stations.errors import NotFound
from stations.models import Station
from stations.search.holidays import known_years
from stations.search.hours import now_in_china
from stations.search.station_json import detail_json

_COUNT_CACHE_KEY = "stations:health:count"
_DATABASE_NAMES = {"sqlite": "sqlite", "postgresql": "postgresql"}


def _terms(terms: tuple[vocab.Term, ...]) -> list[dict]:
    return [{"code": t.code, "zh": t.zh, "en": t.en} for t in terms]


def meta() -> dict:
    return {
        "kinds": _terms(vocab.KINDS),
        "amenities": _terms(vocab.AMENITIES),
        "statuses": _terms(vocab.STATUSES),
        "coordsys": _terms(vocab.COORDSYS),
        "eligible_workers": [{"code": vocab.ALL_WORKERS, "zh": "所有劳动者", "en": "All workers"}]
        + _terms(vocab.WORKER_TYPES),
        "charging_vehicles": _terms(vocab.CHARGING_VEHICLES),
        "report_types": _terms(vocab.REPORT_TYPES),
        "freshness": _terms(vocab.FRESHNESS),
        "limits": {"max_k": limits.MAX_K, "max_radius_m": float(limits.MAX_RADIUS_M), "max_bbox_limit": limits.MAX_PAGE_SIZE},
        "holiday_years": known_years(),
    }


def station_detail(station_id: int, coordsys: str) -> dict:
    station = Station.objects.filter(pk=station_id).exclude(status=Station.Status.REMOVED).first()
    if station is None:
        raise NotFound(f"no station with id {station_id}")
    return detail_json(station, coordsys, now_in_china())


def health() -> dict:
    """Cheap by design: the station count is cached for HEALTH_COUNT_CACHE_S seconds."""
    count = cache.get(_COUNT_CACHE_KEY)
    if count is None:
        count = Station.objects.count()
        cache.set(_COUNT_CACHE_KEY, count, settings.HEALTH_COUNT_CACHE_S)
    return {"status": "ok", "database": _DATABASE_NAMES.get(connection.vendor, connection.vendor), "stations": count}
