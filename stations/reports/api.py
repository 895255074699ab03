"""The riders' reports API: anonymous rider keys, reports on a station, suggestions of missing
stations, and a rider's own list. Every write sends `Authorization: Bearer <rider_token>`."""

from django.http import HttpRequest
from ninja import Path, Router, Status

from stations.accounts.auth import rider_auth
from stations.http.schemas import ErrorOut
from stations.reports import submit
from stations.reports.schemas import (
    MyReportsOut,
    ReportCreatedOut,
    ReportIn,
    RiderKeyOut,
    SuggestionCreatedOut,
    SuggestionIn,
    body_schema,
    parse_body,
)

router = Router(tags=["riders"])

_ERRORS = {400: ErrorOut, 401: ErrorOut, 429: ErrorOut}
# A photo over 10 MB (413), or a body sent without a Content-Length (411): backend.middleware.
_UPLOAD_ERRORS = {411: ErrorOut, 413: ErrorOut}


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@router.post("/riders", response={201: RiderKeyOut, 429: ErrorOut}, summary="A new anonymous rider key")
def create_rider_key(request: HttpRequest):
    """A random key for this phone (no personal data; only its hash is stored). Keep it: every
    report and suggestion sends it as `Authorization: Bearer <rider_token>`."""
    return Status(201, {"rider_token": submit.issue_rider_key(_address(request))})


@router.post(
    "/stations/{station_id}/reports",
    auth=rider_auth,
    response={200: ReportCreatedOut, 201: ReportCreatedOut, **_ERRORS, 404: ErrorOut, **_UPLOAD_ERRORS},
    summary="Confirm a station, or report a problem with it",
    openapi_extra=body_schema(ReportIn, multipart=True),
)
def create_report(request: HttpRequest, station_id: Path[int]):
    """`type` is one of /api/v1/meta `report_types`: `confirmed` (here, as described) or a
    problem (`closed`, `gone`, `amenity_missing` with `amenity`, `hours_wrong` with
    `suggested_hours`, `location_wrong` with `suggested_point`, `unsafe_or_dirty`, `other`),
    with an optional `comment` (≤ 500 characters) and, as a multipart form, a `photo`. It
    reaches the union that owns the station, with a deadline (`due_at`). Sending the same
    report on the same station again within 24 h updates the first one (200, same id)."""
    data = parse_body(request, ReportIn)
    body, created = submit.submit_report(request.auth, station_id, data, request.FILES.get("photo"), _address(request))
    return Status(201 if created else 200, body)


@router.post(
    "/suggestions",
    auth=rider_auth,
    response={201: SuggestionCreatedOut, **_ERRORS, **_UPLOAD_ERRORS},
    summary="Suggest a station that is not on the map",
    openapi_extra=body_schema(SuggestionIn, multipart=True),
)
def create_suggestion(request: HttpRequest):
    """Name, kind, point (any `coordsys`), amenities, hours, comment and an optional photo. The
    answer lists existing stations within 100 m it may duplicate."""
    data = parse_body(request, SuggestionIn)
    return Status(201, submit.submit_suggestion(request.auth, data, request.FILES.get("photo"), _address(request)))


@router.get("/riders/me/reports", auth=rider_auth, response={200: MyReportsOut, 401: ErrorOut}, summary="My reports and suggestions")
def my_reports(request: HttpRequest):
    """Newest first, with their status and the union's answer (`resolution`, `note`)."""
    return submit.my_reports(request.auth)
