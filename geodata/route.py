"""Distance from points to a route on the sphere, and the route's corridor as Morton-key cells.

A route is a polyline of great-circle arcs between WGS-84 vertices (``geodata.polyline`` decodes
and checks it). For a point P and an arc AB with unit normal n = A x B / |A x B|:

- if P's projection on the great circle falls inside the arc ((A x P).n >= 0 and (P x B).n >= 0),
  the distance is R asin|P.n| and the point's place along the arc is R atan2((A x P).n, A.P);
- otherwise the nearest point of the arc is an end, measured with the haversine.

``off_route_m`` is the least distance over every arc; ``along_m`` the distance along the route to
that closest point (on a tie, the earliest). ``route_distances`` applies this to every arc, the
brute-force reference; the corridor search applies it to the arcs listed in each point's cell.

Why the corridor search is exact: every arc is cut into pieces no longer than a cell, and each
piece gets a lon/lat box that contains every point within ``within_m`` of it (its exact latitude
extremes, padded like ``geodata.index.circle_boxes``). A cell (an aligned block of the Morton grid,
i.e. one contiguous key range) lists the arcs whose pieces' boxes touch it. A point within
``within_m`` of an arc lies in one of that arc's piece boxes, so its cell lists the arc; the least
distance over the listed arcs is therefore the least over all arcs whenever it is <= within_m.
Cells are visited in order of the earliest piece start they hold: once every cell whose order is
below X has been read, every station with ``along_m`` < X has been found (its closest point lies on
a piece starting before X, whose box touches its cell).
"""

import math
from dataclasses import dataclass

import numpy as np

from geodata.distance import EARTH_RADIUS_M
from geodata.index import GRID_BITS, GRID_SIZE, KeyRange

_RAD = math.pi / 180.0
_LON_SCALE = GRID_SIZE / 360.0
_LAT_SCALE = GRID_SIZE / 180.0
_PAD_DEG = 1e-9  # far more than the rounding error of the boxes' trigonometry


def _unit_vectors(lon_deg: np.ndarray, lat_deg: np.ndarray) -> np.ndarray:
    lon, lat = lon_deg * _RAD, lat_deg * _RAD
    cos_lat = np.cos(lat)
    return np.stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)], axis=-1)


def _haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    s_dlat = np.sin((lat2 - lat1) * _RAD * 0.5)
    s_dlon = np.sin((lon2 - lon1) * _RAD * 0.5)
    h = s_dlat * s_dlat + np.cos(lat1 * _RAD) * np.cos(lat2 * _RAD) * s_dlon * s_dlon
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


@dataclass(frozen=True)
class Route:
    """A checked route, its arcs prepared: vertices (N), and per arc (N - 1) its normal n, the
    vectors n x A and B x n (so that (A x P).n = P.(n x A) and (P x B).n = P.(B x n)), its length
    and where it starts along the route."""

    lon: np.ndarray
    lat: np.ndarray
    xyz: np.ndarray
    normal: np.ndarray
    n_cross_a: np.ndarray
    b_cross_n: np.ndarray
    length_m: np.ndarray
    start_m: np.ndarray

    @property
    def total_m(self) -> float:
        return float(self.start_m[-1] + self.length_m[-1])


def prepare_route(points: list[tuple[float, float]]) -> Route:
    """Arcs of a route of at least two distinct vertices (see geodata.polyline.check_route)."""
    lon = np.array([p[0] for p in points], dtype=float)
    lat = np.array([p[1] for p in points], dtype=float)
    xyz = _unit_vectors(lon, lat)
    cross = np.cross(xyz[:-1], xyz[1:])
    normal = cross / np.linalg.norm(cross, axis=1)[:, None]
    length_m = _haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:])
    start_m = np.concatenate([[0.0], np.cumsum(length_m)[:-1]])
    return Route(lon, lat, xyz, normal, np.cross(normal, xyz[:-1]), np.cross(xyz[1:], normal), length_m, start_m)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a[:, 0] * b[:, 0] + a[:, 1] * b[:, 1] + a[:, 2] * b[:, 2]


