"""The one NinjaAPI of Yizhan: mounts each audience's router and the shared error handlers."""

from ninja import NinjaAPI

from backend.renderers import ORJSONRenderer

from stations.api.errors import install_error_handlers
from stations.api.managers import router as managers_router
from stations.api.planners import router as planners_router
from stations.api.riders import router as riders_router

api = NinjaAPI(
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
)
install_error_handlers(api)
api.add_router("", riders_router)
api.add_router("/manage", managers_router)
api.add_router("/planning", planners_router)
