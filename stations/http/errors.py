"""One error body for the whole API: {"detail": "<what is wrong and what is allowed>"}."""

import json

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from geodata.errors import InvalidArgument, InvalidCoordinate
from stations.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    TooManyRequests,
    Unprocessable,
)
from stations.vocabulary import UnknownCode

def _describe(error: dict, request) -> str:
    """Turn one pydantic error into "lat: Input should be ... (got '123')"."""
    loc = [str(part) for part in error.get("loc", ())]
    source = loc[0] if loc else ""
    if source == "body" and len(loc) > 1:
        loc = loc[2:]  # ("body", "<parameter name>", field...): the parameter name means nothing to clients
    names = [part for part in loc if part not in ("query", "body", "path", "header", "form", "q")]
    where = ".".join(names) or "request"
    text = f"{where}: {error.get('msg', 'invalid value')}"
    if "input" in error and not isinstance(error["input"], dict):
        text += f" (got {error['input']!r})"
    elif source == "query" and names and names[-1] in request.GET:
        text += f" (got {request.GET[names[-1]]!r})"
    return text


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc: ValidationError):
        return api.create_response(request, {"detail": "; ".join(_describe(e, request) for e in exc.errors)}, status=400)

    for exception, status in _DETAIL_ONLY:
        api.add_exception_handler(exception, _detail_only(api, status))

    @api.exception_handler(TooManyRequests)
    def on_too_many(request, exc: TooManyRequests):
        response = api.create_response(request, {"detail": str(exc)}, status=429)
        response["Retry-After"] = str(exc.retry_after_s)
        return response

    @api.exception_handler(Conflict)
    def on_conflict(request, exc: Conflict):
        return api.create_response(request, {"detail": str(exc), **exc.extra}, status=409)

    @api.exception_handler(InvalidCoordinate)
    @api.exception_handler(InvalidArgument)
    @api.exception_handler(UnknownCode)
    @api.exception_handler(BadRequest)
    def on_bad_value(request, exc: ValueError):
        return api.create_response(request, {"detail": str(exc), **getattr(exc, "extra", {})}, status=400)

    @api.exception_handler(Http404)
    @api.exception_handler(NotFound)
    def on_not_found(request, exc: Exception):
        return api.create_response(request, {"detail": str(exc) or "not found"}, status=404)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        return api.create_response(request, {"detail": "missing or invalid API token"}, status=401)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        return api.create_response(request, {"detail": _http_error_detail(exc)}, status=exc.status_code)


# Exceptions answered with their message alone, and the status of each. Several are BadRequests:
# ninja picks the handler of the nearest class in an exception's MRO, so theirs win over 400.
_DETAIL_ONLY = ((PreconditionRequired, 428), (PreconditionFailed, 412), (PayloadTooLarge, 413), (Unprocessable, 422), (Forbidden, 403))


def _detail_only(api: NinjaAPI, status: int):
    def handler(request, exc: Exception):
        return api.create_response(request, {"detail": str(exc)}, status=status)

    return handler


def _http_error_detail(exc: HttpError) -> str:
    """ninja's own errors; a body it could not parse says why (its cause, see http.parser)."""
    cause = exc.__cause__
    if isinstance(cause, BadRequest):  # e.g. nested too deep
        return str(cause)
    if isinstance(cause, json.JSONDecodeError):
        return f"the request body is not valid JSON: {cause.msg} at line {cause.lineno} column {cause.colno}"
    if isinstance(cause, UnicodeDecodeError):
        return "the request body is not valid JSON: it must be UTF-8 text"
    return str(exc)
