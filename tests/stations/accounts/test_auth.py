import pytest
from django.test import Client

from stations.models import ApiToken
from tests.stations.helpers import futian_station

pytestmark = pytest.mark.django_db


def test_it_answers_401_without_a_token(shenzhen):
    response = Client().get("/api/v1/manage/stations")
    assert response.status_code == 401
    assert response.json() == {"detail": "missing or invalid API token"}


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Token abc", "Basic dXNlcjpwYXNz", "Bearer yz_wrong"])
def test_it_answers_401_for_a_malformed_or_unknown_token(shenzhen, header):
    assert Client(HTTP_AUTHORIZATION=header).get("/api/v1/manage/stations").status_code == 401


def test_a_revoked_token_stops_working(manager_futian):
    assert manager_futian.get("/api/v1/manage/stations").status_code == 200
    ApiToken.objects.get(account=manager_futian.account).revoke()
    assert manager_futian.get("/api/v1/manage/stations").status_code == 401


def test_a_deactivated_user_is_refused(manager_futian):
    user = manager_futian.account.user
    user.is_active = False
    user.save()
    assert manager_futian.get("/api/v1/manage/stations").status_code == 401


def test_it_records_when_a_token_was_last_used(manager_futian):
    manager_futian.get("/api/v1/manage/stations")
    assert ApiToken.objects.get(account=manager_futian.account).last_used_at is not None


def test_planners_cannot_edit(planner_shenzhen):
    station = futian_station()
    response = planner_shenzhen.patch(f"/api/v1/manage/stations/{station.id}", {"phone": "1"}, content_type="application/json", HTTP_IF_MATCH="1")
    assert response.status_code == 403
    assert "needs a manager account" in response.json()["detail"]
