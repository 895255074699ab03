"""Django's browser middleware, kept off the stateless JSON API's hot path.

Sessions, authentication and messages serve the admin: cookies, forms, a logged-in user.
The API under /api/ uses none of them (it is read-only or token-authenticated, never
cookie-authenticated), yet running them costs tens of µs per request, a noticeable part of a
whole nearest-station answer (bench/bench_http.py). These subclasses hand API requests straight
to the next layer and behave exactly like Django's everywhere else. Being subclasses, they still
satisfy the admin's system checks (admin.E408-E410).

CSRF is not skipped: settings.MIDDLEWARE lists Django's own CsrfViewMiddleware, which the
deployment checks recognise (security.W003, W016) and which costs ~4 µs on an API request.

If an API router ever authenticates with the session cookie (ninja's ``django_auth``), list
Django's own classes in MIDDLEWARE again.
"""

import re

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware as _AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware as _MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as _SessionMiddleware
from django.http import JsonResponse

from stations.limits import size_text
from stations.photos.processing import MAX_UPLOAD_BYTES as PHOTO_MAX_UPLOAD_BYTES

# Where backend/urls.py mounts the API. path_info: the path below SCRIPT_NAME, as URLs are matched.
API_PATH_PREFIX = "/api/"


class _SkippedForAPI:
    def __call__(self, request):
        if request.path_info.startswith(API_PATH_PREFIX):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(_SkippedForAPI, _SessionMiddleware):
    pass


class AuthenticationMiddleware(_SkippedForAPI, _AuthenticationMiddleware):
    pass


class MessageMiddleware(_SkippedForAPI, _MessageMiddleware):
    pass


class JsonMethodNotAllowed:
    """ninja answers a method a path does not have with a plain-text 405; under /api/ it becomes
    the one JSON error body (the Allow header kept)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and request.path_info.startswith(API_PATH_PREFIX):
            allowed = response.get("Allow", "")
            detail = f"method {request.method} is not allowed on {request.path}; allowed: {allowed}"
            response = JsonResponse({"detail": detail}, status=405, headers={"Allow": allowed})
        return response


# Room for the multipart framing and the small form fields beside the file (coordsys, kind ...).
MULTIPART_ALLOWANCE_BYTES = 64 * 1024
# The upload endpoints (their paths are published in the OpenAPI schema): (path, the largest
# file it takes, what to do about a larger one). The file's own size is checked again by the
# service; this refuses what cannot fit before it is read.
_UPLOADS = (
    (re.compile(r"/api/v1/manage/imports"), lambda: settings.IMPORT_MAX_UPLOAD_BYTES, "split the file"),
    (re.compile(r"/api/v1/manage/stations/[^/]+/photos"), lambda: PHOTO_MAX_UPLOAD_BYTES, "send a smaller photo"),
    # Riders' reports and suggestions may carry a photo (anyone can have a rider key).
    (re.compile(r"/api/v1/stations/[^/]+/reports|/api/v1/suggestions"), lambda: PHOTO_MAX_UPLOAD_BYTES, "send a smaller photo"),
)


class UploadBodyLimit:
    """Refuses an upload too large for its endpoint from its Content-Length alone: 413 before a
    byte of the body is read (Django spools file parts to a temporary folder as it parses them,
    and DATA_UPLOAD_MAX_MEMORY_SIZE does not cover files), 411 for a body sent in chunks
    without a length. Other requests pass; Django limits their bodies itself.

    This answers before authentication and the jurisdiction check, from the headers alone and
    the same for every station id, so it tells nothing about which stations exist, like a
    proxy's body size limit (nginx: client_max_body_size, 1 MB by default; raise it to the
    import limit in front of Yizhan)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            for pattern, limit, advice in _UPLOADS:
                if pattern.fullmatch(request.path_info):
                    refusal = _refusal(request, limit(), advice)
                    if refusal is not None:
                        return refusal
                    break
        return self.get_response(request)


def _refusal(request, limit_bytes: int, advice: str) -> JsonResponse | None:
    text = request.META.get("CONTENT_LENGTH") or ""
    endpoint = f"{request.method} {request.path}"
    if not text:
        if "HTTP_TRANSFER_ENCODING" in request.META:
            return JsonResponse({"detail": f"{endpoint} needs a Content-Length header (uploads are not accepted in chunks)"}, status=411)
        return None  # no body: the endpoint says what is missing
    if not (text.isascii() and text.isdigit()):
        return JsonResponse({"detail": f"Content-Length must be a number of bytes, got {text!r}"}, status=400)
    length = int(text)
    if length > limit_bytes + MULTIPART_ALLOWANCE_BYTES:
        detail = f"the request is {length} bytes; {endpoint} accepts files up to {size_text(limit_bytes)}: {advice}"
        return JsonResponse({"detail": detail}, status=413)
    return None
