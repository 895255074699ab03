"""The per-process density grid that picks where each nearest search starts.

A cache, not state: every app process builds its own from the database (gunicorn.conf.py does it
when a worker starts) and rebuilds it after NEAREST_DENSITY_TTL_S seconds, so a new or moved
station is found exactly at once and merely searched a little less efficiently until the next
rebuild. The rebuild (~0.35 s at 1M stations) runs in a background thread while requests keep
using the previous grid: no rider waits for it.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import connection

from geodata.density import DEFAULT_LEVEL, DensityGrid
from geodata.distance import MAX_DISTANCE_M
from stations.search.sql import TABLE, Filters

log = logging.getLogger(__name__)

_lock = threading.Lock()
_grid: DensityGrid | None = None
_built_at = 0.0
# Bumped by forget_density_grid(), so a background rebuild started before it is discarded.
_generation = 0
_refresher: threading.Thread | None = None
# Open stations per kind, counted on first use of each kind; dropped with the grid.
_kind_counts: dict[str, int] = {}


def _build() -> DensityGrid:
    divisor = DensityGrid([], DEFAULT_LEVEL).key_divisor
    with connection.cursor() as cursor:
        # Reads the (status, zkey, ...) index only; integer division is the same on SQLite and PostgreSQL.
        cursor.execute(f"SELECT zkey / %s AS cell, COUNT(*) FROM {TABLE} WHERE status = %s GROUP BY cell", [divisor, "open"])
        return DensityGrid(cursor.fetchall(), DEFAULT_LEVEL)


def density_grid() -> DensityGrid:
    """The grid: built on first use, then refreshed in the background once it is older than the TTL."""
    global _grid, _built_at
    grid = _grid
    if grid is None:
        with _lock:
            if _grid is None:
                _grid, _built_at = _build(), time.monotonic()
                _kind_counts.clear()
            return _grid
    if time.monotonic() - _built_at > settings.NEAREST_DENSITY_TTL_S:
        refresh_density_grid_in_background()
    return grid


def refresh_density_grid_in_background() -> threading.Thread:
    """Start rebuilding the grid in a daemon thread (unless a rebuild is running); returns that thread."""
    global _refresher
    with _lock:
        if _refresher is None or not _refresher.is_alive():
            _refresher = threading.Thread(target=_refresh, args=(_generation,), name="density-grid", daemon=True)
            _refresher.start()
        return _refresher


def _refresh(generation: int) -> None:
    global _grid, _built_at
    try:
        grid = _build()
        with _lock:
            if generation == _generation:
                _grid, _built_at = grid, time.monotonic()
                _kind_counts.clear()
    except Exception:
        # The previous grid stays in use: it only tunes where searches start. Retried after the TTL.
        log.exception("density grid rebuild failed")
        with _lock:
            if generation == _generation:
                _built_at = time.monotonic()
    finally:
        connection.close()  # this thread's own connection


def _open_count(kind: str) -> int:
    count = _kind_counts.get(kind)
    if count is None:
        with connection.cursor() as cursor:
            # One range of the (kind, status, zkey, ...) index, once per kind and grid.
            cursor.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE kind = %s AND status = %s", [kind, "open"])
            count = _kind_counts[kind] = cursor.fetchone()[0]
    return count


def start_radius_m(lon: float, lat: float, k: int, filters: Filters) -> float:
    """Where a k-nearest search with these filters should start: a guess, never part of the answer.

    The grid counts open stations of every kind. A kind filter is searched through an index that
    holds that kind alone, so the guess aims at k stations *of that kind*: for driver homes (0.5 %
    of stations) this saves two or three widening rounds, halving the search (bench/bench_nearest.py).
    Amenity filters are not scaled: they are checked while scanning the all-kinds index, whose cost
    grows with the area scanned, and a wide first circle costs more than the rounds it saves.
    """
    grid = density_grid()
    if filters.kinds and grid.total:
        open_of_kinds = sum(_open_count(kind) for kind in filters.kinds)
        if not open_of_kinds:
            # One round over the whole sphere, through an index range that is (nearly) empty.
            return MAX_DISTANCE_M
        k = k * grid.total / open_of_kinds
    return grid.start_radius_m(lon, lat, k)


def forget_density_grid() -> None:
    """Drop the cached grid and kind counts (tests; after a bulk import in the same process)."""
    global _grid, _generation
    with _lock:
        _grid = None
        _generation += 1
        _kind_counts.clear()
