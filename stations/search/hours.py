"""Opening hours in OpenStreetMap syntax, validated and evaluated with opening-hours-py."""

import datetime
import time
from functools import lru_cache
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours


# Every station is in China; one zone keeps parsing cacheable by string alone.
STATION_TZ = ZoneInfo("Asia/Shanghai")


@lru_cache(maxsize=4096)
def parse_hours(text: str) -> OpeningHours:
    """Parse once per distinct string (registries reuse a few hundred patterns)."""
    return OpeningHours(text, timezone=STATION_TZ, country="CN", auto_country=False, auto_timezone=False)


def hours_error(text: str) -> str | None:
    """None if ``text`` is valid opening_hours syntax (or empty = unknown), else a message."""
    if not text:
        return None
    try:
        parse_hours(text)
    except Exception as exc:  # the library raises its own ParserError / SyntaxError types
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
        return f"opening_hours {text!r} is not valid OpenStreetMap opening_hours syntax ({first_line}); e.g. '24/7' or 'Mo-Fr 08:00-20:00'"
    return None



def open_now(status: str, hours: str, now: datetime.datetime) -> bool | None:
    """True/False when known, None when the hours are unknown. A station whose status is not
    'open' is never open, whatever its hours say."""
    if status != "open":
        return False
    if not hours:
        return None
    return _open_in_minute(hours, now)


def open_at(status: str, hours: str, when: datetime.datetime) -> bool | None:
    """Like ``open_now``, at any moment (e.g. a rider's arrival)."""
    if status != "open":
        return False
    if not hours:
        return None
    try:
        return parse_hours(hours).is_open(when.astimezone(STATION_TZ).replace(second=0, microsecond=0))
    except Exception:
        return None


# OpenStreetMap hours change state on whole minutes, so one evaluation per distinct string and
# minute (now_in_china() is truncated to the minute) serves every station and request in it.
# Keyed by the string alone within the current minute: hashing an aware datetime asks its zone
# for the UTC offset, which costs more than the lookup itself.
# (minute, {hours: open}) swapped as one tuple, so concurrent threads never mix two minutes.
_this_minute: tuple[datetime.datetime | None, dict[str, bool | None]] = (None, {})
_MAX_STRINGS_PER_MINUTE = 8192


def _open_in_minute(hours: str, minute: datetime.datetime) -> bool | None:
    global _this_minute
    cached_minute, known = _this_minute
    if minute is not cached_minute and minute != cached_minute:
        known = {}
        _this_minute = (minute, known)
    try:
        return known[hours]
    except KeyError:
        pass
    try:
        is_open = parse_hours(hours).is_open(minute)
    except Exception:
        # Stored hours are validated on write; an unparsable legacy value means "unknown".
        is_open = None
    if len(known) < _MAX_STRINGS_PER_MINUTE:
        known[hours] = is_open
    return is_open


# (minute since the epoch, that minute as an aware datetime): the riders' API asks once per request.
_now: tuple[int, datetime.datetime] = (-1, datetime.datetime.fromtimestamp(0, STATION_TZ))


def now_in_china() -> datetime.datetime:
    """The current time in China, to the minute (the resolution of opening hours).

    Within a minute the same datetime object comes back: building it costs more than an
    answer's whole opening-hours check, which is keyed by it (see _open_in_minute)."""
    global _now
    minute = int(time.time() // 60)
    cached_minute, now = _now
    if minute != cached_minute:
        now = datetime.datetime.fromtimestamp(minute * 60, STATION_TZ)
        _now = (minute, now)
    return now
