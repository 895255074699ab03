"""The offline PNG map renderer: decode what it draws and check the pixels."""

import io
import json
import logging
import math
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import example, given
from hypothesis import strategies as st
from PIL import Image
from shapely.geometry import Point, Polygon, box, shape

from geodata.coords import to_wgs84
from geodata.distance import haversine_m
from stations.services import map_render as mr

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
NANSHAN_BOUNDS = (113.85, 22.45, 114.0, 22.6)
RED = (220, 20, 20)
WHITE = (255, 255, 255)


def decode(png: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(png))
    img.load()
    return img


def pixel(img: Image.Image, x: float, y: float) -> tuple[int, int, int]:
    return img.getpixel((int(x), int(y)))[:3]


def close(a, b, tolerance=12) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b))


def plain_canvas(bounds=NANSHAN_BOUNDS, width_px=400, **kw) -> mr.MapCanvas:
    return mr.MapCanvas(bounds, width_px, background=WHITE, **kw)


# -- projection -------------------------------------------------------------------------------


def test_it_puts_north_up_and_east_right():
    canvas = plain_canvas()
    x, y = canvas.project(113.92, 22.52)
    x_east, y_east = canvas.project(113.93, 22.52)
    x_north, y_north = canvas.project(113.92, 22.53)
    assert x_east > x and y_east == pytest.approx(y)
    assert y_north < y and x_north == pytest.approx(x)


def test_it_maps_the_bounds_centre_to_the_frame_centre():
    canvas = plain_canvas()
    x0, y0, x1, y1 = canvas.frame
    assert canvas.project(113.925, 22.525) == pytest.approx(((x0 + x1) / 2, (y0 + y1) / 2))


@pytest.mark.parametrize("lat", [0.0, 22.5, 45.0, 60.0, -33.9])
def test_it_draws_a_kilometre_the_same_length_east_and_north(lat):
    canvas = plain_canvas((10.0, lat - 0.05, 10.1, lat + 0.05))
    dlat = 1000 / mr.M_PER_DEG_LAT
    dlon_1km = 1000 / haversine_m(10.0, lat, 11.0, lat)  # degrees of longitude in 1 km here
    x, y = canvas.project(10.05, lat)
    x_e, _ = canvas.project(10.05 + dlon_1km, lat)
    _, y_n = canvas.project(10.05, lat + dlat)
    assert (x_e - x) == pytest.approx(y - y_n, rel=0.01)


@given(
    st.floats(min_value=113.85, max_value=114.0),
    st.floats(min_value=22.45, max_value=22.6),
)
@example(113.85, 22.45)
@example(114.0, 22.6)
def test_it_unprojects_what_it_projects(lon, lat):
    canvas = plain_canvas()
    back_lon, back_lat = canvas.unproject(*canvas.project(lon, lat))
    assert back_lon == pytest.approx(lon, abs=1e-9)
    assert back_lat == pytest.approx(lat, abs=1e-9)


def test_it_unwraps_bounds_that_cross_the_antimeridian():
    canvas = plain_canvas((179.0, -1.0, -179.0, 1.0))
    x_west, _ = canvas.project(179.5, 0.0)
    x_east, _ = canvas.project(-179.5, 0.0)
    x0, _, x1, _ = canvas.frame
    assert x0 <= x_west < x_east <= x1
    assert canvas.unproject(x_east, canvas.project(-179.5, 0.0)[1])[0] == pytest.approx(-179.5)


@pytest.mark.parametrize(
    "bounds",
    [
        (114.0, 22.5, 114.0, 22.5),  # a single point: zero extent
        (114.0, 22.5, 114.0, 22.6),  # zero width
        (114.0, 22.5, 114.1, 22.5),  # zero height
        (-10.0, 89.0, 10.0, 90.0),  # the north pole
        (-180.0, -90.0, 180.0, 90.0),  # the world
        (0.0, -0.01, 0.01, 0.0),  # the equator and the prime meridian
    ],
)
def test_it_draws_edge_case_bounds_with_a_scale_bar(bounds):
    canvas = plain_canvas(bounds)
    canvas.point(bounds[0], bounds[1], mr.MarkerStyle(RED, 5))
    canvas.scale_bar()
    img = decode(canvas.png())
    assert img.size[0] == 400 and 64 <= img.size[1] <= mr.MAX_WIDTH_PX
    assert "scale_bar" in canvas.overlay_boxes
    assert canvas.scale_bar_m > 0


