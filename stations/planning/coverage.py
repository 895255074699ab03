"""Use case: a coverage run for city planners — how much demand is within reach of an open
station, per district, where the gaps are — stored whole so that its gaps, map and site
suggestions are served from the database.

The numbers come from geodata.coverage (exact haversine, a point is covered when its nearest
qualifying station is <= radius_m away). Qualifying stations: status open, of the asked kinds,
serving the asked worker type, and — with ``at`` — open at that time by their opening hours
(stations with unknown hours do not count then). Stations just outside the area count too:
they reach demand inside it.
"""

import datetime
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.db.models import Count

from geodata import coverage
from stations import limits
from stations import vocabulary as vocab
from stations.errors import BadRequest, NotFound
from stations.models import Account, CoverageRun, DemandDataset, DemandPoint, Organisation, Station
from stations.search.hours import STATION_TZ, now_in_china, open_now
from stations.planning.area import Area, area_names, resolve_area
from stations.reports.figures import district_figures

DEFAULT_RADIUS_M = limits.DEFAULT_COVERAGE_RADIUS_M
DEFAULT_KINDS = ("rest_station",)
RESOLUTIONS = (8, 9)  # H3: res 8 cells ~0.74 km² (edge ~0.53 km), res 9 ~0.11 km² (h3geo.org/docs/core-library/restable)
# Metres per degree of latitude on the sphere of geodata.distance (2πR / 360), to widen a bbox by a radius.
_M_PER_DEG = 2 * math.pi * coverage.EARTH_RADIUS_M / 360
_AT_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
SUMMARY_FIELDS = ("demand_points", "demand_weight", "covered_points", "covered_weight", "coverage", "mean_distance_m", "p90_distance_m")


def uncovered_gaps(gaps: list[dict]) -> list[dict]:
    """The stored gap cells that still hold uncovered demand (a run stores every cell with
    demand; the fully covered ones only count towards the totals)."""
    return [gap for gap in gaps if gap["uncovered_weight"] > 0]


@dataclass
class CoverageQuery:
    dataset: str
    radius_m: float = DEFAULT_RADIUS_M
    kinds: tuple[str, ...] = DEFAULT_KINDS
    worker: str | None = None  # a vocabulary.WORKER_TYPES code; None: any
    at: str | None = None  # "22:00" (today, China time) or "2026-12-01T22:00"
    district: str | None = None
    polygon: dict | None = None
    coordsys: str = "wgs84"  # of the polygon
    resolution: int = 8
    exclude_alerted: bool = False  # leave out stations riders reported closed or gone (two riders, 7 days)


# The alerts that make a station unreliable enough to leave out (stations.reports.alerts).
_EXCLUDING_ALERTS = frozenset({"reported_closed", "reported_gone"})


@dataclass
class CoverageResult:
    """A computed run before it is stored (the command-line report writes it to files)."""

    parameters: dict
    area: Area
    summary: dict  # {"overall": {...}, "districts": [...]}
    gaps: list[dict]
    station_lon: np.ndarray
    station_lat: np.ndarray
    station_kind: list[str]
    impacts: list[coverage.StationImpact] = field(default_factory=list)
    station_ids: list[int] = field(default_factory=list)

    @property
    def gap_count(self) -> int:
        return len(uncovered_gaps(self.gaps))


def parse_at(text: str | None, today: datetime.date | None = None) -> datetime.datetime | None:
    """'22:00' → today at 22:00 in China; '2026-12-01T22:00' → that time (China time unless it
    has an offset). None/'' → None. BadRequest otherwise."""
    if not text:
        return None
    text = text.strip()
    match = _AT_TIME.match(text)
    if match:
        day = today or now_in_china().date()
        return datetime.datetime.combine(day, datetime.time(int(match[1]), int(match[2])), tzinfo=STATION_TZ)
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"at {text!r} is not a time like '22:00' (today) or '2026-12-01T22:00'") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STATION_TZ)
    return moment.astimezone(STATION_TZ).replace(second=0, microsecond=0)


def check_query(query: CoverageQuery) -> None:
    """BadRequest for a parameter out of range, before any work is done."""
    if isinstance(query.radius_m, bool) or not isinstance(query.radius_m, (int, float)) or not 0 < query.radius_m <= limits.MAX_COVERAGE_RADIUS_M:
        raise BadRequest(f"radius_m must be > 0 and <= {limits.MAX_COVERAGE_RADIUS_M} metres, got {query.radius_m!r}")
    if not query.kinds:
        raise BadRequest(f"kinds must name at least one kind; allowed: {', '.join(vocab.KIND_CODES)}")
    unknown = [k for k in query.kinds if k not in vocab.KIND_CODES]
    if unknown:
        raise BadRequest(f"unknown kind {', '.join(map(repr, unknown))}; allowed: {', '.join(vocab.KIND_CODES)}")
    if query.worker is not None and query.worker not in vocab.WORKER_CODES:
        raise BadRequest(f"unknown worker type {query.worker!r}; allowed: {', '.join(vocab.WORKER_CODES)}")
    if query.resolution not in RESOLUTIONS:
        raise BadRequest(f"resolution must be one of {', '.join(map(str, RESOLUTIONS))}, got {query.resolution!r}")


