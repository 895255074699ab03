"""The coverage figures of a set of demand points: covered weight and share, weighted mean and p90 distance.

CoverageSummary and summarize work from distances already measured by reach.nearest_station_m, so
one nearest-station pass serves the whole city and, through a boolean mask, each of its districts.
"""

from dataclasses import asdict, dataclass

import numpy as np

from geodata.coverage.validation import _bools, _radius, _weights
from geodata.errors import InvalidArgument


@dataclass(frozen=True)
class CoverageSummary:
    """Demand within reach of a station. Weights are in the caller's unit (e.g. orders/day)."""

    demand_points: int
    demand_weight: float
    covered_points: int  # points with distance_m <= radius_m, whatever their weight
    covered_weight: float
    coverage: float  # covered_weight / demand_weight, 0..1; 0.0 when demand_weight == 0
    mean_distance_m: float | None  # weighted mean distance to the nearest station
    p90_distance_m: float | None  # weighted 90th percentile of that distance
    radius_m: float = 0.0  # the radius this summary was made for

    def as_dict(self) -> dict:
        return asdict(self)


def summarize(distance_m, weight, radius_m, mask=None) -> CoverageSummary:
    """Coverage of demand points given each one's distance to its nearest station (metres).

    A point is covered when distance_m <= radius_m. ``mask`` (booleans, one per point) keeps
    a subset, e.g. one district. The mean and 90th percentile are weighted by demand (the
    90th percentile is the smallest distance within which at least 90 % of the weight lies);
    both are None when the kept points weigh nothing in all or there is no station (any
    infinite distance, which is how nearest_station_m reports "no station").
    """
    try:
        distance_m = np.asarray(distance_m, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"distance_m must be an array of numbers ({exc})") from None
    if np.isnan(distance_m).any() or (distance_m < 0).any():
        raise InvalidArgument("distance_m must be >= 0 (inf for no station), got NaN or a negative value")
    weight = _weights(weight, distance_m.size)
    radius_m = _radius(radius_m)
    if mask is not None:
        mask = _bools(mask, distance_m.size, "mask")
        distance_m, weight = distance_m[mask], weight[mask]
    covered = distance_m <= radius_m
    demand_weight = float(weight.sum())
    # Summing a subset can round above the whole (pairwise summation differs with the order):
    # a covered share is never more than all of it.
    covered_weight = min(float(weight[covered].sum()), demand_weight)
    mean_m = p90_m = None
    if demand_weight > 0 and np.isfinite(distance_m).all():
        # Normalise first: tiny (subnormal) weights times distances would lose their digits.
        mean_m = float(np.dot(weight / demand_weight, distance_m))
        mean_m = min(max(mean_m, float(distance_m.min())), float(distance_m.max()))  # rounding stays inside
        p90_m = float(np.percentile(distance_m, 90, weights=weight, method="inverted_cdf"))
    return CoverageSummary(
        demand_points=int(distance_m.size),
        demand_weight=demand_weight,
        covered_points=int(covered.sum()),
        covered_weight=covered_weight,
        coverage=covered_weight / demand_weight if demand_weight > 0 else 0.0,
        mean_distance_m=mean_m,
        p90_distance_m=p90_m,
        radius_m=radius_m,
    )