@pytest.mark.parametrize(
    "bounds",
    [
        (math.nan, 22.0, 114.0, 23.0),
        (113.0, 22.0, math.inf, 23.0),
        (113.0, 23.0, 114.0, 22.0),  # min_lat > max_lat
        (113.0, -91.0, 114.0, 22.0),
        (113.0, 22.0, 114.0),
    ],
)
def test_it_refuses_bad_bounds(bounds):
    with pytest.raises(ValueError):
        mr.MapCanvas(bounds, 400)


@pytest.mark.parametrize("width_px", [0, 10, 5000, 400.5])
def test_it_refuses_bad_widths(width_px):
    with pytest.raises(ValueError, match="width_px"):
        mr.MapCanvas(NANSHAN_BOUNDS, width_px)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_it_refuses_nan_input_everywhere():
    canvas = plain_canvas()
    style = mr.MarkerStyle(RED)
    with pytest.raises(ValueError):
        canvas.point(math.nan, 22.5, style)
    with pytest.raises(ValueError):
        canvas.points([(113.9, 22.5), (113.9, math.nan)], style)
    with pytest.raises(ValueError):
        canvas.label(113.9, math.inf, "x")
    with pytest.raises(ValueError):
        canvas.hexagon([(113.9, 22.5), (113.91, math.nan), (113.92, 22.5)], RED)
    with pytest.raises(ValueError):
        canvas.polygon(Polygon([(113.9, 22.5), (113.91, 22.5), (113.91, math.nan)]))
    with pytest.raises(ValueError):
        mr.station_preview_png(math.nan, 22.5)


# -- sizes ------------------------------------------------------------------------------------


def test_it_sizes_the_image_from_the_bounds_aspect():
    # 0.15 x 0.15 degrees at 22.5° N is cos(22.5°) = 0.924 times as wide as high.
    canvas = plain_canvas(width_px=400, margin_px=10)
    img = decode(canvas.png())
    assert img.mode == "RGB"
    assert img.size == (400, round(20 + 380 / math.cos(math.radians(22.525))))


def test_it_keeps_a_fixed_height_and_caps_a_maximum_one():
    assert decode(plain_canvas(height_px=260).png()).size == (400, 260)
    assert decode(plain_canvas(max_height_px=300).png()).size == (400, 300)
    assert decode(plain_canvas(max_height_px=3000).png()).size[1] < 3000


# -- drawing ----------------------------------------------------------------------------------


def test_it_draws_the_point_colour_at_its_projected_position():
    canvas = plain_canvas()
    x, y = canvas.point(113.9, 22.5, mr.MarkerStyle(RED, radius_px=6))
    img = decode(canvas.png())
    assert close(pixel(img, x, y), RED)
    assert pixel(img, x + 15, y) == WHITE


@pytest.mark.parametrize("shape_name", ["circle", "square", "triangle", "diamond", "numbered"])
def test_it_draws_every_marker_shape(shape_name):
    canvas = plain_canvas()
    x, y = canvas.point(113.9, 22.5, mr.MarkerStyle(RED, radius_px=8, shape=shape_name), number=7)
    img = np.asarray(decode(canvas.png())).astype(int)
    patch = img[int(y) - 12 : int(y) + 12, int(x) - 12 : int(x) + 12]
    reds = (np.abs(patch - RED).max(axis=2) < 20).sum()
    assert reds > 30


def test_it_refuses_unknown_marker_shapes():
    with pytest.raises(ValueError, match="shape must be one of"):
        mr.MarkerStyle(RED, shape="star")


def test_it_draws_the_outline_where_the_polygon_edge_projects():
    canvas = plain_canvas()
    square = box(113.88, 22.48, 113.97, 22.57)
    fill = (200, 230, 200)
    canvas.polygon(square, outline=(0, 0, 0), fill=fill, width_px=2)
    img = decode(canvas.png())
    x_west, y_mid = canvas.project(113.88, 22.525)
    x_east, _ = canvas.project(113.97, 22.525)
    x_mid, y_north = canvas.project(113.925, 22.57)
    for x, y in ((x_west, y_mid), (x_east, y_mid), (x_mid, y_north)):
        assert max(pixel(img, x, y)) < 90, (x, y)  # the pixel that contains the projected edge
    assert close(pixel(img, x_west + 10, y_mid), fill, 2)  # inside
    assert pixel(img, x_west - 10, y_mid) == WHITE  # outside


