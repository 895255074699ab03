"""The two whole pictures the project needs: the admin's station preview and the planners'
coverage map."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import shapely
from shapely.geometry.base import BaseGeometry

from mapdraw.canvas import M_PER_DEG_LAT, MapCanvas, _check_point
from mapdraw.overlays import label_point
from mapdraw.style import INK, LAND, OKABE_ITO, OUTLINE, SITE_STYLE, STATION_STYLES, MarkerStyle, RampKey, Swatch, colour_ramp

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


# The planning map's fixed words; the English ones are used when no CJK font is found. The
# station kinds' names are the caller's (kind_labels): mapdraw holds no vocabulary.
LEGEND_WORDS = {
    "zh": {
        "sites": "建议新站点",
        "demand": "未覆盖需求",
        "legend": "图例",
    },
    "en": {
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
    kind_labels: Mapping[str, str] | None = None,
    kind_labels_en: Mapping[str, str] | None = None,
    kind_styles: Mapping[str, MarkerStyle] = STATION_STYLES,
    demand_label: str = "未覆盖需求",
    font_path: str | None = None,
) -> bytes:
    """The planners' coverage map.

    ``districts`` are outlined and named; ``stations`` are (lon, lat, kind) drawn by kind
    (``kind_styles``, by default ``STATION_STYLES``; other kinds are grey diamonds) and named in
    the legend by ``kind_labels`` (kind code -> text), or by ``kind_labels_en`` when no CJK font
    is found (Pillow's built-in font draws no Chinese); a kind without a label shows its code.
    ``hexes`` are (ring, uncovered demand) shaded with ``colour_ramp`` (cells with no uncovered
    demand are not drawn); ``sites`` are suggested new sites, numbered from 1 in the order given.
    ``bounds`` defaults to the highlighted districts (else all). All coordinates are WGS-84
    (lon, lat).
    """
    hexes = [(ring, float(v)) for ring, v in hexes]
    if bounds is None:
        bounds = _focus_bounds(districts)
    canvas = MapCanvas(bounds, width_px, max_height_px=max_height_px, margin_px=14, header_px=58, font_path=font_path)
    # Each outline is drawn twice (land under the hexes, lines over them): simplify it once.
    districts = [replace(d, geom=canvas.simplify(d.geom)) for d in districts]
    for d in districts:
        canvas.polygon(d.geom, outline=None, fill=LAND)
    vmax = _shade_hexes(canvas, hexes)
    for d in districts:
        canvas.polygon(d.geom, outline=(60, 60, 60) if d.highlight else (125, 125, 125), width_px=2.2 if d.highlight else 1.2)
    by_kind = _stations_by_kind(stations)
    styles = _station_styles(by_kind, bounds, kind_styles)
    for kind in sorted(by_kind, key=lambda k: -len(by_kind[k])):  # the rarest kinds on top
        canvas.points(by_kind[kind], styles[kind])
    for number, (lon, lat) in enumerate(sites, start=1):
        canvas.point(lon, lat, SITE_STYLE, number=number)
    _label_districts(canvas, districts)
    _planning_legend(canvas, by_kind, styles, len(sites), vmax, kind_labels, kind_labels_en, demand_label)
    canvas.title(title, subtitle)
    canvas.scale_bar()
    canvas.north_arrow()
    return canvas.png()


def _focus_bounds(districts: Sequence[District]) -> tuple[float, float, float, float]:
    """The highlighted districts' bounds (else all districts'), with a little of the surroundings."""
    focus = [d.geom for d in districts if d.highlight] or [d.geom for d in districts]
    if not focus:
        raise ValueError("planning_map_png needs districts or explicit bounds")
    minx, miny, maxx, maxy = shapely.union_all(focus).bounds
    pad = 0.03 * max(maxx - minx, maxy - miny)  # a little of the surroundings
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def _shade_hexes(canvas: MapCanvas, hexes: Sequence[tuple[Sequence[tuple[float, float]], float]]) -> float:
    """Shade the cells with uncovered demand on one ramp; returns its top (0: nothing shaded)."""
    vmax = max((v for _, v in hexes), default=0.0)
    if vmax > 0:
        for ring, value in hexes:
            if value > 0:
                canvas.hexagon(ring, colour_ramp(value, vmax, alpha=215))
    return vmax


def _stations_by_kind(stations: Iterable[tuple[float, float, str]]) -> dict[str, list[tuple[float, float]]]:
    by_kind: dict[str, list[tuple[float, float]]] = {}
    for lon, lat, kind in stations:
        by_kind.setdefault(kind, []).append((lon, lat))
    return by_kind


def _station_styles(by_kind: dict[str, list[tuple[float, float]]], bounds, kind_styles: Mapping[str, MarkerStyle]) -> dict[str, MarkerStyle]:
    """Each kind's marker (a grey diamond for kinds ``kind_styles`` lacks), shrunk on busy maps."""
    styles = {k: kind_styles.get(k, MarkerStyle((110, 110, 110), 4.0, "diamond")) for k in by_kind}
    # Thousands of markers at full size hide the map: shrink them as the count grows.
    minx, miny, maxx, maxy = bounds
    n = sum(1 for pts in by_kind.values() for lon, lat in pts if minx <= lon <= maxx and miny <= lat <= maxy)
    shrink = 1.0 if n < 400 else 0.8 if n < 2000 else 0.65
    return {k: replace(st, radius_px=st.radius_px * shrink, outline_px=st.outline_px * max(shrink, 0.8)) for k, st in styles.items()}


def _label_districts(canvas: MapCanvas, districts: Sequence[District]) -> None:
    for d in districts:
        if not d.geom.is_empty:
            lon, lat = label_point(d.geom)
            canvas.label(
                lon, lat, d.name, size_px=16 if d.highlight else 13, colour=INK if d.highlight else (70, 70, 70),
                placements=("centre", "below", "above"), priority=5 if d.highlight else 1, bold=d.highlight,
            )


def _planning_legend(canvas, by_kind, styles, site_count, vmax, kind_labels, kind_labels_en, demand_label) -> None:
    """The key: each kind with its count, the suggested sites, the demand ramp."""
    words = LEGEND_WORDS["zh" if canvas.font.cjk else "en"]  # English only where Chinese cannot be drawn
    labels = (kind_labels if canvas.font.cjk else kind_labels_en) or {}  # a kind without one shows its code
    entries: list[tuple[str, MarkerStyle | Swatch | RampKey]] = [
        (f"{labels.get(k, k)} ({len(by_kind[k])})", styles[k]) for k in sorted(by_kind)
    ]
    if site_count:
        entries.append((f"{words['sites']} ({site_count})", SITE_STYLE))
    if vmax > 0:
        entries.append((demand_label if canvas.font.cjk else words["demand"], RampKey(round(vmax, 1))))
    if entries:
        canvas.legend(entries, title=words["legend"])
