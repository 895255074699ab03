"""Reading a write's precondition: the version it is based on, from If-Match or the body."""

from stations.errors import BadRequest, PreconditionRequired


def expected_version(if_match: str | None, body_version: int | None) -> int:
    """The version a write is based on, from If-Match ("3", W/"3") or the body; 428 if neither."""
    header_version = None
    if if_match is not None:
        text = if_match.strip().removeprefix("W/").strip('"').strip()
        # isascii: "²" is a digit to isdigit() but not to int(); 19 digits reach past any version
        # and keep int() far from its 4,300-digit limit.
        if not (text.isascii() and text.isdigit() and len(text) <= 19):
            raise BadRequest(f'If-Match must be the station\'s version, e.g. If-Match: "3"; got {if_match!r}')
        header_version = int(text)
    if header_version is not None and body_version is not None and header_version != body_version:
        raise BadRequest(f"If-Match says version {header_version} but the body says {body_version}; send one")
    version = header_version if header_version is not None else body_version
    if version is None:
        raise PreconditionRequired(
            "say which version this change is based on: an If-Match header with the station's version"
            ' (If-Match: "3") or a "version" field; GET the station for its current version'
        )
    return version
