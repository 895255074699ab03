"""Riders' writes: anonymous keys, reports on a station, suggestions of missing stations, and
a rider's own list. Nothing here changes a station's record: reports only feed the station's
alerts and last_confirmed_at (stations.reports.alerts), and the union decides the rest."""

import datetime
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from geodata.coords import to_wgs84
from geodata.distance import haversine_m
from geodata.index import circle_search_area
from stations import limits
from stations import vocabulary as vocab
from stations.errors import NotFound
from stations.models import Report, RiderKey, Station
from stations.photos.processing import check_upload_size, process_photo
from stations.reports import alerts, throttle, webhooks
from stations.reports.report_json import created_json, mine_json

URGENT_TYPES = frozenset({"closed", "gone", "unsafe_or_dirty"})
MY_REPORTS_LIMIT = 200


def issue_rider_key(address: str) -> str:
    throttle.check(throttle.new_rider_keys(address))
    _, token = RiderKey.issue()
    return token


def due_at(report_type: str, now: datetime.datetime) -> datetime.datetime | None:
    if report_type == alerts.CONFIRMED:
        return None
    days = settings.REPORT_DUE_DAYS_URGENT if report_type in URGENT_TYPES else settings.REPORT_DUE_DAYS
    return now + datetime.timedelta(days=days)


def _store_photo(upload) -> str:
    """The sanitised photo (upright, metadata and GPS stripped, WebP) in Django's storage."""
    if upload is None:
        return ""
    check_upload_size(upload.size)
    processed = process_photo(upload.read())
    return default_storage.save(f"reports/{uuid.uuid4().hex}.webp", ContentFile(processed.full))


def _wgs84(point: dict | None) -> tuple[float | None, float | None]:
    if point is None:
        return None, None
    return to_wgs84(point["lon"], point["lat"], point.get("coordsys", "wgs84"))


def submit_report(rider: RiderKey, station_id: int, data: dict, photo, address: str) -> tuple[dict, bool]:
    """A report (ReportIn data) on a visible station: (its JSON, True if new). The same rider's
    same report on the station within a day updates the first one instead."""
    station = Station.objects.filter(pk=station_id).exclude(status=Station.Status.REMOVED).first() if 1 <= station_id < 2**63 else None
    if station is None:
        raise NotFound(f"no station with id {station_id}")
    throttle.check(*throttle.rider_writes(rider.pk, address), throttle.station_reports(rider.pk, station.pk))
    report_type = data["type"]
    amenity = data.get("amenity") or ""
    if report_type == "amenity_missing" and not amenity:
        raise vocab.UnknownCode(f"amenity: name the missing amenity; allowed: {', '.join(vocab.AMENITY_CODES)}")
    suggested_lon, suggested_lat = _wgs84(data.get("suggested_point"))
    photo_name = _store_photo(photo)
    now = timezone.now()
    with transaction.atomic():
        report = _repeat_of(rider, station, report_type, amenity, now)
        created = report is None
        if created:
            report = Report(rider=rider, station=station, type=report_type, amenity=amenity, lon=station.lon, lat=station.lat,
                            created_at=now, due_at=due_at(report_type, now), alert=alerts.alert_code(report_type, amenity))
            if report_type == alerts.CONFIRMED:
                # Nothing for the union to do: a confirmation is settled as it arrives.
                report.status, report.resolution, report.resolved_at = Report.Status.RESOLVED, Report.Resolution.CONFIRMED, now
        report.seen_at = now
        report.comment = data.get("comment") or report.comment
        report.suggested_hours = data.get("suggested_hours") or report.suggested_hours
        if suggested_lon is not None:
            report.suggested_lon, report.suggested_lat = suggested_lon, suggested_lat
        report.photo_name = photo_name or report.photo_name
        report.save()
        if report_type == alerts.CONFIRMED and not station.alerts:
            # The common good news: nothing to clear, so only the moment moves (one statement).
            Station.objects.filter(pk=station.pk).update(last_confirmed_at=now)
        else:
            alerts.refresh_station(station.pk, now)
        if created and report_type != alerts.CONFIRMED:
            webhooks.enqueue(report, "report.created")
    return created_json(report), created


def _repeat_of(rider: RiderKey, station: Station, report_type: str, amenity: str, now: datetime.datetime) -> Report | None:
    since = now - datetime.timedelta(hours=limits.REPORT_DEDUPE_HOURS)
    repeats = Report.objects.select_for_update().filter(rider=rider, station=station, type=report_type, amenity=amenity, seen_at__gte=since)
    if report_type != alerts.CONFIRMED:
        repeats = repeats.exclude(status=Report.Status.RESOLVED)  # once resolved, a new report is news
    return repeats.order_by("-id").first()


def nearby_stations(lon: float, lat: float, radius_m: float = limits.SUGGESTION_DUPLICATE_RADIUS_M) -> list[dict]:
    ranges, (min_lon, min_lat, max_lon, max_lat) = circle_search_area(lon, lat, radius_m)
    query = Station.objects.none()
    for low, high in ranges:
        query = query | Station.objects.filter(zkey__range=(low, high))
    rows = query.filter(lon__range=(min_lon, max_lon), lat__range=(min_lat, max_lat)).exclude(status=Station.Status.REMOVED)
    found = sorted((haversine_m(lon, lat, s.lon, s.lat), s.id, s) for s in rows.only("id", "name", "kind", "lon", "lat"))
    return [
        {"id": s.id, "name": s.name, "kind": s.kind, "lat": s.lat, "lon": s.lon, "distance_m": round(d, 1)}
        for d, _, s in found
        if d <= radius_m
    ]


def submit_suggestion(rider: RiderKey, data: dict, photo, address: str) -> dict:
    """A station missing from the map (SuggestionIn data), for the union whose jurisdiction
    holds its point; answers with the existing stations it may duplicate."""
    throttle.check(*throttle.rider_writes(rider.pk, address))
    lon, lat = _wgs84(data["point"])
    photo_name = _store_photo(photo)
    now = timezone.now()
    with transaction.atomic():
        report = Report.objects.create(
            rider=rider, type=Report.SUGGESTION, name=data["name"], kind=data["kind"], lon=lon, lat=lat,
            amenity_mask=vocab.amenity_mask(data.get("amenities") or []), suggested_hours=data.get("opening_hours") or "",
            comment=data.get("comment") or "", photo_name=photo_name, created_at=now, seen_at=now, due_at=due_at(Report.SUGGESTION, now),
        )
        webhooks.enqueue(report, "report.created")
    return {**created_json(report), "nearby": nearby_stations(lon, lat)}


def my_reports(rider: RiderKey) -> dict:
    """The rider's reports and suggestions, newest first (the latest 200)."""
    reports = list(Report.objects.filter(rider=rider).order_by("-id")[:MY_REPORTS_LIMIT])
    return {"count": len(reports), "results": [mine_json(report) for report in reports]}
