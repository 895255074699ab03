"""What ``MapCanvas`` draws on top of the map: labels and their placement, the legend, the scale
bar, the north arrow and the title (queued by the public methods, drawn last by ``png()``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from mapdraw.fonts import drawable_text, font_at
from mapdraw.style import HALO, INK, Colour, MarkerStyle, RampKey, Swatch, colour_ramp

# ---------------------------------------------------------------------------------------------
# Label points and scale-bar lengths


def label_point(geom: BaseGeometry) -> tuple[float, float]:
    """A good place for an area's name: the pole of inaccessibility of its largest part.

    Falls back to ``representative_point`` for lines, points and degenerate polygons.
    """
    if geom.is_empty:
        raise ValueError("cannot place a label on an empty geometry")
    parts = list(getattr(geom, "geoms", [geom]))
    largest = max(parts, key=lambda g: g.area)
    if largest.geom_type == "Polygon" and largest.area > 0:
        minx, miny, maxx, maxy = largest.bounds
        p = polylabel(largest, tolerance=max(maxx - minx, maxy - miny) / 200)
        return p.x, p.y
    p = geom.representative_point()
    return p.x, p.y


def _nice_length_m(target_m: float) -> float:
    """The largest 1/2/5 x 10^k metres not above ``target_m`` (at least 1 m)."""
    if target_m < 1:
        return 1.0
    exp = math.floor(math.log10(target_m))
    for step in (5, 2, 1):
        if step * 10**exp <= target_m:
            return float(step * 10**exp)
    return float(10**exp)  # pragma: no cover - step 1 always fits


def format_length(length_m: float) -> str:
    """``500 m``, ``2 km``, ``1.5 km``."""
    if length_m >= 1000:
        km = length_m / 1000
        return f"{km:g} km"
    return f"{length_m:g} m"


# ---------------------------------------------------------------------------------------------
# The overlays of a canvas


@dataclass
class _Label:
    x: float  # supersampled pixels
    y: float
    text: str
    size_px: int
    colour: Colour
    placements: tuple[str, ...]
    offset_px: float
    priority: int
    bold: bool


@dataclass
class _Overlays:
    legend: tuple | None = None
    scale_bar: bool = False
    north_arrow: bool = False
    title: tuple[str, str | None] | None = None
    labels: list[_Label] = field(default_factory=list)


class OverlaysMixin:
    """The overlay half of ``MapCanvas`` (see there): it queues overlays and draws them.

    It uses the canvas's ``_ss`` (supersampling factor), ``frame``, ``header_px``, ``_img``,
    ``_font_choice``, ``_ink``, ``_overlays``, ``metres_per_px``, ``project`` and ``_marker``.
    """

    # -- overlays (drawn by png()) ------------------------------------------------------------

    def label(
        self,
        lon: float,
        lat: float,
        text: str,
        size_px: int = 12,
        colour: Colour = INK,
        placements: Sequence[str] = ("right", "left", "above", "below"),
        offset_px: float = 7,
        priority: int = 0,
        bold: bool = False,
    ) -> None:
        """Queue a text label at (lon, lat), haloed in white.

        ``placements`` are tried in order ("centre", "right", "left", "above", "below"); the first
        that overlaps neither an overlay nor an earlier label wins. Higher ``priority`` places first.
        """
        x, y = self.project(lon, lat)
        self._overlays.labels.append(
            _Label(x * self._ss, y * self._ss, text, size_px, colour, tuple(placements), offset_px, priority, bold)
        )

    def legend(self, entries: Sequence[tuple[str, MarkerStyle | Swatch | RampKey]], title: str | None = None) -> None:
        """A key in the map corner with the least drawn on it (entries are drawn top to bottom)."""
        self._overlays.legend = (tuple(entries), title)

    def scale_bar(self) -> None:
        """A scale bar, bottom left: a round number of metres or km about a fifth of the map wide."""
        self._overlays.scale_bar = True

    def north_arrow(self) -> None:
        """A small north arrow, top right of the map."""
        self._overlays.north_arrow = True

    def title(self, text: str, subtitle: str | None = None) -> None:
        """A title (and a smaller subtitle) in the header band, or top left of the map without one."""
        self._overlays.title = (text, subtitle)

    # -- overlay drawing (supersampled pixel space) ---------------------------------------------

    def _text(self, draw, xy, text, size_px, colour=INK, anchor="la", halo=True, bold=False):
        text = drawable_text(self._font_choice, text)
        if not text:
            return None
        font = font_at(self._font_choice, round(size_px * self._ss))
        stroke = 0
        if halo:
            stroke = round(2.2 * self._ss)
            draw.text(xy, text, font=font, fill=HALO, anchor=anchor, stroke_width=stroke, stroke_fill=HALO)
        # Noto CJK ships one weight here; a thin stroke in the text colour stands in for bold.
        draw.text(xy, text, font=font, fill=tuple(colour), anchor=anchor, stroke_width=1 if bold else 0, stroke_fill=tuple(colour))
        return draw.textbbox(xy, text, font=font, anchor=anchor, stroke_width=stroke)

    def _text_size(self, text, size_px):
        text = drawable_text(self._font_choice, text)
        if not text:
            return 0, 0
        font = font_at(self._font_choice, round(size_px * self._ss))
        left, top, right, bottom = font.getbbox(text)
        return right - left, bottom - top

    def _panel(self, draw, box):
        draw.rounded_rectangle(box, radius=4 * self._ss, fill=(255, 255, 255, 230), outline=(150, 150, 150), width=self._ss)

    def _draw_text_box(self, draw, text, size_px):
        """A small note in the bottom right corner of the map."""
        ss = self._ss
        w, h = self._text_size(text, size_px)
        x1, y1 = self.frame[2] * ss - 4 * ss, self.frame[3] * ss - 4 * ss
        box = (x1 - w - 8 * ss, y1 - h - 8 * ss, x1, y1)
        self._panel(draw, box)
        self._text(draw, (box[0] + 4 * ss, box[1] + 4 * ss), text, size_px, colour=(160, 0, 0), anchor="lt", halo=False)
        return box

    def _draw_title(self, draw, text, subtitle):
        ss = self._ss
        x = self.frame[0] * ss
        if self.header_px:
            draw.rectangle((0, 0, self._img.width, self.header_px * ss), fill=(255, 255, 255))
            draw.line((0, self.header_px * ss, self._img.width, self.header_px * ss), fill=(190, 190, 190), width=ss)
            size = min(20, max(11, round(self.header_px * (0.36 if subtitle else 0.45))))
            y = (self.header_px * (0.18 if subtitle else 0.5)) * ss
            box = self._text(draw, (x, y), text, size, anchor="lt" if subtitle else "lm", halo=False, bold=True)
            if subtitle and box:
                self._text(draw, (x, box[3] + 4 * ss), subtitle, max(9, round(size * 0.62)), colour=(90, 90, 90), anchor="lt", halo=False)
            return (0, 0, self._img.width, self.header_px * ss)
        y = (self.frame[1] + 4) * ss
        w, h = self._text_size(text, 14)
        w2, h2 = self._text_size(subtitle, 10) if subtitle else (0, 0)
        box = (x, self.frame[1] * ss, x + max(w, w2) + 12 * ss, y + h + (h2 + 6 * ss if subtitle else 0) + 8 * ss)
        self._panel(draw, box)
        self._text(draw, (x + 6 * ss, y), text, 14, anchor="lt", halo=False, bold=True)
        if subtitle:
            self._text(draw, (x + 6 * ss, y + h + 6 * ss), subtitle, 10, colour=(90, 90, 90), anchor="lt", halo=False)
        return box

    def _draw_north_arrow(self, draw):
        ss = self._ss
        cx = (self.frame[2] - 18) * ss
        top = (self.frame[1] + 8) * ss
        h, w = 26 * ss, 9 * ss
        tip, base = (cx, top + 12 * ss), top + 12 * ss + h
        box = (cx - w - 6 * ss, top - 3 * ss, cx + w + 6 * ss, base + 4 * ss)
        self._panel(draw, box)
        draw.polygon([tip, (cx - w, base), (cx, base - 7 * ss)], fill=INK)
        draw.polygon([tip, (cx + w, base), (cx, base - 7 * ss)], fill=(255, 255, 255), outline=INK, width=ss)
        self._text(draw, (cx, top), "N", 11, anchor="mt", halo=False, bold=True)
        return box

    def _draw_scale_bar(self, draw, avoid):
        ss = self._ss
        frame_w = self.frame[2] - self.frame[0]
        m_per_px = self.metres_per_px
        length_m = _nice_length_m(m_per_px * frame_w * 0.22)
        bar_px = length_m / m_per_px
        if bar_px > frame_w * 0.6:  # the map is narrower than a metre-scale bar would need
            length_m, bar_px = 1.0, 1.0 / m_per_px
        end_w, text_h = self._text_size(format_length(length_m), 10)
        pad, bar_h = 8 * ss, 5 * ss
        w = bar_px * ss + max(end_w / 2, 4 * ss) + 2 * pad
        h = text_h + 15 * ss + bar_h
        gap = 8 * ss
        f = [v * ss for v in self.frame]
        x, y = self._pick_corner(w, h, [(f[0] + gap, f[3] - gap - h), (f[2] - gap - w, f[3] - gap - h)], avoid)
        box = (x, y, x + w, y + h)
        self._panel(draw, box)
        x0, y1 = x + pad, y + h - 5 * ss
        y0 = y1 - bar_h
        halves = 2 if bar_px > 40 else 1
        step = bar_px * ss / halves
        for i in range(halves):
            draw.rectangle(
                (x0 + i * step, y0, x0 + (i + 1) * step, y1), fill=INK if i % 2 == 0 else (255, 255, 255), outline=INK, width=ss
            )
        self._text(draw, (x0, y0 - 3 * ss), "0", 10, anchor="ms", halo=False)
        self._text(draw, (x0 + bar_px * ss, y0 - 3 * ss), format_length(length_m), 10, anchor="ms", halo=False)
        self.scale_bar_m = length_m
        return box

    def _pick_corner(self, w, h, candidates, avoid):
        """The candidate top-left corner whose w x h box clashes with no overlay and covers the
        fewest drawn things (ties: the first)."""
        ink = np.vstack(self._ink) * self._ss if self._ink else np.empty((0, 2))

        def cost(pos):
            x, y = pos
            box = (x, y, x + w, y + h)
            inside = ((ink[:, 0] >= x) & (ink[:, 0] <= x + w) & (ink[:, 1] >= y) & (ink[:, 1] <= y + h)).sum()
            return (any(_overlap(box, other) for other in avoid), int(inside))

        return min(candidates, key=cost)

    def _legend_size(self, entries, title):
        ss = self._ss
        row_h, key_w, pad = 18 * ss, 22 * ss, 8 * ss
        width = self._text_size(title, 12)[0] if title else 0
        height = pad * 2 + (row_h + 2 * ss if title else 0)
        for text, key in entries:
            w = self._text_size(text, 11)[0]
            if isinstance(key, RampKey):
                width = max(width, 130 * ss, w)
                height += row_h + 26 * ss
            else:
                width = max(width, key_w + w)
                height += row_h
        return width + 2 * pad, height

    def _draw_legend(self, draw, entries, title, avoid):
        ss = self._ss
        w, h = self._legend_size(entries, title)
        f = [v * ss for v in self.frame]
        gap = 8 * ss
        candidates = [
            (f[2] - gap - w, f[3] - gap - h),  # bottom right
            (f[0] + gap, f[1] + gap),  # top left
            (f[2] - gap - w, f[1] + gap),  # top right
            (f[0] + gap, f[3] - gap - h),  # bottom left
        ]
        x, y = self._pick_corner(w, h, candidates, avoid)
        box = (x, y, x + w, y + h)
        self._panel(draw, box)
        pad, row_h, key_w = 8 * ss, 18 * ss, 22 * ss
        cy = y + pad
        if title:
            self._text(draw, (x + pad, cy + row_h / 2), title, 12, anchor="lm", halo=False, bold=True)
            cy += row_h + 2 * ss
        for text, key in entries:
            mid = cy + row_h / 2
            kx = x + pad + key_w / 2 - 3 * ss
            if isinstance(key, MarkerStyle):
                self._marker(draw, kx, mid, key, 1 if key.shape == "numbered" else None)
                self._text(draw, (x + pad + key_w, mid), text, 11, anchor="lm", halo=False)
            elif isinstance(key, Swatch):
                draw.rectangle(
                    (kx - 7 * ss, mid - 5 * ss, kx + 7 * ss, mid + 5 * ss),
                    fill=tuple(key.fill) if key.fill else None,
                    outline=tuple(key.outline),
                    width=max(1, round(key.outline_px * ss)),
                )
                self._text(draw, (x + pad + key_w, mid), text, 11, anchor="lm", halo=False)
            else:
                self._text(draw, (x + pad, mid), text, 11, anchor="lm", halo=False)
                bar_x0, bar_x1 = x + pad, x + w - pad
                by0, by1 = cy + row_h + 2 * ss, cy + row_h + 12 * ss
                n = int(bar_x1 - bar_x0)
                for i in range(n):
                    c = colour_ramp(i / max(n - 1, 1), 1.0)
                    draw.line((bar_x0 + i, by0, bar_x0 + i, by1), fill=c)
                draw.rectangle((bar_x0, by0, bar_x1, by1), outline=(120, 120, 120), width=ss)
                self._text(draw, (bar_x0, by1 + 2 * ss), "0", 9, anchor="lt", halo=False)
                self._text(draw, (bar_x1, by1 + 2 * ss), f"{key.vmax:g}{key.unit}", 9, anchor="rt", halo=False)
                cy += 26 * ss
            cy += row_h
        return box

    def _draw_labels(self, draw, boxes) -> list:
        ss = self._ss
        placed = list(boxes)
        drawn = []
        frame = [v * ss for v in self.frame]
        self.dropped_labels = 0
        for lab in sorted(self._overlays.labels, key=lambda lab: -lab.priority):
            w, h = self._text_size(lab.text, lab.size_px)
            if not w:
                continue
            halo = 2.2 * ss
            off = lab.offset_px * ss
            for where in lab.placements:
                if where == "centre":
                    box = (lab.x - w / 2, lab.y - h / 2, lab.x + w / 2, lab.y + h / 2)
                elif where == "right":
                    box = (lab.x + off, lab.y - h / 2, lab.x + off + w, lab.y + h / 2)
                elif where == "left":
                    box = (lab.x - off - w, lab.y - h / 2, lab.x - off, lab.y + h / 2)
                elif where == "above":
                    box = (lab.x - w / 2, lab.y - off - h, lab.x + w / 2, lab.y - off)
                elif where == "below":
                    box = (lab.x - w / 2, lab.y + off, lab.x + w / 2, lab.y + off + h)
                else:
                    raise ValueError(f"placement must be centre/right/left/above/below, got {where!r}")
                box = (box[0] - halo, box[1] - halo, box[2] + halo, box[3] + halo)
                inside = box[0] >= frame[0] and box[1] >= frame[1] and box[2] <= frame[2] and box[3] <= frame[3]
                if inside and not any(_overlap(box, other) for other in placed):
                    self._text(draw, ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), lab.text, lab.size_px, lab.colour, anchor="mm", bold=lab.bold)
                    placed.append(box)
                    drawn.append(box)
                    break
            else:
                self.dropped_labels += 1
        return drawn


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
