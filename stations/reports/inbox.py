"""The managers' inbox: the reports and suggestions inside the caller's jurisdiction, and the
verbs on one of them. Access is decided first, on the report's routed point (Report.lon/lat)
by accounts.jurisdiction: outside it a report does not exist (404) whatever else is wrong."""

import datetime
import heapq
import itertools

from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from stations.errors import BadRequest, NotFound
from stations.http.cursor import InvalidCursor, decode_cursor, encode_cursor
from stations.accounts.jurisdiction import jurisdiction_of
from stations.models import Account, Report, StationChange
from stations.reports import alerts, webhooks
from stations.reports.report_json import OTHERS_SHOWN, item_json

_UNRESOLVED = (Report.Status.OPEN, Report.Status.ACKNOWLEDGED)
_CHUNK = 200

_FAR_FUTURE = "9999-12-31T00:00:00+00:00"


def visible_report(account: Account, report_id: int, *, lock: bool = False) -> Report:
    query = Report.objects.select_related("station")
    if lock:
        query = query.select_for_update(of=("self",))
    report = query.filter(pk=report_id).first() if 1 <= report_id < 2**63 else None
    if report is None or not jurisdiction_of(account.organisation).covers(report.lon, report.lat):
        raise NotFound(f"no report with id {report_id} in your jurisdiction ({account.organisation.name})")
    return report


def _in_box(jurisdiction) -> Q:
    # Only the bounding box, checked per row while the (status, due_at, id) index is read in
    # order: a page then stops after about `limit` rows inside, instead of sorting every report
    # in the box (a Morton-key filter would make SQLite pick that index and sort).
    min_lon, min_lat, max_lon, max_lat = jurisdiction.bbox
    return Q(lon__range=(min_lon, max_lon), lat__range=(min_lat, max_lat))


def _filtered(status, report_type, due_before, overdue, now):
    query = Report.objects.filter(type=report_type) if report_type else Report.objects.exclude(type=alerts.CONFIRMED)
    if due_before is not None:
        query = query.filter(due_at__lt=due_before)
    if overdue is True:
        query = query.filter(due_at__lt=now)
    elif overdue is False:
        query = query.filter(Q(due_at__gte=now) | Q(due_at__isnull=True) | Q(status=Report.Status.RESOLVED))
    return query


def _sort_key(report: Report) -> tuple:
    # Confirmations have no due time: they come after everything due (only type=confirmed lists them).
    return (report.due_at is None, report.due_at or timezone.now(), report.id)


def _decode(cursor: str) -> tuple[datetime.datetime | None, int]:
    due, report_id = decode_cursor(cursor, str, int)
    if due == _FAR_FUTURE:
        return None, report_id
    try:
        return datetime.datetime.fromisoformat(due), report_id
    except ValueError:
        raise InvalidCursor from None


def _after(query, due_at: datetime.datetime | None, report_id: int):
    """Rows after (due_at, id) in the list's order, as an index range (due_at >= ...)."""
    if due_at is None:
        return query.filter(id__gt=report_id)
    return query.filter(due_at__gte=due_at).exclude(due_at=due_at, id__lte=report_id)


def _stream(query, jurisdiction, after: tuple | None, dated: bool):
    """The query's reports inside the jurisdiction, in list order, read in chunks. ``dated``:
    reports with a due time (all but confirmations), else confirmations (no due time) by id."""
    query = query.filter(due_at__isnull=not dated).select_related("station")
    query = query.order_by("due_at", "id") if dated else query.order_by("id")
    while True:
        chunk = list((_after(query, *after) if after else query)[:_CHUNK])
        inside = jurisdiction.covers_many([r.lon for r in chunk], [r.lat for r in chunk]) if chunk else []
        yield from (report for report, ok in zip(chunk, inside) if ok)
        if len(chunk) < _CHUNK:
            return
        after = (chunk[-1].due_at, chunk[-1].id)


