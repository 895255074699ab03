"""The two-rider alert rule, and the station columns it keeps (Station.alerts, last_confirmed_at).

A problem raises an alert on the station when two or more different riders reported it within
limits.ALERT_WINDOW_DAYS (one rider counts once), and stays until the union resolves those
reports or two different riders confirm the station after the latest of them. The columns are
rewritten with a queryset update whenever a station's reports change, so the station record
itself (its version, updated_at and history) never changes because of a rider.
"""

import datetime

from django.utils import timezone

from stations import limits
from stations.models import Report, Station

CONFIRMED = "confirmed"
# The alert code each problem raises; "other" (free text) raises none.
_ALERT_OF_TYPE = {
    "closed": "reported_closed",
    "gone": "reported_gone",
    "hours_wrong": "hours_wrong",
    "location_wrong": "location_wrong",
    "unsafe_or_dirty": "unsafe_or_dirty",
}


def alert_code(report_type: str, amenity: str = "") -> str:
    """The alert a report of this type raises ("" for none)."""
    if report_type == "amenity_missing":
        return f"amenity_missing:{amenity}"
    return _ALERT_OF_TYPE.get(report_type, "")


def raised_alerts(events: list[tuple[datetime.datetime, int, str]]) -> list[str]:
    """The alerts of a station's recent events (seen_at, rider id, alert code or CONFIRMED),
    by the rule above; sorted.

    >>> t = [datetime.datetime(2026, 12, 1, h) for h in range(6)]
    >>> raised_alerts([(t[0], 1, "reported_closed"), (t[1], 1, "reported_closed")])
    []
    >>> raised_alerts([(t[0], 1, "reported_closed"), (t[1], 2, "reported_closed")])
    ['reported_closed']
    >>> raised_alerts([(t[0], 1, "reported_closed"), (t[1], 2, "reported_closed"), (t[2], 3, CONFIRMED), (t[3], 4, CONFIRMED)])
    []
    """
    riders: dict[str, set[int]] = {}
    confirmers: dict[str, set[int]] = {}
    for _, rider, code in sorted(events, key=lambda event: (event[0], event[1])):
        if code != CONFIRMED:
            riders.setdefault(code, set()).add(rider)
            confirmers[code] = set()
            continue
        for alert, seen in riders.items():
            if not seen:
                continue
            confirmers[alert].add(rider)
            if len(confirmers[alert]) >= limits.ALERT_MIN_RIDERS:
                seen.clear()  # cleared: problems before these confirmations no longer count
    return sorted(alert for alert, seen in riders.items() if len(seen) >= limits.ALERT_MIN_RIDERS)


def refresh_station(station_id: int, now: datetime.datetime | None = None) -> None:
    """Recompute the station's alerts and last_confirmed_at from its reports."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=limits.ALERT_WINDOW_DAYS)
    recent = Report.objects.filter(station_id=station_id, seen_at__gte=since).exclude(type__in=("other", Report.SUGGESTION))
    events = []
    for seen_at, rider_id, report_type, alert, status in recent.values_list("seen_at", "rider_id", "type", "alert", "status"):
        if report_type == CONFIRMED:
            events.append((seen_at, rider_id, CONFIRMED))
        elif alert and status != Report.Status.RESOLVED:
            events.append((seen_at, rider_id, alert))
    last = Report.objects.filter(station_id=station_id, type=CONFIRMED).order_by("-seen_at").values_list("seen_at", flat=True).first()
    Station.objects.filter(pk=station_id).update(alerts=",".join(raised_alerts(events)), last_confirmed_at=last)


def alerted_station_ids(codes: tuple[str, ...] = ("reported_closed", "reported_gone")) -> set[int]:
    """Ids of stations with any of these alerts (planners leave them out of coverage)."""
    ids: set[int] = set()
    for pk, alerts in Station.objects.exclude(alerts="").values_list("pk", "alerts"):
        if set(alerts.split(",")) & set(codes):
            ids.add(pk)
    return ids
