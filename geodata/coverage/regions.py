"""Which region (district, city: any shapely geometry) holds each point.

region_of answers with one region index per point, through a shapely STRtree; comparing that index
with each region's number gives the masks summary.summarize takes, one per district.
"""

from collections.abc import Sequence

import numpy as np
import shapely

from geodata.coverage.validation import _coords


def region_of(lon, lat, regions: Sequence) -> np.ndarray:
    """Index of the first region (shapely geometry, same coordinates as the points) holding each point.

    A point on a border between two regions belongs to the first of them; a point in no
    region gets -1. Returns int64 array of the points' length.
    """
    lon, lat = _coords(lon, lat, "point")
    result = np.full(lon.size, -1, dtype=np.int64)
    regions = list(regions)
    if lon.size == 0 or not regions:
        return result
    tree = shapely.STRtree(regions)
    point_idx, region_idx = tree.query(shapely.points(lon, lat), predicate="intersects")
    if point_idx.size:
        first = np.full(lon.size, len(regions), dtype=np.int64)
        np.minimum.at(first, point_idx, region_idx)
        hit = first < len(regions)
        result[hit] = first[hit]
    return result
