"""The admin's inbox of reports: scoped like stations, with filters."""

import datetime

import pytest
from django.utils import timezone

from stations.accounts.organisations import grant_admin_access
from stations.models import Report
from tests.stations.reports.helpers import futian_station, nanshan_station, new_rider, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def futian_staff(manager_futian, client):
    user = manager_futian.account.user
    grant_admin_access(user)
    client.force_login(user)
    return client


def test_a_district_manager_sees_only_their_reports(futian_staff):
    report(new_rider(), futian_station(name="福田的站"), type="closed", comment="福田锁门")
    outside = report(new_rider(), nanshan_station(name="南山的站"), type="closed", comment="南山锁门").json()["id"]

    page = futian_staff.get("/admin/stations/report/").content.decode()

    assert "福田的站" in page and "南山的站" not in page
    assert futian_staff.get(f"/admin/stations/report/{outside}/change/").status_code == 302  # not found: back to the index


def test_it_filters_overdue_items(futian_staff):
    station = futian_station(name="福田的站")
    late = report(new_rider(), station, type="closed").json()["id"]
    on_time = report(new_rider(), station, type="other").json()["id"]
    Report.objects.filter(pk=late).update(due_at=timezone.now() - datetime.timedelta(hours=1))

    page = futian_staff.get("/admin/stations/report/", {"overdue": "yes"}).content.decode()

    assert f"/admin/stations/report/{late}/change/" in page
    assert f"/admin/stations/report/{on_time}/change/" not in page
