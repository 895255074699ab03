"""The one page-cursor codec of every cursor-paged list (riders' viewport, managers' list).

A cursor is opaque to clients: the JSON array of the last row's sort key, URL-safe base64
without padding. Decoding checks the shape and the type of every value, so a tampered cursor
answers 400 and never reaches a query.
"""

import base64
import binascii
import json

from stations.errors import BadRequest

INVALID_CURSOR = "cursor is not valid: pass the `next` value of the previous page unchanged"


class InvalidCursor(BadRequest):
    def __init__(self) -> None:
        super().__init__(INVALID_CURSOR)


def encode_cursor(*values: int | str) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *types: type) -> tuple:
    """The values ``encode_cursor`` packed, one per type in ``types`` (exactly: a bool is not an
    int); InvalidCursor (400) for anything else."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):  # bad base64 or JSON, non-ASCII text, a huge integer
        raise InvalidCursor from None
    if not isinstance(values, list) or len(values) != len(types) or any(type(v) is not t for v, t in zip(values, types)):
        raise InvalidCursor
    return tuple(values)
