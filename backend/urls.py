from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from backend.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
]

handler400 = "stations.api.fallback.bad_request"
handler404 = "stations.api.fallback.not_found"
handler500 = "stations.api.fallback.server_error"
