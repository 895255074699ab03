"""One error body for the whole API: {"detail": "<what is wrong and what is allowed>"}."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from geodata.errors import InvalidCoordinate
from stations.vocabulary import UnknownCode


class BadRequest(ValueError):
    """Raised by services for input that is well-formed but not allowed; answers 400."""


def _describe(error: dict) -> str:
    """Turn one pydantic error into 'lat: Input should be ... (got '123')'."""
    loc = [str(part) for part in error.get("loc", ()) if part not in ("query", "body", "path", "header", "form")]
    where = ".".join(loc) or "request"
    message = error.get("msg", "invalid value")
    text = f"{where}: {message}"
    if "input" in error and not isinstance(error["input"], dict):
        text += f" (got {error['input']!r})"
    return text


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc: ValidationError):
        return api.create_response(request, {"detail": "; ".join(_describe(e) for e in exc.errors)}, status=400)

    @api.exception_handler(InvalidCoordinate)
    @api.exception_handler(UnknownCode)
    @api.exception_handler(BadRequest)
    def on_bad_value(request, exc: ValueError):
        return api.create_response(request, {"detail": str(exc)}, status=400)

    @api.exception_handler(Http404)
    def on_not_found(request, exc: Http404):
        return api.create_response(request, {"detail": str(exc) or "not found"}, status=404)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        return api.create_response(request, {"detail": "missing or invalid API token"}, status=401)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
