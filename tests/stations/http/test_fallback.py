"""stations.http.fallback: requests Django refuses before any API view runs still get the one JSON
error body under /api/ (found by fuzzing: they answered Django's HTML pages)."""

import pytest

from stations.accounts.jurisdiction import forget_jurisdictions
from tests.stations.personas import client_for, load_shenzhen

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    forget_jurisdictions()
    load_shenzhen()
    yield client_for("shenzhen_manager", "深圳市")
    forget_jurisdictions()


def test_it_answers_a_malformed_multipart_body_with_json(manager):
    # the body is read only after the token is checked, so it takes a manager to reach it
    response = manager.post("/api/v1/manage/imports", b"--zz\r\ngarbage", content_type="multipart/form-data")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "the request could not be read: Invalid boundary in multipart: None"}


def test_it_answers_too_many_query_parameters_with_json(rider, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    query = "&".join(f"p{i}=1" for i in range(11))
    response = rider.get(f"/api/v1/stations/nearest?lat=22.5&lon=114&{query}")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "the request could not be read: The number of GET/POST parameters exceeded"
        " settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
    }


def test_it_leaves_bad_requests_outside_the_api_to_django(rider):
    response = rider.post("/admin/login/", b"--zz\r\ngarbage", content_type="multipart/form-data")

    assert response.status_code in (400, 403)  # CSRF may refuse it first
    assert "application/json" not in response["Content-Type"]
