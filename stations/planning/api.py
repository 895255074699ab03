"""The city planners' API: coverage of worker demand by open stations, gaps, new sites, maps.

Planner and manager accounts (Bearer token) read and analyse within their organisation's area;
runs are stored, and each organisation sees only its own (another's id answers 404).
"""

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from stations.accounts.auth import planner_auth
from stations.http import paths  # noqa: F401  registers the {id:...} path converter
from stations.http.responses import json_response
from stations.http.schemas import Coordsys, ErrorOut
from stations.planning.schemas import CoverageIn, CoverageOut, PlanningOptionsOut, SitesIn, SitesOut
from stations.planning.exports import districts_csv, run_gaps_geojson
from stations.planning.maps import render_run_png
from stations.planning.coverage import CoverageQuery, planning_options, run_coverage, run_json, visible_run
from stations.planning.sites import StaleRun, suggest_sites

router = Router(tags=["planners"], auth=planner_auth)

AUTH_ERRORS = {401: ErrorOut, 403: ErrorOut}


class CoordsysQueryIn(Schema):
    coordsys: Coordsys = "wgs84"


@router.get("/options", response={200: PlanningOptionsOut, **AUTH_ERRORS}, summary="What a planner can choose")
def get_options(request: HttpRequest):
    """Your organisation, the districts you may analyse, the demand datasets and the station kinds."""
    return planning_options(request.auth)


@router.post("/coverage", response={201: CoverageOut, 400: ErrorOut, **AUTH_ERRORS}, summary="Run a coverage analysis")
def create_coverage(request: HttpRequest, body: CoverageIn):
    """How much of a demand dataset lies within `radius_m` (haversine) of a qualifying open
    station, overall and per district, for a district, a polygon (clipped to your area) or your
    whole area. Stores the run: its gaps, map and site suggestions are under `/coverage/{id}`."""
    query = CoverageQuery(
        dataset=body.demand,
        radius_m=body.radius_m,
        kinds=tuple(dict.fromkeys(body.kinds)),
        worker=body.worker,
        at=body.at,
        district=body.district,
        polygon=body.polygon,
        coordsys=body.coordsys,
        resolution=body.resolution,
        exclude_alerted=body.exclude_alerted,
    )
    return Status(201, run_json(run_coverage(query, request.auth)))


@router.get("/coverage/{id:run_id}", response={200: CoverageOut, 404: ErrorOut, **AUTH_ERRORS}, summary="A stored coverage run")
def get_coverage(request: HttpRequest, run_id: int):
    return run_json(visible_run(run_id, request.auth))


@router.get(
    "/coverage/{id:run_id}/gaps.geojson",
    response={200: dict, 400: ErrorOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="The gap grid (H3 cells) as GeoJSON",
)
def get_gaps(request: HttpRequest, run_id: int, q: Query[CoordsysQueryIn]):
    """A FeatureCollection of the run's H3 cells holding demand, most uncovered first, with
    properties `hex_id`, `demand`, `covered`, `uncovered` (weights), `distance_m` and
    `demand_points` (kepler.gl reads it as is)."""
    run = visible_run(run_id, request.auth)
    response = json_response(run_gaps_geojson(run, q.coordsys))
    response["Content-Type"] = "application/geo+json"
    response["Content-Disposition"] = f'inline; filename="coverage-{run.pk}-gaps.geojson"'
    return response


@router.get(
    "/coverage/{id:run_id}/districts.csv", response={200: str, 404: ErrorOut, **AUTH_ERRORS}, summary="The per-district table as CSV"
)
def get_districts_csv(request: HttpRequest, run_id: int):
    run = visible_run(run_id, request.auth)
    response = HttpResponse(districts_csv(run.summary), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="coverage-{run.pk}-districts.csv"'
    return response


@router.get("/coverage/{id:run_id}/map.png", response={200: bytes, 404: ErrorOut, **AUTH_ERRORS}, summary="The run as a map picture")
def get_map(request: HttpRequest, run_id: int):
    """A PNG: district outlines, stations by kind, cells shaded by uncovered demand, the last
    suggested sites, legend, scale bar and a title with the date and parameters."""
    run = visible_run(run_id, request.auth)
    response = HttpResponse(render_run_png(run), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="coverage-{run.pk}.png"'
    return response


@router.post("/sites", response={200: SitesOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, **AUTH_ERRORS}, summary="Suggest new sites")
def create_sites(request: HttpRequest, body: SitesIn):
    """Up to `p` new sites that together cover the most demand not yet covered by the run's
    stations (maximal covering, lazy-greedy), in the order chosen, with what each adds and the
    coverage after it. The run's map then shows them."""
    run = visible_run(body.coverage, request.auth)
    try:
        return suggest_sites(run, body.p, body.candidates, body.coordsys)
    except StaleRun as exc:
        raise HttpError(409, str(exc)) from None
