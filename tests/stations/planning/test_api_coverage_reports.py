"""Planners: coverage without alerted stations, and the per-district freshness figures."""

import datetime
import json

import pytest
from django.utils import timezone

from stations.models import Report, Station
from tests.stations.personas import client_for
from tests.stations.reports.helpers import nanshan_station, new_rider, report

pytestmark = pytest.mark.django_db

URL = "/api/v1/planning/coverage"


@pytest.fixture
def planner(shenzhen):
    return client_for("figures_planner", "深圳市", role="planner")


def _nanshan(planner, **body) -> dict:
    response = planner.post(URL, json.dumps({"demand": "test-demand", "district": "南山区", "radius_m": 20_000, **body}), content_type="application/json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_it_leaves_out_stations_riders_reported_closed_when_asked(planner, demand):
    alerted = nanshan_station()
    nanshan_station()
    report(new_rider(), alerted, type="closed")
    report(new_rider(), alerted, type="closed")

    assert _nanshan(planner)["parameters"]["stations"] == 2
    body = _nanshan(planner, exclude_alerted=True)
    assert body["parameters"]["stations"] == 1 and body["parameters"]["exclude_alerted"] is True


def test_each_district_shows_freshness_shares_and_open_and_overdue_reports(planner, demand):
    fresh, aging, stale = nanshan_station(), nanshan_station(), nanshan_station()
    now = timezone.now()
    Station.objects.filter(pk=aging.pk).update(updated_at=now - datetime.timedelta(days=200))
    Station.objects.filter(pk=stale.pk).update(updated_at=now - datetime.timedelta(days=500))
    nanshan_station(status="closed")  # only open stations count
    late = report(new_rider(), fresh, type="gone").json()["id"]
    report(new_rider(), stale, type="other")
    report(new_rider(), aging, type="confirmed")  # confirms it: fresh now, and no open report
    Report.objects.filter(pk=late).update(due_at=now - datetime.timedelta(hours=1))

    (district,) = _nanshan(planner)["districts"]

    assert (district["fresh_share"], district["aging_share"], district["stale_share"]) == (round(2 / 3, 4), 0.0, round(1 / 3, 4))
    assert (district["open_reports"], district["overdue_reports"]) == (2, 1)
