"""Sample maps from the real Shenzhen data, and how long they take to draw.

    .venv/bin/python bench/map_samples.py [--out /tmp/map_samples] [--repeat 5]

Writes the planners' coverage map of 南山区 (demo stations; hexes shaded by a made-up
"uncovered demand" that grows with the distance to the nearest station, a stand-in for the
coverage service's output; the five most uncovered hexes, 1.5 km apart, as suggested sites), the whole city, and two admin previews. Prints
the median render time of each (PNG bytes included) over --repeat runs.
"""

import argparse
import csv
import json
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from geodata.coords import to_wgs84  # noqa: E402
from mapdraw import District, map_font, planning_map_png, station_preview_png  # noqa: E402
from mapdraw.canvas import M_PER_DEG_LAT  # noqa: E402
from stations import vocabulary as vocab  # noqa: E402

DEMO = ROOT / "data" / "demo"
# The legend's names of the kinds, from the one vocabulary (English where no CJK font is found).
KIND_LABELS = {term.code: term.zh for term in vocab.KINDS}
KIND_LABELS_EN = {term.code: term.en for term in vocab.KINDS}
RADIUS_M = 500
HEX_EDGE_M = 250


def districts_wgs84():
    data = json.loads((DEMO / "boundaries_shenzhen_districts.geojson").read_text(encoding="utf-8"))
    out = {}
    for f in data["features"]:
        if f["properties"]["level"] != "district":
            continue
        geom = shapely.transform(shape(f["geometry"]), lambda xy: np.array([to_wgs84(x, y, "gcj02") for x, y in xy]))
        out[f["properties"]["name"]] = geom
    return out


