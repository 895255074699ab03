"""The two-rider alert rule, confirmations and freshness, as riders' answers show them."""

import datetime

import pytest
from django.utils import timezone

from stations.models import Report, Station
from stations.reports.alerts import raised_alerts, refresh_station
from tests.stations.personas import FUTIAN_POINT
from tests.stations.reports.helpers import futian_station, new_rider, record_state, report

pytestmark = pytest.mark.django_db

LON, LAT = FUTIAN_POINT


def _answers(rider, station) -> list[dict]:
    """The station as nearest, viewport and detail show it."""
    nearest = rider.get("/api/v1/stations/nearest", {"lat": LAT, "lon": LON, "k": 1}).json()["results"][0]
    box = f"{LON - 0.01},{LAT - 0.01},{LON + 0.01},{LAT + 0.01}"
    viewport = rider.get("/api/v1/stations", {"bbox": box}).json()["results"][0]
    detail = rider.get(f"/api/v1/stations/{station.id}").json()
    return [nearest, viewport, detail]


def _alerts(rider, station) -> list[list[str]]:
    return [answer["alerts"] for answer in _answers(rider, station)]


def test_one_rider_reporting_twice_raises_no_alert(rider):
    station = futian_station()
    one = new_rider()
    report(one, station, type="closed")
    Report.objects.update(seen_at=timezone.now() - datetime.timedelta(hours=30))
    report(one, station, type="closed")

    assert _alerts(rider, station) == [[], [], []]


def test_two_riders_within_seven_days_raise_an_alert_on_every_answer(rider):
    station = futian_station()
    before = record_state(station)
    report(new_rider(), station, type="closed")
    report(new_rider(), station, type="amenity_missing", amenity="drinking_water")
    report(new_rider(), station, type="amenity_missing", amenity="drinking_water")
    report(new_rider(), station, type="closed")

    assert _alerts(rider, station) == [["amenity_missing:drinking_water", "reported_closed"]] * 3
    assert record_state(station) == before  # nothing a rider sends changes the record


def test_reports_older_than_seven_days_do_not_count(rider):
    station = futian_station()
    report(new_rider(), station, type="gone")
    Report.objects.update(seen_at=timezone.now() - datetime.timedelta(days=8))
    report(new_rider(), station, type="gone")

    assert _alerts(rider, station) == [[], [], []]


def test_two_later_confirmations_clear_an_alert_and_one_does_not(rider):
    station = futian_station()
    report(new_rider(), station, type="closed")
    report(new_rider(), station, type="closed")
    report(new_rider(), station, type="confirmed")
    assert _alerts(rider, station)[0] == ["reported_closed"]

    report(new_rider(), station, type="confirmed")

    assert _alerts(rider, station) == [[], [], []]


def test_a_manager_resolving_the_reports_ends_the_alert(rider, manager_futian):
    station = futian_station()
    ids = [report(new_rider(), station, type="closed").json()["id"] for _ in range(2)]

    manager_futian.post(f"/api/v1/manage/reports/{ids[0]}/resolve", {"resolution": "no_problem_found"}, content_type="application/json")

    assert _alerts(rider, station) == [[], [], []]


def test_a_confirmation_sets_last_confirmed_at_and_freshness(rider):
    station = futian_station()
    old = timezone.now() - datetime.timedelta(days=400)
    Station.objects.filter(pk=station.pk).update(updated_at=old, created_at=old)
    assert [a["freshness"] for a in _answers(rider, station)] == ["stale"] * 3
    Station.objects.filter(pk=station.pk).update(last_verified_at=timezone.now() - datetime.timedelta(days=100))
    assert [a["freshness"] for a in _answers(rider, station)] == ["aging"] * 3

    report(new_rider(), station, type="confirmed")

    answers = _answers(rider, station)
    confirmed_at = Report.objects.get().seen_at
    assert [a["freshness"] for a in answers] == ["fresh"] * 3
    assert {a["last_confirmed_at"] for a in answers} == {confirmed_at.isoformat()}
    station.refresh_from_db()
    assert station.updated_at == old  # the record is untouched: only the riders' column moved


def test_the_rule_counts_riders_not_reports():
    t = [datetime.datetime(2026, 12, 1, h, tzinfo=datetime.timezone.utc) for h in range(8)]
    assert raised_alerts([(t[0], 1, "x"), (t[1], 1, "x"), (t[2], 1, "x")]) == []
    assert raised_alerts([(t[0], 1, "x"), (t[1], 2, "x"), (t[2], 3, "confirmed"), (t[3], 3, "confirmed")]) == ["x"]
    # Confirmations before the problems do not clear them.
    assert raised_alerts([(t[0], 3, "confirmed"), (t[1], 4, "confirmed"), (t[2], 1, "x"), (t[3], 2, "x")]) == ["x"]
    # After a clear, one new problem report is not enough again.
    assert raised_alerts([(t[0], 1, "x"), (t[1], 2, "x"), (t[2], 3, "confirmed"), (t[3], 4, "confirmed"), (t[4], 1, "x")]) == []


def test_refreshing_a_station_without_reports_clears_its_columns():
    station = futian_station()
    Station.objects.filter(pk=station.pk).update(alerts="reported_closed")

    refresh_station(station.pk)

    station.refresh_from_db()
    assert (station.alerts, station.last_confirmed_at) == ("", None)
