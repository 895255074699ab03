"""The mainland Chinese public-holiday calendar: holidays (放假) and make-up working days (调休).

The packaged calendar is the `chinese-calendar` package (maintained from the State Council's
yearly notices). A year loaded with ``manage.py load_holidays FILE`` (stored in HolidayDay)
replaces that year of the packaged calendar, so a new notice needs no release. A year in neither
is unknown: opening hours that mention PH are then not evaluated (null), never guessed.
"""

import csv
import datetime
import io
import time
from functools import cache

from django.core.cache import cache as shared_cache
from django.db import DatabaseError, transaction

from stations.errors import BadRequest
from stations.models import HolidayDay

HOLIDAY, WORKDAY, NORMAL, UNKNOWN = "holiday", "workday", "normal", "unknown"
_VERSION_KEY = "stations:holidays:version"
_RECHECK_S = 30.0  # how often a process looks for a newer load (shared cache key)


@cache
def _packaged() -> tuple[dict[datetime.date, str], frozenset[int]]:
    from chinese_calendar import constants

    days = {day: HOLIDAY for day in constants.holidays}
    days.update({day: WORKDAY for day in constants.workdays})
    return days, frozenset(day.year for day in constants.holidays)


class _Calendar:
    """The merged table, reloaded when load_holidays bumps the shared version."""

    def __init__(self):
        self.days: dict[datetime.date, str] = {}
        self.years: frozenset[int] = frozenset()
        self.version = None
        self.checked_at = -1e9

    def current(self) -> "_Calendar":
        now = time.monotonic()
        if now - self.checked_at >= _RECHECK_S:
            self.checked_at = now
            version = shared_cache.get(_VERSION_KEY, 0)
            if version != self.version or not self.years:
                self._load(version)
        return self

    def _load(self, version) -> None:
        packaged, packaged_years = _packaged()
        try:
            loaded = list(HolidayDay.objects.values_list("date", "kind", "year"))
        except DatabaseError:
            # Not migrated yet (a fresh checkout's first request): the packaged calendar alone.
            loaded, self.checked_at = [], -1e9
        loaded_years = {year for _, _, year in loaded}
        days = {day: kind for day, kind in packaged.items() if day.year not in loaded_years}
        days.update({day: kind for day, kind, _ in loaded})
        self.days, self.years, self.version = days, frozenset(packaged_years | loaded_years), version


_calendar = _Calendar()


def reset() -> None:
    """Forget the in-process table (tests; load_holidays does it for other processes via the version)."""
    _calendar.checked_at = -1e9
    _calendar.version = None


def day_kind(day: datetime.date) -> str:
    """HOLIDAY, WORKDAY (a make-up working day), NORMAL, or UNKNOWN (a year no table covers)."""
    table = _calendar.current()
    if day.year not in table.years:
        return UNKNOWN
    return table.days.get(day, NORMAL)


def known_years() -> list[int]:
    return sorted(_calendar.current().years)


def parse_holiday_file(text: str) -> list[tuple[datetime.date, str, str]]:
    """CSV rows ``date,kind,name`` (kind: holiday or workday), header first; BadRequest naming the line."""
    rows = []
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not {"date", "kind"} <= set(reader.fieldnames):
        raise BadRequest("the file must be CSV with a header 'date,kind,name' (kind: holiday or workday)")
    for line, record in enumerate(reader, start=2):
        try:
            day = datetime.date.fromisoformat((record.get("date") or "").strip())
        except ValueError:
            raise BadRequest(f"line {line}: date must be YYYY-MM-DD, got {record.get('date')!r}") from None
        kind = (record.get("kind") or "").strip()
        if kind not in (HOLIDAY, WORKDAY):
            raise BadRequest(f"line {line}: kind must be 'holiday' or 'workday', got {kind!r}")
        rows.append((day, kind, (record.get("name") or "").strip()[:64]))
    if not rows:
        raise BadRequest("the file holds no days")
    if len({day for day, _, _ in rows}) != len(rows):
        raise BadRequest("a date appears twice")
    return rows


def load_holiday_rows(rows: list[tuple[datetime.date, str, str]]) -> dict[int, int]:
    """Replace every year present in ``rows`` with them, atomically; {year: days}."""
    years = sorted({day.year for day, _, _ in rows})
    with transaction.atomic():
        HolidayDay.objects.filter(year__in=years).delete()
        HolidayDay.objects.bulk_create(HolidayDay(date=day, kind=kind, name=name, year=day.year) for day, kind, name in rows)
    shared_cache.set(_VERSION_KEY, time.time_ns(), None)
    reset()
    return {year: sum(1 for day, _, _ in rows if day.year == year) for year in years}
