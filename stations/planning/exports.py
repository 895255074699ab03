"""A stored coverage run as files: the gap grid as GeoJSON (kepler.gl / QGIS) and the
per-district table as CSV (Excel)."""

import csv
import io

from geodata.coords import check_coordsys, from_wgs84
from geodata.rounding import round_coord
from stations.models import CoverageRun
from stations.planning.coverage import SUMMARY_FIELDS
from stations.spreadsheets import safe_row


def gaps_geojson(gaps: list[dict], coordsys: str = "wgs84") -> dict:
    """Every H3 cell with demand as a Polygon Feature, most uncovered demand first. Properties:
    hex_id, demand (weight), covered, uncovered (weights), distance_m (cell centre to the
    nearest qualifying station, null if none), demand_points. Coordinates in ``coordsys``."""
    check_coordsys(coordsys)

    def point(lon: float, lat: float) -> list[float]:
        x, y = (lon, lat) if coordsys == "wgs84" else from_wgs84(lon, lat, coordsys)
        return [round_coord(x), round_coord(y)]

    features = [
        {
            "type": "Feature",
            "id": gap["hex_id"],
            "geometry": {"type": "Polygon", "coordinates": [[point(lon, lat) for lon, lat in gap["boundary"]]]},
            "properties": {
                "hex_id": gap["hex_id"],
                "demand": gap["demand_weight"],
                "covered": gap["covered_weight"],
                "uncovered": gap["uncovered_weight"],
                "distance_m": gap["distance_m"],
                "demand_points": gap["demand_points"],
            },
        }
        for gap in gaps
    ]
    return {"type": "FeatureCollection", "coord_system": coordsys, "features": features}


CSV_COLUMNS = ("district", *SUMMARY_FIELDS)


def districts_csv(summary: dict) -> str:
    """The per-district table, then an 'overall' row. UTF-8 with a BOM so Excel shows 南山区;
    names that would run as formulas are written inert (stations.spreadsheets)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows = [(d["name"], d) for d in summary["districts"]] + [("overall", summary["overall"])]
    for name, row in rows:
        writer.writerow(safe_row([name, *("" if row[f] is None else row[f] for f in SUMMARY_FIELDS)]))
    return out.getvalue()


def run_gaps_geojson(run: CoverageRun, coordsys: str = "wgs84") -> dict:
    return gaps_geojson(run.gaps, coordsys)
