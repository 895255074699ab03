"""Abuse limits: 429 with Retry-After, per rider, per address, per station; shared by processes."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest
from django.conf import settings as django_settings
from django.db import connection

from stations.models import Report
from tests.stations.reports.helpers import JSON, futian_station, new_rider, report

pytestmark = pytest.mark.django_db


def test_a_rider_over_the_hourly_limit_gets_429_with_retry_after(settings):
    settings.RIDER_WRITES_PER_HOUR = 3
    rider = new_rider()
    stations = [futian_station() for _ in range(4)]

    answers = [report(rider, station, type="confirmed") for station in stations]

    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert refused.json()["detail"].startswith("too many writes by this rider: at most 3 an hour")
    assert Report.objects.count() == 3
    assert report(new_rider(), stations[3], type="confirmed").status_code == 201  # another rider is not limited


def test_one_rider_reports_on_one_station_a_limited_number_of_times_a_day(settings):
    settings.RIDER_REPORTS_PER_STATION_PER_DAY = 2
    rider, station = new_rider(), futian_station()

    codes = [report(rider, station, type=t).status_code for t in ("closed", "gone", "other")]

    assert codes == [201, 201, 429]
    assert report(rider, futian_station(), type="other").status_code == 201


def test_one_address_is_limited_across_rider_keys(settings):
    settings.ADDRESS_WRITES_PER_HOUR = 2
    station = futian_station()

    codes = [report(new_rider("10.9.9.9"), station, type="confirmed").status_code for _ in range(3)]

    assert codes == [201, 201, 429]
    assert report(new_rider("10.9.9.8"), station, type="confirmed").status_code == 201


def test_new_rider_keys_are_limited_per_address(rider, settings):
    settings.RIDER_KEYS_PER_ADDRESS_PER_HOUR = 2

    codes = [rider.post("/api/v1/riders", REMOTE_ADDR="10.1.1.1").status_code for _ in range(3)]

    assert codes == [201, 201, 429]


# -- two server processes sharing the counters in Redis ----------------------------------------


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_env() -> dict:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(db["NAME"]), "DATABASE_URL": ""}
    user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return {"DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"}


def _post(url: str, token: str) -> tuple[int, str | None]:
    request = urllib.request.Request(url, data=b'{"type": "confirmed"}', method="POST", headers={"Authorization": f"Bearer {token}", "Content-Type": JSON})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Retry-After")


@pytest.mark.django_db(transaction=True)
def test_the_limit_holds_across_two_server_processes_sharing_redis():
    if not _redis_up():
        pytest.skip("no Redis at 127.0.0.1:6379")
    rider = new_rider()
    stations = [futian_station() for _ in range(4)]
    prefix = uuid.uuid4().hex  # this run's counters only
    env = {**os.environ, **_database_env(), "REDIS_URL": "redis://127.0.0.1:6379/15", "RIDER_WRITES_PER_HOUR": "3", "CACHE_KEY_PREFIX": prefix}
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "backend.wsgi"], env=env, cwd=django_settings.BASE_DIR,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for port in ports
    ]
    try:
        for port in ports:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
        answers = [_post(f"http://127.0.0.1:{ports[i % 2]}/api/v1/stations/{station.id}/reports", rider.token) for i, station in enumerate(stations)]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)

    assert [status for status, _ in answers] == [201, 201, 201, 429]
    assert 1 <= int(answers[-1][1]) <= 3600
