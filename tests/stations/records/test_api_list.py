import datetime

import pytest
from django.utils import timezone

from stations.models import Station
from tests.stations.helpers import futian_station, nanshan_station

pytestmark = pytest.mark.django_db
URL = "/api/v1/manage/stations"


def test_it_lists_only_the_managers_own_stations(manager_futian, manager_shenzhen):
    own = [futian_station(lon=114.05 + i * 1e-3) for i in range(3)]
    nanshan_station()

    body = manager_futian.get(URL).json()
    assert [r["id"] for r in body["results"]] == [s.id for s in own]
    assert manager_shenzhen.get(URL).json()["count"] == 4


def test_it_pages_by_cursor_in_update_order(manager_futian):
    stations = [futian_station(lon=114.05 + i * 1e-3) for i in range(5)]
    seen, cursor = [], None
    for _ in range(5):
        response = manager_futian.get(URL, {"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200
        seen += [r["id"] for r in response.json()["results"]]
        cursor = response.json()["next"]
        if cursor is None:
            break
    assert seen == [s.id for s in stations]


def test_it_lists_changes_since_a_time(manager_futian):
    old = futian_station()
    Station.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=2))
    fresh = futian_station(lon=114.06)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    body = manager_futian.get(URL, {"updated_since": since}).json()
    assert [r["id"] for r in body["results"]] == [fresh.id]


def test_it_keeps_query_counts_flat(manager_futian, django_assert_max_num_queries):
    for i in range(20):
        futian_station(lon=114.05 + i * 1e-4)
    manager_futian.get(URL, {"limit": 1})  # warm: jurisdiction geometry cached, token's last use touched
    with django_assert_max_num_queries(3):  # token, stations, photos: not one per station
        assert manager_futian.get(URL, {"limit": 20}).json()["count"] == 20


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"cursor": "garbage"}, "cursor is not valid"),
        ({"limit": 0}, "limit: Input should be greater than or equal to 1"),
        ({"limit": 501}, "limit: Input should be less than or equal to 500"),
        ({"updated_since": "yesterday"}, "updated_since: Input should be a valid datetime"),
        ({"updated_since": "2026-12-01T00:00:00"}, "updated_since needs a time zone"),
    ],
)
def test_it_rejects_bad_list_queries(manager_futian, params, message):
    response = manager_futian.get(URL, params)
    assert response.status_code == 400
    assert message in response.json()["detail"]
