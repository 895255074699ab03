"""Use case: a manager's own stations, recently changed last, one cursor-paged slice at a time."""

import datetime

from django.db.models import Q

from stations.errors import BadRequest
from stations.http.cursor import InvalidCursor, decode_cursor, encode_cursor
from stations.models import Account
from stations.accounts.jurisdiction import jurisdiction_of
from stations.records.writes import station_out

# Rows read per round while filling a page: the bounding box holds some stations outside the
# jurisdiction polygon, which are dropped after the exact point-in-polygon test.
_READ_FACTOR = 2


def _decode(cursor: str) -> tuple[datetime.datetime, int]:
    text, station_id = decode_cursor(cursor, str, int)
    try:
        stamp = datetime.datetime.fromisoformat(text)
        stamp.astimezone(datetime.timezone.utc)  # OverflowError past year 9999 (or before 1) in UTC
    except (ValueError, OverflowError):
        raise InvalidCursor from None
    if stamp.tzinfo is None:
        raise InvalidCursor
    return stamp, station_id


def _after(updated_at: datetime.datetime, station_id: int) -> Q:
    """Rows after (updated_at, id) in the list's order."""
    return Q(updated_at__gt=updated_at) | Q(updated_at=updated_at, id__gt=station_id)


def page(account: Account, updated_since: datetime.datetime | None, limit: int, cursor: str | None, coordsys: str) -> dict:
    jurisdiction = jurisdiction_of(account.organisation)
    query = jurisdiction.candidates().prefetch_related("photos").order_by("updated_at", "id")
    if updated_since is not None:
        if updated_since.tzinfo is None:
            raise BadRequest("updated_since needs a time zone, e.g. 2026-12-01T08:00:00+08:00")
        query = query.filter(updated_at__gte=updated_since)
    if cursor:
        stamp, last_id = _decode(cursor)
        query = query.filter(_after(stamp, last_id))
    results, last = [], None
    while len(results) < limit:
        rest = query if last is None else query.filter(_after(last.updated_at, last.id))
        batch = list(rest[: limit * _READ_FACTOR])
        if not batch:
            break
        inside = jurisdiction.covers_many([s.lon for s in batch], [s.lat for s in batch])
        for station, ok in zip(batch, inside):
            last = station
            if ok:
                results.append(station)
                if len(results) == limit:
                    break
        if len(batch) < limit * _READ_FACTOR:
            break
    # `next` only when a further row may exist: a full page was read.
    next_cursor = encode_cursor(results[-1].updated_at.isoformat(), results[-1].id) if len(results) == limit else None
    return {"count": len(results), "results": [station_out(s, coordsys) for s in results], "next": next_cursor}
