"""geodata.density: the 3 x 3 block counts behind where a nearest search starts."""

import geodata.density
from geodata.density import DensityGrid
from geodata.index import morton_key


def _grid(points, level=13):
    divisor = DensityGrid([], level).key_divisor
    cells = {}
    for lon, lat in points:
        cell = morton_key(lon, lat) // divisor
        cells[cell] = cells.get(cell, 0) + 1
    return DensityGrid(cells.items(), level)


def test_it_counts_the_points_of_the_nine_cells_around_the_query():
    # 0.044 x 0.022 degree cells: one point in the query's cell, one two cells away (outside the block).
    grid = _grid([(114.0579, 22.5431), (114.0579 + 0.1, 22.5431)])
    x = int((114.0579 + 180.0) / 360.0 * 8192)
    y = int((22.5431 + 90.0) / 180.0 * 8192)
    assert grid._block_count(x, y) == 1
    assert grid._block_count(x + 3, y) == 1


def test_a_cached_block_gives_the_same_radius_as_a_fresh_grid():
    points = [(114.0 + i * 0.003, 22.5 + (i % 7) * 0.002) for i in range(300)]
    cached = _grid(points)
    first = [cached.start_radius_m(lon, lat, 10) for lon, lat in points[::13]]
    again = [cached.start_radius_m(lon, lat, 10) for lon, lat in points[::13]]
    fresh = [_grid(points).start_radius_m(lon, lat, 10) for lon, lat in points[::13]]
    assert first == again == fresh


def test_it_stops_caching_blocks_at_its_bound(monkeypatch):
    monkeypatch.setattr(geodata.density, "_MAX_CACHED_BLOCKS", 3)
    grid = _grid([(114.0579, 22.5431)])
    radii = [grid.start_radius_m(100.0 + i, 30.0, 10) for i in range(10)]
    assert len(grid._blocks) == 3
    assert radii == [_grid([(114.0579, 22.5431)]).start_radius_m(100.0 + i, 30.0, 10) for i in range(10)]
