"""geodata.navigation: every link parses, names the destination, holds its coordinates in the
provider's system (back to WGS-84 within 1 m), and carries no origin."""

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.coords import bd09_to_wgs84, gcj02_to_wgs84
from geodata.distance import haversine_m
from geodata.navigation import navigation_links

BACK = {"gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}
ORIGIN_PARAMS = {"from", "origin", "fromcoord", "slat", "slon", "sname", "saddr", "sll"}


def _destination(provider: str, kind: str, url: str) -> tuple[float, float, str]:
    """(lon, lat, name) read back from a link the way its provider documents it."""
    q = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    assert not ORIGIN_PARAMS & set(q), f"{provider} {kind} link carries an origin: {url}"
    if provider == "amap" and kind == "web":
        lon, lat, name = q["to"].split(",", 2)
    elif provider == "amap":
        lon, lat, name = q["dlon"], q["dlat"], q["dname"]
    elif provider == "baidu" and kind == "web":
        (lat, lon), name = q["location"].split(","), q["title"]
    elif provider == "baidu":
        latlng, name = q["destination"].split("|name:", 1)
        lat, lon = latlng.removeprefix("latlng:").split(",")
    elif provider == "tencent":
        (lat, lon), name = q["tocoord"].split(","), q["to"]
    else:
        (lat, lon), name = q["daddr"].split(","), q["q"]
    return float(lon), float(lat), name


def test_it_builds_a_web_and_an_app_link_for_each_provider():
    links = navigation_links(114.0579, 22.5431, "福田 驿站&1号")
    assert set(links) == {"amap", "baidu", "tencent", "apple"}
    schemes = {provider: (urlsplit(link["web"]).scheme, urlsplit(link["app"]).scheme) for provider, link in links.items()}
    assert schemes == {"amap": ("https", "amapuri"), "baidu": ("https", "baidumap"), "tencent": ("https", "qqmap"), "apple": ("https", "maps")}
    assert links["amap"]["web"].startswith("https://uri.amap.com/navigation?to=114.06")
    assert "%E7%A6%8F%E7%94%B0%20%E9%A9%BF%E7%AB%99%261%E5%8F%B7" in links["tencent"]["app"]  # the name, escaped


@settings(max_examples=100, deadline=None)
@given(st.floats(73.5, 135.0), st.floats(18.0, 53.5), st.text(min_size=1, max_size=30).filter(lambda s: "\x00" not in s))
@example(114.0579, 22.5431, "深圳市福田区|name:测试,驿站")
def test_it_converts_back_to_the_station_within_1_m(lon, lat, name):
    for provider, link in navigation_links(lon, lat, name).items():
        for kind in ("web", "app"):
            x, y, got_name = _destination(provider, kind, link[kind])
            back_lon, back_lat = BACK[link["coordsys"]](x, y)
            assert haversine_m(lon, lat, back_lon, back_lat) <= 1.0, (provider, kind)
            if provider != "baidu" or kind == "web":
                assert got_name == name.strip() or got_name == name, (provider, kind)


@pytest.mark.parametrize("lon,lat", [(2.35, 48.85), (-122.4, 37.8)])
def test_it_leaves_coordinates_outside_china_unshifted(lon, lat):
    x, y, _ = _destination("amap", "web", navigation_links(lon, lat, "x")["amap"]["web"])
    assert (x, y) == (round(lon, 6), round(lat, 6))
