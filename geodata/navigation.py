"""Links that hand a destination to the rider's navigation app: Amap, Baidu Maps, Tencent Maps and
Apple Maps, each in its own coordinate system, the web URI and the app scheme.

Only the destination is ever written into a link: every provider starts navigation from the
phone's own position when no origin is given, so a rider's position never leaves the phone.

Formats follow each provider's published URI API:
- Amap (GCJ-02): lbs.amap.com "URI API" — web ``uri.amap.com/navigation?to=lon,lat,name``
  (``coordinate=gaode``, ``callnative=1`` opens the app when installed); app
  ``amapuri://route/plan/?dlat=&dlon=&dname=&dev=0&t=0`` (``dev=0``: already GCJ-02; ``t=0``: drive).
- Baidu Maps (BD-09): lbsyun.baidu.com "URI API" — app
  ``baidumap://map/direction?destination=latlng:lat,lng|name:..&coord_type=bd09ll&mode=driving``;
  the web direction page needs an origin, so the web link is the marker page
  (``api.map.baidu.com/marker``), whose "到这里去" starts navigation.
- Tencent Maps (GCJ-02): lbs.qq.com "URI" — ``apis.map.qq.com/uri/v1/routeplan?type=drive&to=&tocoord=lat,lng``
  and the same path under ``qqmap://map/routeplan``.
- Apple Maps: developer.apple.com "Map Links" — ``maps.apple.com/?daddr=lat,lon&dirflg=d``. Inside
  mainland China Apple Maps shows AutoNavi's GCJ-02 map, so coordinates there are GCJ-02
  (outside China GCJ-02 equals WGS-84).
"""

from urllib.parse import quote, urlencode

from geodata.coords import wgs84_to_bd09, wgs84_to_gcj02

SOURCE_APP = "yizhan"
_DIGITS = 6  # 1e-6 degrees is about 0.1 m; Amap accepts at most 6 decimals


def _f(value: float) -> str:
    return f"{value:.{_DIGITS}f}"


def _query(params: dict) -> str:
    return urlencode(params, quote_via=quote, safe=",:|")


def navigation_links(lon: float, lat: float, name: str) -> dict[str, dict[str, str]]:
    """``{provider: {"coordsys", "web", "app"}}`` for a WGS-84 destination named ``name``."""
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    b_lon, b_lat = wgs84_to_bd09(lon, lat)
    gx, gy, bx, by = _f(g_lon), _f(g_lat), _f(b_lon), _f(b_lat)
    return {
        "amap": {
            "coordsys": "gcj02",
            "web": "https://uri.amap.com/navigation?" + _query({"to": f"{gx},{gy},{name}", "mode": "car", "coordinate": "gaode", "callnative": 1, "src": SOURCE_APP}),
            "app": "amapuri://route/plan/?" + _query({"sourceApplication": SOURCE_APP, "dlat": gy, "dlon": gx, "dname": name, "dev": 0, "t": 0}),
        },
        "baidu": {
            "coordsys": "bd09",
            "web": "https://api.map.baidu.com/marker?" + _query({"location": f"{by},{bx}", "title": name, "content": name, "coord_type": "bd09ll", "output": "html", "src": SOURCE_APP}),
            "app": "baidumap://map/direction?" + _query({"destination": f"latlng:{by},{bx}|name:{name}", "coord_type": "bd09ll", "mode": "driving", "src": SOURCE_APP}),
        },
        "tencent": {
            "coordsys": "gcj02",
            "web": "https://apis.map.qq.com/uri/v1/routeplan?" + _query({"type": "drive", "to": name, "tocoord": f"{gy},{gx}", "referer": SOURCE_APP}),
            "app": "qqmap://map/routeplan?" + _query({"type": "drive", "to": name, "tocoord": f"{gy},{gx}", "referer": SOURCE_APP}),
        },
        "apple": {
            "coordsys": "gcj02",
            "web": "https://maps.apple.com/?" + _query({"daddr": f"{gy},{gx}", "dirflg": "d", "q": name}),
            "app": "maps://?" + _query({"daddr": f"{gy},{gx}", "dirflg": "d", "q": name}),
        },
    }
