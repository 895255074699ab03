"""Exact along-route search over any store that answers Morton key-range queries.

``search_along`` reads the route's corridor (``geodata.route.corridor``) from its start (or from
``from_m``) onwards in growing stretches, and stops as soon as ``k`` stations are settled: once
every cell ordered before X has been read, every station whose ``along_m`` is below X is known
(see geodata.route's docstring), so the first k by (along_m, id) below X are the answer a
brute-force scan would give. The store is ``fetch(ranges) -> rows``, each row starting
``(id, lon, lat, zkey)``: the rows whose key falls in the ranges.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np

from geodata.index import KeyRange
from geodata.route import Route, corridor, route_distances

Row = Sequence[Any]
Fetch = Callable[[list[KeyRange]], Iterable[Row]]
Accept = Callable[[Row, float], bool]

FIRST_STRETCH_M = 2_000.0
# How much the next stretch may grow: guided by how many stations the last one settled.
_MIN_GROWTH = 1.5
_MAX_GROWTH = 8.0


class AlongHit(NamedTuple):
    along_m: float
    off_route_m: float
    row: Row

    @property
    def id(self) -> Any:
        return self.row[0]


def _measured(route: Route, rows: list, within_m: float, from_m: float, measure, accept=None):
    """(along_m, id, off_route_m, row index) arrays of the rows that qualify."""
    if not rows:
        return np.empty(0), np.empty(0), np.empty(0), np.empty(0, dtype=np.int64)
    table = np.array(rows, dtype=np.float64) if len(rows[0]) == 4 else np.array([row[:4] for row in rows], dtype=np.float64)
    off, along = measure(route, table[:, 1], table[:, 2], table[:, 3].astype(np.int64), within_m)
    keep = np.flatnonzero((off <= within_m) & (along >= from_m))
    if accept is not None:
        keep = np.array([i for i in keep if accept(rows[i], float(along[i]))], dtype=np.int64)
    return along[keep], table[keep, 0], off[keep], keep


def search_along(route: Route, within_m: float, k: int, fetch: Fetch, *, from_m: float = 0.0, accept: Accept | None = None) -> list[AlongHit]:
    """The first ``k`` rows within ``within_m`` of the route and at or after ``from_m`` along it,
    ordered by (along_m, id). ``accept(row, along_m)`` filters what the store could not."""
    cells = corridor(route, within_m, from_m)
    order = np.argsort(cells.order_m, kind="stable")
    order_m = cells.order_m[order]
    n_cells = int(np.searchsorted(order_m, np.inf))  # cells holding only arcs before from_m are never read
    rows: list = []
    parts = []
    done = 0
    stretch_m = max(FIRST_STRETCH_M, 2.0 * within_m)
    while done < n_cells:
        until_m = max(from_m + stretch_m, float(order_m[done]) + stretch_m / 2)
        end = int(np.searchsorted(order_m[:n_cells], until_m, side="left"))
        fetched = list(fetch(cells.key_ranges(order[done:end])))
        along, ids, off, index = _measured(route, fetched, within_m, from_m, cells.measure, accept)
        parts.append((along, ids, off, index + len(rows)))
        rows += fetched
        done = end
        settled = sum(int(np.count_nonzero(part[0] < until_m)) for part in parts)
        if done < n_cells and settled >= k:
            break
        # Stations settle roughly in proportion to the stretch's length; aim 20 % past k.
        growth = _MAX_GROWTH if settled == 0 else k / settled * 1.2
        stretch_m = (until_m - from_m) * min(_MAX_GROWTH, max(_MIN_GROWTH, growth))
    along, ids, off, index = (np.concatenate([part[i] for part in parts]) for i in range(4)) if parts else ([],) * 4
    first = np.lexsort((ids, along))[:k] if len(along) else []
    return [AlongHit(float(along[i]), float(off[i]), rows[index[i]]) for i in first]


def brute_force_along(route: Route, within_m: float, k: int, rows: Sequence[Row], *, from_m: float = 0.0) -> list[AlongHit]:
    """The reference answer: every row against every arc. For tests and benchmarks."""
    rows = list(rows)
    if not rows:
        return []
    lon = np.array([row[1] for row in rows], dtype=np.float64)
    lat = np.array([row[2] for row in rows], dtype=np.float64)
    off, along = route_distances(route, lon, lat)
    keep = np.flatnonzero((off <= within_m) & (along >= from_m))
    hits = [AlongHit(float(along[i]), float(off[i]), rows[i]) for i in keep]
    hits.sort(key=lambda hit: (hit.along_m, hit.id))
    return hits[:k]
