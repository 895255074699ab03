"""Opening hours in OpenStreetMap syntax, validated and evaluated with opening-hours-py against
the mainland public-holiday calendar (stations.search.holidays).

opening-hours-py's own CN holidays know neither the State Council's bridged holidays nor the
make-up working days (调休), and it answers for years nobody has announced yet; so the library is
asked with no country (PH never matches) and the calendar decides, day by day:
- on a public holiday, PH rules apply: ``PH`` is read as that day's weekday ("Mo-Fr 09:00-18:00;
  PH off" on Thursday 1 October reads "...; Th off");
- a make-up working day (e.g. Saturday 2026-10-10) follows the working-day hours: it is evaluated
  with the station's Monday hours;
- in a year no calendar covers, hours that mention PH are unknown (None); other hours are
  evaluated as usual.
"""

import datetime
import re
import time
from functools import lru_cache
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours, State

from stations.search import holidays
from stations.search.sql import OPENING_HOURS, STATUS


# Every station is in China; one zone keeps parsing cacheable by string alone.
STATION_TZ = ZoneInfo("Asia/Shanghai")


@lru_cache(maxsize=4096)
def parse_hours(text: str) -> OpeningHours:
    """Parse once per distinct string (registries reuse a few hundred patterns)."""
    return OpeningHours(text, timezone=STATION_TZ, country=None, auto_country=False, auto_timezone=False)


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
    return _open_in_minute(hours, now)[0]


_UNKNOWN_TIMING = (None, None, None)
_CLOSED_TIMING = (False, None, None)


def timing(status: str, hours: str, now: datetime.datetime) -> tuple[bool | None, str | None, str | None]:
    """(open_now, closes_at, opens_at) at ``now`` (a minute from now_in_china): the next change as
    ISO 8601, within a week, when the hours are known."""
    if status != "open":
        return _CLOSED_TIMING
    if not hours:
        return _UNKNOWN_TIMING
    return _open_in_minute(hours, now)


def open_at(status: str, hours: str, when: datetime.datetime) -> bool | None:
    """Like ``open_now``, at any moment (e.g. a rider's arrival)."""
    if status != "open":
        return False
    if not hours:
        return None
    return _timing_at(hours, _minute(when))[0]


# OpenStreetMap hours change state on whole minutes, so one evaluation per distinct string and
# minute (now_in_china() is truncated to the minute) serves every station and request in it.
# Keyed by the string alone within the current minute: hashing an aware datetime asks its zone
# for the UTC offset, which costs more than the lookup itself.
# (minute, {hours: open}) swapped as one tuple, so concurrent threads never mix two minutes.
_this_minute: tuple[datetime.datetime | None, dict[str, tuple]] = (None, {})
_MAX_STRINGS_PER_MINUTE = 8192


def _open_in_minute(hours: str, minute: datetime.datetime) -> tuple:
    global _this_minute
    cached_minute, known = _this_minute
    if minute is not cached_minute and minute != cached_minute:
        known = {}
        _this_minute = (minute, known)
    try:
        return known[hours]
    except KeyError:
        pass
    is_open = _timing_at(hours, minute)
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


def open_filter(open_at: datetime.datetime | None, open_for_min: int | None):
    """``accept(row)`` for rows (status, hours at sql.STATUS, sql.OPENING_HOURS) open at ``open_at``
    (default now) for ``open_for_min`` minutes (default: that minute), or None without either."""
    if open_at is None and open_for_min is None:
        return None
    when = _minute(open_at) if open_at is not None else now_in_china()
    minutes = open_for_min or 0

    def accept(row) -> bool:
        return open_for(row[STATUS], row[OPENING_HOURS], when, minutes) is True

    return accept


def _minute(when: datetime.datetime) -> datetime.datetime:
    if when.tzinfo is None:
        when = when.replace(tzinfo=STATION_TZ)
    return when.astimezone(STATION_TZ).replace(second=0, microsecond=0)


_PH = re.compile(r"\bPH\b")
_WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_DAY = datetime.timedelta(days=1)
_HORIZON_DAYS = 8


@lru_cache(maxsize=4096)
def _on_holiday(text: str, weekday: int) -> OpeningHours:
    return parse_hours(_PH.sub(_WEEKDAYS[weekday], text))


def _day_rules(text: str, day: datetime.date) -> tuple[OpeningHours, int] | None:
    """The expression that decides ``day`` and how many days to shift it by, or None (unknown)."""
    kind = holidays.day_kind(day)
    if kind == holidays.WORKDAY:
        return parse_hours(text), 7 - day.weekday()  # the following Monday's hours
    mentions_ph = _PH.search(text) is not None
    if not mentions_ph:
        return parse_hours(text), 0
    if kind == holidays.UNKNOWN:
        return None
    if kind == holidays.HOLIDAY:
        return _on_holiday(text, day.weekday()), 0
    return parse_hours(text), 0


_STATES = {State.OPEN: True, State.CLOSED: False}


def _day_intervals(text: str, day: datetime.date):
    """[(start, end, open)] covering ``day`` (midnight to midnight, China time), or None."""
    rules = _day_rules(text, day)
    if rules is None:
        return None
    expression, shift_days = rules
    shift = datetime.timedelta(days=shift_days)
    start = datetime.datetime.combine(day, datetime.time(), STATION_TZ)
    return [(a - shift, b - shift, _STATES.get(state)) for a, b, state, _ in expression.intervals(start + shift, start + shift + _DAY)]


@lru_cache(maxsize=16384)
def _timing_at(text: str, minute: datetime.datetime) -> tuple[bool | None, str | None, str | None]:
    """(open, closes_at, opens_at) at a whole minute; None for hours that cannot be evaluated."""
    try:
        return _timing(text, minute)
    except Exception:
        # Stored hours are validated on write; an unparsable legacy value means "unknown".
        return _UNKNOWN_TIMING


def _timing(text: str, minute: datetime.datetime) -> tuple[bool | None, str | None, str | None]:
    change = _next_change(text, minute)
    if change is None:
        return _UNKNOWN_TIMING
    state, at = change
    if state is None:
        return _UNKNOWN_TIMING
    iso = at.isoformat() if at else None
    return (True, iso, None) if state else (False, None, iso)


def _next_change(text: str, minute: datetime.datetime):
    """(state at minute, when it next changes or None within the horizon); None if unknown."""
    state = None
    day = minute.date()
    for _ in range(_HORIZON_DAYS):
        intervals = _day_intervals(text, day)
        if intervals is None:
            return None if state is None else (state, None)
        for start, end, is_open in intervals:
            if end <= minute:
                continue
            if state is None:
                state = is_open
                if state is None:
                    return None
            elif is_open != state:
                return state, max(start, minute)
        day += _DAY
    return state, None


def open_for(status: str, hours: str, when: datetime.datetime, minutes: int) -> bool | None:
    """Open at ``when`` and still open ``minutes`` later (no closing change before then)."""
    if status != "open":
        return False
    if not hours:
        return None
    when = _minute(when)
    is_open, closes_at, _ = _timing_at(hours, when)
    if not is_open:
        return is_open
    return closes_at is None or datetime.datetime.fromisoformat(closes_at) >= when + datetime.timedelta(minutes=minutes)
