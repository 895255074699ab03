"""JSON answers written with orjson: the hot riders' endpoints skip ninja's serialisation, and the
tests hold those bodies to the published schemas."""

import orjson
from django.http import HttpResponse


def json_response(data: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(orjson.dumps(data), content_type="application/json", status=status)
