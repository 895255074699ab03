"""A coarse grid of point counts, for guessing how far a k-nearest search must reach.

The guess only decides where the exact search starts (geodata.nearest): a wrong guess costs a
second round, never a wrong answer. Cells are the aligned Morton blocks of geodata.index at
``level`` (2^level columns over 360 degrees of longitude, 2^level rows over 180 of latitude),
so a database can count them with one ``GROUP BY zkey / 4^(GRID_BITS - level)``.
"""

import math
from collections.abc import Iterable

from geodata.distance import EARTH_RADIUS_M
from geodata.index import GRID_BITS

DEFAULT_LEVEL = 13  # cells of 0.044 x 0.022 degrees: about 4.5 x 2.4 km in southern China
_MIN_RADIUS_M = 25.0
# Aim for a circle holding ~1.6 k points: one round usually suffices, without fetching many more.
_SAFETY = 1.3
_MAX_CACHED_BLOCKS = 1 << 18


def _compact_bits(v: int) -> int:
    """Inverse of geodata.index._spread_bits: keep the even bits, packed."""
    v &= 0x5555555555555555
    v = (v | (v >> 1)) & 0x3333333333333333
    v = (v | (v >> 2)) & 0x0F0F0F0F0F0F0F0F
    v = (v | (v >> 4)) & 0x00FF00FF00FF00FF
    v = (v | (v >> 8)) & 0x0000FFFF0000FFFF
    return (v | (v >> 16)) & 0x00000000FFFFFFFF


class DensityGrid:
    """Counts per cell; ``start_radius_m`` turns the local density into a search radius."""

    def __init__(self, cell_counts: Iterable[tuple[int, int]], level: int = DEFAULT_LEVEL):
        self.level = level
        self.key_divisor = 1 << (2 * (GRID_BITS - level))
        self._columns = 1 << level
        self._counts: dict[tuple[int, int], int] = {}
        for cell, count in cell_counts:
            xy = (_compact_bits(cell), _compact_bits(cell >> 1))
            self._counts[xy] = self._counts.get(xy, 0) + count
        self.total = sum(self._counts.values())
        self._cell_height_m = math.pi * EARTH_RADIUS_M / self._columns
        # 3 x 3 block sums by centre cell, filled as searches ask: riders come back to the same
        # few thousand cells, and one look-up is a third of the nine. Bounded, as a cache must be.
        self._blocks: dict[tuple[int, int], int] = {}

    def _block_count(self, x: int, y: int) -> int:
        """Points in the 3 x 3 cells centred on cell (x, y)."""
        count = self._blocks.get((x, y))
        if count is None:
            get = self._counts.get
            count = sum(get((x + dx, y + dy), 0) for dx in (-1, 0, 1) for dy in (-1, 0, 1))
            if len(self._blocks) < _MAX_CACHED_BLOCKS:
                self._blocks[(x, y)] = count
        return count

    def start_radius_m(self, lon: float, lat: float, k: float) -> float:
        """A radius around (lon, lat) likely to hold a little more than k points."""
        x = int((lon + 180.0) / 360.0 * self._columns)
        y = int((lat + 90.0) / 180.0 * self._columns)
        count = self._block_count(x, y)
        cell_width_m = 2 * self._cell_height_m * max(math.cos(math.radians(lat)), 0.01)
        area_m2 = 9 * self._cell_height_m * cell_width_m
        if count == 0:
            # Nothing nearby: start at the edge of the 3 x 3 block and let the search widen.
            return 1.5 * max(cell_width_m, self._cell_height_m)
        return max(_MIN_RADIUS_M, _SAFETY * math.sqrt(k * area_m2 / (math.pi * count)))
