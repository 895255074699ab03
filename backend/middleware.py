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

from django.contrib.auth.middleware import AuthenticationMiddleware as _AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware as _MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as _SessionMiddleware
from django.http import JsonResponse

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
