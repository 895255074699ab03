"""The managers' decisions on suggestions: approve (the station is created in the organisation's
source through the normal write path, duplicate check included, history via "suggestion") or
reject with a reason."""

from django.db import transaction

from stations import vocabulary as vocab
from stations.errors import BadRequest
from stations.models import Account, Report, StationChange
from stations.records.writes import Actor, create_station
from stations.reports.inbox import resolve_report, visible_report
from stations.reports.report_json import item_json


def _open_suggestion(account: Account, report_id: int) -> Report:
    report = visible_report(account, report_id, lock=True)
    if report.type != Report.SUGGESTION:
        raise BadRequest(f"report {report_id} is a {report.type} report, not a suggestion: resolve it (/manage/reports/{report_id}/resolve)")
    if report.status == Report.Status.RESOLVED:
        raise BadRequest(f"suggestion {report_id} is already resolved ({report.resolution})")
    return report


@transaction.atomic
def approve(account: Account, report_id: int, data_of) -> dict:
    report = _open_suggestion(account, report_id)
    data = data_of()
    station = create_station(
        Actor(account, "suggestion"),
        {
            "name": report.name,
            "kind": report.kind,
            "lon": report.lon,
            "lat": report.lat,
            "coordsys": "wgs84",
            "amenities": list(vocab.amenity_codes(report.amenity_mask)),
            "opening_hours": report.suggested_hours,
        },
        force=data.get("force", False),
    )
    change = StationChange.objects.filter(station=station).order_by("-id").first()
    resolve_report(report, account, Report.Resolution.APPROVED, "", change=change, created_station=station)
    return item_json(report, [])


@transaction.atomic
def reject(account: Account, report_id: int, data_of) -> dict:
    report = _open_suggestion(account, report_id)
    data = data_of()
    resolve_report(report, account, Report.Resolution.REJECTED, data["reason"])
    return item_json(report, [])