def test_it_leaves_polygon_holes_unfilled():
    canvas = plain_canvas()
    ring = box(113.86, 22.46, 113.99, 22.59).exterior.coords
    hole = box(113.9, 22.5, 113.95, 22.55).exterior.coords
    fill = (60, 60, 200)
    canvas.polygon(Polygon(ring, [hole]), outline=None, fill=fill)
    img = decode(canvas.png())
    assert pixel(img, *canvas.project(113.925, 22.525)) == WHITE
    assert close(pixel(img, *canvas.project(113.88, 22.525)), fill, 2)


def test_it_blends_translucent_fills():
    canvas = plain_canvas()
    canvas.polygon(box(113.86, 22.46, 113.99, 22.59), outline=None, fill=(0, 0, 0, 128))
    grey = pixel(decode(canvas.png()), *canvas.project(113.925, 22.525))
    assert all(120 <= c <= 135 for c in grey)


@pytest.mark.parametrize(
    "geom",
    [
        Polygon(),  # empty
        Polygon([(113.9, 22.5), (113.9, 22.5), (113.9, 22.5)]),  # all one point
        Polygon([(113.9, 22.5), (113.95, 22.55), (113.9, 22.5)]),  # zero area, a line
        shapely.MultiPolygon([box(113.9, 22.5, 113.91, 22.51), box(113.95, 22.55, 113.96, 22.56)]),
    ],
)
def test_it_draws_degenerate_polygons_without_crashing(geom):
    canvas = plain_canvas()
    canvas.polygon(geom, fill=(200, 200, 200))
    assert decode(canvas.png()).size[0] == 400


def test_it_refuses_non_polygons():
    with pytest.raises(ValueError, match="Polygon or MultiPolygon"):
        plain_canvas().polygon(Point(113.9, 22.5))


def test_it_fills_a_hexagon_with_the_ramp_colour():
    canvas = plain_canvas()
    lon0, lat0, r = 113.925, 22.525, 0.01
    ring = [(lon0 + r * math.cos(math.radians(a)), lat0 + r * math.sin(math.radians(a))) for a in range(30, 390, 60)]
    colour = mr.colour_ramp(6, 10)
    canvas.hexagon(ring, colour)
    img = decode(canvas.png())
    assert close(pixel(img, *canvas.project(lon0, lat0)), colour[:3], 2)
    assert pixel(img, *canvas.project(lon0 + 2 * r, lat0)) == WHITE


def test_it_refuses_a_ring_of_two_points():
    with pytest.raises(ValueError, match="at least 3 points"):
        plain_canvas().hexagon([(113.9, 22.5), (113.91, 22.5)], RED)


# -- colour ramp ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "vmax", "expected"),
    [
        (0, 10, (255, 255, 178, 255)),  # ColorBrewer YlOrRd-7, first class
        (10, 10, (177, 0, 38, 255)),  # last class
        (5, 10, (253, 141, 60, 255)),  # the middle class (4 of 7)
        (-3, 10, (255, 255, 178, 255)),  # clamped below
        (99, 10, (177, 0, 38, 255)),  # clamped above
    ],
)
def test_it_knows_the_ramp_colours(value, vmax, expected):
    assert mr.colour_ramp(value, vmax) == expected


@given(st.floats(min_value=0, max_value=100), st.floats(min_value=0, max_value=100))
@example(0.0, 100.0)
@example(49.9, 50.1)
def test_it_darkens_the_ramp_as_demand_grows(a, b):
    def luminance(c):
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    lo, hi = sorted((a, b))
    assert luminance(mr.colour_ramp(hi, 100)) <= luminance(mr.colour_ramp(lo, 100)) + 1e-9


@pytest.mark.parametrize(("value", "vmax"), [(math.nan, 1), (1, math.nan), (1, 0), (1, -5), (math.inf, 1)])
def test_it_refuses_bad_ramp_input(value, vmax):
    with pytest.raises(ValueError):
        mr.colour_ramp(value, vmax)


# -- overlays ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target_m", "expected_m"),
    [(0.3, 1), (1, 1), (3, 2), (7, 5), (12, 10), (999, 500), (1000, 1000), (4321, 2000), (73_000, 50_000)],
)
def test_it_rounds_scale_bar_lengths(target_m, expected_m):
    assert mr._nice_length_m(target_m) == expected_m


