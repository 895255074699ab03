"""A real gunicorn serving the app on a free local port, against the test database (the data a
transactional test commits), for tests of what survives a real HTTP server: header names,
request bodies on the wire."""

import http.client
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

STARTUP_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_environment() -> dict:
    """The environment variables that point settings.py at the database this test uses."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(name)}
    url = settings.DATABASE_URL.rsplit("/", 1)[0]
    return {"DATABASE_URL": f"{url}/{name}"}


@contextmanager
def gunicorn_server(log_path: Path):
    """Yields ``request(method, path, body=None, headers=None) -> (status, headers, body)``."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env.update(_database_environment(), GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1", DB_CONN_MAX_AGE="0", DEBUG="0")
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "backend.wsgi"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:

        def request(method: str, path: str, body: bytes | None = None, headers: dict | None = None):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request(method, path, body=body, headers=headers or {})
                response = conn.getresponse()
                return response.status, dict(response.getheaders()), response.read()
            finally:
                conn.close()

        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}: {log_path.read_text()[-2000:]}")
            try:
                if request("GET", "/api/v1/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within {STARTUP_TIMEOUT_S} s: {log_path.read_text()[-2000:]}")
            time.sleep(0.1)  # waiting for the server to start, not for the code under test
        yield request
    finally:
        server.terminate()
        server.wait(timeout=30)
