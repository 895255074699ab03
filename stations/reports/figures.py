"""Planners' figures on how true the map is, per district: the share of open stations fresh /
aging / stale, and the open and overdue riders' reports."""

import datetime

import numpy as np
from django.utils import timezone

from geodata import coverage
from stations import limits
from stations.models import Report, Station
from stations.search.freshness import AGING, FRESH, STALE, freshness, latest

_UNRESOLVED = (Report.Status.OPEN, Report.Status.ACKNOWLEDGED)


def _in_box(query, bounds):
    min_lon, min_lat, max_lon, max_lat = bounds
    return query.filter(lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat)


def district_figures(geometries: list, bounds: tuple[float, float, float, float]) -> list[dict]:
    """One dict per geometry (WGS-84 districts inside ``bounds``): fresh/aging/stale shares of
    its open stations, its unresolved reports and how many of them are overdue."""
    now = timezone.now()
    cuts = (now - datetime.timedelta(days=limits.FRESH_DAYS), now - datetime.timedelta(days=limits.AGING_DAYS))
    stations = list(_in_box(Station.objects.filter(status=Station.Status.OPEN), bounds).values_list("lon", "lat", "updated_at", "last_verified_at", "last_confirmed_at"))
    station_region = coverage.region_of(np.array([s[0] for s in stations], dtype=float), np.array([s[1] for s in stations], dtype=float), geometries)
    reports = list(_in_box(Report.objects.filter(status__in=_UNRESOLVED), bounds).exclude(type="confirmed").values_list("lon", "lat", "due_at"))
    report_region = coverage.region_of(np.array([r[0] for r in reports], dtype=float), np.array([r[1] for r in reports], dtype=float), geometries)
    figures = [{FRESH: 0, AGING: 0, STALE: 0, "open_reports": 0, "overdue_reports": 0} for _ in geometries]
    for station, region in zip(stations, station_region):
        if region >= 0:
            figures[region][freshness(latest(*station[2:]), cuts)] += 1
    for (_, _, due_at), region in zip(reports, report_region):
        if region >= 0:
            figures[region]["open_reports"] += 1
            figures[region]["overdue_reports"] += int(due_at is not None and due_at < now)
    return [_shares(figure) for figure in figures]


def _shares(figure: dict) -> dict:
    total = figure[FRESH] + figure[AGING] + figure[STALE]
    return {
        "fresh_share": round(figure[FRESH] / total, 4) if total else None,
        "aging_share": round(figure[AGING] / total, 4) if total else None,
        "stale_share": round(figure[STALE] / total, 4) if total else None,
        "open_reports": figure["open_reports"],
        "overdue_reports": figure["overdue_reports"],
    }
