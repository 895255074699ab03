"""Where demand goes uncovered, cell by cell on Uber's H3 hexagonal grid.

GapHex and gap_hexes give every H3 cell holding demand its covered and uncovered weight, the
distance from its centre to the nearest station, and its outline for a map;
candidate_sites_from_gaps turns the worst cells' centres into candidate sites for
sites.choose_sites.
"""

from dataclasses import asdict, dataclass

import h3
import h3.api.basic_int as h3_int
import numpy as np

from geodata.coverage.reach import nearest_station_m
from geodata.coverage.validation import _bools, _coords, _count, _weights
from geodata.errors import InvalidArgument


@dataclass(frozen=True)
class GapHex:
    """Demand in one H3 cell. Weights in the caller's unit; distance_m in metres."""

    hex_id: str  # H3 cell id (hex string)
    lon: float  # the cell's centre, WGS-84 degrees
    lat: float
    demand_points: int
    demand_weight: float
    covered_weight: float
    uncovered_weight: float
    distance_m: float  # haversine from the centre to the nearest station (inf if none)
    boundary: list[tuple[float, float]]  # closed ring of (lon, lat); first vertex repeated last
    resolution: int = 8

    def as_dict(self) -> dict:
        return asdict(self)


def gap_hexes(demand_lon, demand_lat, weight, covered, station_lon, station_lat, resolution: int = 8) -> list[GapHex]:
    """Every H3 cell (at ``resolution``, 0..15) holding a demand point, with its covered and uncovered weight.

    ``covered`` says per demand point whether it is covered (e.g. distance_m <= radius_m).
    Sorted by uncovered_weight (desc), then hex_id; the gaps are the cells with uncovered_weight > 0.
    Resolution 8 cells are ~0.74 km² (edge ~0.53 km). A ring crossing the antimeridian keeps
    H3's longitudes (it jumps from +180 to -180); China's cells never do.
    """
    demand_lon, demand_lat = _coords(demand_lon, demand_lat, "demand")
    weight = _weights(weight, demand_lon.size)
    covered = _bools(covered, demand_lon.size, "covered")
    station_lon, station_lat = _coords(station_lon, station_lat, "station")
    resolution = _count(resolution, "resolution")
    if resolution > 15:
        raise InvalidArgument(f"resolution must be an H3 resolution 0..15, got {resolution}")
    if demand_lon.size == 0:
        return []
    # h3 has no array API: one C call per point (~0.5 us), on integer ids until the end.
    cells = np.fromiter(
        (h3_int.latlng_to_cell(la, lo, resolution) for la, lo in zip(demand_lat.tolist(), demand_lon.tolist())),
        dtype=np.uint64,
        count=demand_lon.size,
    )
    unique, inverse = np.unique(cells, return_inverse=True)
    k = unique.size
    points = np.bincount(inverse, minlength=k)
    demand_w = np.bincount(inverse, weights=weight, minlength=k)
    covered_w = np.bincount(inverse[covered], weights=weight[covered], minlength=k)
    uncovered_w = np.bincount(inverse[~covered], weights=weight[~covered], minlength=k)
    ids = [h3.int_to_str(int(c)) for c in unique.tolist()]
    centres = np.array([h3_int.cell_to_latlng(int(c)) for c in unique.tolist()], dtype=np.float64).reshape(-1, 2)
    centre_lat, centre_lon = centres[:, 0], centres[:, 1]
    distance_m, _ = nearest_station_m(centre_lon, centre_lat, station_lon, station_lat)
    order = sorted(range(k), key=lambda c: (-uncovered_w[c], ids[c]))
    out = []
    for c in order:
        ring = [(lng, lat) for lat, lng in h3.cell_to_boundary(ids[c])]
        ring.append(ring[0])
        out.append(
            GapHex(
                hex_id=ids[c],
                lon=float(centre_lon[c]),
                lat=float(centre_lat[c]),
                demand_points=int(points[c]),
                demand_weight=float(demand_w[c]),
                covered_weight=float(covered_w[c]),
                uncovered_weight=float(uncovered_w[c]),
                distance_m=float(distance_m[c]),
                boundary=ring,
                resolution=resolution,
            )
        )
    return out


def candidate_sites_from_gaps(gaps: list[GapHex], limit: int) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) float64 arrays of the centres of the ``limit`` gap cells with most uncovered weight.

    Only cells with uncovered_weight > 0 count; ties by hex_id.
    """
    limit = _count(limit, "limit")
    ranked = sorted((g for g in gaps if g.uncovered_weight > 0), key=lambda g: (-g.uncovered_weight, g.hex_id))
    top = ranked[:limit]
    return (np.array([g.lon for g in top], dtype=np.float64), np.array([g.lat for g in top], dtype=np.float64))
