"""Synthetic stations and rider positions distributed like China's cities (WGS-84).

Stations cluster around real city centres, each city's share proportional to its urban
population (2020 census, millions, rounded) and its spread to the square root of it; a few
percent are scattered over the populated east of the country (expressways, county towns).
Rider positions follow the stations (riders work where stations are) with some rural points.
Deterministic for a given seed.
"""

import math
import random

# (name, lon, lat, urban population in millions)
CITIES = [
    ("上海", 121.47, 31.23, 24.9), ("北京", 116.40, 39.90, 21.9), ("深圳", 114.06, 22.54, 17.6),
    ("广州", 113.26, 23.13, 18.7), ("成都", 104.07, 30.57, 16.0), ("天津", 117.20, 39.13, 13.9),
    ("重庆", 106.55, 29.56, 16.0), ("武汉", 114.31, 30.59, 12.3), ("东莞", 113.75, 23.02, 10.5),
    ("西安", 108.94, 34.34, 12.9), ("杭州", 120.16, 30.27, 11.9), ("佛山", 113.12, 23.02, 9.5),
    ("南京", 118.80, 32.06, 9.3), ("沈阳", 123.43, 41.81, 9.1), ("青岛", 120.38, 36.07, 10.1),
    ("济南", 117.12, 36.65, 9.2), ("长沙", 112.94, 28.23, 10.0), ("哈尔滨", 126.64, 45.76, 10.0),
    ("郑州", 113.63, 34.75, 12.6), ("昆明", 102.83, 24.88, 8.5), ("大连", 121.61, 38.91, 7.5),
    ("苏州", 120.59, 31.30, 12.7), ("合肥", 117.23, 31.82, 9.4), ("厦门", 118.09, 24.48, 5.2),
    ("福州", 119.30, 26.08, 8.3), ("南宁", 108.37, 22.82, 8.7), ("石家庄", 114.51, 38.04, 11.2),
    ("太原", 112.55, 37.87, 5.3), ("南昌", 115.86, 28.68, 6.3), ("贵阳", 106.63, 26.65, 6.0),
    ("乌鲁木齐", 87.62, 43.83, 4.1), ("兰州", 103.83, 36.06, 4.4), ("宁波", 121.55, 29.87, 9.4),
    ("无锡", 120.31, 31.49, 7.5), ("温州", 120.70, 28.00, 9.6), ("长春", 125.32, 43.82, 9.1),
    ("呼和浩特", 111.75, 40.84, 3.4), ("海口", 110.20, 20.04, 2.9), ("银川", 106.23, 38.49, 2.9),
    ("西宁", 101.78, 36.62, 2.5), ("拉萨", 91.11, 29.65, 0.9), ("珠海", 113.58, 22.27, 2.4),
    ("惠州", 114.42, 23.11, 6.0), ("中山", 113.39, 22.52, 4.4), ("泉州", 118.68, 24.87, 8.8),
    ("徐州", 117.28, 34.20, 9.1), ("潍坊", 119.16, 36.71, 9.4), ("临沂", 118.36, 35.10, 11.0),
    ("洛阳", 112.45, 34.62, 7.1), ("烟台", 121.45, 37.46, 7.1),
]

# Populated eastern China, for the scattered share (lon, lat box).
EAST_CHINA_BOX = (100.0, 20.0, 125.0, 42.0)


def _gauss_point(rng: random.Random, lon: float, lat: float, sigma_km: float) -> tuple[float, float]:
    dy = rng.gauss(0, sigma_km) / 111.2
    dx = rng.gauss(0, sigma_km) / (111.2 * math.cos(math.radians(lat)))
    return lon + dx, lat + dy


def stations(n: int, seed: int = 42, scattered_share: float = 0.03) -> list[tuple[float, float]]:
    """n (lon, lat) points, city-clustered."""
    rng = random.Random(seed)
    weights = [pop for *_, pop in CITIES]
    min_lon, min_lat, max_lon, max_lat = EAST_CHINA_BOX
    points = []
    for _ in range(n):
        if rng.random() < scattered_share:
            points.append((rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)))
            continue
        _, lon, lat, pop = rng.choices(CITIES, weights)[0]
        # A core of dense streets and a wider ring of suburbs.
        sigma_km = (3.0 if rng.random() < 0.6 else 12.0) * math.sqrt(pop / 10)
        points.append(_gauss_point(rng, lon, lat, sigma_km))
    return points


def rider_positions(
    station_points: list[tuple[float, float]], n: int, seed: int = 7, rural_share: float = 0.1
) -> list[tuple[float, float]]:
    """n (lon, lat) query points: mostly within ~1 km of some station, some anywhere in the east."""
    rng = random.Random(seed)
    min_lon, min_lat, max_lon, max_lat = EAST_CHINA_BOX
    out = []
    for _ in range(n):
        if rng.random() < rural_share:
            out.append((rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)))
        else:
            lon, lat = rng.choice(station_points)
            out.append(_gauss_point(rng, lon, lat, 1.0))
    return out
