"""The managers' inbox: the reports and suggestions inside the caller's jurisdiction, and the
verbs on one of them. Access is decided first, on the report's routed point (Report.lon/lat)
by accounts.jurisdiction: outside it a report does not exist (404) whatever else is wrong."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from geodata.index import box_key_ranges
from stations.errors import BadRequest, NotFound
from stations.http.cursor import decode_cursor, encode_cursor
from stations.accounts.jurisdiction import jurisdiction_of
from stations.models import Account, Report, StationChange
from stations.reports import alerts, webhooks
from stations.reports.report_json import item_json

_UNRESOLVED = (Report.Status.OPEN, Report.Status.ACKNOWLEDGED)
_CHUNK = 500
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
    condition = Q(pk__in=[])
    for low, high in box_key_ranges(jurisdiction.bbox, max_ranges=16):
        condition |= Q(zkey__range=(low, high))
    min_lon, min_lat, max_lon, max_lat = jurisdiction.bbox
    return condition & Q(lon__range=(min_lon, max_lon), lat__range=(min_lat, max_lat))


def _filtered(status, report_type, due_before, overdue, now):
    query = Report.objects.filter(status=status) if status else Report.objects.filter(status__in=_UNRESOLVED)
    query = query.filter(type=report_type) if report_type else query.exclude(type=alerts.CONFIRMED)
    if due_before is not None:
        query = query.filter(due_at__lt=due_before)
    if overdue is True:
        query = query.filter(status__in=_UNRESOLVED, due_at__lt=now)
    elif overdue is False:
        query = query.exclude(status__in=_UNRESOLVED, due_at__lt=now)
    return query


def _after(cursor: str) -> Q:
    due, report_id = decode_cursor(cursor, str, int)
    try:
        due_at = datetime.datetime.fromisoformat(due)
    except ValueError:
        raise BadRequest("cursor is not valid: pass the `next` value of the previous page unchanged") from None
    # Reports without a due time (confirmations) come last.
    if due == _FAR_FUTURE:
        return Q(due_at__isnull=True, id__gt=report_id)
    return Q(due_at__gt=due_at) | Q(due_at=due_at, id__gt=report_id) | Q(due_at__isnull=True)


def page(account: Account, status=None, report_type=None, due_before=None, overdue=None, limit: int = 100, cursor: str | None = None) -> dict:
    """``{"results", "next"}``: oldest due first (then id), each with its station's summary and
    the other riders' unresolved reports on it. The jurisdiction's bounding box narrows the
    query by the spatial key; the exact polygon test keeps those inside."""
    now = timezone.now()
    jurisdiction = jurisdiction_of(account.organisation)
    query = _filtered(status, report_type, due_before, overdue, now).filter(_in_box(jurisdiction))
    if cursor:
        query = query.filter(_after(cursor))
    query = query.select_related("station").order_by("due_at", "id")
    found: list[Report] = []
    offset = 0
    while len(found) < limit:
        chunk = list(query[offset:offset + _CHUNK])
        if not chunk:
            break
        inside = jurisdiction.covers_many([r.lon for r in chunk], [r.lat for r in chunk])
        found += [report for report, ok in zip(chunk, inside) if ok]
        offset += _CHUNK
        if len(chunk) < _CHUNK:
            break
    more = len(found) > limit
    found = found[:limit]
    others = _others([report.station_id for report in found if report.station_id])
    results = [item_json(report, others.get(report.station_id, []), now) for report in found]
    next_cursor = None
    if more:
        last = found[-1]
        next_cursor = encode_cursor(last.due_at.isoformat() if last.due_at else _FAR_FUTURE, last.id)
    return {"results": results, "next": next_cursor}


def _others(station_ids: list[int]) -> dict[int, list[Report]]:
    """Each station's unresolved reports (one query for the page)."""
    found: dict[int, list[Report]] = {}
    if not station_ids:
        return found
    for report in Report.objects.filter(station_id__in=set(station_ids), status__in=_UNRESOLVED).order_by("-seen_at", "-id")[:2000]:
        found.setdefault(report.station_id, []).append(report)
    return found


def item(account: Account, report_id: int) -> dict:
    report = visible_report(account, report_id)
    others = _others([report.station_id]) if report.station_id else {}
    return item_json(report, [r for r in others.get(report.station_id, []) if r.pk != report.pk])


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
