"""Schemas of the planners' API (/api/v1/planning/...). Explicit fields, never __all__."""

from typing import Any, Literal

from ninja import Field, Schema

from stations import limits
from stations.http.schemas import Coordsys


class CoverageIn(Schema):
    demand: str = Field(..., description="Name of the demand dataset (see import_demand).", examples=["shenzhen-food-pickups"])
    radius_m: float = Field(
        limits.DEFAULT_COVERAGE_RADIUS_M, gt=0, le=limits.MAX_COVERAGE_RADIUS_M, allow_inf_nan=False,
        description=f"Service radius in metres, (0, {limits.MAX_COVERAGE_RADIUS_M}]; 500, 1000 and 1500 are usual.",
    )
    kinds: list[str] = Field(["rest_station"], description="Station kinds that count (rest_station, driver_home, charging_point).")
    worker: str | None = Field(None, description="Only stations serving this worker type (e.g. delivery); default: any.")
    at: str | None = Field(None, description="Only stations open then by their opening hours: '22:00' (today, China time) or '2026-12-01T22:00'. Stations with unknown hours do not count.")
    district: str | None = Field(None, description="An organisation in your area, e.g. 南山区.")
    polygon: dict[str, Any] | None = Field(None, description="A GeoJSON Polygon/MultiPolygon in `coordsys`, clipped to your area.")
    coordsys: Coordsys = Field("wgs84", description="System of `polygon`.")
    resolution: Literal[8, 9] = Field(8, description="H3 resolution of the gap grid: 8 (~0.74 km² cells) or 9 (~0.11 km²).")
    exclude_alerted: bool = Field(False, description="Leave out stations two riders reported closed or gone within 7 days (an open alert).")


class CoverageSummaryOut(Schema):
    demand_points: int
    demand_weight: float
    covered_points: int
    covered_weight: float
    coverage: float = Field(..., description="covered_weight / demand_weight, 0..1 (0 when there is no demand).")
    mean_distance_m: float | None = Field(..., description="Demand-weighted mean distance to the nearest qualifying station; null without demand or stations.")
    p90_distance_m: float | None = Field(..., description="Demand-weighted 90th percentile of that distance.")


class DistrictCoverageOut(CoverageSummaryOut):
    name: str
    # How true the map is there (riders' reports); absent from runs stored before they existed.
    fresh_share: float | None = Field(None, description="Share of its open stations confirmed, verified or changed within 90 days")
    aging_share: float | None = Field(None, description="... within 365 days")
    stale_share: float | None = Field(None, description="... longer ago, or never")
    open_reports: int | None = Field(None, description="Riders' reports and suggestions not yet resolved")
    overdue_reports: int | None = Field(None, description="Of those, past their due time")


class NeededStationOut(Schema):
    id: int
    sole_weight: float = Field(..., description="Demand weight no other qualifying station reaches: lost if it closed")
    sole_points: int
    covered_weight: float


class StationImpactOut(Schema):
    most_needed: list[NeededStationOut] = Field(..., description="Up to 20 stations, most demand they alone cover first")
    redundant_count: int = Field(..., description="Stations that cover demand, all of it also within reach of another station")
    redundant: list[int] = Field(..., description="Their ids (the first 200)")


class CoverageOut(Schema):
    id: int
    radius_m: float
    overall: CoverageSummaryOut
    districts: list[DistrictCoverageOut]
    gaps: int = Field(..., description="How many H3 cells hold uncovered demand (GET /coverage/{id}/gaps.geojson).")
    station_impact: StationImpactOut | None
    parameters: dict[str, Any] = Field(..., description="The request as understood (dataset, kinds, at, area, stations counted ...).")


class SitesIn(Schema):
    coverage: int = Field(..., description="The id of a coverage run.")
    p: int = Field(limits.DEFAULT_SITES, ge=1, le=limits.MAX_SITES, description=f"How many new sites, 1..{limits.MAX_SITES}.")
    candidates: Literal["gaps"] | list[Any] = Field(
        "gaps", description='"gaps" (the centres of the run\'s gap cells) or a list of [lon, lat] / {"lon", "lat"} points in `coordsys`.'
    )
    coordsys: Coordsys = Field("wgs84", description="System of candidate points and of the answer's coordinates.")


class SiteOut(Schema):
    rank: int
    lon: float
    lat: float
    wgs84: list[float] = Field(..., description="[lon, lat] in WGS-84 whatever the coordsys.")
    added_weight: float = Field(..., description="Demand weight this site newly covers, given the sites before it.")
    added_points: int
    covered_weight_after: float
    coverage_after: float = Field(..., description="Share of the area's demand covered once this and the earlier sites exist.")


class SitesOut(Schema):
    coverage: int
    p: int
    radius_m: float
    coordsys: Coordsys
    candidates: str | int
    demand_weight: float
    coverage_before: float
    sites: list[SiteOut]


class DatasetOut(Schema):
    name: str
    description: str
    source: str
    licence: str
    points: int


class KindOut(Schema):
    code: str
    zh: str
    en: str


class PlanningOptionsOut(Schema):
    organisation: str
    districts: list[str] = Field(..., description="Your organisation and those below it: valid `district` values.")
    datasets: list[DatasetOut]
    kinds: list[KindOut]
    radii_m: list[int]
