"""JSON shapes of reports: a rider's own, and the managers' inbox items."""

import datetime

from django.core.files.storage import default_storage
from django.utils import timezone

from stations import vocabulary as vocab
from stations.models import Report, Station


def iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def is_overdue(report: Report, now: datetime.datetime) -> bool:
    return report.status != Report.Status.RESOLVED and report.due_at is not None and report.due_at < now


def created_json(report: Report) -> dict:
    return {"id": report.id, "type": report.type, "status": report.status, "due_at": iso(report.due_at)}


def mine_json(report: Report) -> dict:
    return {
        "id": report.id,
        "type": report.type,
        "station_id": report.station_id,
        "name": report.name,
        "amenity": report.amenity,
        "comment": report.comment,
        "status": report.status,
        "resolution": report.resolution,
        "note": report.note,
        "created_at": iso(report.created_at),
        "due_at": iso(report.due_at),
        "resolved_at": iso(report.resolved_at),
        "created_station_id": report.created_station_id,
    }


def station_brief(station: Station | None) -> dict | None:
    if station is None:
        return None
    return {
        "id": station.id,
        "name": station.name,
        "kind": station.kind,
        "status": station.status,
        "lat": station.lat,
        "lon": station.lon,
        "district": station.district,
        "alerts": station.alerts.split(",") if station.alerts else [],
        "last_confirmed_at": iso(station.last_confirmed_at),
    }


def other_json(row: dict) -> dict:
    return {"id": row["id"], "type": row["type"], "amenity": row["amenity"], "status": row["status"], "seen_at": iso(row["seen_at"])}


OTHERS_SHOWN = 5


def item_json(report: Report, others: list[dict], now: datetime.datetime | None = None) -> dict:
    """An inbox item; ``others``: the latest unresolved reports on its station (rows with id,
    rider_id, type, amenity, status, seen_at); those of other riders are shown."""
    now = now or timezone.now()
    point = None
    if report.suggested_lon is not None:
        point = {"lon": report.suggested_lon, "lat": report.suggested_lat}
    return {
        "id": report.id,
        "type": report.type,
        "status": report.status,
        "overdue": is_overdue(report, now),
        "station": station_brief(report.station),
        "amenity": report.amenity,
        "comment": report.comment,
        "suggested_hours": report.suggested_hours,
        "suggested_point": point,
        "name": report.name,
        "kind": report.kind,
        "amenities": list(vocab.amenity_codes(report.amenity_mask)),
        "lon": report.lon,
        "lat": report.lat,
        "photo_url": default_storage.url(report.photo_name) if report.photo_name else None,
        "created_at": iso(report.created_at),
        "seen_at": iso(report.seen_at),
        "due_at": iso(report.due_at),
        "acknowledged_at": iso(report.acknowledged_at),
        "resolved_at": iso(report.resolved_at),
        "resolution": report.resolution,
        "note": report.note,
        "change_id": report.change_id,
        "created_station_id": report.created_station_id,
        "other_reports": [other_json(o) for o in others if o["rider_id"] != report.rider_id and o["id"] != report.id][:OTHERS_SHOWN],
    }


def webhook_json(event: str, report: Report) -> dict:
    """What a webhook receives: the event and the report, without the rider."""
    return {"event": event, "report": item_json(report, [])}
