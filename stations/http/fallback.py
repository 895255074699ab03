"""JSON answers for URLs that match no route, so API clients never parse an HTML error page."""

from django.http import HttpRequest, JsonResponse
from django.views import defaults


def not_found(request: HttpRequest, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": f"no such endpoint or resource: {request.path} (see /api/v1/docs)"}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception=None):
    """Requests Django refuses while reading them (a malformed multipart body, too many fields)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": f"the request could not be read: {exception}"}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "internal error; it has been logged"}, status=500)
    return defaults.server_error(request)
