"""A Morton (Z-order) spatial key that an ordinary B-tree index can search.

The world is cut into a fixed 2^26 x 2^26 lon/lat grid (cells of 360/2^26 = 5.4e-6 degrees,
about 0.6 m at the equator). A point's key interleaves the bits of its column and row, so
points close together mostly get close keys, and each aligned square block of the grid is one
contiguous key interval. A box is covered by a handful of such blocks; the database answers
``key BETWEEN lo AND hi`` for each with its B-tree index, and callers re-check candidates
exactly (the blocks over-cover the box, never under-cover it).

Keys are < 2^52, so they fit a signed 64-bit integer column on every database.
"""

import math

from geodata.distance import EARTH_RADIUS_M, MAX_DISTANCE_M

GRID_BITS = 26
GRID_SIZE = 1 << GRID_BITS
_MAX_CELL = GRID_SIZE - 1
_LON_SCALE = GRID_SIZE / 360.0
_LAT_SCALE = GRID_SIZE / 180.0
MAX_KEY = (1 << (2 * GRID_BITS)) - 1

# (min_lon, min_lat, max_lon, max_lat) in degrees.
Box = tuple[float, float, float, float]
# Inclusive key interval.
KeyRange = tuple[int, int]


def _spread_bits_slow(v: int) -> int:
    """Insert a zero bit after each of the low 26 bits of v (..b2 b1 b0 -> ..0 b2 0 b1 0 b0)."""
    v = (v | (v << 16)) & 0x0000FFFF0000FFFF
    v = (v | (v << 8)) & 0x00FF00FF00FF00FF
    v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0F
    v = (v | (v << 2)) & 0x3333333333333333
    return (v | (v << 1)) & 0x5555555555555555


# Two look-ups in a table of the 13-bit halves replace the five shift-and-mask steps: key
# ranges are built for every nearest search, and this was a third of their Python time.
_HALF_BITS = GRID_BITS // 2
_HALF_MASK = (1 << _HALF_BITS) - 1
_SPREAD_HALF = [_spread_bits_slow(v) for v in range(1 << _HALF_BITS)]


def _spread_bits(v: int) -> int:
    """Insert a zero bit after each of the low 26 bits of v (..b2 b1 b0 -> ..0 b2 0 b1 0 b0)."""
    return _SPREAD_HALF[v & _HALF_MASK] | (_SPREAD_HALF[(v >> _HALF_BITS) & _HALF_MASK] << (2 * _HALF_BITS))


def _cell_x(lon: float) -> int:
    x = int((lon + 180.0) * _LON_SCALE)
    return 0 if x < 0 else _MAX_CELL if x > _MAX_CELL else x


def _cell_y(lat: float) -> int:
    y = int((lat + 90.0) * _LAT_SCALE)
    return 0 if y < 0 else _MAX_CELL if y > _MAX_CELL else y


def morton_key(lon: float, lat: float) -> int:
    """The spatial key of a point (degrees). Longitude bits are the even bits.

    >>> morton_key(-180.0, -90.0), morton_key(180.0, 90.0) == MAX_KEY
    (0, True)
    """
    return _spread_bits(_cell_x(lon)) | (_spread_bits(_cell_y(lat)) << 1)


def _merge(ranges: list[KeyRange]) -> list[KeyRange]:
    ranges.sort()
    merged = [ranges[0]]
    for lo, hi in ranges[1:]:
        last_lo, last_hi = merged[-1]
        if lo <= last_hi + 1:
            if hi > last_hi:
                merged[-1] = (last_lo, hi)
        else:
            merged.append((lo, hi))
    return merged


def _block_ranges(x0: int, y0: int, x1: int, y1: int, shift: int) -> list[KeyRange]:
    """Key ranges of the aligned 2^shift blocks that touch the cell rectangle, merged."""
    span = 1 << (2 * shift)
    columns = [_spread_bits(bx) for bx in range(x0 >> shift, (x1 >> shift) + 1)]
    starts = []
    for by in range(y0 >> shift, (y1 >> shift) + 1):
        row = _spread_bits(by) << 1
        starts.extend((row | col) << (2 * shift) for col in columns)
    starts.sort()
    ranges = []
    lo = hi = starts[0]
    for start in starts[1:]:
        if start == hi + span:
            hi = start
        else:
            ranges.append((lo, hi + span - 1))
            lo = hi = start
    ranges.append((lo, hi + span - 1))
    return ranges