def _chord_m(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle distance between unit vectors, from their chord (accurate at any distance < pi R)."""
    d = a - b
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.minimum(np.sqrt(_dot(d, d)) * 0.5, 1.0))


def measure_pairs(route: Route, p: np.ndarray, arc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distance_m, along_m) of each unit vector ``p[i]`` to arc ``arc[i]`` of the route."""
    a = route.xyz[arc]
    from_a = _dot(p, route.n_cross_a[arc])
    inside = (from_a >= 0.0) & (_dot(p, route.b_cross_n[arc]) >= 0.0)
    d_inside = EARTH_RADIUS_M * np.arcsin(np.minimum(np.abs(_dot(p, route.normal[arc])), 1.0))
    along_inside = EARTH_RADIUS_M * np.arctan2(from_a, _dot(a, p))
    d_a = _chord_m(p, a)
    d_b = _chord_m(p, route.xyz[arc + 1])
    nearer_a = d_a <= d_b
    length = route.length_m[arc]
    distance = np.where(inside, d_inside, np.where(nearer_a, d_a, d_b))
    # Clamped: rounding may put a point projecting at an end a hair outside [0, length].
    along = np.where(inside, np.clip(along_inside, 0.0, length), np.where(nearer_a, 0.0, length))
    return distance, route.start_m[arc] + along


def closest_per_point(counts: np.ndarray, distance: np.ndarray, along: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per point, the least distance over its pairs and the earliest along at it (inf where a
    point has no pair). The pairs come grouped by point, ``counts[i]`` of them for point i."""
    off = np.full(len(counts), np.inf)
    at = np.full(len(counts), np.inf)
    has = counts > 0
    if not has.any():
        return off, at
    starts = (np.cumsum(counts) - counts)[has]
    least = np.minimum.reduceat(distance, starts)
    off[has] = least
    at[has] = np.minimum.reduceat(np.where(distance == np.repeat(least, counts[has]), along, np.inf), starts)
    return off, at


def route_distances(route: Route, lon: np.ndarray, lat: np.ndarray, chunk: int = 1 << 20) -> tuple[np.ndarray, np.ndarray]:
    """Brute force: (off_route_m, along_m) of every point against every arc of the route."""
    n_arcs = len(route.length_m)
    off = np.full(len(lon), np.inf)
    at = np.full(len(lon), np.inf)
    step = max(1, chunk // n_arcs)
    for lo in range(0, len(lon), step):
        idx = np.arange(lo, min(lo + step, len(lon)))
        p = _unit_vectors(lon[idx], lat[idx])
        d, a = measure_pairs(route, np.repeat(p, n_arcs, axis=0), np.tile(np.arange(n_arcs), len(idx)))
        off[idx], at[idx] = closest_per_point(np.full(len(idx), n_arcs), d, a)
    return off, at


def _spread(v: np.ndarray) -> np.ndarray:
    v = v.astype(np.int64)
    v = (v | (v << 16)) & 0x0000FFFF0000FFFF
    v = (v | (v << 8)) & 0x00FF00FF00FF00FF
    v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0F
    v = (v | (v << 2)) & 0x3333333333333333
    return (v | (v << 1)) & 0x5555555555555555


def _cells_x(lon: np.ndarray, shift: int) -> np.ndarray:
    return np.clip(np.floor((lon + 180.0) * _LON_SCALE), 0, GRID_SIZE - 1).astype(np.int64) >> shift


def _cells_y(lat: np.ndarray, shift: int) -> np.ndarray:
    return np.clip(np.floor((lat + 90.0) * _LAT_SCALE), 0, GRID_SIZE - 1).astype(np.int64) >> shift


@dataclass(frozen=True)
class Corridor:
    """The cells around a route: ``keys`` (cell keys at ``shift``, sorted), each cell's ``order_m``
    (earliest piece start it holds; inf if it only holds arcs before ``from_m``) and its arcs
    (``arcs[arc_start[i]:arc_start[i + 1]]``)."""

    shift: int
    keys: np.ndarray
    order_m: np.ndarray
    arc_start: np.ndarray
    arcs: np.ndarray

    def key_ranges(self, cells: np.ndarray) -> list[KeyRange]:
        """Merged Morton key ranges of the cells at these indices."""
        keys = np.sort(self.keys[cells])
        if not len(keys):
            return []
        breaks = np.flatnonzero(np.diff(keys) != 1) + 1
        starts = keys[np.concatenate([[0], breaks])]
        ends = keys[np.concatenate([breaks - 1, [len(keys) - 1]])]
        bits = 2 * self.shift
        return [(int(lo) << bits, ((int(hi) + 1) << bits) - 1) for lo, hi in zip(starts, ends)]

    def measure(self, route: Route, lon: np.ndarray, lat: np.ndarray, zkey: np.ndarray, within_m: float) -> tuple[np.ndarray, np.ndarray]:
        """(off_route_m, along_m) of points in the corridor's cells, exact when off_route_m <= within_m
        (inf for points that are surely farther).

        A cell lists every arc that may pass within ``within_m`` of it: dozens on a densely
        sampled route. Each point is measured only against the arcs that may be its nearest,
        found per sub-cell (1/8 of a cell's side) of centre c and radius rho: the distance to a
        set is 1-Lipschitz, so for a point P of the sub-cell and its nearest arc j*,
        d(c, j*) <= d(P, j*) + rho <= min_j d(c, j) + 2 rho; arcs beyond that bound are skipped,
        and so is a sub-cell whose nearest arc lies beyond within_m + rho.
        """
        sub_shift = max(0, self.shift - _SUB_SHIFT)
        sub, point_sub = np.unique(zkey >> (2 * sub_shift), return_inverse=True)
        cell_key = sub >> (2 * (self.shift - sub_shift))
        cell = np.minimum(np.searchsorted(self.keys, cell_key), len(self.keys) - 1)
        counts = np.where(self.keys[cell] == cell_key, self.arc_start[cell + 1] - self.arc_start[cell], 0)
        arc = self.arcs[_ragged(self.arc_start[cell], counts)]
        centre, radius_m = _sub_cells(sub, sub_shift)
        d, _ = measure_pairs(route, np.repeat(centre, counts, axis=0), arc)
        least, _ = closest_per_point(counts, d, d)
        bound = np.repeat(np.minimum(least + 2.0 * radius_m, within_m + radius_m) + _SLACK_M, counts)
        keep = d <= bound
        arc = arc[keep]
        kept = np.add.reduceat(keep, np.cumsum(counts) - counts) if len(keep) else np.zeros(len(sub), dtype=np.int64)
        kept = np.where(counts > 0, kept, 0)
        # Per point: its sub-cell's kept arcs.
        starts = np.cumsum(kept) - kept
        point_counts = kept[point_sub]
        p = _unit_vectors(lon, lat)
        d, a = measure_pairs(route, np.repeat(p, point_counts, axis=0), arc[_ragged(starts[point_sub], point_counts)])
        return closest_per_point(point_counts, d, a)


_SUB_SHIFT = 3
_SLACK_M = 1e-3  # far more than the rounding error of the distances compared


def _ragged(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ranges starts[i] .. starts[i] + counts[i] - 1."""
    total = int(counts.sum())
    return np.repeat(starts, counts) + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)


def _compact(v: np.ndarray) -> np.ndarray:
    """The inverse of _spread: the even bits of v, packed."""
    v = v & 0x5555555555555555
    v = (v | (v >> 1)) & 0x3333333333333333
    v = (v | (v >> 2)) & 0x0F0F0F0F0F0F0F0F
    v = (v | (v >> 4)) & 0x00FF00FF00FF00FF
    v = (v | (v >> 8)) & 0x0000FFFF0000FFFF
    return (v | (v >> 16)) & 0x00000000FFFFFFFF


def _sub_cells(keys: np.ndarray, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """Centres (unit vectors) of the cells with these keys at ``shift``, and a radius (metres)
    that every point of each cell lies within."""
    size = float(1 << shift)
    x, y = _compact(keys).astype(float) * size, _compact(keys >> 1).astype(float) * size
    lon0, lon1 = x / _LON_SCALE - 180.0, (x + size) / _LON_SCALE - 180.0
    lat0, lat1 = y / _LAT_SCALE - 90.0, (y + size) / _LAT_SCALE - 90.0
    lon_c, lat_c = (lon0 + lon1) * 0.5, (lat0 + lat1) * 0.5
    # The corner on the side nearer the equator is the farthest (the cell is widest there).
    radius = np.maximum(_haversine_m(lon_c, lat_c, lon0, lat0), _haversine_m(lon_c, lat_c, lon0, lat1))
    return _unit_vectors(lon_c, lat_c), radius * (1.0 + 1e-9) + _SLACK_M


def choose_shift(total_m: float, within_m: float, max_cells: int = 20_000) -> int:
    """The grid level of the corridor's cells: about as tall as ``within_m`` (fewer false
    candidates), coarser for long routes so that the corridor stays within ``max_cells``."""
    cell_m = max(within_m, 2.0 * total_m * 3.0 / max_cells, 50.0)
    rows = cell_m / (EARTH_RADIUS_M * _RAD) * _LAT_SCALE  # grid rows per cell
    return max(0, min(GRID_BITS, int(math.floor(math.log2(rows)))))


def _pieces(route: Route, piece_m: float):
    """Arcs cut into pieces no longer than ``piece_m``: (arc, start_m, end_m, lon0, lat0, lon1, lat1)."""
    count = np.maximum(1, np.ceil(route.length_m / piece_m)).astype(np.int64)
    arc = np.repeat(np.arange(len(count)), count)
    j = np.arange(len(arc)) - np.repeat(np.cumsum(count) - count, count)
    t0 = j / count[arc]
    t1 = (j + 1) / count[arc]
    theta = route.length_m[arc] / EARTH_RADIUS_M

    def point_at(t, vertex):
        # Slerp along the arc; where t is 0 or 1 the vertex itself, bit for bit.
        a, b = route.xyz[arc], route.xyz[arc + 1]
        sin_theta = np.sin(theta)
        safe = np.where(sin_theta > 0, sin_theta, 1.0)
        wa = np.where(sin_theta > 0, np.sin((1 - t) * theta) / safe, 1 - t)
        wb = np.where(sin_theta > 0, np.sin(t * theta) / safe, t)
        v = wa[:, None] * a + wb[:, None] * b
        v /= np.linalg.norm(v, axis=1)[:, None]
        at_vertex = (t == 0.0) | (t == 1.0)
        lon = np.where(at_vertex, route.lon[vertex], np.arctan2(v[:, 1], v[:, 0]) / _RAD)
        lat = np.where(at_vertex, route.lat[vertex], np.arcsin(np.clip(v[:, 2], -1, 1)) / _RAD)
        return lon, lat, v

    lon0, lat0, v0 = point_at(t0, np.where(t0 == 0.0, arc, arc + 1))
    lon1, lat1, v1 = point_at(t1, np.where(t1 == 1.0, arc + 1, arc))
    start = route.start_m[arc] + t0 * route.length_m[arc]
    end = route.start_m[arc] + t1 * route.length_m[arc]
    return arc, start, end, lon0, lat0, lon1, lat1, v0, v1


def _lat_extremes(route: Route, arc, lat0, lat1, v0, v1):
    """Exact latitude range of each piece arc (its great circle may bulge past both ends)."""
    n = route.normal[arc]
    top = np.stack([-n[:, 2] * n[:, 0], -n[:, 2] * n[:, 1], n[:, 0] ** 2 + n[:, 1] ** 2], axis=1)
    lo = np.minimum(lat0, lat1)
    hi = np.maximum(lat0, lat1)
    for sign in (1.0, -1.0):
        q = sign * top
        on_arc = (np.einsum("ij,ij->i", np.cross(v0, q), n) > 0) & (np.einsum("ij,ij->i", np.cross(q, v1), n) > 0)
        norm = np.linalg.norm(q, axis=1)
        extreme = np.arcsin(np.clip(q[:, 2] / np.where(norm > 0, norm, 1), -1, 1)) / _RAD
        hi = np.where(on_arc & (sign > 0), np.maximum(hi, extreme), hi)
        lo = np.where(on_arc & (sign < 0), np.minimum(lo, extreme), lo)
    return lo, hi


def _boxes(route: Route, within_m: float, piece_m: float, from_m: float):
    """Per piece: (arc, order_m, min_lon, min_lat, max_lon, max_lat) boxes holding every point
    within ``within_m`` of it, split in two where they pass the antimeridian."""
    arc, start, end, lon0, lat0, lon1, lat1, v0, v1 = _pieces(route, piece_m)
    lat_lo, lat_hi = _lat_extremes(route, arc, lat0, lat1, v0, v1)
    angular = within_m / EARTH_RADIUS_M
    dlat = angular / _RAD + _PAD_DEG
    min_lat, max_lat = lat_lo - dlat, lat_hi + dlat
    polar = (max_lat >= 90.0) | (min_lat <= -90.0)
    cos_max = np.cos(np.maximum(np.abs(min_lat), np.abs(max_lat)) * _RAD)
    ratio = math.sin(angular) / np.where(polar, 1.0, cos_max) * (1.0 + 1e-12)
    wide = polar | (ratio >= 1.0)
    dlon = np.arcsin(np.minimum(ratio, 1.0)) / _RAD + _PAD_DEG
    min_lon = np.where(wide, -180.0, np.minimum(lon0, lon1) - dlon)
    max_lon = np.where(wide, 180.0, np.maximum(lon0, lon1) + dlon)
    order = np.where(end >= from_m, start, np.inf)
    boxes = [np.stack([arc, order, np.maximum(min_lon, -180.0), min_lat, np.minimum(max_lon, 180.0), max_lat], axis=1)]
    west = min_lon < -180.0
    if west.any():
        boxes.append(np.stack([arc, order, min_lon + 360.0, min_lat, np.full(len(arc), 180.0), max_lat], axis=1)[west])
    east = max_lon > 180.0
    if east.any():
        boxes.append(np.stack([arc, order, np.full(len(arc), -180.0), min_lat, max_lon - 360.0, max_lat], axis=1)[east])
    return np.concatenate(boxes)


def corridor(route: Route, within_m: float, from_m: float = 0.0, shift: int | None = None) -> Corridor:
    """The cells within ``within_m`` of the route, with the arcs each must be measured against."""
    if shift is None:
        shift = choose_shift(route.total_m, within_m)
    cell_m = (1 << shift) / _LAT_SCALE * EARTH_RADIUS_M * _RAD
    boxes = _boxes(route, within_m, max(cell_m, 1.0), from_m)
    x0, x1 = _cells_x(boxes[:, 2], shift), _cells_x(boxes[:, 4], shift)
    y0, y1 = _cells_y(boxes[:, 3], shift), _cells_y(boxes[:, 5], shift)
    nx, ny = x1 - x0 + 1, y1 - y0 + 1
    per_box = nx * ny
    box = np.repeat(np.arange(len(boxes)), per_box)
    local = np.arange(len(box)) - np.repeat(np.cumsum(per_box) - per_box, per_box)
    key = _spread(x0[box] + local % nx[box]) | (_spread(y0[box] + local // nx[box]) << 1)
    arc = boxes[box, 0].astype(np.int64)
    order = boxes[box, 1]
    # One row per (cell, arc), keeping the arc's earliest order in the cell.
    rows = np.lexsort((order, arc, key))
    key, arc, order = key[rows], arc[rows], order[rows]
    first = np.ones(len(key), dtype=bool)
    first[1:] = (key[1:] != key[:-1]) | (arc[1:] != arc[:-1])
    key, arc, order = key[first], arc[first], order[first]
    new_cell = np.ones(len(key), dtype=bool)
    new_cell[1:] = key[1:] != key[:-1]
    cell_starts = np.flatnonzero(new_cell)
    return Corridor(
        shift=shift,
        keys=key[cell_starts],
        order_m=np.minimum.reduceat(order, cell_starts),
        arc_start=np.concatenate([cell_starts, [len(key)]]),
        arcs=arc,
    )
