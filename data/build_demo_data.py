"""Build the demo data in data/demo/ from the team's licence-clean public datasets.

    .venv/bin/python data/build_demo_data.py [PATH_TO_SHARED_DATA]   (default: ../shared/data)

Only CC0, MIT and ODbL sources are used (see data/README.md). The places are real; names,
amenities and opening hours are generated deterministically (seeded by each record's id), so
re-running produces byte-identical files. They are demonstration records, not union data.
"""

import csv
import json
import random
import shutil
import sys
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.prepared import prep

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geodata.coords import wgs84_to_gcj02  # noqa: E402

OUT = ROOT / "data" / "demo"

# OSM amenity -> (display name of the host place, amenities a union station there would offer)
REST_HOSTS = {
    "post_office": ("邮政网点", ["drinking_water", "phone_charging", "seating", "air_conditioning", "umbrella_loan"]),
    "bank": ("银行网点", ["drinking_water", "phone_charging", "seating", "air_conditioning", "first_aid", "wifi"]),
    "library": ("图书馆", ["drinking_water", "toilet", "seating", "air_conditioning", "heating", "wifi", "reading"]),
    "community_centre": (
        "社区党群服务中心",
        ["drinking_water", "hot_water", "microwave", "toilet", "seating", "air_conditioning", "phone_charging", "first_aid"],
    ),
    "townhall": ("街道办事处", ["drinking_water", "hot_water", "toilet", "seating", "legal_aid", "first_aid"]),
    "social_facility": ("社会服务站", ["drinking_water", "hot_water", "microwave", "seating", "first_aid"]),
    "toilets": ("公厕驿站", ["toilet", "drinking_water", "seating"]),
}
OPTIONAL_REST = ["ebike_charging", "tool_storage", "aed", "wifi", "umbrella_loan", "heating", "microwave"]
REST_HOURS = ["24/7", "Mo-Su 08:00-20:00", "Mo-Fr 09:00-18:00; Sa 10:00-16:00", "Mo-Su 07:00-22:00", ""]
CHARGER_HOURS = ["24/7", "24/7", "24/7", "Mo-Su 06:00-23:00", ""]
DRIVER_AMENITIES = ["parking", "truck_parking", "toilet", "meals", "hot_water", "drinking_water", "seating"]
OPTIONAL_DRIVER = ["shower", "laundry", "accommodation", "ebike_charging", "phone_charging", "first_aid", "wifi", "aed"]
# Where delivery orders are picked up: demand points for the planner (WGS-84, as OSM gives them).
DEMAND_CATEGORIES = {"restaurant", "fast_food", "cafe"}
DEMAND_COLUMNS = ["lon", "lat", "category", "external_id"]

STATION_COLUMNS = [
    "external_id", "name", "lon", "lat", "address", "city", "district", "district_adcode", "amenities",
    "opening_hours", "status", "operator", "charging_vehicle", "charging_sockets",
]


class Districts:
    """Shenzhen district lookup for GCJ-02 points (boundaries are GCJ-02)."""

    def __init__(self, path: Path):
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        self._districts = [
            (f["properties"]["name"], f["properties"]["adcode"], prep(shape(f["geometry"])))
            for f in features
            if f["properties"]["level"] == "district"
        ]

    def of(self, lon_gcj: float, lat_gcj: float) -> tuple[str, str]:
        point = Point(lon_gcj, lat_gcj)
        for name, adcode, polygon in self._districts:
            if polygon.contains(point):
                return name, adcode
        return "", ""


def _rng(*seed) -> random.Random:
    return random.Random(":".join(map(str, seed)))


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows):>6} rows to {path.relative_to(ROOT)}")


def charging_points(shared: Path, districts: Districts) -> list[dict]:
    features = json.loads((shared / "shenzhen_ev_charging_stations.geojson").read_text(encoding="utf-8"))["features"]
    rows = []
    for f in features:
        props = f["properties"]
        lon, lat = f["geometry"]["coordinates"]  # GCJ-02, as the source gives it
        rng = _rng("charging", props["source_id"])
        district, adcode = districts.of(lon, lat)
        rows.append({
            "external_id": props["source_id"],
            "name": f"深圳公共充电站 #{props['source_id']}",
            "lon": lon, "lat": lat, "address": "", "city": "深圳市", "district": district, "district_adcode": adcode,
            "amenities": ";".join(["parking"] + [a for a in ("toilet", "drinking_water", "seating", "wifi") if rng.random() < 0.3]),
            "opening_hours": rng.choice(CHARGER_HOURS),
            "status": "temporarily_closed" if rng.random() < 0.02 else "open",
            "operator": "", "charging_vehicle": "ev", "charging_sockets": props.get("piles") or "",
        })
    return rows


