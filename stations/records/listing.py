"""Use case: a manager's own stations, recently changed last, one cursor-paged slice at a time."""

import base64
import binascii
import datetime
import json

from django.db.models import Q

from stations.errors import BadRequest
from stations.models import Account
from stations.accounts.jurisdiction import jurisdiction_of
from stations.records.writes import station_out

# Rows read per round while filling a page: the bounding box holds some stations outside the
# jurisdiction polygon, which are dropped after the exact point-in-polygon test.
_READ_FACTOR = 2


def _encode(updated_at: datetime.datetime, station_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([updated_at.isoformat(), station_id]).encode()).decode()


def _decode(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        text, station_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        stamp = datetime.datetime.fromisoformat(text)
        if not isinstance(station_id, int) or stamp.tzinfo is None:
            raise ValueError
        stamp.astimezone(datetime.timezone.utc)  # OverflowError past year 9999 (or before 1) in UTC
        return stamp, station_id
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeError):
        raise BadRequest("cursor is not valid: pass the `next` value of the previous page unchanged") from None


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
    next_cursor = _encode(results[-1].updated_at, results[-1].id) if len(results) == limit else None
    return {"count": len(results), "results": [station_out(s, coordsys) for s in results], "next": next_cursor}
