import base64
import io

import pytest
from PIL import Image

from stations.models import Station, StationChange
from stations.accounts.organisations import grant_admin_access
from tests.stations.helpers import futian_station, nanshan_station
from tests.stations.admin.test_admin import _form

pytestmark = pytest.mark.django_db


@pytest.fixture
def futian_staff(manager_futian, client):
    user = manager_futian.account.user
    grant_admin_access(user)
    client.force_login(user)
    return client


def test_a_district_manager_sees_only_their_stations(futian_staff):
    futian_station(name="福田的站")
    nanshan_station(name="南山的站")
    page = futian_staff.get("/admin/stations/station/").content.decode()
    assert "福田的站" in page and "南山的站" not in page


def test_a_station_outside_is_not_found(futian_staff):
    other = nanshan_station()
    response = futian_staff.get(f"/admin/stations/station/{other.id}/change/")
    assert response.status_code == 302  # Django admin redirects a missing object to the index with a message
    assert futian_staff.get(f"/admin/stations/station/{other.id}/change/", follow=True).status_code == 200


def test_it_shows_an_offline_map_preview_of_the_location(futian_staff):
    station = futian_station()
    page = futian_staff.get(f"/admin/stations/station/{station.id}/change/").content.decode()
    start = page.index("data:image/png;base64,") + len("data:image/png;base64,")
    png = base64.b64decode(page[start : page.index('"', start)])
    assert Image.open(io.BytesIO(png)).size == (360, 260)


def test_admin_edits_are_recorded_in_history_and_kept_inside(futian_staff):
    station = futian_station()
    data = _form(name="改过的名字", lat=str(station.lat), lon=str(station.lon), external_id=station.external_id, source=station.source)
    assert futian_staff.post(f"/admin/stations/station/{station.id}/change/", data).status_code == 302
    change = StationChange.objects.get(station=station)
    assert (change.via, change.changed_by_name, change.diff["name"]) == ("admin", "futian_manager", ["福田区总工会暖心驿站", "改过的名字"])

    outside = _form(lat="22.533", lon="113.93", external_id=station.external_id, source=station.source)
    response = futian_staff.post(f"/admin/stations/station/{station.id}/change/", outside)
    assert response.status_code == 200 and "outside your jurisdiction" in response.content.decode()
    assert Station.objects.get(pk=station.pk).lon == station.lon


def test_history_is_scoped_too(futian_staff, manager_nanshan):
    other = nanshan_station()
    manager_nanshan.patch(f"/api/v1/manage/stations/{other.id}", {"phone": "1"}, content_type="application/json", HTTP_IF_MATCH="1")
    page = futian_staff.get("/admin/stations/stationchange/").content.decode()
    assert "nanshan_manager" not in page


def test_list_filters_and_search_work(futian_staff):
    futian_station(name="有AED的站", amenities=["aed"])
    futian_station(name="普通站", lon=114.06)
    page = futian_staff.get("/admin/stations/station/", {"amenity": "aed", "kind__exact": "rest_station"}).content.decode()
    assert "有AED的站" in page and "普通站" not in page
    assert "普通站" in futian_staff.get("/admin/stations/station/", {"q": "普通"}).content.decode()
