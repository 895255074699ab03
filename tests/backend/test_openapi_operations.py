"""The published operations (paths, methods and operation ids) change only on purpose.

Clients are generated from the OpenAPI schema; moving a view between modules must not rename
its operation. When you add or rename an endpoint on purpose, update the snapshot with
`.venv/bin/python -m tests.backend.test_openapi_operations`.
"""

import json
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("openapi_operations.json")


def published_operations() -> dict[str, str]:
    from backend.api import api

    paths = api.get_openapi_schema()["paths"]
    return {f"{method.upper()} {path}": op["operationId"] for path, ops in sorted(paths.items()) for method, op in sorted(ops.items())}


def test_it_publishes_exactly_the_snapshot_operations():
    assert published_operations() == json.loads(SNAPSHOT.read_text())


if __name__ == "__main__":
    import django

    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    django.setup()
    SNAPSHOT.write_text(json.dumps(published_operations(), indent=2) + "\n")
    print(f"wrote {SNAPSHOT}")
