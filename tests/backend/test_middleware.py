"""backend.middleware: the admin keeps sessions, CSRF, auth and messages; the API skips them."""

import pytest
from django.core import checks
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops(django_user_model):
    return django_user_model.objects.create_superuser("ops", "ops@example.org", "pw-ops-123")


def test_it_logs_into_the_admin_with_a_csrf_token_and_a_session(ops):
    browser = Client(enforce_csrf_checks=True)
    token = browser.get("/admin/login/").cookies["csrftoken"].value

    response = browser.post(
        "/admin/login/?next=/admin/", {"username": "ops", "password": "pw-ops-123", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert "sessionid" in response.cookies
    assert browser.get("/admin/").status_code == 200


def test_it_refuses_an_admin_login_without_a_csrf_token(ops):
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "ops", "password": "pw-ops-123"})

    assert response.status_code == 403


def test_it_answers_the_api_without_sessions_users_or_cookies():
    # A browser that has used the admin sends its cookies along. (Django's own CSRF middleware
    # runs on the API too, so a malformed csrftoken would be replaced, as anywhere on the site.)
    response = Client().get("/api/v1/health", HTTP_COOKIE=f"sessionid=whatever; csrftoken={'a' * 32}")

    assert response.status_code == 200
    assert not hasattr(response.wsgi_request, "session")
    assert not hasattr(response.wsgi_request, "user")
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_still_satisfies_the_admins_middleware_checks():
    assert [message.id for message in checks.run_checks() if message.id.startswith("admin.")] == []


def test_it_answers_an_unsupported_method_on_the_api_with_json():
    # found by fuzzing: ninja's 405 body was the plain text "Method not allowed"
    response = Client().put("/api/v1/stations/nearest?lat=22.5&lon=114")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {"detail": "method PUT is not allowed on /api/v1/stations/nearest; allowed: GET"}