def box_key_ranges(box: Box, max_ranges: int = 8) -> list[KeyRange]:
    """Sorted, disjoint key ranges whose union contains every key of a point inside ``box``.

    Covers the box with aligned blocks about half its size (at most 3 x 3 of them), or with
    blocks a quarter its size when those merge into ``max_ranges`` ranges or fewer and the
    coarser ones into fewer than ``max_ranges``: fewer ranges mean fewer index seeks, smaller
    blocks mean fewer false candidates.
    """
    min_lon, min_lat, max_lon, max_lat = box
    x0, y0, x1, y1 = _cell_x(min_lon), _cell_y(min_lat), _cell_x(max_lon), _cell_y(max_lat)
    shift = max(max(x1 - x0, y1 - y0).bit_length() - 1, 0)
    if shift == 0:
        return _block_ranges(x0, y0, x1, y1, 0)
    # The finer blocks are tried first, as they are usually the answer. Every coarse range holds
    # at least one fine range and every fine range lies in one coarse range, so there are never
    # fewer fine ranges than coarse ones: fewer than max_ranges fine ones settle it without
    # building the coarse cover.
    finer = _block_ranges(x0, y0, x1, y1, shift - 1)
    if len(finer) < max_ranges:
        return finer
    coarse = _block_ranges(x0, y0, x1, y1, shift)
    return finer if len(finer) == max_ranges and len(coarse) < max_ranges else coarse


def circle_boxes(lon: float, lat: float, radius_m: float) -> list[Box]:
    """Lon/lat boxes (one, or two across the antimeridian) that contain the spherical cap
    of ``radius_m`` around the point. A cap that reaches a pole spans all longitudes.

    The longitude half-width is the exact extreme of the cap, asin(sin(r) / cos(lat)), padded
    by a tiny margin so that floating-point rounding can never exclude a point on the edge.
    """
    if radius_m >= MAX_DISTANCE_M:
        return [(-180.0, -90.0, 180.0, 90.0)]
    angular = radius_m / EARTH_RADIUS_M
    dlat = math.degrees(angular) + 1e-9
    min_lat = lat - dlat
    max_lat = lat + dlat
    if max_lat >= 90.0 or min_lat <= -90.0:
        return [(-180.0, max(min_lat, -90.0), 180.0, min(max_lat, 90.0))]
    # Inflated by far more than its rounding error: asin is ill-conditioned as ratio -> 1 (a cap
    # that nearly reaches a pole), where an error of 1e-16 moved the edge past the 1e-9 degree
    # padding and left points that haversine_m puts inside the cap outside the box.
    ratio = math.sin(angular) / math.cos(math.radians(lat)) * (1.0 + 1e-12)
    if ratio >= 1.0:
        return [(-180.0, min_lat, 180.0, max_lat)]
    dlon = math.degrees(math.asin(ratio)) + 1e-9
    min_lon = lon - dlon
    max_lon = lon + dlon
    if min_lon < -180.0:
        return [(-180.0, min_lat, max_lon, max_lat), (min_lon + 360.0, min_lat, 180.0, max_lat)]
    if max_lon > 180.0:
        return [(min_lon, min_lat, 180.0, max_lat), (-180.0, min_lat, max_lon - 360.0, max_lat)]
    return [(min_lon, min_lat, max_lon, max_lat)]


def circle_search_area(lon: float, lat: float, radius_m: float, max_ranges: int = 8) -> tuple[list[KeyRange], Box]:
    """Key ranges covering the cap of ``radius_m`` around a point (see circle_boxes), and one
    box containing the cap (spanning all longitudes when the cap crosses the antimeridian)."""
    boxes = circle_boxes(lon, lat, radius_m)
    if len(boxes) == 1:
        return box_key_ranges(boxes[0], max_ranges), boxes[0]
    ranges = _merge([r for box in boxes for r in box_key_ranges(box, max_ranges)])
    return ranges, (-180.0, boxes[0][1], 180.0, boxes[0][3])


def circle_key_ranges(lon: float, lat: float, radius_m: float, max_ranges: int = 8) -> list[KeyRange]:
    """Key ranges covering the cap of ``radius_m`` around a point."""
    return circle_search_area(lon, lat, radius_m, max_ranges)[0]
