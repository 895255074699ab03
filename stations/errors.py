"""Exceptions the services raise; stations.http.errors turns each into one JSON 4xx body."""


class BadRequest(ValueError):
    """Input that is well-formed but not allowed (unknown code, bad cursor, ...): 400.
    ``extra`` is merged into the error body (e.g. an import's row-numbered errors)."""

    def __init__(self, detail: str = "", **extra):
        super().__init__(detail)
        self.extra = extra


class NotFound(LookupError):
    """The thing asked for does not exist (or is not visible to the caller): 404."""


class Forbidden(PermissionError):
    """Authenticated, but not allowed (e.g. a location outside the caller's jurisdiction): 403."""


class Conflict(Exception):
    """The write was based on a stale version, or would duplicate a station: 409. ``extra``
    is merged into the body (e.g. the current record, the candidate duplicate)."""

    def __init__(self, detail: str, **extra):
        super().__init__(detail)
        self.extra = extra


class PayloadTooLarge(BadRequest):
    """An uploaded file over its endpoint's size limit: 413."""


class PreconditionRequired(BadRequest):
    """A write without the version it was based on: 428."""


class PreconditionFailed(BadRequest):
    """A precondition that cannot hold as sent (a weak If-Match where a strong one is needed): 412."""


class Unprocessable(BadRequest):
    """Well-formed but contradicting an earlier request (an Idempotency-Key reused for another body): 422."""


class TooManyRequests(Exception):
    """Over an abuse limit: 429, with ``Retry-After: retry_after_s``."""

    def __init__(self, detail: str, retry_after_s: int):
        super().__init__(detail)
        self.retry_after_s = retry_after_s
