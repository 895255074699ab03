"""Two managers change the same station from the same version at the same moment."""

import threading

import pytest
from django.db import connection

from stations.models import StationChange
from tests.stations.helpers import JSON, futian_station


@pytest.mark.django_db(transaction=True)
def test_exactly_one_of_two_concurrent_patches_wins(manager_futian, manager_shenzhen):
    station = futian_station()
    barrier = threading.Barrier(2)
    statuses = {}

    def patch(name, client, phone):
        barrier.wait()
        try:
            response = client.patch(f"/api/v1/manage/stations/{station.id}", {"phone": phone}, content_type=JSON, HTTP_IF_MATCH='"1"')
            statuses[name] = (response.status_code, response.json())
        finally:
            connection.close()  # each thread has its own connection

    threads = [
        threading.Thread(target=patch, args=("futian", manager_futian, "111")),
        threading.Thread(target=patch, args=("city", manager_shenzhen, "222")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    codes = sorted(code for code, _ in statuses.values())
    assert codes == [200, 409]
    winner = next(body for code, body in statuses.values() if code == 200)
    loser = next(body for code, body in statuses.values() if code == 409)
    assert loser["current"]["phone"] == winner["phone"] and loser["current"]["version"] == 2
    station.refresh_from_db()
    assert (station.version, station.phone) == (2, winner["phone"])
    assert StationChange.objects.filter(station=station).count() == 1


@pytest.mark.django_db
def test_a_second_patch_from_the_same_version_gets_409(manager_futian, manager_shenzhen):
    station = futian_station()
    first = manager_futian.patch(f"/api/v1/manage/stations/{station.id}", {"phone": "111"}, content_type=JSON, HTTP_IF_MATCH='"1"')
    second = manager_shenzhen.patch(f"/api/v1/manage/stations/{station.id}", {"phone": "222"}, content_type=JSON, HTTP_IF_MATCH='"1"')

    assert (first.status_code, second.status_code) == (200, 409)
    assert StationChange.objects.filter(station=station).count() == 1
