from django.conf import settings
from django.contrib import admin
from django.urls import path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from backend.api import api
from stations.planning.page import planning_page

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("planning/", planning_page, name="planning"),
    path("", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
]


def media(request, path):
    # MEDIA_ROOT read per request, not frozen at import.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", media))

handler400 = "stations.http.fallback.bad_request"
handler404 = "stations.http.fallback.not_found"
handler500 = "stations.http.fallback.server_error"
