"""How fresh a station's information is: "fresh" when a rider confirmed it, its union verified
it or changed it at most limits.FRESH_DAYS ago, "aging" up to limits.AGING_DAYS, "stale" beyond.

The riders' lists decide it per row on the search rows' FRESH_AT (stations.search.sql): text on
SQLite, so the cut-offs are made once per answer in the same text form and each row costs two
string comparisons instead of parsing a datetime.
"""

import datetime

from django.db import DEFAULT_DB_ALIAS, connections

from stations import limits

FRESH, AGING, STALE = "fresh", "aging", "stale"
_UTC = datetime.timezone.utc


def cutoffs(now: datetime.datetime) -> tuple:
    """(fresh since, aging since) in the form the search rows' FRESH_AT has."""
    fresh = now - datetime.timedelta(days=limits.FRESH_DAYS)
    aging = now - datetime.timedelta(days=limits.AGING_DAYS)
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        # Django stores SQLite datetimes as naive UTC "YYYY-MM-DD HH:MM:SS[.ffffff]": text that
        # sorts like time, so comparing strings compares instants.
        return tuple(str(moment.astimezone(_UTC).replace(tzinfo=None)) for moment in (fresh, aging))
    return fresh, aging


def freshness(fresh_at, cuts: tuple) -> str:
    """``fresh_at`` (a row's FRESH_AT, or a datetime with datetime cut-offs) → fresh/aging/stale."""
    if not fresh_at:
        return STALE
    if fresh_at >= cuts[0]:
        return FRESH
    return AGING if fresh_at >= cuts[1] else STALE


def latest(*moments: datetime.datetime | None) -> datetime.datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def iso_utc(value) -> str | None:
    """A search row's last_confirmed_at (naive UTC from sqlite3, aware elsewhere) as ISO 8601."""
    if value is None:
        return None
    if isinstance(value, str):  # pragma: no cover - sqlite3 without declared-type parsing
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=_UTC)
    return value.isoformat()


def alert_list(text: str) -> list[str]:
    return text.split(",") if text else []
