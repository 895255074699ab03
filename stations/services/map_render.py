"""Static PNG maps drawn offline with Pillow: no tile server, no Django.

Used by the admin's station preview and the planners' coverage map. Everything is drawn at
``SUPERSAMPLE`` times the output size and downsampled (``DOWNSAMPLE``), which gives anti-aliased
lines, markers and text without a vector back end.

Coordinates are ``(lon, lat)`` degrees in whatever system the caller draws in (WGS-84 in this
project: convert GCJ-02 boundaries with ``geodata.coords.to_wgs84`` first). The projection is
equirectangular with longitudes scaled by cos(mid-latitude): at city scale (< ~100 km) shapes
and distances look right (error well under 1 %), north is up and east is right.

Titles and labels are Chinese; stations.services.map_fonts picks the font (MAP_FONT_PATH, the
bundled Noto Sans CJK, fontconfig, ...). Without a CJK font every map says so in its corner.

Public API: ``MapCanvas``, ``MarkerStyle``, ``Swatch``, ``RampKey``, ``colour_ramp``,
``label_point``, ``station_preview_png``, ``planning_map_png``, ``map_font``, ``STATION_STYLES``,
``SITE_STYLE``.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import shapely
from PIL import Image, ImageDraw
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from geodata.distance import haversine_m
from geodata.errors import InvalidCoordinate
from stations.services.map_fonts import FontChoice, drawable_text, font_at, map_font  # noqa: F401 (FontChoice: part of this module's API)

log = logging.getLogger(__name__)

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
Colour = RGB | RGBA

SUPERSAMPLE = 2
# At an exact 2x factor the box filter (Image.reduce) looks the same as LANCZOS on these maps
# (compared side by side) and is about 10x faster: 22 ms against 287 ms for a 2400x2800 picture.
DOWNSAMPLE = Image.Resampling.BOX
# Mean metres per degree of latitude (WGS-84 meridian arc / 90°, 10 001 966 m / 90).
M_PER_DEG_LAT = 111_132.954
MIN_WIDTH_PX, MAX_WIDTH_PX = 64, 4096
# Bounds narrower than this (a single point, a degenerate polygon) are widened around their
# centre so the map still has a sensible scale.
MIN_EXTENT_M = 400.0

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency. Cool hues for stations, so they stand out on the warm demand ramp below.
OKABE_ITO = {
    "blue": (0, 114, 178),
    "bluish_green": (0, 158, 115),
    "sky_blue": (86, 180, 233),
    "vermillion": (213, 94, 0),
    "reddish_purple": (204, 121, 167),
    "orange": (230, 159, 0),
}
# ColorBrewer 2.0 "YlOrRd", 7 classes (Brewer, Harrower & Penn State, colorbrewer2.org):
# a sequential ramp from light yellow (little uncovered demand) to dark red (a lot).
YLORRD_7: tuple[RGB, ...] = (
    (255, 255, 178),
    (254, 217, 118),
    (254, 178, 76),
    (253, 141, 60),
    (252, 78, 42),
    (227, 26, 28),
    (177, 0, 38),
)

BACKGROUND: RGB = (228, 236, 242)  # light blue-grey: outside every outline (often sea here)
LAND: RGB = (250, 250, 246)
INK: RGB = (40, 40, 40)
OUTLINE: RGB = (90, 90, 90)
HALO: RGB = (255, 255, 255)

SHAPES = ("circle", "square", "triangle", "diamond", "numbered")


@dataclass(frozen=True)
class MarkerStyle:
    """How a point is drawn. Sizes are output pixels."""

    colour: Colour
    radius_px: float = 4.5
    shape: str = "circle"  # one of SHAPES; "numbered" is a disc with a number in it
    outline: Colour = (255, 255, 255)
    outline_px: float = 1.2

    def __post_init__(self):
        if self.shape not in SHAPES:
            raise ValueError(f"shape must be one of {', '.join(SHAPES)}, got {self.shape!r}")
        if not (math.isfinite(self.radius_px) and 0 < self.radius_px <= 100):
            raise ValueError(f"radius_px must be in (0, 100], got {self.radius_px!r}")


@dataclass(frozen=True)
class Swatch:
    """A legend key for areas: a filled rectangle with an outline."""

    fill: Colour | None
    outline: Colour = OUTLINE
    outline_px: float = 1.5


@dataclass(frozen=True)
class RampKey:
    """A legend key for ``colour_ramp``: a gradient bar labelled 0 .. vmax."""

    vmax: float
    unit: str = ""


STATION_STYLES: dict[str, MarkerStyle] = {
    "rest_station": MarkerStyle(OKABE_ITO["blue"], 4.5, "circle"),
    "driver_home": MarkerStyle(OKABE_ITO["bluish_green"], 4.5, "square"),
    "charging_point": MarkerStyle(OKABE_ITO["sky_blue"], 5.0, "triangle", outline=(20, 60, 90)),
}
SITE_STYLE = MarkerStyle((30, 30, 30), 9.0, "numbered", outline=(255, 255, 255), outline_px=2.0)


# ---------------------------------------------------------------------------------------------
# Colour ramp


def colour_ramp(value: float, vmax: float, alpha: int = 255) -> RGBA:
    """The YlOrRd colour of ``value`` on a 0..``vmax`` scale (linear; clamped to the ends).

    >>> colour_ramp(0, 10)
    (255, 255, 178, 255)
    >>> colour_ramp(10, 10)
    (177, 0, 38, 255)
    """
    if not (math.isfinite(value) and math.isfinite(vmax)):
        raise ValueError(f"value and vmax must be finite numbers, got {value!r}, {vmax!r}")
    if vmax <= 0:
        raise ValueError(f"vmax must be > 0, got {vmax!r}")
    if not 0 <= alpha <= 255:
        raise ValueError(f"alpha must be between 0 and 255, got {alpha!r}")
    t = min(max(value / vmax, 0.0), 1.0) * (len(YLORRD_7) - 1)
    i = min(int(t), len(YLORRD_7) - 2)
    f = t - i
    a, b = YLORRD_7[i], YLORRD_7[i + 1]
    return (*(round(a[k] + (b[k] - a[k]) * f) for k in range(3)), alpha)


# ---------------------------------------------------------------------------------------------
# Geometry helpers


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


def _check_point(lon: float, lat: float) -> None:
    if not (isinstance(lon, (int, float)) and isinstance(lat, (int, float))):
        raise InvalidCoordinate(f"lon/lat must be numbers, got {lon!r}, {lat!r}")
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InvalidCoordinate(f"lon/lat must be finite numbers, got {lon!r}, {lat!r}")
    if not -90.0 <= lat <= 90.0:
        raise InvalidCoordinate(f"lat must be between -90 and 90, got {lat!r}")


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
# The canvas


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


class MapCanvas:
    """A map picture of ``bounds`` = (min_lon, min_lat, max_lon, max_lat), north up, east right.

    ``width_px`` is the output width. The height follows the bounds' aspect (plus margins and the
    header), unless ``height_px`` fixes it or ``max_height_px`` caps it; the bounds are then
    centred. ``header_px`` reserves a band at the top for ``title()``. ``min_lon > max_lon``
    means the bounds cross the antimeridian.

    Geometry (``polygon``, ``hexagon``, ``point``, ``points``) is drawn at once, in call order.
    Overlays (``label``, ``legend``, ``scale_bar``, ``north_arrow``, ``title``) are kept and drawn
    last by ``png()``, so they are always on top and labels can avoid the legend, the title, the
    scale bar and each other (a label that fits nowhere is left out; ``png()`` counts them in
    ``dropped_labels``).
    """

    def __init__(
        self,
        bounds: tuple[float, float, float, float],
        width_px: int,
        height_px: int | None = None,
        max_height_px: int | None = None,
        margin_px: int = 16,
        header_px: int = 0,
        background: Colour = BACKGROUND,
        font_path: str | None = None,
    ):
        if len(bounds) != 4:
            raise ValueError(f"bounds must be (min_lon, min_lat, max_lon, max_lat), got {bounds!r}")
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in bounds)
        for lon, lat in ((min_lon, min_lat), (max_lon, max_lat)):
            _check_point(lon, lat)
        if min_lat > max_lat:
            raise ValueError(f"bounds: min_lat must be <= max_lat, got {min_lat} > {max_lat}")
        if not (isinstance(width_px, int) and MIN_WIDTH_PX <= width_px <= MAX_WIDTH_PX):
            raise ValueError(f"width_px must be an integer between {MIN_WIDTH_PX} and {MAX_WIDTH_PX}, got {width_px!r}")
        for name, value in (("height_px", height_px), ("max_height_px", max_height_px)):
            if value is not None and not (isinstance(value, int) and MIN_WIDTH_PX <= value <= MAX_WIDTH_PX):
                raise ValueError(f"{name} must be an integer between {MIN_WIDTH_PX} and {MAX_WIDTH_PX}, got {value!r}")
        if not (0 <= margin_px and 0 <= header_px and 2 * margin_px + header_px < min(width_px, height_px or width_px) - 16):
            raise ValueError(f"margin_px={margin_px} and header_px={header_px} leave no room for the map")

        if max_lon < min_lon:  # crosses the antimeridian
            max_lon += 360.0
        self._cx = (min_lon + max_lon) / 2
        self._cy = (min_lat + max_lat) / 2
        self._k = max(math.cos(math.radians(self._cy)), 0.01)  # longitude squeeze at mid-latitude

        min_deg = MIN_EXTENT_M / M_PER_DEG_LAT
        ex = max((max_lon - min_lon) * self._k, min_deg)  # extents in "degrees of latitude"
        ey = max(max_lat - min_lat, min_deg)
        avail_w = width_px - 2 * margin_px
        if height_px is None:
            height_px = round(header_px + 2 * margin_px + ey * avail_w / ex)
            height_px = min(max(height_px, header_px + 2 * margin_px + 32), max_height_px or MAX_WIDTH_PX)
        avail_h = height_px - header_px - 2 * margin_px
        self._s = min(avail_w / ex, avail_h / ey)  # output pixels per degree of latitude

        self.width_px, self.height_px = width_px, height_px
        self.margin_px, self.header_px = margin_px, header_px
        self.frame = (margin_px, header_px + margin_px, width_px - margin_px, height_px - margin_px)
        self._ox = (self.frame[0] + self.frame[2]) / 2
        self._oy = (self.frame[1] + self.frame[3]) / 2

        self._ss = SUPERSAMPLE
        self._img = Image.new("RGB", (width_px * self._ss, height_px * self._ss), background[:3])
        self._draw = ImageDraw.Draw(self._img, "RGBA")
        self._font_choice = map_font(font_path)
        self.font = self._font_choice  # which font text is drawn with (FontChoice; .cjk says if Chinese shows)
        self._overlays = _Overlays()
        self._ink: list[np.ndarray] = []  # projected positions of drawn things, to place the legend
        self.dropped_labels = 0
        self.overlay_boxes: dict[str, tuple[float, float, float, float]] = {}
        self.label_boxes: list[tuple[float, float, float, float]] = []

    # -- projection ---------------------------------------------------------------------------

    @property
    def metres_per_px(self) -> float:
        """Ground metres per output pixel, east-west at the map's centre."""
        return haversine_m(*self.unproject(self._ox - 50, self._oy), *self.unproject(self._ox + 50, self._oy)) / 100

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        """(x, y) output pixels of a (lon, lat); y grows downwards."""
        _check_point(lon, lat)
        xy = self._project_array(np.array([[lon, lat]], dtype=float))[0]
        return float(xy[0]) / self._ss, float(xy[1]) / self._ss

    def unproject(self, x_px: float, y_px: float) -> tuple[float, float]:
        """(lon, lat) of an output pixel position: the inverse of ``project``."""
        lon = self._cx + (x_px - self._ox) / (self._s * self._k)
        lat = self._cy - (y_px - self._oy) / self._s
        return ((lon + 180.0) % 360.0) - 180.0, lat

    def _project_array(self, lonlat: np.ndarray) -> np.ndarray:
        """(n, 2) lon/lat -> (n, 2) supersampled pixels."""
        if lonlat.size and not np.isfinite(lonlat).all():
            raise InvalidCoordinate("coordinates must be finite numbers (found NaN or infinity)")
        lon = (lonlat[:, 0] - self._cx + 180.0) % 360.0 - 180.0  # unwrap across the antimeridian
        out = np.empty_like(lonlat, dtype=float)
        out[:, 0] = (self._ox + lon * self._k * self._s) * self._ss
        out[:, 1] = (self._oy - (lonlat[:, 1] - self._cy) * self._s) * self._ss
        return out

    # -- geometry -----------------------------------------------------------------------------

    def polygon(
        self,
        geom: BaseGeometry,
        outline: Colour | None = OUTLINE,
        fill: Colour | None = None,
        width_px: float = 1.5,
    ) -> None:
        """Draw a shapely Polygon or MultiPolygon (holes are left unfilled). Empty: nothing."""
        if geom.is_empty:
            return
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise ValueError(f"polygon() draws Polygon or MultiPolygon, got {geom.geom_type}")
        if not np.isfinite(shapely.get_coordinates(geom)).all():
            raise InvalidCoordinate("polygon coordinates must be finite numbers (found NaN or infinity)")
        geom = self.simplify(geom)
        for part in getattr(geom, "geoms", [geom]):
            rings = [self._project_array(shapely.get_coordinates(part.exterior))]
            rings += [self._project_array(shapely.get_coordinates(r)) for r in part.interiors]
            self._ink.append(rings[0][:: max(1, len(rings[0]) // 64)] / self._ss)
            if fill is not None:
                self._fill_rings(rings, fill)
            if outline is not None:
                for ring in rings:
                    self._line(ring, outline, width_px)

    def simplify(self, geom: BaseGeometry) -> BaseGeometry:
        """``geom`` without the vertices closer than half an output pixel (they add only time)."""
        if geom.is_empty:
            return geom
        simple = shapely.simplify(geom, 0.5 / self._s, preserve_topology=True)
        return geom if simple.is_empty else simple

    def hexagon(self, ring: Sequence[tuple[float, float]], fill: Colour, outline: Colour | None = None) -> None:
        """Fill a closed (lon, lat) ring (an H3 cell's boundary, say) with ``fill``."""
        xy = self._project_array(np.asarray(ring, dtype=float).reshape(-1, 2))
        if len(xy) < 3:
            raise ValueError(f"a ring needs at least 3 points, got {len(xy)}")
        self._ink.append(xy.mean(axis=0, keepdims=True) / self._ss)
        self._draw.polygon([tuple(p) for p in xy], fill=tuple(fill))
        if outline is not None:
            self._line(np.vstack([xy, xy[:1]]), outline, 0.6)

    def point(self, lon: float, lat: float, style: MarkerStyle, number: int | None = None) -> tuple[float, float]:
        """Draw a marker; ``number`` goes inside a "numbered" marker. Returns its (x, y) pixels."""
        x, y = self.project(lon, lat)
        self._marker(self._draw, x * self._ss, y * self._ss, style, number)
        self._ink.append(np.array([[x, y]]))
        return x, y

    def points(self, lonlat: Iterable[tuple[float, float]], style: MarkerStyle) -> int:
        """Draw many markers of one style (faster than ``point`` in a loop). Returns the count."""
        arr = np.asarray(list(lonlat), dtype=float).reshape(-1, 2)
        if arr.size and (np.abs(arr[:, 1]) > 90).any():
            raise InvalidCoordinate("lat must be between -90 and 90")
        xy = self._project_array(arr)
        for x, y in xy:
            self._marker(self._draw, x, y, style, None)
        if len(xy):
            self._ink.append(xy / self._ss)
        return len(xy)

    def _line(self, xy: np.ndarray, colour: Colour, width_px: float) -> None:
        if len(xy) < 2:
            return
        self._draw.line([tuple(p) for p in xy], fill=tuple(colour), width=max(1, round(width_px * self._ss)), joint="curve")

    def _fill_rings(self, rings: list[np.ndarray], fill: Colour) -> None:
        if len(rings) == 1:
            self._draw.polygon([tuple(p) for p in rings[0]], fill=tuple(fill))
            return
        # With holes: a mask limited to the part's box (the exterior, minus the holes).
        lo = np.floor(rings[0].min(axis=0)).astype(int)
        hi = np.ceil(rings[0].max(axis=0)).astype(int) + 1
        lo = np.maximum(lo, 0)
        hi = np.minimum(hi, self._img.size)
        if (hi <= lo).any():
            return
        alpha = fill[3] if len(fill) == 4 else 255
        mask = Image.new("L", tuple(hi - lo), 0)
        mdraw = ImageDraw.Draw(mask)
        mdraw.polygon([tuple(p - lo) for p in rings[0]], fill=alpha)
        for hole in rings[1:]:
            mdraw.polygon([tuple(p - lo) for p in hole], fill=0)
        self._img.paste(Image.new("RGB", mask.size, tuple(fill[:3])), (int(lo[0]), int(lo[1])), mask)

    def _marker(self, draw, x: float, y: float, style: MarkerStyle, number: int | None) -> None:
        r = style.radius_px * self._ss
        o = style.outline_px * self._ss
        if style.shape in ("circle", "numbered"):
            draw.ellipse((x - r - o, y - r - o, x + r + o, y + r + o), fill=tuple(style.outline))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(style.colour))
            if style.shape == "numbered" and number is not None:
                text = str(number)
                size = round(r * (1.25 if len(text) == 1 else 1.0 if len(text) == 2 else 0.8))
                font = font_at(self._font_choice, size)
                draw.text((x, y + 0.05 * size), text, fill=tuple(style.outline), font=font, anchor="mm")
            return
        if style.shape == "square":
            s = r * 0.9
            draw.rectangle((x - s - o, y - s - o, x + s + o, y + s + o), fill=tuple(style.outline))
            draw.rectangle((x - s, y - s, x + s, y + s), fill=tuple(style.colour))
            return
        if style.shape == "triangle":
            rr = r * 1.25

            def tri(q):
                return [(x, y - q), (x + q * 0.866, y + q * 0.5), (x - q * 0.866, y + q * 0.5)]

            draw.polygon(tri(rr + 2 * o), fill=tuple(style.outline))
            draw.polygon(tri(rr), fill=tuple(style.colour))
            return
        rr = r * 1.2  # diamond

        def dia(q):
            return [(x, y - q), (x + q, y), (x, y + q), (x - q, y)]

        draw.polygon(dia(rr + 1.4 * o), fill=tuple(style.outline))
        draw.polygon(dia(rr), fill=tuple(style.colour))

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

    # -- output -------------------------------------------------------------------------------

    def image(self) -> Image.Image:
        """The finished picture (RGB, ``width_px`` x ``height_px``), overlays drawn."""
        img = self._img.copy()
        draw = ImageDraw.Draw(img, "RGBA")
        ss = self._ss
        named: dict[str, tuple[float, float, float, float]] = {}
        if self._overlays.title:
            named["title"] = self._draw_title(draw, *self._overlays.title)
        if self._overlays.north_arrow:
            named["north_arrow"] = self._draw_north_arrow(draw)
        if not self._font_choice.cjk:
            named["font_note"] = self._draw_text_box(draw, "no CJK font: set MAP_FONT_PATH", 9)
        if self._overlays.scale_bar:
            named["scale_bar"] = self._draw_scale_bar(draw, list(named.values()))
        if self._overlays.legend:
            named["legend"] = self._draw_legend(draw, *self._overlays.legend, avoid=list(named.values()))
        labels = self._draw_labels(draw, list(named.values()))
        # Where things went, in output pixels (x0, y0, x1, y1): for tests and callers' image maps.
        self.overlay_boxes = {k: tuple(v / ss for v in box) for k, box in named.items()}
        self.label_boxes = [tuple(v / ss for v in box) for box in labels]
        if ss == 1:
            return img
        if DOWNSAMPLE == Image.Resampling.BOX:
            return img.reduce(ss)
        return img.resize((self.width_px, self.height_px), DOWNSAMPLE)

    def png(self) -> bytes:
        """The finished picture as PNG bytes."""
        buf = io.BytesIO()
        self.image().save(buf, format="PNG", compress_level=6)
        return buf.getvalue()

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
        l, t, r, b = font.getbbox(text)
        return r - l, b - t

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


# ---------------------------------------------------------------------------------------------
# The two pictures the project needs


def station_preview_png(
    lon: float,
    lat: float,
    outline_geom: BaseGeometry | None = None,
    label: str | None = None,
    size: tuple[int, int] = (360, 260),
    font_path: str | None = None,
    outline_name: str | None = None,
) -> bytes:
    """The admin's location preview: the station on its district outline, with a scale bar.

    Without an outline (or with an empty one) the map is a neutral frame about 2 km across
    around the point. ``label`` (the station's name, say) is written beside the point and
    ``outline_name`` (the district's) in grey inside the outline, where it finds room.
    """
    _check_point(lon, lat)
    marker = MarkerStyle(OKABE_ITO["vermillion"], 6.0, "circle", outline=(255, 255, 255), outline_px=2.0)
    if outline_geom is not None and not outline_geom.is_empty:
        minx, miny, maxx, maxy = outline_geom.bounds
        bounds = (min(minx, lon), min(miny, lat), max(maxx, lon), max(maxy, lat))
        canvas = MapCanvas(bounds, size[0], height_px=size[1], margin_px=10, font_path=font_path)
        if outline_geom.geom_type in ("Polygon", "MultiPolygon"):
            canvas.polygon(outline_geom, outline=OUTLINE, fill=LAND, width_px=1.5)
            if outline_name:
                canvas.label(*label_point(outline_geom), outline_name, size_px=11, colour=(120, 120, 120),
                             placements=("centre", "above", "below"), priority=1)
    else:
        half_lat = 1000 / M_PER_DEG_LAT
        half_lon = half_lat / max(math.cos(math.radians(lat)), 0.01)
        bounds = (lon - half_lon, max(lat - half_lat, -90), lon + half_lon, min(lat + half_lat, 90))
        canvas = MapCanvas(bounds, size[0], height_px=size[1], margin_px=10, background=(242, 242, 238), font_path=font_path)
        x, y = canvas.project(lon, lat)
        ss = canvas._ss
        for d in (-1, 1):  # faint crosshair so the frame is not empty
            canvas._draw.line(((x + d * 14) * ss, y * ss, (x + d * 60) * ss, y * ss), fill=(200, 200, 195), width=ss)
            canvas._draw.line((x * ss, (y + d * 14) * ss, x * ss, (y + d * 60) * ss), fill=(200, 200, 195), width=ss)
    canvas.point(lon, lat, marker)
    if label:
        canvas.label(lon, lat, label, size_px=12, offset_px=10, priority=10)
    canvas.scale_bar()
    canvas.north_arrow()
    return canvas.png()


# The planning map's fixed words; the English ones are used when no CJK font is found.
LEGEND_WORDS = {
    "zh": {
        "kinds": {"rest_station": "驿站", "driver_home": "司机之家", "charging_point": "充电站点"},
        "sites": "建议新站点",
        "demand": "未覆盖需求",
        "legend": "图例",
    },
    "en": {
        "kinds": {"rest_station": "Rest station", "driver_home": "Driver home", "charging_point": "Charging point"},
        "sites": "Suggested site",
        "demand": "Uncovered demand",
        "legend": "Legend",
    },
}


@dataclass(frozen=True)
class District:
    name: str
    geom: BaseGeometry  # WGS-84
    highlight: bool = False


def planning_map_png(
    districts: Sequence[District],
    stations: Iterable[tuple[float, float, str]] = (),
    hexes: Iterable[tuple[Sequence[tuple[float, float]], float]] = (),
    sites: Sequence[tuple[float, float]] = (),
    title: str = "",
    subtitle: str | None = None,
    width_px: int = 1200,
    max_height_px: int = 1400,
    bounds: tuple[float, float, float, float] | None = None,
    kind_labels: dict[str, str] | None = None,
    demand_label: str = "未覆盖需求",
    font_path: str | None = None,
) -> bytes:
    """The planners' coverage map.

    ``districts`` are outlined and named; ``stations`` are (lon, lat, kind) drawn by kind
    (``STATION_STYLES``); ``hexes`` are (ring, uncovered demand) shaded with ``colour_ramp``
    (cells with no uncovered demand are not drawn); ``sites`` are suggested new sites, numbered
    from 1 in the order given. ``bounds`` defaults to the highlighted districts (else all).
    All coordinates are WGS-84 (lon, lat).
    """
    hexes = [(ring, float(v)) for ring, v in hexes]
    if bounds is None:
        focus = [d.geom for d in districts if d.highlight] or [d.geom for d in districts]
        if not focus:
            raise ValueError("planning_map_png needs districts or explicit bounds")
        minx, miny, maxx, maxy = shapely.union_all(focus).bounds
        pad = 0.03 * max(maxx - minx, maxy - miny)  # a little of the surroundings
        bounds = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    canvas = MapCanvas(bounds, width_px, max_height_px=max_height_px, margin_px=14, header_px=58, font_path=font_path)
    # Each outline is drawn twice (land under the hexes, lines over them): simplify it once.
    districts = [replace(d, geom=canvas.simplify(d.geom)) for d in districts]
    for d in districts:
        canvas.polygon(d.geom, outline=None, fill=LAND)
    vmax = max((v for _, v in hexes), default=0.0)
    if vmax > 0:
        for ring, value in hexes:
            if value > 0:
                canvas.hexagon(ring, colour_ramp(value, vmax, alpha=215))
    for d in districts:
        canvas.polygon(d.geom, outline=(60, 60, 60) if d.highlight else (125, 125, 125), width_px=2.2 if d.highlight else 1.2)
    by_kind: dict[str, list[tuple[float, float]]] = {}
    for lon, lat, kind in stations:
        by_kind.setdefault(kind, []).append((lon, lat))
    styles = {k: STATION_STYLES.get(k, MarkerStyle((110, 110, 110), 4.0, "diamond")) for k in by_kind}
    # Thousands of markers at full size hide the map: shrink them as the count grows.
    minx, miny, maxx, maxy = bounds
    n = sum(1 for pts in by_kind.values() for lon, lat in pts if minx <= lon <= maxx and miny <= lat <= maxy)
    shrink = 1.0 if n < 400 else 0.8 if n < 2000 else 0.65
    styles = {k: replace(st, radius_px=st.radius_px * shrink, outline_px=st.outline_px * max(shrink, 0.8)) for k, st in styles.items()}
    for kind in sorted(by_kind, key=lambda k: -len(by_kind[k])):  # the rarest kinds on top
        canvas.points(by_kind[kind], styles[kind])
    for number, (lon, lat) in enumerate(sites, start=1):
        canvas.point(lon, lat, SITE_STYLE, number=number)
    for d in districts:
        if not d.geom.is_empty:
            lon, lat = label_point(d.geom)
            canvas.label(
                lon, lat, d.name, size_px=16 if d.highlight else 13, colour=INK if d.highlight else (70, 70, 70),
                placements=("centre", "below", "above"), priority=5 if d.highlight else 1, bold=d.highlight,
            )
    words = LEGEND_WORDS["zh" if canvas.font.cjk else "en"]  # English only where Chinese cannot be drawn
    labels = {**words["kinds"], **(kind_labels if canvas.font.cjk and kind_labels else {})}
    entries: list[tuple[str, MarkerStyle | Swatch | RampKey]] = [
        (f"{labels.get(k, k)} ({len(by_kind[k])})", styles[k]) for k in sorted(by_kind)
    ]
    if sites:
        entries.append((f"{words['sites']} ({len(sites)})", SITE_STYLE))
    if vmax > 0:
        entries.append((demand_label if canvas.font.cjk else words["demand"], RampKey(round(vmax, 1))))
    if entries:
        canvas.legend(entries, title=words["legend"])
    canvas.title(title, subtitle)
    canvas.scale_bar()
    canvas.north_arrow()
    return canvas.png()
