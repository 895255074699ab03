"""Static PNG maps drawn offline with Pillow: no tile server, no Django.

A pure package beside ``geodata``: it may import geodata, numpy, shapely and Pillow, never
django, ninja or stations (the callers pass in whatever words the maps need).

Used by the admin's station preview and the planners' coverage map. Everything is drawn at
``SUPERSAMPLE`` times the output size and downsampled (``DOWNSAMPLE``), which gives anti-aliased
lines, markers and text without a vector back end.

Coordinates are ``(lon, lat)`` degrees in whatever system the caller draws in (WGS-84 in this
project: convert GCJ-02 boundaries with ``geodata.coords.to_wgs84`` first). The projection is
equirectangular with longitudes scaled by cos(mid-latitude): at city scale (< ~100 km) shapes
and distances look right (error well under 1 %), north is up and east is right.

Titles and labels are Chinese; mapdraw.fonts picks the font (MAP_FONT_PATH, the bundled Noto
Sans CJK, fontconfig, ...). Without a CJK font every map says so in its corner.

Modules: ``style`` (colours, marker styles, legend keys, the demand ramp), ``canvas``
(``MapCanvas``: projection, geometry, markers, output), ``overlays`` (labels and their placement,
legend, scale bar, north arrow, title), ``fonts`` (which font, what it can draw), ``pictures``
(the two whole pictures).

Public API: ``MapCanvas``, ``MarkerStyle``, ``Swatch``, ``RampKey``, ``colour_ramp``,
``label_point``, ``station_preview_png``, ``planning_map_png``, ``map_font``, ``STATION_STYLES``,
``SITE_STYLE``.
"""

from mapdraw.canvas import MapCanvas
from mapdraw.fonts import FontChoice, map_font
from mapdraw.overlays import label_point
from mapdraw.pictures import District, planning_map_png, station_preview_png
from mapdraw.style import SITE_STYLE, STATION_STYLES, MarkerStyle, RampKey, Swatch, colour_ramp

__all__ = [
    "SITE_STYLE",
    "STATION_STYLES",
    "District",
    "FontChoice",
    "MapCanvas",
    "MarkerStyle",
    "RampKey",
    "Swatch",
    "colour_ramp",
    "label_point",
    "map_font",
    "planning_map_png",
    "station_preview_png",
]
