"""Production security (issue 15): `manage.py check --deploy` is clean with the README's
production environment; behind a TLS-terminating proxy the site redirects plain HTTP to HTTPS,
sends HSTS and keeps the admin's cookies off plain HTTP, while /api/v1/health still answers a
load balancer's plain-HTTP check; the admin's session forms need a CSRF token, and the
token-authenticated API never does."""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings

from stations.models import Station
from stations.accounts.jurisdiction import forget_jurisdictions
from stations.accounts.organisations import create_account
from tests.stations.personas import FUTIAN_POINT, load_shenzhen

README = settings.BASE_DIR / "README.md"
SECURITY_SETTINGS = (
    "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
)


def readme_production_environment() -> dict[str, str]:
    """The variables the README's production walk-through exports (`$(openssl rand -hex 32)`
    stands for a fresh random key)."""
    section = README.read_text(encoding="utf-8").split("\n## PostgreSQL and production\n")[1].split("\n## ")[0]
    exports = [line.partition("#")[0] for line in section.splitlines() if line.startswith("export ")]
    return {
        name: secrets.token_hex(32) if value.startswith("$(") else value
        for line in exports
        for name, value in re.findall(r"(\w+)=(\$\([^)]*\)|\S+)", line)
    }


def run_python(args: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    """Python in a fresh process with only ``environment`` (and PATH) set, from the checkout."""
    env = {"PATH": os.environ["PATH"], **environment}
    return subprocess.run([sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def settings_with(environment: dict[str, str]) -> dict:
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SECURITY_SETTINGS!r}}}))"
    )
    done = run_python(["-c", script], {"DJANGO_SETTINGS_MODULE": "backend.settings", **environment})
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout)
    if values["SECURE_PROXY_SSL_HEADER"] is not None:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture(scope="module")
def production_settings() -> dict:
    return settings_with(readme_production_environment())


def test_it_passes_check_deploy_with_the_readmes_production_environment():
    environment = readme_production_environment()
    assert environment["BEHIND_TLS_PROXY"] == "true"

    done = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], environment)

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "System check identified no issues (0 silenced).\n"


def test_it_turns_on_https_only_behind_a_tls_proxy(production_settings):
    assert production_settings == {
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_SSL_REDIRECT": True,
        "SECURE_REDIRECT_EXEMPT": [r"^api/v1/health$"],
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_it_keeps_plain_http_working_without_a_tls_proxy():
    # `make run` serves http://127.0.0.1:8000: no redirect, no HSTS, cookies over plain HTTP.
    values = settings_with({})

    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False and values["CSRF_COOKIE_SECURE"] is False


def test_it_lets_each_knob_be_set_on_its_own():
    values = settings_with({"BEHIND_TLS_PROXY": "true", "SECURE_HSTS_SECONDS": "3600", "SECURE_HSTS_PRELOAD": "false", "SECURE_SSL_REDIRECT": "no"})

    assert (values["SECURE_HSTS_SECONDS"], values["SECURE_HSTS_PRELOAD"], values["SECURE_SSL_REDIRECT"]) == (3600, False, False)
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_it_refuses_a_bad_hsts_value_naming_the_variable():
    done = run_python(["manage.py", "check"], {"SECURE_HSTS_SECONDS": "a year"})

    assert done.returncode != 0
    assert "SECURE_HSTS_SECONDS must be an integer, got 'a year'" in done.stderr


@pytest.mark.django_db
def test_it_redirects_plain_http_to_https_behind_the_proxy(production_settings):
    with override_settings(**production_settings):
        response = Client().get("/api/v1/meta")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/api/v1/meta"


@pytest.mark.django_db
def test_it_answers_what_the_proxy_forwarded_from_https_with_hsts_and_no_redirect_loop(production_settings):
    with override_settings(**production_settings):
        response = Client().get("/api/v1/meta", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_it_answers_a_load_balancers_plain_http_health_check(production_settings):
    with override_settings(**production_settings):
        response = Client().get("/api/v1/health")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "Strict-Transport-Security" not in response


@pytest.mark.django_db
def test_it_sends_the_admins_cookies_for_https_only(production_settings, django_user_model):
    django_user_model.objects.create_superuser("ops", "ops@example.org", "pw-ops-123")
    with override_settings(**production_settings):
        # What the proxy forwards: the scheme it was reached by, and the site's Host.
        browser = Client(enforce_csrf_checks=True, HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="testserver")
        token = browser.get("/admin/login/").cookies["csrftoken"]
        response = browser.post(
            "/admin/login/", {"username": "ops", "password": "pw-ops-123", "csrfmiddlewaretoken": token.value},
            HTTP_ORIGIN="https://testserver",  # as a browser sends it; over HTTPS Django checks it
        )

    assert response.status_code == 302
    assert token["secure"] is True
    assert response.cookies["sessionid"]["secure"] is True


@pytest.mark.django_db
def test_it_refuses_an_admin_change_without_a_csrf_token_from_a_logged_in_staff_session(django_user_model):
    ops = django_user_model.objects.create_superuser("ops", "ops@example.org", "pw-ops-123")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(ops)
    assert browser.get(f"/admin/auth/user/{ops.pk}/change/").status_code == 200

    response = browser.post(f"/admin/auth/user/{ops.pk}/change/", {"username": "mallory", "is_active": "on", "is_staff": "on", "is_superuser": "on"})

    assert response.status_code == 403
    assert b"CSRF" in response.content
    ops.refresh_from_db()
    assert ops.username == "ops"


@pytest.fixture
def shenzhen(db):
    forget_jurisdictions()
    load_shenzhen()
    yield
    forget_jurisdictions()


def test_it_takes_a_bearer_token_post_on_the_api_without_a_csrf_token(shenzhen, django_user_model):
    _, token = create_account("futian", "福田区")
    # Even with an admin session cookie in the same browser: the API authenticates by token only.
    phone = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    phone.force_login(django_user_model.objects.create_superuser("ops", "ops@example.org", "pw-ops-123"))
    body = {"name": "新洲路爱心驿站", "kind": "rest_station", "lon": FUTIAN_POINT[0], "lat": FUTIAN_POINT[1]}

    response = phone.post("/api/v1/manage/stations", body, content_type="application/json")

    assert response.status_code == 201, response.content
    assert Station.objects.get().name == "新洲路爱心驿站"
    assert not response.cookies
