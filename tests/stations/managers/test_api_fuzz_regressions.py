"""Regressions found by fuzzing the managers' API (schemathesis and hand-made hostile input):
each answered 500, or stored something that could not be read back."""

import pytest

from stations.models import Station, StationChange
from tests.stations.managers.helpers import JSON, futian_station, new_station_body, registry_state

pytestmark = pytest.mark.django_db


def url(station) -> str:
    return f"/api/v1/manage/stations/{station.id}"


@pytest.mark.parametrize(
    "if_match",
    [
        "²",  # str.isdigit() says yes, int() says no
        '"²"',
        "1" * 5000,  # more digits than int() converts (sys.get_int_max_str_digits)
    ],
)
def test_it_rejects_an_if_match_that_is_not_a_plain_version_number(manager_futian, if_match):
    station = futian_station()
    before = registry_state()

    for response in (
        manager_futian.patch(url(station), {"phone": "1"}, content_type=JSON, HTTP_IF_MATCH=if_match),
        manager_futian.delete(url(station), HTTP_IF_MATCH=if_match),
        manager_futian.post(f"{url(station)}/revert/1", HTTP_IF_MATCH=if_match),
    ):
        assert response.status_code == 400
        assert response.json()["detail"].startswith('If-Match must be the station\'s version, e.g. If-Match: "3"')
    assert registry_state() == before
