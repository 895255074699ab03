"""stations.search.hours: open_now, evaluated once per hours string and minute."""

import datetime

import pytest

from stations.search.hours import STATION_TZ, open_now

pytestmark = pytest.mark.django_db  # the holiday calendar is read from the database


def _at(hour: int, minute: int, day: int = 1) -> datetime.datetime:
    # 2024-07-01 is a Monday.
    return datetime.datetime(2024, 7, day, hour, minute, tzinfo=STATION_TZ)


@pytest.mark.parametrize(
    "status, hours, now, expected",
    [
        ("open", "Mo-Fr 08:00-20:00", _at(7, 59), False),
        ("open", "Mo-Fr 08:00-20:00", _at(8, 0), True),
        ("open", "Mo-Fr 08:00-20:00", _at(19, 59), True),
        ("open", "Mo-Fr 08:00-20:00", _at(20, 0), False),
        ("open", "Mo-Fr 08:00-20:00", _at(12, 0, day=6), False),  # Saturday
        ("open", "24/7", _at(3, 0), True),
        ("open", "", _at(12, 0), None),  # unknown hours
        ("temporarily_closed", "24/7", _at(12, 0), False),  # status wins over hours
        ("open", "not hours at all", _at(12, 0), None),  # legacy unparsable value: unknown
    ],
)
def test_it_tells_whether_a_station_is_open(status, hours, now, expected):
    assert open_now(status, hours, now) is expected


def test_it_answers_for_the_minute_asked_when_minutes_alternate():
    # The per-minute memo must never serve one minute's answer for another.
    for _ in range(3):
        assert open_now("open", "Mo-Fr 08:00-20:00", _at(7, 59)) is False
        assert open_now("open", "Mo-Fr 08:00-20:00", _at(8, 0)) is True
        assert open_now("open", "Mo-Fr 08:00-20:00", _at(8, 0).astimezone(datetime.timezone.utc)) is True  # same instant