def page(account: Account, status=None, report_type=None, due_before=None, overdue=None, limit: int = 100, cursor: str | None = None) -> dict:
    """``{"results", "next"}``: oldest due first (then id), each with its station's summary and
    the other riders' latest unresolved reports on it. Each status is read in the order of its
    index, within the jurisdiction's bounding box; the exact polygon test keeps those inside."""
    now = timezone.now()
    jurisdiction = jurisdiction_of(account.organisation)
    after = _decode(cursor) if cursor else None
    query = _filtered(status, report_type, due_before, overdue, now).filter(_in_box(jurisdiction))
    statuses = [status] if status else list(_UNRESOLVED)
    dated = report_type != alerts.CONFIRMED
    streams = [_stream(query.filter(status=one), jurisdiction, after, dated) for one in statuses]
    found = list(itertools.islice(heapq.merge(*streams, key=_sort_key), limit + 1))
    more = len(found) > limit
    found = found[:limit]
    others = _others({report.station_id for report in found if report.station_id})
    results = [item_json(report, others.get(report.station_id, []), now) for report in found]
    next_cursor = None
    if more:
        last = found[-1]
        next_cursor = encode_cursor(last.due_at.isoformat() if last.due_at else _FAR_FUTURE, last.id)
    return {"results": results, "next": next_cursor}


def _others(station_ids: set[int]) -> dict[int, list[dict]]:
    """Each station's latest unresolved reports, OTHERS_SHOWN + 1 of them (one of which may be
    the item itself), as plain rows: one query for the page."""
    found: dict[int, list[dict]] = {}
    if not station_ids:
        return found
    latest = (
        Report.objects.filter(station_id__in=station_ids, status__in=_UNRESOLVED)
        .annotate(rank=Window(RowNumber(), partition_by=[F("station_id")], order_by=[F("seen_at").desc(), F("id").desc()]))
        .filter(rank__lte=OTHERS_SHOWN + 1)
        .values("id", "station_id", "rider_id", "type", "amenity", "status", "seen_at")
    )
    for row in latest:
        found.setdefault(row["station_id"], []).append(row)
    return found


def item(account: Account, report_id: int) -> dict:
    report = visible_report(account, report_id)
    others = _others([report.station_id]) if report.station_id else {}
    return item_json(report, others.get(report.station_id, []))


@transaction.atomic
def acknowledge(account: Account, report_id: int) -> dict:
    report = visible_report(account, report_id, lock=True)
    if report.status == Report.Status.RESOLVED:
        raise BadRequest(f"report {report_id} is already resolved ({report.resolution})")
    if report.status == Report.Status.OPEN:
        report.status, report.acknowledged_at, report.handled_by = Report.Status.ACKNOWLEDGED, timezone.now(), account.user
        report.save(update_fields=["status", "acknowledged_at", "handled_by"])
    return item_json(report, [])


def resolve_report(report: Report, account: Account, resolution: str, note: str, change: StationChange | None = None, created_station=None) -> None:
    """Mark ``report`` (locked, visible) resolved, refresh its station's alerts, tell the webhook."""
    now = timezone.now()
    report.status, report.resolution, report.note, report.resolved_at = Report.Status.RESOLVED, resolution, note, now
    report.handled_by, report.change, report.created_station = account.user, change, created_station
    if report.acknowledged_at is None:
        report.acknowledged_at = now
    report.save()
    if report.station_id:
        alerts.refresh_station(report.station_id, now)
    webhooks.enqueue(report, "report.resolved")


@transaction.atomic
def resolve(account: Account, report_id: int, data_of) -> dict:
    """``data_of()`` validates the body (ResolveIn) only once access is decided."""
    report = visible_report(account, report_id, lock=True)
    data = data_of()
    if report.type == Report.SUGGESTION:
        raise BadRequest(f"report {report_id} is a suggestion: approve or reject it (/manage/suggestions/{report_id}/approve or /reject)")
    if report.status == Report.Status.RESOLVED:
        raise BadRequest(f"report {report_id} is already resolved ({report.resolution})")
    change = None
    if data.get("change_id") is not None:
        change = StationChange.objects.filter(pk=data["change_id"], station_id=report.station_id).first()
        if change is None:
            raise BadRequest(f"change_id: station {report.station_id} has no history entry {data['change_id']}")
    resolve_report(report, account, data["resolution"], data.get("note") or "", change=change)
    return item_json(report, [])
