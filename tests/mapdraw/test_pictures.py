"""mapdraw.pictures: the admin's station preview and the planners' coverage map."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box, shape

from geodata.coords import to_wgs84
from mapdraw.canvas import MapCanvas
from mapdraw.fonts import FontChoice
from mapdraw.overlays import label_point
from mapdraw.pictures import District, planning_map_png, station_preview_png
from mapdraw.style import LAND, OKABE_ITO, SITE_STYLE, MarkerStyle, colour_ramp
from tests.mapdraw.mapdraw_helpers import decode

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def nanshan_wgs84():
    data = json.loads((DEMO / "boundaries_shenzhen_districts.geojson").read_text(encoding="utf-8"))
    feature = next(f for f in data["features"] if f["properties"]["name"] == "南山区")
    return shapely.transform(shape(feature["geometry"]), lambda xy: np.array([to_wgs84(x, y, "gcj02") for x, y in xy]))


def vermillion_pixels(img) -> int:
    arr = np.asarray(img).astype(int)
    return int((np.abs(arr - OKABE_ITO["vermillion"]).max(axis=2) < 25).sum())


def test_it_previews_a_station_on_its_district():
    nanshan = nanshan_wgs84()
    img = decode(station_preview_png(113.93, 22.52, nanshan, "示范驿站 #1", outline_name="南山区"))
    assert img.size == (360, 260) and img.mode == "RGB"
    assert vermillion_pixels(img) > 60  # the marker (radius 6 px)
    dark = (np.asarray(img).max(axis=2) < 110).sum()
    assert dark > 300  # the outline, the label, the scale bar


@pytest.mark.parametrize("outline", [None, Polygon()])
def test_it_previews_a_station_without_an_outline(outline):
    img = decode(station_preview_png(113.93, 22.52, outline, size=(300, 200)))
    assert img.size == (300, 200)
    assert vermillion_pixels(img) > 60


def test_it_draws_the_planning_map():
    nanshan = nanshan_wgs84()
    lon0, lat0 = label_point(nanshan)
    r = 0.004
    hexes = [
        ([(lon0 + dx + r * math.cos(math.radians(a)), lat0 + r * math.sin(math.radians(a))) for a in range(30, 390, 60)], v)
        for dx, v in ((-0.02, 2.0), (0.02, 8.0))
    ]
    png = planning_map_png(
        [District("南山区", nanshan, highlight=True)],
        stations=[(113.93, 22.52, "rest_station"), (113.94, 22.53, "charging_point"), (113.95, 22.54, "driver_home")],
        hexes=hexes,
        sites=[(lon0 + 0.02, lat0 + 0.02)],
        title="南山区 · 服务半径 500 m · 2026-12-01",
        width_px=800,
    )
    img = decode(png)
    assert img.size[0] == 800 and img.mode == "RGB"
    arr = np.asarray(img).astype(int)
    top = colour_ramp(8, 8, alpha=215)
    # The hottest hex blends 215/255 of the ramp's top colour over the land colour.
    blended = [round(c * 215 / 255 + land * 40 / 255) for c, land in zip(top[:3], LAND)]
    assert (np.abs(arr - blended).max(axis=2) <= 3).sum() > 100
    assert (np.abs(arr - SITE_STYLE.colour).max(axis=2) <= 10).sum() > 50  # the site marker


def test_it_refuses_a_planning_map_of_nothing():
    with pytest.raises(ValueError, match="districts or explicit bounds"):
        planning_map_png([])


STATIONS = [(113.93, 22.52, "rest_station"), (113.94, 22.53, "rest_station"), (113.95, 22.54, "driver_home"), (113.96, 22.55, "kiosk")]
LABELS = {"rest_station": "驿站 rest station", "driver_home": "司机之家 driver home"}
LABELS_EN = {"rest_station": "Rest station", "driver_home": "Driver home"}


def legend_of(monkeypatch, **kw) -> list[str]:
    """The legend texts planning_map_png gives the canvas."""
    asked = []
    monkeypatch.setattr(MapCanvas, "legend", lambda self, entries, title=None: asked.extend(text for text, _ in entries))
    planning_map_png([District("box", box(113.9, 22.5, 114.0, 22.6))], STATIONS, width_px=300, **kw)
    return asked


def test_it_names_the_kinds_in_the_legend_as_the_caller_says(monkeypatch):
    # Sorted by kind code; a kind the caller did not name shows its code.
    assert legend_of(monkeypatch, kind_labels=LABELS, kind_labels_en=LABELS_EN) == ["司机之家 driver home (1)", "kiosk (1)", "驿站 rest station (2)"]
    assert legend_of(monkeypatch) == ["driver_home (1)", "kiosk (1)", "rest_station (2)"]


def test_it_names_the_kinds_in_english_without_a_cjk_font(monkeypatch):
    monkeypatch.setattr("mapdraw.canvas.map_font", lambda font_path=None: FontChoice(None, 0, "built-in", False))
    assert legend_of(monkeypatch, kind_labels=LABELS, kind_labels_en=LABELS_EN) == ["Driver home (1)", "kiosk (1)", "Rest station (2)"]
    assert legend_of(monkeypatch, kind_labels=LABELS) == ["driver_home (1)", "kiosk (1)", "rest_station (2)"]


def test_it_draws_the_kinds_in_the_callers_styles():
    green = (0, 200, 0)
    png = planning_map_png(
        [District("box", box(113.9, 22.5, 114.0, 22.6))], STATIONS, width_px=300,
        kind_styles={"kiosk": MarkerStyle(green, 8.0, "square")},
    )
    arr = np.asarray(decode(png)).astype(int)
    assert (np.abs(arr - green).max(axis=2) <= 10).sum() > 50  # the kiosk
    assert (np.abs(arr - OKABE_ITO["blue"]).max(axis=2) <= 10).sum() == 0  # rest stations: grey diamonds now
