"""mapdraw.overlays: the scale bar, the title, the legend and where labels go."""

import pytest
from shapely.geometry import Point, Polygon, box

from mapdraw.overlays import _nice_length_m, _overlap, format_length, label_point
from mapdraw.style import STATION_STYLES, MarkerStyle, RampKey
from tests.mapdraw.mapdraw_helpers import RED, decode, ink_in, plain_canvas


@pytest.mark.parametrize(
    ("target_m", "expected_m"),
    [(0.3, 1), (1, 1), (3, 2), (7, 5), (12, 10), (999, 500), (1000, 1000), (4321, 2000), (73_000, 50_000)],
)
def test_it_rounds_scale_bar_lengths(target_m, expected_m):
    assert _nice_length_m(target_m) == expected_m


@pytest.mark.parametrize(("length_m", "text"), [(1, "1 m"), (500, "500 m"), (1000, "1 km"), (1500, "1.5 km"), (20_000, "20 km")])
def test_it_formats_lengths(length_m, text):
    assert format_length(length_m) == text


def test_it_sizes_the_scale_bar_to_its_label():
    canvas = plain_canvas(width_px=800)
    canvas.scale_bar()
    canvas.png()
    x0, _, x1, _ = canvas.overlay_boxes["scale_bar"]
    bar_px = canvas.scale_bar_m / canvas.metres_per_px
    frame_w = canvas.frame[2] - canvas.frame[0]
    assert 0.08 * frame_w <= bar_px <= 0.22 * frame_w + 1
    assert bar_px < x1 - x0 < bar_px + 40


def test_it_writes_a_title_and_a_legend():
    canvas = plain_canvas(width_px=600, header_px=50)
    canvas.title("南山区 · 服务半径 500 m · 2026-12-01", "建议新站点 3 个")
    canvas.legend([("驿站", STATION_STYLES["rest_station"]), ("未覆盖需求", RampKey(12))], title="图例")
    img = decode(canvas.png())
    assert canvas.overlay_boxes["title"] == (0, 0, 600, 50)
    assert ink_in(img, (10, 5, 400, 45)) > 200  # the title's strokes
    legend = canvas.overlay_boxes["legend"]
    assert ink_in(img, legend) > 200
    assert legend[1] >= 50  # below the header band


def test_it_puts_the_legend_where_least_is_drawn():
    canvas = plain_canvas()
    style = MarkerStyle(RED, 3)
    # Crowd the bottom right (the first choice); the top left stays empty.
    canvas.points([(113.99 - 0.002 * i, 22.46 + 0.002 * j) for i in range(20) for j in range(20)], style)
    canvas.legend([("驿站", style)])
    canvas.png()
    x0, y0, _, _ = canvas.overlay_boxes["legend"]
    assert x0 < 100 and y0 < 100


def test_it_keeps_labels_off_the_legend_and_each_other():
    canvas = plain_canvas()
    style = MarkerStyle(RED, 3)
    canvas.legend([("驿站", style), ("司机之家", STATION_STYLES["driver_home"])])
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
            assert not _overlap(a, other)


def test_it_refuses_unknown_label_placements():
    canvas = plain_canvas()
    canvas.label(113.9, 22.5, "x", placements=("middle",))
    with pytest.raises(ValueError, match="placement"):
        canvas.png()


def test_it_places_district_names_inside_concave_shapes():
    # A "C" shape: its centroid is in the empty middle; the label point must be inside.
    c_shape = box(0, 0, 3, 3).difference(box(1, 1, 3, 2))
    assert not c_shape.contains(c_shape.centroid)
    assert c_shape.contains(Point(label_point(c_shape)))
    with pytest.raises(ValueError):
        label_point(Polygon())