def find_dataset(name: str | None) -> DemandDataset:
    """The dataset by name; with no name, the only one loaded."""
    if name:
        dataset = DemandDataset.objects.filter(name=name).first()
        if dataset is not None:
            return dataset
    known = list(DemandDataset.objects.values_list("name", flat=True)[:30])
    if not name and len(known) == 1:
        return DemandDataset.objects.get(name=known[0])
    listed = ", ".join(known) or "none (import one with import_demand)"
    if not name:
        raise BadRequest(f"name a demand dataset; known: {listed}")
    raise BadRequest(f"unknown demand dataset {name!r}; known: {listed}")


def demand_in_area(dataset: DemandDataset, area: Area) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    min_lon, min_lat, max_lon, max_lat = area.geometry.bounds
    rows = (
        DemandPoint.objects.filter(dataset=dataset, lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat)
        .order_by("id")
        .values_list("lon", "lat", "weight")
    )
    table = np.array(list(rows), dtype=np.float64).reshape(-1, 3)
    inside = shapely.intersects_xy(area.geometry, table[:, 0], table[:, 1]) if len(table) else np.zeros(0, dtype=bool)
    table = table[inside]
    return table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy()


def _widened_bbox(area: Area, radius_m: float) -> tuple[float, float, float, float]:
    min_lon, min_lat, max_lon, max_lat = area.geometry.bounds
    dlat = radius_m / _M_PER_DEG
    widest = max(abs(min_lat), abs(max_lat)) + dlat
    dlon = 180.0 if widest >= 89.9 else radius_m / (_M_PER_DEG * math.cos(math.radians(widest)))
    return min_lon - dlon, max(-90.0, min_lat - dlat), max_lon + dlon, min(90.0, max_lat + dlat)


def qualifying_stations(query: CoverageQuery, area: Area, at: datetime.datetime | None) -> list[tuple]:
    """(id, lon, lat, kind) of the stations that count: open, of the kinds, for the worker type,
    open at ``at``, within radius_m of the area's bounding box. Ordered by id."""
    min_lon, min_lat, max_lon, max_lat = _widened_bbox(area, query.radius_m)
    rows = Station.objects.filter(
        status=Station.Status.OPEN,
        kind__in=query.kinds,
        lon__gte=min_lon,
        lon__lte=max_lon,
        lat__gte=min_lat,
        lat__lte=max_lat,
    ).order_by("id").values_list("id", "lon", "lat", "kind", "eligible_workers_mask", "opening_hours", "status", "alerts")
    wanted = vocab.worker_mask([query.worker]) if query.worker else 0
    found = []
    for station_id, lon, lat, kind, workers, hours, status, alerts in rows:
        if wanted and not workers & wanted:
            continue
        if query.exclude_alerted and alerts and _EXCLUDING_ALERTS.intersection(alerts.split(",")):
            continue
        if at is not None and open_now(status, hours, at) is not True:
            continue  # closed then, or hours unknown: it cannot be promised
        found.append((station_id, lon, lat, kind))
    return found


def _summary_json(summary: coverage.CoverageSummary) -> dict:
    data = summary.as_dict()
    out = {name: data[name] for name in SUMMARY_FIELDS}
    for name in ("mean_distance_m", "p90_distance_m"):
        if out[name] is not None:
            out[name] = round(out[name], 1)
    return out


def _gap_json(gap: coverage.GapHex) -> dict:
    return {
        "hex_id": gap.hex_id,
        "lon": gap.lon,
        "lat": gap.lat,
        "demand_points": gap.demand_points,
        "demand_weight": gap.demand_weight,
        "covered_weight": gap.covered_weight,
        "uncovered_weight": gap.uncovered_weight,
        "distance_m": round(gap.distance_m, 1) if math.isfinite(gap.distance_m) else None,
        "boundary": [[lon, lat] for lon, lat in gap.boundary],
    }


