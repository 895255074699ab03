"""Colours and marker styles of the maps: the palettes (Okabe-Ito, ColorBrewer YlOrRd), the
ink and land colours, ``MarkerStyle``, the legend keys ``Swatch`` and ``RampKey``, the default
station and site markers, and ``colour_ramp`` for shading demand."""

from __future__ import annotations

import math
from dataclasses import dataclass

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
Colour = RGB | RGBA

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
