"""What each existing station contributes: all the demand it covers, and what only it covers.

StationImpact and station_impacts tell a planner what closing a station would lose (its sole
weight) and which stations only duplicate others (redundant). Built on reach.stations_within.
"""

from dataclasses import asdict, dataclass

import numpy as np

from geodata.coverage.reach import stations_within
from geodata.coverage.validation import _coords, _weights


@dataclass(frozen=True)
class StationImpact:
    """What one station does for demand within radius_m.

    sole_weight / sole_points: demand no other station covers (what closing it would lose).
    covered_weight / covered_points: all demand it covers.
    redundant: it covers some weighted demand (covered_weight > 0) but none of it alone
    (sole_weight == 0). A station that covers no weighted demand at all is *not* redundant but
    idle: covered_weight == 0 says so.
    """

    station_index: int
    sole_weight: float
    sole_points: int
    covered_weight: float
    redundant: bool
    covered_points: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def station_impacts(demand_lon, demand_lat, weight, station_lon, station_lat, radius_m) -> list[StationImpact]:
    """One StationImpact per station, sorted by sole_weight (desc), ties by station_index.

    A station never "covers" beyond radius_m (haversine, metres), even a point no one else reaches.
    """
    demand_lon, demand_lat = _coords(demand_lon, demand_lat, "demand")
    weight = _weights(weight, demand_lon.size)
    within = stations_within(demand_lon, demand_lat, station_lon, station_lat, radius_m)
    m = within.shape[1]
    covered_points = np.bincount(within.indices, minlength=m)
    covered_weight = within.T.astype(np.float64) @ weight
    per_point = np.diff(within.indptr)
    alone = np.flatnonzero(per_point == 1)
    sole_station = within.indices[within.indptr[alone]]
    sole_points = np.bincount(sole_station, minlength=m)
    sole_weight = np.bincount(sole_station, weights=weight[alone], minlength=m)
    order = np.lexsort((np.arange(m), -sole_weight))
    return [
        StationImpact(
            station_index=int(j),
            sole_weight=float(sole_weight[j]),
            sole_points=int(sole_points[j]),
            covered_weight=float(covered_weight[j]),
            redundant=bool(covered_weight[j] > 0 and sole_weight[j] == 0),
            covered_points=int(covered_points[j]),
        )
        for j in order.tolist()
    ]