def compute_coverage(
    query: CoverageQuery, scope: Organisation | None, progress: Callable[[str], None] | None = None
) -> CoverageResult:
    """Everything a run reports, computed (nothing stored). BadRequest for bad parameters."""
    step = progress or (lambda _label: None)
    check_query(query)
    at = parse_at(query.at)
    dataset = find_dataset(query.dataset)
    area = resolve_area(scope, query.district, query.polygon, query.coordsys)
    step("demand")
    lon, lat, weight = demand_in_area(dataset, area)
    step("stations")
    stations = qualifying_stations(query, area, at)
    station_lon = np.array([s[1] for s in stations], dtype=np.float64)
    station_lat = np.array([s[2] for s in stations], dtype=np.float64)
    step("coverage")
    distance_m, _ = coverage.nearest_station_m(lon, lat, station_lon, station_lat)
    covered = distance_m <= query.radius_m
    overall = coverage.summarize(distance_m, weight, query.radius_m)
    region = coverage.region_of(lon, lat, [d.geometry for d in area.districts])
    figures = district_figures([d.geometry for d in area.districts], area.geometry.bounds)
    districts = [
        {"name": d.name, **_summary_json(coverage.summarize(distance_m, weight, query.radius_m, mask=region == i)), **figures[i]}
        for i, d in enumerate(area.districts)
    ]
    step("gaps")
    gaps = coverage.gap_hexes(lon, lat, weight, covered, station_lon, station_lat, query.resolution)
    impacts = coverage.station_impacts(lon, lat, weight, station_lon, station_lat, query.radius_m)
    parameters = {
        "dataset": dataset.name,
        "dataset_updated_at": dataset.updated_at.isoformat(),
        "radius_m": query.radius_m,
        "kinds": list(query.kinds),
        "worker": query.worker,
        "at": at.isoformat() if at else None,
        "district": area.name if query.district else None,
        "polygon": query.polygon is not None,
        "polygon_clipped": area.clipped,
        "area": area.name,
        "resolution": query.resolution,
        "exclude_alerted": query.exclude_alerted,
        "stations": len(stations),
    }
    return CoverageResult(
        parameters=parameters,
        area=area,
        summary={"overall": _summary_json(overall), "districts": districts, "station_impact": _impact_json(impacts, [s[0] for s in stations])},
        gaps=[_gap_json(g) for g in gaps],
        station_lon=station_lon,
        station_lat=station_lat,
        station_kind=[s[3] for s in stations],
        impacts=impacts,
        station_ids=[s[0] for s in stations],
    )


MOST_NEEDED_SHOWN = 20
REDUNDANT_SHOWN = 200


def _impact_json(impacts: list[coverage.StationImpact], station_ids: list[int]) -> dict:
    """The stations a closure would hurt most (demand only they reach) and those whose whole
    reach another station also covers."""
    redundant = [station_ids[i.station_index] for i in impacts if i.redundant]
    return {
        "most_needed": [
            {"id": station_ids[i.station_index], "sole_weight": round(i.sole_weight, 3), "sole_points": i.sole_points,
             "covered_weight": round(i.covered_weight, 3)}
            for i in impacts[:MOST_NEEDED_SHOWN]
            if i.sole_weight > 0
        ],
        "redundant_count": len(redundant),
        "redundant": sorted(redundant)[:REDUNDANT_SHOWN],
    }


def store_run(result: CoverageResult, organisation: Organisation, account: Account | None) -> CoverageRun:
    return CoverageRun.objects.create(
        organisation=organisation,
        account=account,
        parameters=result.parameters,
        summary=result.summary,
        gaps=result.gaps,
        layers=result.area.layers_json(),
        stations=[[lon, lat, kind] for lon, lat, kind in zip(result.station_lon.tolist(), result.station_lat.tolist(), result.station_kind)],
    )


def run_json(run: CoverageRun) -> dict:
    """The API answer for a stored run (POST /coverage and GET /coverage/{id})."""
    return {
        "id": run.pk,
        "radius_m": run.parameters["radius_m"],
        "overall": run.summary["overall"],
        "districts": run.summary["districts"],
        "gaps": len(uncovered_gaps(run.gaps)),
        "station_impact": run.summary.get("station_impact"),
        "parameters": run.parameters,
    }


def run_coverage(query: CoverageQuery, account: Account) -> CoverageRun:
    """Compute and store a run for a planner (within their organisation's area)."""
    result = compute_coverage(query, account.organisation)
    return store_run(result, account.organisation, account)


def visible_run(run_id: int, account: Account) -> CoverageRun:
    """The run if it belongs to the caller's organisation; NotFound otherwise (existence does not leak)."""
    run = CoverageRun.objects.filter(pk=run_id, organisation_id=account.organisation_id).first()
    if run is None:
        raise NotFound(f"no coverage run {run_id} in your organisation")
    return run


def planning_options(account: Account) -> dict:
    """What the planner page offers: districts in the caller's area, datasets, kinds, radii."""
    datasets = DemandDataset.objects.annotate(n=Count("points")).order_by("name")
    return {
        "organisation": account.organisation.name,
        "districts": area_names(account.organisation),
        "datasets": [
            {"name": d.name, "description": d.description, "source": d.source, "licence": d.licence, "points": d.n}
            for d in datasets
        ],
        "kinds": [{"code": t.code, "zh": t.zh, "en": t.en} for t in vocab.KINDS],
        "radii_m": [500, 1000, 1500],
    }
