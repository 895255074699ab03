"""Reading JSON from clients with a bound on its nesting.

Python's json parser recurses once per level, so a document nested about 1,000 deep raises
RecursionError, and code that walks a parsed document recursively (reading feature properties,
shapely's polygon reader, pydantic's error messages, orjson, which stops at 255) fails far
sooner. GeoJSON and this API's bodies nest fewer than ten levels (a MultiPolygon Feature in a
FeatureCollection: 8), so anything past MAX_JSON_DEPTH is refused with a 400 that says so,
before any of that code sees it. No ninja here: the readers of uploaded files use it too.
"""

import json

from stations.errors import BadRequest

MAX_JSON_DEPTH = 64
_CONTAINERS = (dict, list)


class JSONTooDeep(BadRequest):
    pass


def load_json(data: bytes | str, *, what: str, hint: str = ""):
    """The parsed document; JSONTooDeep past MAX_JSON_DEPTH levels, json.JSONDecodeError (a
    ValueError) when it is not JSON. ``what`` names it in the message ("the GeoJSON")."""
    try:
        doc = json.loads(data)
    except RecursionError:
        raise _too_deep(what, hint) from None
    check_depth(doc, what=what, hint=hint)
    return doc


def check_depth(doc, *, what: str, hint: str = "") -> None:
    """JSONTooDeep if ``doc`` (parsed JSON: dicts, lists and scalars) nests containers more than
    MAX_JSON_DEPTH deep. Iterative, so it cannot itself run out of stack."""
    if not isinstance(doc, _CONTAINERS):
        return
    stack = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep(what, hint)
        for child in value.values() if isinstance(value, dict) else value:
            if isinstance(child, _CONTAINERS):
                stack.append((child, depth + 1))


def _too_deep(what: str, hint: str) -> JSONTooDeep:
    message = f"{what} is nested more than {MAX_JSON_DEPTH} levels deep (objects and arrays inside each other)"
    return JSONTooDeep(f"{message}; {hint}" if hint else message)
