"""``MapCanvas``: the picture, its projection, and the geometry and markers drawn on it.

The overlays (labels, legend, scale bar, north arrow, title) come from ``mapdraw.overlays``;
``image()`` and ``png()`` draw them last and downsample the supersampled picture.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence

import numpy as np
import shapely
from PIL import Image, ImageDraw
from shapely.geometry.base import BaseGeometry

from geodata.distance import haversine_m
from geodata.errors import InvalidCoordinate
from mapdraw.fonts import font_at, map_font
from mapdraw.overlays import OverlaysMixin, _Overlays
from mapdraw.style import BACKGROUND, OUTLINE, Colour, MarkerStyle

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


def _check_point(lon: float, lat: float) -> None:
    if not (isinstance(lon, (int, float)) and isinstance(lat, (int, float))):
        raise InvalidCoordinate(f"lon/lat must be numbers, got {lon!r}, {lat!r}")
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InvalidCoordinate(f"lon/lat must be finite numbers, got {lon!r}, {lat!r}")
    if not -90.0 <= lat <= 90.0:
        raise InvalidCoordinate(f"lat must be between -90 and 90, got {lat!r}")


# ---------------------------------------------------------------------------------------------
# The canvas


class MapCanvas(OverlaysMixin):
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