def rest_stations(shared: Path, districts: Districts) -> list[dict]:
    rows = []
    with open(shared / "shenzhen_osm_pois.csv", encoding="utf-8") as handle:
        for poi in csv.DictReader(handle):
            host = REST_HOSTS.get(poi["category"])
            if host is None:
                continue
            label, base = host
            rng = _rng("rest", poi["source_id"])
            lon, lat = float(poi["lon"]), float(poi["lat"])  # WGS-84 (OpenStreetMap)
            district, adcode = districts.of(*wgs84_to_gcj02(lon, lat))
            extras = [a for a in OPTIONAL_REST if rng.random() < 0.25]
            rows.append({
                "external_id": f"osm-poi-{poi['source_id']}",
                "name": f"示范驿站·{label} #{poi['source_id']}",
                "lon": poi["lon"], "lat": poi["lat"], "address": "", "city": "深圳市", "district": district,
                "district_adcode": adcode, "amenities": ";".join(dict.fromkeys(base + extras)),
                "opening_hours": "24/7" if poi["category"] == "toilets" else rng.choice(REST_HOURS),
                "status": "temporarily_closed" if rng.random() < 0.03 else "open",
                "operator": f"深圳市{district}总工会（示范）" if district else "深圳市总工会（示范）",
                "charging_vehicle": "", "charging_sockets": "",
            })
    return rows


def driver_homes(shared: Path) -> list[dict]:
    features = json.loads((shared / "anhui_highway_service_areas.geojson").read_text(encoding="utf-8"))["features"]
    rows = []
    for f in features:
        props = f["properties"]
        lon, lat = f["geometry"]["coordinates"]  # GCJ-02
        rng = _rng("driver", props["source_id"])
        place = props.get("name") or "高速服务区"
        rows.append({
            "external_id": props["source_id"],
            "name": f"{place}司机之家（示范）",
            "lon": lon, "lat": lat, "address": props.get("address") or "", "city": props.get("city") or "",
            "district": props.get("district") or "", "district_adcode": "",
            "amenities": ";".join(DRIVER_AMENITIES + [a for a in OPTIONAL_DRIVER if rng.random() < 0.35]),
            "opening_hours": "24/7" if rng.random() < 0.9 else "Mo-Su 06:00-24:00",
            "status": "open", "operator": "安徽省总工会（示范）", "charging_vehicle": "", "charging_sockets": "",
        })
    return rows


def demand_points(shared: Path) -> list[dict]:
    rows = []
    with open(shared / "shenzhen_osm_pois.csv", encoding="utf-8") as handle:
        for poi in csv.DictReader(handle):
            if poi["category"] in DEMAND_CATEGORIES:
                rows.append({"external_id": f"osm-poi-{poi['source_id']}", "lon": poi["lon"], "lat": poi["lat"], "category": poi["category"]})
    return rows


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    if not shared.is_dir():
        sys.exit(f"shared datasets not found at {shared}")
    OUT.mkdir(parents=True, exist_ok=True)
    districts = Districts(shared / "boundaries_shenzhen_districts.geojson")
    _write_csv(OUT / "shenzhen_charging_points.gcj02.csv", STATION_COLUMNS, charging_points(shared, districts))
    _write_csv(OUT / "shenzhen_rest_stations.wgs84.csv", STATION_COLUMNS, rest_stations(shared, districts))
    _write_csv(OUT / "anhui_driver_homes.gcj02.csv", STATION_COLUMNS, driver_homes(shared))
    _write_csv(OUT / "shenzhen_demand_food.csv", DEMAND_COLUMNS, demand_points(shared))
    for name in ("boundaries_shenzhen_districts.geojson", "boundaries_anhui_cities.geojson"):
        shutil.copyfile(shared / name, OUT / name)
        print(f"copied {name}")


if __name__ == "__main__":
    main()
