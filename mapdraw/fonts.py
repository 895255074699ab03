"""Fonts for the PNG maps: which font draws Chinese, and what text it can draw.

``map_font()`` looks, in order, at the ``MAP_FONT_PATH`` environment variable (a .ttf/.otf/.ttc
file), the ``noto-cjk-sans-otc`` package (Noto Sans CJK, SIL OFL 1.1, pinned in
requirements.txt), fontconfig's Chinese fonts (``fc-list :lang=zh``) and a few common paths.
Without any CJK font it falls back to Pillow's built-in font: ``drawable_text`` leaves out the
characters that font lacks (never drawn as boxes) and a warning is logged once.
"""

from __future__ import annotations

import logging
import os
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from PIL import ImageFont

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FontChoice:
    """The font maps are drawn with. ``path`` is None for Pillow's built-in font."""

    path: str | None
    index: int
    source: str  # "MAP_FONT_PATH", "noto-cjk-sans-otc", "fontconfig", "common path" or "built-in"
    cjk: bool


_COMMON_CJK_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
_PROBE = "南山区服务半径"


def _glyph_signature(font, ch: str) -> tuple:
    mask = font.getmask(ch)
    return mask.size, bytes(mask)


def _covers(font, text: str) -> bool:
    notdef = _glyph_signature(font, "\U0010ffff")
    return all(_glyph_signature(font, ch) != notdef for ch in text)


def _simplified_chinese_index(path: str) -> int:
    """The face of a collection (.ttc) that is Simplified Chinese, else 0 (Noto's SC is 2)."""
    for index in range(16):
        try:
            family = ImageFont.truetype(path, 12, index=index).getname()[0]
        except OSError:
            break
        if family.endswith((" SC", " CN")) or "GB" in family or family.startswith("WenQuanYi"):
            return index
    return 0


def _usable(path: str, index: int | None = None) -> tuple[int, bool] | None:
    """(face index, covers Chinese) for a font file, or None when it cannot be opened."""
    try:
        index = _simplified_chinese_index(path) if index is None else index
        font = ImageFont.truetype(path, 16, index=index)
    except OSError:
        return None
    return index, _covers(font, _PROBE)


def _fontconfig_candidates() -> list[tuple[str, int]]:
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh-cn", "file", "index"], capture_output=True, text=True, timeout=5, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in out.splitlines():
        path, _, rest = line.partition(":")
        index = int(rest.split("index=")[1].strip(" :")) if "index=" in rest else 0
        found.append((path.strip(), index))
    # Sans faces first (they read better small), Simplified Chinese first.
    found.sort(key=lambda pi: ("Serif" in pi[0] or "Mono" in pi[0], "Sans" not in pi[0], pi))
    return found


@lru_cache(maxsize=8)
def map_font(font_path: str | None = None) -> FontChoice:
    """Find the font to draw map text with (see the module docstring for the search order).

    ``font_path`` overrides the ``MAP_FONT_PATH`` environment variable. A path that is missing
    or not a font is logged and skipped, so a typo degrades the labels but never breaks a map.
    """
    wanted = font_path if font_path is not None else os.environ.get("MAP_FONT_PATH", "")
    if wanted:
        got = _usable(wanted)
        if got is None:
            log.warning("MAP_FONT_PATH=%r is not a readable TrueType/OpenType font; looking elsewhere", wanted)
        else:
            if not got[1]:
                log.warning("MAP_FONT_PATH=%r has no Chinese glyphs: Chinese labels will be left out", wanted)
            return FontChoice(wanted, got[0], "MAP_FONT_PATH", got[1])
    try:
        import noto_cjk_sans_otc  # Noto Sans CJK (SIL OFL 1.1), see requirements.txt

        got = _usable(str(noto_cjk_sans_otc.FONT_PATH))
        if got and got[1]:
            return FontChoice(str(noto_cjk_sans_otc.FONT_PATH), got[0], "noto-cjk-sans-otc", True)
    except ImportError:
        pass
    for path, index in _fontconfig_candidates():
        got = _usable(path, index)
        if got and got[1]:
            return FontChoice(path, index, "fontconfig", True)
    for path in _COMMON_CJK_PATHS:
        if os.path.exists(path):
            got = _usable(path)
            if got and got[1]:
                return FontChoice(path, got[0], "common path", True)
    log.warning(
        "no CJK font found: maps are drawn with Pillow's built-in font and Chinese text is left out. "
        "Install noto-cjk-sans-otc (requirements.txt) or set MAP_FONT_PATH to a .ttf/.otf/.ttc with Chinese."
    )
    return FontChoice(None, 0, "built-in", False)


@lru_cache(maxsize=64)
def font_at(choice: FontChoice, size_px: int):
    if choice.path is None:
        return ImageFont.load_default(size_px)
    return ImageFont.truetype(choice.path, size_px, index=choice.index)


@lru_cache(maxsize=4096)
def drawable_text(choice: FontChoice, text: str) -> str:
    """``text`` without the characters the font has no glyph for (never draw tofu boxes)."""
    if choice.cjk and choice.source != "MAP_FONT_PATH":
        return text
    font = font_at(choice, 16)
    notdef = _glyph_signature(font, "\U0010ffff")
    kept = "".join(ch for ch in text if ch.isspace() or _glyph_signature(font, ch) != notdef)
    # Tidy what dropping a word leaves: "南山区 · 500 m" -> "· 500 m" -> "500 m".
    parts = [p.strip() for p in kept.split("·")]
    return " · ".join(p for p in parts if p)
