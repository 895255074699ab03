"""Use case: suggest p new sites for a stored coverage run (maximal covering location problem,
lazy-greedy in geodata.coverage.choose_sites), existing qualifying stations fixed.

The run keeps its stations but not its demand points (a dataset may hold millions), so the
points are reloaded from the dataset; if the dataset was re-imported since the run, the
suggestion would no longer match the run's numbers, and it is refused (409).
"""

import numpy as np
from shapely.geometry import shape

from geodata import coverage
from geodata.coords import check_coordsys, check_lon_lat, from_wgs84, to_wgs84
from geodata.rounding import round_coord
from stations import limits
from stations.errors import BadRequest
from stations.models import CoverageRun, DemandDataset
from stations.planning.coverage import demand_in_area, uncovered_gaps
from stations.planning.area import Area, District



class StaleRun(BadRequest):
    """The run's dataset changed since it was computed (the API answers 409)."""


def _candidates(run: CoverageRun, candidates, coordsys: str) -> tuple[np.ndarray, np.ndarray]:
    if candidates == "gaps":
        # Every gap cell's centre: the cells where uncovered demand is.
        gaps = uncovered_gaps(run.gaps)
        return np.array([g["lon"] for g in gaps], dtype=np.float64), np.array([g["lat"] for g in gaps], dtype=np.float64)
    if not isinstance(candidates, list) or not candidates:
        raise BadRequest('candidates must be "gaps" or a non-empty list of points [lon, lat] or {"lon": .., "lat": ..}')
    if len(candidates) > limits.MAX_SITE_CANDIDATES:
        raise BadRequest(f"at most {limits.MAX_SITE_CANDIDATES} candidate points, got {len(candidates)}")
    lon, lat = [], []
    for i, point in enumerate(candidates):
        if isinstance(point, dict):
            point = [point.get("lon"), point.get("lat")]
        if not isinstance(point, (list, tuple)) or len(point) != 2:
            raise BadRequest(f"candidates[{i}] must be [lon, lat] or {{\"lon\": .., \"lat\": ..}}, got {point!r}")
        x, y = point
        if isinstance(x, bool) or isinstance(y, bool):
            raise BadRequest(f"candidates[{i}] must hold numbers, got {point!r}")
        try:
            check_lon_lat(x, y)
        except ValueError as exc:
            raise BadRequest(f"candidates[{i}]: {exc}") from None
        x, y = to_wgs84(float(x), float(y), coordsys)
        lon.append(x)
        lat.append(y)
    return np.array(lon, dtype=np.float64), np.array(lat, dtype=np.float64)


def _run_area(run: CoverageRun) -> Area:
    layers = run.layers
    area = shape(layers["area"])
    return Area(run.parameters["area"], area, tuple(District(d["name"], shape(d["geometry"])) for d in layers["districts"]))


def suggest_sites(run: CoverageRun, p: int, candidates="gaps", coordsys: str = "wgs84") -> dict:
    """Choose up to p sites, store them on the run (its map shows them) and return the answer."""
    check_coordsys(coordsys)
    if isinstance(p, bool) or not isinstance(p, int) or not 1 <= p <= limits.MAX_SITES:
        raise BadRequest(f"p must be a whole number 1..{limits.MAX_SITES}, got {p!r}")
    parameters = run.parameters
    dataset = DemandDataset.objects.filter(name=parameters["dataset"]).first()
    if dataset is None or dataset.updated_at.isoformat() != parameters["dataset_updated_at"]:
        raise StaleRun(f"demand dataset {parameters['dataset']!r} was re-imported or removed after run {run.pk}; run the coverage again")
    candidate_lon, candidate_lat = _candidates(run, candidates, coordsys)
    lon, lat, weight = demand_in_area(dataset, _run_area(run))
    stations = np.array([s[:2] for s in run.stations], dtype=np.float64).reshape(-1, 2)
    radius_m = parameters["radius_m"]
    distance_m, _ = coverage.nearest_station_m(lon, lat, stations[:, 0], stations[:, 1])
    covered = distance_m <= radius_m
    sites = coverage.choose_sites(lon, lat, weight, covered, candidate_lon, candidate_lat, radius_m, p)
    total = float(weight.sum())
    covered_weight = float(weight[covered].sum())
    before = covered_weight / total if total > 0 else 0.0
    out = []
    for rank, site in enumerate(sites, start=1):
        covered_weight += site.added_weight
        x, y = from_wgs84(site.lon, site.lat, coordsys)
        out.append(
            {
                "rank": rank,
                "lon": round_coord(x),
                "lat": round_coord(y),
                "wgs84": [site.lon, site.lat],
                "added_weight": site.added_weight,
                "added_points": site.added_points,
                "covered_weight_after": covered_weight,
                "coverage_after": covered_weight / total if total > 0 else 0.0,
            }
        )
    answer = {
        "coverage": run.pk,
        "p": p,
        "radius_m": radius_m,
        "coordsys": coordsys,
        "candidates": "gaps" if candidates == "gaps" else len(candidate_lon),
        "demand_weight": total,
        "coverage_before": before,
        "sites": out,
    }
    run.sites = answer
    run.save(update_fields=["sites"])
    return answer
