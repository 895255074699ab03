"""The per-process density grid that picks where each nearest search starts.

A cache, not state: every app process builds its own from the database and rebuilds it after
NEAREST_DENSITY_TTL_S seconds, so a new or moved station is found exactly at once and merely
searched a little less efficiently until the next rebuild.
"""

import threading
import time

from django.conf import settings
from django.db import connection

from geodata.density import DEFAULT_LEVEL, DensityGrid
from stations.services.search_sql import TABLE

_lock = threading.Lock()
_grid: DensityGrid | None = None
_built_at = 0.0


def _build() -> DensityGrid:
    divisor = DensityGrid([], DEFAULT_LEVEL).key_divisor
    with connection.cursor() as cursor:
        # Reads the (status, zkey, ...) index only; integer division is the same on SQLite and PostgreSQL.
        cursor.execute(f"SELECT zkey / %s AS cell, COUNT(*) FROM {TABLE} WHERE status = %s GROUP BY cell", [divisor, "open"])
        return DensityGrid(cursor.fetchall(), DEFAULT_LEVEL)


def density_grid() -> DensityGrid:
    global _grid, _built_at
    now = time.monotonic()
    if _grid is None or now - _built_at > settings.NEAREST_DENSITY_TTL_S:
        with _lock:
            if _grid is None or now - _built_at > settings.NEAREST_DENSITY_TTL_S:
                _grid = _build()
                _built_at = now
    return _grid


def forget_density_grid() -> None:
    """Drop the cached grid (tests; after a bulk import in the same process)."""
    global _grid
    _grid = None
