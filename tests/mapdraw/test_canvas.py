"""mapdraw.canvas: the projection, the picture's size, and the geometry and markers drawn on it;
decode what it draws and check the pixels."""

import math

import numpy as np
import pytest
import shapely
from hypothesis import example, given
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, box

from geodata.distance import haversine_m
from mapdraw.canvas import M_PER_DEG_LAT, MAX_WIDTH_PX, MapCanvas
from mapdraw.pictures import station_preview_png
from mapdraw.style import MarkerStyle, colour_ramp
from tests.mapdraw.mapdraw_helpers import NANSHAN_BOUNDS, RED, WHITE, close, decode, pixel, plain_canvas

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
    dlat = 1000 / M_PER_DEG_LAT
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
    canvas.point(bounds[0], bounds[1], MarkerStyle(RED, 5))
    canvas.scale_bar()
    img = decode(canvas.png())
    assert img.size[0] == 400 and 64 <= img.size[1] <= MAX_WIDTH_PX
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
        MapCanvas(bounds, 400)


@pytest.mark.parametrize("width_px", [0, 10, 5000, 400.5])
def test_it_refuses_bad_widths(width_px):
    with pytest.raises(ValueError, match="width_px"):
        MapCanvas(NANSHAN_BOUNDS, width_px)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_it_refuses_nan_input_everywhere():
    canvas = plain_canvas()
    style = MarkerStyle(RED)
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
        station_preview_png(math.nan, 22.5)


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
    x, y = canvas.point(113.9, 22.5, MarkerStyle(RED, radius_px=6))
    img = decode(canvas.png())
    assert close(pixel(img, x, y), RED)
    assert pixel(img, x + 15, y) == WHITE


@pytest.mark.parametrize("shape_name", ["circle", "square", "triangle", "diamond", "numbered"])
def test_it_draws_every_marker_shape(shape_name):
    canvas = plain_canvas()
    x, y = canvas.point(113.9, 22.5, MarkerStyle(RED, radius_px=8, shape=shape_name), number=7)
    img = np.asarray(decode(canvas.png())).astype(int)
    patch = img[int(y) - 12 : int(y) + 12, int(x) - 12 : int(x) + 12]
    reds = (np.abs(patch - RED).max(axis=2) < 20).sum()
    assert reds > 30


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
    colour = colour_ramp(6, 10)
    canvas.hexagon(ring, colour)
    img = decode(canvas.png())
    assert close(pixel(img, *canvas.project(lon0, lat0)), colour[:3], 2)
    assert pixel(img, *canvas.project(lon0 + 2 * r, lat0)) == WHITE


def test_it_refuses_a_ring_of_two_points():
    with pytest.raises(ValueError, match="at least 3 points"):
        plain_canvas().hexagon([(113.9, 22.5), (113.91, 22.5)], RED)

