"""Abuse limits on riders' writes: fixed-window counters in Django's cache.

The counters must be shared by every worker process (a limit per process would multiply by the
number of workers): with more than one process, configure a shared cache (REDIS_URL, or
Django's database cache). ``cache.add`` then ``cache.incr`` is atomic on Redis and the
database cache, so concurrent requests never both get the last allowed write.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from stations.errors import TooManyRequests

HOUR_S = 3600
DAY_S = 86400


@dataclass(frozen=True)
class Limit:
    what: str  # in messages: "writes by this rider"
    key: str
    allowed: int
    window_s: int


def _count(limit: Limit, now: float) -> tuple[int, int]:
    """(the count in the current window after this request, seconds until the window ends)."""
    window = int(now // limit.window_s)
    key = f"yizhan:limit:{limit.key}:{limit.window_s}:{window}"
    cache.add(key, 0, limit.window_s + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, limit.window_s + 5)
        count = 1
    return count, max(1, int((window + 1) * limit.window_s - now) + 1)


def check(*limits: Limit) -> None:
    """Count this request against every limit; TooManyRequests for the first one exceeded."""
    now = time.time()
    for limit in limits:
        if limit.allowed <= 0:
            continue
        count, retry_after_s = _count(limit, now)
        if count > limit.allowed:
            per = "an hour" if limit.window_s == HOUR_S else "a day"
            raise TooManyRequests(f"too many {limit.what}: at most {limit.allowed} {per}; try again in {retry_after_s} s", retry_after_s)


def rider_writes(rider_id: int, address: str) -> list[Limit]:
    return [
        Limit("writes by this rider", f"rider:{rider_id}", settings.RIDER_WRITES_PER_HOUR, HOUR_S),
        Limit("writes from this address", f"addr:{address}", settings.ADDRESS_WRITES_PER_HOUR, HOUR_S),
    ]


def station_reports(rider_id: int, station_id: int) -> Limit:
    return Limit(f"reports by this rider on station {station_id}", f"rider:{rider_id}:station:{station_id}", settings.RIDER_REPORTS_PER_STATION_PER_DAY, DAY_S)


def new_rider_keys(address: str) -> Limit:
    return Limit("new rider keys from this address", f"keys:{address}", settings.RIDER_KEYS_PER_ADDRESS_PER_HOUR, HOUR_S)
