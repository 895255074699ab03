import pytest

from stations.models import Station
from tests.stations.factories import make_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("ops", "ops@example.org", "pw-ops-123")
    client.force_login(user)
    return client


def _form(**overrides):
    data = {
        "name": "南山区暖心驿站",
        "name_en": "",
        "kind": "rest_station",
        "status": "open",
        "lat": "22.53",
        "lon": "113.93",
        "address": "",
        "city": "深圳市",
        "city_adcode": "",
        "district": "南山区",
        "district_adcode": "",
        "opening_hours": "Mo-Su 07:00-22:00",
        "phone": "",
        "operator": "",
        "charging_vehicle": "",
        "source": "admin",
        "external_id": "ns-1",
        "amenities": ["toilet", "microwave"],
        "eligible_workers": ["delivery", "courier"],
        # the photos inline's management form
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_it_creates_a_station_with_amenity_checkboxes(staff):
    response = staff.post("/admin/stations/station/add/", _form())

    assert response.status_code == 302
    station = Station.objects.get(external_id="ns-1")
    assert station.amenities == ["microwave", "toilet"]
    assert station.eligible_workers == ["delivery", "courier"]
    assert station.version == 1


def test_it_refuses_invalid_opening_hours_and_saves_nothing(staff):
    response = staff.post("/admin/stations/station/add/", _form(opening_hours="sometimes"))

    assert response.status_code == 200
    assert "not valid OpenStreetMap opening_hours syntax" in response.content.decode()
    assert not Station.objects.exists()


def test_it_filters_the_list_by_amenity(staff):
    make_station(name="有AED", amenities=["aed"])
    make_station(name="无AED", amenities=["toilet"])

    page = staff.get("/admin/stations/station/", {"amenity": "aed"}).content.decode()

    assert "有AED" in page and "无AED" not in page