def stations_wgs84():
    rows = []
    for name, coordsys, kind in (
        ("shenzhen_rest_stations.wgs84.csv", "wgs84", "rest_station"),
        ("shenzhen_charging_points.gcj02.csv", "gcj02", "charging_point"),
    ):
        with open(DEMO / name, encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                lon, lat = to_wgs84(float(r["lon"]), float(r["lat"]), coordsys)
                rows.append((lon, lat, kind, r["name"]))
    return rows


def hex_grid(geom, edge_m):
    """Pointy-top hexagons (lon, lat rings) whose centres fall inside geom."""
    minx, miny, maxx, maxy = geom.bounds
    lat0 = (miny + maxy) / 2
    dlat = edge_m / M_PER_DEG_LAT
    dlon = dlat / math.cos(math.radians(lat0))
    w, h = math.sqrt(3) * dlon, 1.5 * dlat
    prepared = shapely.prepared.prep(geom)
    cells = []
    row = 0
    y = miny
    while y <= maxy:
        x = minx + (w / 2 if row % 2 else 0)
        while x <= maxx:
            if prepared.contains(shapely.Point(x, y)):
                ring = [(x + dlon * math.cos(math.radians(a)), y + dlat * math.sin(math.radians(a))) for a in range(30, 390, 60)]
                cells.append(((x, y), ring))
            x += w
        y += h
        row += 1
    return cells


def fake_uncovered_demand(cells, stations):
    """A stand-in for the coverage service: demand grows with the distance to the nearest
    station past the radius, times a smooth random field (it only has to look plausible)."""
    rng = np.random.default_rng(3)
    kx, ky = M_PER_DEG_LAT * math.cos(math.radians(22.55)), M_PER_DEG_LAT
    s_xy = np.array([(s[0] * kx, s[1] * ky) for s in stations])
    c_xy = np.array([(c[0] * kx, c[1] * ky) for c, _ in cells])
    near = np.array([np.hypot(*(s_xy - c).T).min() for c in c_xy])
    blobs = rng.uniform(c_xy.min(axis=0), c_xy.max(axis=0), (12, 2))
    field = sum(np.exp(-(np.hypot(*(c_xy - b).T) / 1500) ** 2) for b in blobs)
    # Past 3 km (the offshore islands) demand stops growing: nobody rides there.
    return list(np.round(np.clip(near - RADIUS_M, 0, 3000) / 100 * (0.3 + field), 1))


def spaced_top_sites(cells, values, count, min_gap_m):
    kx, ky = M_PER_DEG_LAT * math.cos(math.radians(22.55)), M_PER_DEG_LAT
    chosen = []
    for i in np.argsort(values)[::-1]:
        c = cells[i][0]
        if values[i] <= 0 or len(chosen) == count:
            break
        if all(math.hypot((c[0] - o[0]) * kx, (c[1] - o[1]) * ky) >= min_gap_m for o in chosen):
            chosen.append(c)
    return chosen


def median_s(fn, repeat):
    """Median wall and CPU seconds of fn() (CPU time tells a busy shared machine apart)."""
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return Timing(statistics.median(wall), statistics.median(cpu)), out


class Timing:
    def __init__(self, wall_s, cpu_s):
        self.wall_s, self.cpu_s = wall_s, cpu_s

    def __format__(self, spec):
        return f"{self.wall_s * 1000:.0f} ms wall, {self.cpu_s * 1000:.0f} ms CPU"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="/tmp/map_samples")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    font = map_font()
    print(f"font: {font.source} {font.path} (face {font.index}, CJK {font.cjk})")
    districts = districts_wgs84()
    stations = stations_wgs84()
    nanshan = districts["南山区"]
    cells = hex_grid(nanshan, HEX_EDGE_M)
    values = fake_uncovered_demand(cells, stations)
    sites = spaced_top_sites(cells, values, 5, 1500)
    hexes = [(ring, v) for (_, ring), v in zip(cells, values)]
    all_d = [District(name, g, highlight=(name == "南山区")) for name, g in districts.items()]
    st3 = [(lon, lat, kind) for lon, lat, kind, _ in stations]
    # Some driver homes so every kind shows (the demo's real ones are in Anhui).
    st3 += [(113.93 + 0.01 * i, 22.52 + 0.004 * i, "driver_home") for i in range(4)]

    def nanshan_map():
        return planning_map_png(
            all_d, st3, hexes, sites, title="南山区 · 服务半径 500 m · 2026-12-01",
            subtitle=f"示意需求：{len(hexes)} 个六边形（边长 {HEX_EDGE_M} m）· 建议新站点 {len(sites)} 个 · 坐标 WGS-84",
            kind_labels=KIND_LABELS, kind_labels_en=KIND_LABELS_EN,
        )

    t, png = median_s(nanshan_map, args.repeat)
    (out / "planning_nanshan.png").write_bytes(png)
    shown = sum(1 for _, v in hexes if v > 0)
    print(f"planning map 南山区: {len(st3)} stations, {shown} shaded hexes of {len(hexes)}, {len(sites)} sites: median {t}, {len(png) // 1024} KiB")

    # A heavier one: the whole city, every station, a few thousand hexes.
    city = shapely.union_all(list(districts.values()))
    city_cells = hex_grid(city, 600)
    rng = np.random.default_rng(7)
    city_hexes = [(ring, float(v)) for (_, ring), v in zip(city_cells, rng.gamma(0.6, 4.0, len(city_cells)))]
    many = st3 + [(float(x), float(y), "rest_station") for x, y in rng.uniform((113.8, 22.5), (114.4, 22.8), (3000, 2))]

    def city_map():
        return planning_map_png(
            [District(n, g) for n, g in districts.items()], many, city_hexes, sites,
            title="深圳市 · 服务半径 500 m · 2026-12-01", subtitle="随机需求（渲染压力测试）", width_px=1400,
            kind_labels=KIND_LABELS, kind_labels_en=KIND_LABELS_EN,
        )

    t, png = median_s(city_map, args.repeat)
    (out / "planning_city.png").write_bytes(png)
    print(f"planning map 深圳市: {len(many)} stations, {len(city_hexes)} hexes: median {t}, {len(png) // 1024} KiB")

    lon, lat, _, name = next(s for s in stations if nanshan.contains(shapely.Point(s[0], s[1])))
    t, png = median_s(lambda: station_preview_png(lon, lat, nanshan, name, outline_name="南山区"), args.repeat)
    (out / "preview_district.png").write_bytes(png)
    print(f"admin preview with outline: median {t}, {len(png) // 1024} KiB")
    t, png = median_s(lambda: station_preview_png(lon, lat, None, name), args.repeat)
    (out / "preview_no_outline.png").write_bytes(png)
    print(f"admin preview without outline: median {t}, {len(png) // 1024} KiB")
    print(f"wrote {out}/planning_nanshan.png, planning_city.png, preview_district.png, preview_no_outline.png")


if __name__ == "__main__":
    main()
