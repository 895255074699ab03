"""geodata.coverage.regions: which district holds each point; the Shenzhen demo analysed district by district."""

import csv
import json
from pathlib import Path

import numpy as np
import shapely
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.coords import wgs84_to_gcj02
from geodata.coverage import nearest_station_m, region_of, summarize
from tests.geodata.coverage.helpers import arrays, brute_nearest

# Known values -------------------------------------------------------------------------------


def test_it_finds_regions_with_shared_borders_going_to_the_first():
    west = shapely.box(113.0, 22.0, 114.0, 23.0)
    east = shapely.box(114.0, 22.0, 115.0, 23.0)
    hole = shapely.Polygon([(113.2, 22.2), (113.8, 22.2), (113.8, 22.8), (113.2, 22.8)])
    donut = west.difference(hole)
    lon = np.array([113.5, 114.5, 114.0, 116.0, 113.1])
    lat = np.array([22.5, 22.5, 22.5, 22.5, 22.1])
    assert region_of(lon, lat, [west, east]).tolist() == [0, 1, 0, -1, 0]
    assert region_of(lon, lat, [east, west]).tolist() == [1, 0, 0, -1, 1]
    assert region_of(lon, lat, [donut, east]).tolist() == [-1, 1, 0, -1, 0]
    assert region_of(lon, lat, []).tolist() == [-1] * 5


# Properties ---------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.floats(113.0, 115.0), st.floats(22.0, 23.0)), max_size=30), st.integers(0, 2**32 - 1))
@example([(114.0, 22.5), (113.5, 22.5)], 0)
def test_it_finds_the_first_region_like_a_loop_over_shapely(points, seed):
    rng = np.random.default_rng(seed)
    regions = []
    for _ in range(3):
        (x0, x1), (y0, y1) = np.sort(rng.uniform(113, 115, 2)), np.sort(rng.uniform(22, 23, 2))
        regions.append(shapely.box(x0, y0, x1, y1))
    regions.append(shapely.Point(114.0, 22.5).buffer(0.3))
    lon, lat = arrays(points)
    want = [next((k for k, r in enumerate(regions) if r.intersects(shapely.Point(x, y))), -1) for x, y in points]
    assert region_of(lon, lat, regions).tolist() == want


# The Shenzhen demo data (shipped in data/demo) ----------------------------------------------

DEMO = Path(__file__).resolve().parents[3] / "data" / "demo"


def _demo_lonlat(name):
    with (DEMO / name).open(encoding="utf-8") as f:
        rows = [(float(r["lon"]), float(r["lat"])) for r in csv.DictReader(f)]
    return arrays(rows)


def test_it_analyses_the_shenzhen_demo_by_district():
    dlon, dlat = _demo_lonlat("shenzhen_demand_food.csv")  # WGS-84
    slon, slat = _demo_lonlat("shenzhen_rest_stations.wgs84.csv")
    doc = json.loads((DEMO / "boundaries_shenzhen_districts.geojson").read_text(encoding="utf-8"))
    districts = [
        shapely.geometry.shape(f["geometry"]) for f in doc["features"] if f["properties"]["level"] == "district"
    ]
    # The boundaries are GCJ-02: move the points there before asking which district holds them.
    glon, glat = arrays([wgs84_to_gcj02(lo, la) for lo, la in zip(dlon, dlat)])
    region = region_of(glon, glat, districts)
    want = [
        next((k for k, d in enumerate(districts) if d.intersects(shapely.Point(x, y))), -1) for x, y in zip(glon, glat)
    ]
    assert region.tolist() == want
    assert (region >= 0).mean() > 0.9  # the demo's demand is Shenzhen's

    dist, idx = nearest_station_m(dlon, dlat, slon, slat)
    sample = slice(0, None, 37)
    want_dist, want_idx = brute_nearest(dlon[sample], dlat[sample], slon, slat)
    assert dist[sample].tolist() == want_dist.tolist() and idx[sample].tolist() == want_idx.tolist()
    weight = np.ones(dlon.size)
    city = summarize(dist, weight, 500)
    parts = [summarize(dist, weight, 500, mask=region == k) for k in range(-1, len(districts))]
    assert sum(p.demand_points for p in parts) == city.demand_points == dlon.size
    assert sum(p.covered_weight for p in parts) == city.covered_weight
    assert city.covered_points == int((dist <= 500).sum())
