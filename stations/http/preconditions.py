"""Reading a write's precondition: the version it is based on, from If-Match or the body.

The precondition is read only after the station is known to be visible to the caller
(``Precondition.version()`` is called by the service, after the jurisdiction check), so a
station outside the jurisdiction answers 404 whatever the If-Match says.
"""

from dataclasses import dataclass

from stations.errors import BadRequest, PreconditionFailed, PreconditionRequired


@dataclass(frozen=True)
class Precondition:
    """What a write says it is based on: an If-Match header and/or a ``version`` in the body."""

    if_match: str | None = None
    body_version: int | None = None

    def version(self) -> int:
        return expected_version(self.if_match, self.body_version)


def expected_version(if_match: str | None, body_version: int | None) -> int:
    """The version a write is based on, from If-Match ("3") or the body.

    400 for an If-Match that is not a version, 412 for a weak one (W/"3": RFC 9110 13.1.1 wants
    the strong comparison, and a weak tag never matches strongly), 428 if neither is sent."""
    header_version = None
    if if_match is not None:
        text = if_match.strip()
        weak = text[:2].upper() == "W/"
        text = text[2:] if weak else text
        text = text.strip('"').strip()
        # isascii: "²" is a digit to isdigit() but not to int(); 19 digits reach past any version
        # and keep int() far from its 4,300-digit limit.
        if not (text.isascii() and text.isdigit() and len(text) <= 19):
            raise BadRequest(f'If-Match must be the station\'s version, e.g. If-Match: "3"; got {if_match!r}')
        if weak:
            raise PreconditionFailed(
                "If-Match needs a strong validator, compared byte for byte with the ETag;"
                f' send If-Match: "{text}" (without W/)'
            )
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
