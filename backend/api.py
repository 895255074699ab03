"""The one NinjaAPI of Yizhan: mounts each capability's router and the shared error handlers."""

from ninja import NinjaAPI

from backend.renderers import ORJSONRenderer
from stations.http.errors import install_error_handlers
from stations.http.parser import BoundedJSONParser
from stations.imports.api import router as imports_router
from stations.photos.api import router as photos_router
from stations.planning.api import router as planning_router
from stations.records.api import router as records_router
from stations.reports.api import router as reports_router
from stations.reports.manage_api import router as reports_inbox_router
from stations.search.api import router as search_router

# OpenAPI operation ids are part of the published contract (clients are generated from them), so
# they are pinned to the audience that sees the operation, not to the module that happens to hold
# its view: "stations_api_<audience>_<view name>", as they were when one module served each audience.
AUDIENCE_OF_ROUTER_MODULE = {
    "stations.search.api": "riders",
    "stations.records.api": "managers",
    "stations.imports.api": "managers",
    "stations.photos.api": "managers",
    "stations.planning.api": "planners",
    "stations.reports.api": "riders",
    "stations.reports.manage_api": "managers",
}


class YizhanAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        audience = AUDIENCE_OF_ROUTER_MODULE[operation.view_func.__module__]
        return f"stations_api_{audience}_{operation.view_func.__name__}"


api = YizhanAPI(
    title="Yizhan 驿站 API",
    version="1.0.0",
    description=(
        "Find and maintain the rest stations, driver homes and charging points that China's "
        "delivery riders, couriers and drivers depend on. Coordinates are WGS-84 unless a "
        "`coordsys` parameter says gcj02 (Amap/Tencent/WeChat) or bd09 (Baidu). Every error "
        'answers `{"detail": "<what is wrong and what is allowed>"}`.'
    ),
    urls_namespace="api-v1",
    renderer=ORJSONRenderer(),
    parser=BoundedJSONParser(),
)
install_error_handlers(api)
api.add_router("", search_router)
api.add_router("/manage", records_router)
api.add_router("/manage", imports_router)
api.add_router("/manage", photos_router)
api.add_router("/planning", planning_router)
api.add_router("", reports_router)
api.add_router("/manage", reports_inbox_router)