@pytest.mark.parametrize(("length_m", "text"), [(1, "1 m"), (500, "500 m"), (1000, "1 km"), (1500, "1.5 km"), (20_000, "20 km")])
def test_it_formats_lengths(length_m, text):
    assert mr.format_length(length_m) == text


def test_it_sizes_the_scale_bar_to_its_label():
    canvas = plain_canvas(width_px=800)
    canvas.scale_bar()
    canvas.png()
    x0, _, x1, _ = canvas.overlay_boxes["scale_bar"]
    bar_px = canvas.scale_bar_m / canvas.metres_per_px
    frame_w = canvas.frame[2] - canvas.frame[0]
    assert 0.08 * frame_w <= bar_px <= 0.22 * frame_w + 1
    assert bar_px < x1 - x0 < bar_px + 40


def ink_in(img: Image.Image, box_px, background=WHITE) -> int:
    x0, y0, x1, y1 = (int(v) for v in box_px)
    patch = np.asarray(img.crop((x0, y0, x1, y1))).astype(int)
    return int((np.abs(patch - background).max(axis=2) > 100).sum())


def test_it_writes_a_title_and_a_legend():
    canvas = plain_canvas(width_px=600, header_px=50)
    canvas.title("南山区 · 服务半径 500 m · 2026-12-01", "建议新站点 3 个")
    canvas.legend([("驿站", mr.STATION_STYLES["rest_station"]), ("未覆盖需求", mr.RampKey(12))], title="图例")
    img = decode(canvas.png())
    assert canvas.overlay_boxes["title"] == (0, 0, 600, 50)
    assert ink_in(img, (10, 5, 400, 45)) > 200  # the title's strokes
    legend = canvas.overlay_boxes["legend"]
    assert ink_in(img, legend) > 200
    assert legend[1] >= 50  # below the header band


def test_it_puts_the_legend_where_least_is_drawn():
    canvas = plain_canvas()
    style = mr.MarkerStyle(RED, 3)
    # Crowd the bottom right (the first choice); the top left stays empty.
    canvas.points([(113.99 - 0.002 * i, 22.46 + 0.002 * j) for i in range(20) for j in range(20)], style)
    canvas.legend([("驿站", style)])
    canvas.png()
    x0, y0, _, _ = canvas.overlay_boxes["legend"]
    assert x0 < 100 and y0 < 100


def test_it_keeps_labels_off_the_legend_and_each_other():
    canvas = plain_canvas()
    style = mr.MarkerStyle(RED, 3)
    canvas.legend([("驿站", style), ("司机之家", mr.STATION_STYLES["driver_home"])])
    canvas.scale_bar()
    for i in range(40):
        lon, lat = 113.86 + 0.0035 * i, 22.46 + 0.0035 * i
        canvas.point(lon, lat, style)
        canvas.label(lon, lat, f"站点 {i}")
    canvas.png()
    placed = canvas.label_boxes
    assert placed and canvas.dropped_labels > 0 and len(placed) + canvas.dropped_labels == 40
    for i, a in enumerate(placed):
        for other in list(canvas.overlay_boxes.values()) + placed[i + 1 :]:
            assert not mr._overlap(a, other)


def test_it_refuses_unknown_label_placements():
    canvas = plain_canvas()
    canvas.label(113.9, 22.5, "x", placements=("middle",))
    with pytest.raises(ValueError, match="placement"):
        canvas.png()


def test_it_places_district_names_inside_concave_shapes():
    # A "C" shape: its centroid is in the empty middle; the label point must be inside.
    c_shape = box(0, 0, 3, 3).difference(box(1, 1, 3, 2))
    assert not c_shape.contains(c_shape.centroid)
    assert c_shape.contains(Point(mr.label_point(c_shape)))
    with pytest.raises(ValueError):
        mr.label_point(Polygon())


# -- fonts ------------------------------------------------------------------------------------


def test_it_finds_a_cjk_font():
    font = mr.map_font()
    assert font.cjk
    assert font.source in {"MAP_FONT_PATH", "noto-cjk-sans-otc", "fontconfig", "common path"}


def test_it_skips_a_bad_map_font_path_with_a_warning(tmp_path, caplog):
    not_a_font = tmp_path / "font.ttf"
    not_a_font.write_text("not a font")
    with caplog.at_level(logging.WARNING, logger=mr.__name__):
        font = mr.map_font(str(not_a_font))
    assert font.source != "MAP_FONT_PATH" and font.path != str(not_a_font)
    assert "MAP_FONT_PATH" in caplog.text


