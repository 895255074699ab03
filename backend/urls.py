from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from backend.api import api
from stations.views import planning_page

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("planning/", planning_page, name="planning"),
    path("", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
]

handler404 = "stations.api.fallback.not_found"
handler500 = "stations.api.fallback.server_error"
