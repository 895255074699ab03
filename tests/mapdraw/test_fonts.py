"""mapdraw.fonts: which font draws Chinese, and what a map looks like without one."""

import logging

from mapdraw import fonts
from mapdraw.fonts import FontChoice, drawable_text, map_font
from tests.mapdraw.mapdraw_helpers import decode, ink_in, plain_canvas


def test_it_finds_a_cjk_font():
    font = map_font()
    assert font.cjk
    assert font.source in {"MAP_FONT_PATH", "noto-cjk-sans-otc", "fontconfig", "common path"}


def test_it_skips_a_bad_map_font_path_with_a_warning(tmp_path, caplog):
    not_a_font = tmp_path / "font.ttf"
    not_a_font.write_text("not a font")
    with caplog.at_level(logging.WARNING, logger=fonts.__name__):
        font = map_font(str(not_a_font))
    assert font.source != "MAP_FONT_PATH" and font.path != str(not_a_font)
    assert "MAP_FONT_PATH" in caplog.text


def test_it_leaves_out_glyphs_the_built_in_font_lacks():
    builtin = FontChoice(None, 0, "built-in", False)
    assert drawable_text(builtin, "南山区 · 服务半径 500 m · 2026-12-01") == "500 m · 2026-12-01"
    assert drawable_text(builtin, "驿站") == ""
    assert drawable_text(builtin, "Station 7") == "Station 7"


def test_it_says_on_the_map_when_it_has_no_cjk_font(monkeypatch):
    monkeypatch.setattr("mapdraw.canvas.map_font", lambda font_path=None: FontChoice(None, 0, "built-in", False))
    canvas = plain_canvas()
    canvas.title("南山区 · 500 m")
    canvas.label(113.9, 22.5, "驿站")  # nothing drawable: skipped, not a box of tofu
    img = decode(canvas.png())
    assert ink_in(img, canvas.overlay_boxes["font_note"]) > 50
    assert canvas.label_boxes == [] and canvas.dropped_labels == 0