def test_it_leaves_out_glyphs_the_built_in_font_lacks():
    builtin = mr.FontChoice(None, 0, "built-in", False)
    assert mr.drawable_text(builtin, "南山区 · 服务半径 500 m · 2026-12-01") == "500 m · 2026-12-01"
    assert mr.drawable_text(builtin, "驿站") == ""
    assert mr.drawable_text(builtin, "Station 7") == "Station 7"


def test_it_says_on_the_map_when_it_has_no_cjk_font(monkeypatch):
    monkeypatch.setattr(mr, "map_font", lambda font_path=None: mr.FontChoice(None, 0, "built-in", False))
    canvas = plain_canvas()
    canvas.title("南山区 · 500 m")
    canvas.label(113.9, 22.5, "驿站")  # nothing drawable: skipped, not a box of tofu
    img = decode(canvas.png())
    assert ink_in(img, canvas.overlay_boxes["font_note"]) > 50
    assert canvas.label_boxes == [] and canvas.dropped_labels == 0


# -- the two pictures -------------------------------------------------------------------------


def nanshan_wgs84():
    data = json.loads((DEMO / "boundaries_shenzhen_districts.geojson").read_text(encoding="utf-8"))
    feature = next(f for f in data["features"] if f["properties"]["name"] == "南山区")
    return shapely.transform(shape(feature["geometry"]), lambda xy: np.array([to_wgs84(x, y, "gcj02") for x, y in xy]))


def vermillion_pixels(img) -> int:
    arr = np.asarray(img).astype(int)
    return int((np.abs(arr - mr.OKABE_ITO["vermillion"]).max(axis=2) < 25).sum())


def test_it_previews_a_station_on_its_district():
    nanshan = nanshan_wgs84()
    img = decode(mr.station_preview_png(113.93, 22.52, nanshan, "示范驿站 #1", outline_name="南山区"))
    assert img.size == (360, 260) and img.mode == "RGB"
    assert vermillion_pixels(img) > 60  # the marker (radius 6 px)
    dark = (np.asarray(img).max(axis=2) < 110).sum()
    assert dark > 300  # the outline, the label, the scale bar


@pytest.mark.parametrize("outline", [None, Polygon()])
def test_it_previews_a_station_without_an_outline(outline):
    img = decode(mr.station_preview_png(113.93, 22.52, outline, size=(300, 200)))
    assert img.size == (300, 200)
    assert vermillion_pixels(img) > 60


def test_it_draws_the_planning_map():
    nanshan = nanshan_wgs84()
    lon0, lat0 = mr.label_point(nanshan)
    r = 0.004
    hexes = [
        ([(lon0 + dx + r * math.cos(math.radians(a)), lat0 + r * math.sin(math.radians(a))) for a in range(30, 390, 60)], v)
        for dx, v in ((-0.02, 2.0), (0.02, 8.0))
    ]
    png = mr.planning_map_png(
        [mr.District("南山区", nanshan, highlight=True)],
        stations=[(113.93, 22.52, "rest_station"), (113.94, 22.53, "charging_point"), (113.95, 22.54, "driver_home")],
        hexes=hexes,
        sites=[(lon0 + 0.02, lat0 + 0.02)],
        title="南山区 · 服务半径 500 m · 2026-12-01",
        width_px=800,
    )
    img = decode(png)
    assert img.size[0] == 800 and img.mode == "RGB"
    arr = np.asarray(img).astype(int)
    top = mr.colour_ramp(8, 8, alpha=215)
    # The hottest hex blends 215/255 of the ramp's top colour over the land colour.
    blended = [round(c * 215 / 255 + land * 40 / 255) for c, land in zip(top[:3], mr.LAND)]
    assert (np.abs(arr - blended).max(axis=2) <= 3).sum() > 100
    assert (np.abs(arr - mr.SITE_STYLE.colour).max(axis=2) <= 10).sum() > 50  # the site marker


def test_it_refuses_a_planning_map_of_nothing():
    with pytest.raises(ValueError, match="districts or explicit bounds"):
        mr.planning_map_png([])


def test_it_imports_without_django():
    import subprocess
    import sys

    code = "import sys, stations.services.map_render; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
