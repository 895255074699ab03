"""Exceptions the services raise; stations.api.errors turns each into one JSON 4xx body."""


class BadRequest(ValueError):
    """Input that is well-formed but not allowed (unknown code, bad cursor, ...): 400."""


class NotFound(LookupError):
    """The thing asked for does not exist (or is not visible to the caller): 404."""
