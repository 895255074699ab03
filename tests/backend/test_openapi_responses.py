"""Every 4xx an operation can answer is declared in its OpenAPI responses, so a client generated
from the schema knows it: a query, header or body that can fail validation (400), a path that
can name something that is not there or not yours (404), a token that can be missing (401) or
of the wrong role (403)."""

import pytest

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def operations():
    from backend.api import api

    for path, ops in sorted(api.get_openapi_schema()["paths"].items()):
        for method, op in sorted(ops.items()):
            if method in METHODS:
                yield f"{method.upper()} {path}", op


def missing_statuses(op: dict) -> list[str]:
    declared = {str(status) for status in op.get("responses", {})}
    parameters = op.get("parameters", [])
    needed = set()
    # A path id matches only digits (stations.http.paths): another segment is an unknown URL (404).
    if any(p["in"] != "path" for p in parameters) or "requestBody" in op:
        needed.add("400")
    if any(p["in"] == "path" for p in parameters):
        needed.add("404")
    schemes = {name for requirement in op.get("security", []) for name in requirement}
    if schemes:
        needed.add("401")
    if "TokenAuth" in schemes:  # a manager's or planner's token, of the wrong role for the operation
        needed.add("403")
    return sorted(needed - declared)


@pytest.mark.parametrize(("name", "op"), list(operations()), ids=lambda value: value if isinstance(value, str) else "")
def test_it_declares_every_4xx_the_operation_can_answer(name, op):
    assert missing_statuses(op) == [], f"{name} answers these but does not declare them"
