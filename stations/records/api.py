"""The union managers' write API: token-authenticated, scoped to the caller's jurisdiction.

Stations outside it do not exist here (404). Every change names the version it is based on
(If-Match or "version"); a stale one answers 409 with the current record.
"""

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Header, Path, Query, Router, Status
from ninja.files import UploadedFile

from stations.accounts.auth import manager_auth
from stations.search.schemas import Coordsys, ErrorOut, PhotoOut
from stations.records.schemas import (
    BatchIn,
    BatchOut,
    ConflictOut,
    HistoryOut,
    ImportOut,
    ImportRejectedOut,
    Kind,
    ListQueryIn,
    ManagedPageOut,
    ManagedStationOut,
    PhotoOrderIn,
    StationIn,
    StationPatch,
)
from stations.records import listing as manager_list
from stations.photos import store as photo_store
from stations.records import batch as station_batch
from stations.imports import uploads as station_uploads
from stations.records import writes as station_writes
from stations.records.writes import Actor, expected_version, station_out

router = Router(auth=manager_auth, tags=["managers"])

_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
_WRITE_ERRORS = {**_ERRORS, 409: ConflictOut, 428: ErrorOut}


def _actor(request: HttpRequest, via: str = "api") -> Actor:
    return Actor(request.auth, via)


def _with_etag(response_status: int, body: dict, response: HttpResponse) -> Status:
    response["ETag"] = f'"{body["version"]}"'
    return Status(response_status, body)


@router.post("/stations", response={201: ManagedStationOut, **_WRITE_ERRORS}, summary="Create a station")
def create(request: HttpRequest, response: HttpResponse, payload: StationIn, force: bool = False):
    """A new station inside your jurisdiction. Answers 409 with the `candidate` if a station of
    the same kind with a similar name is within 30 m, unless `force=true`."""
    station = station_writes.create_station(_actor(request), payload.model_dump(), force=force)
    return _with_etag(201, station_out(station, payload.coordsys), response)


@router.post("/stations/batch", response={200: BatchOut, **_ERRORS, 409: ErrorOut, 422: ErrorOut}, summary="Up to 1,000 operations")
def batch(request: HttpRequest, response: HttpResponse, payload: BatchIn, idempotency_key: Header[str | None] = None):
    """create / update / close / remove operations, each by `external_id` (in your
    organisation's source unless `source` says otherwise). Each one is applied or rejected on
    its own; a rejected one changes nothing. With an `Idempotency-Key` header, a retry of the
    same batch answers the first result again instead of applying it twice."""
    body, replayed = station_batch.run_batch(_actor(request, "batch"), payload, idempotency_key, request.body)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(200, body)


@router.get("/stations", response={200: ManagedPageOut, **_ERRORS}, summary="Your stations, recently changed first")
def list_stations(request: HttpRequest, q: Query[ListQueryIn]):
    """Every station in your jurisdiction (any status, removed included), ordered by
    `updated_at` then id; `updated_since` for changes since your last sync; follow `next`."""
    return manager_list.page(request.auth, q.updated_since, q.limit, q.cursor, q.coordsys)


@router.get("/stations/{station_id}", response={200: ManagedStationOut, **_ERRORS}, summary="One of your stations")
def detail(request: HttpRequest, response: HttpResponse, station_id: Path[int], coordsys: Coordsys = "wgs84"):
    """The station with its current `version` (also sent as the ETag header)."""
    station = station_writes.visible_station(request.auth, station_id)
    return _with_etag(200, station_out(station, coordsys), response)


@router.patch("/stations/{station_id}", response={200: ManagedStationOut, **_WRITE_ERRORS}, summary="Change a station")
def patch(
    request: HttpRequest,
    response: HttpResponse,
    station_id: Path[int],
    payload: StationPatch,
    if_match: Header[str | None] = None,
):
    """Change only the fields you send (facilities, hours, status, phone, ...). Send the version
    you based it on as `If-Match: "<version>"` or a `version` field."""
    version = expected_version(if_match, payload.version)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    station = station_writes.update_station(_actor(request), station_id, data, version)
    return _with_etag(200, station_out(station, payload.coordsys), response)


@router.delete("/stations/{station_id}", response={200: ManagedStationOut, **_WRITE_ERRORS}, summary="Remove a station")
def remove(request: HttpRequest, response: HttpResponse, station_id: Path[int], if_match: Header[str | None] = None, version: int | None = None):
    """Soft delete: the station gets status `removed`, keeps its history (revert brings it
    back) and riders no longer see it."""
    station = station_writes.remove_station(_actor(request), station_id, expected_version(if_match, version))
    return _with_etag(200, station_out(station), response)


@router.get("/stations/{station_id}/history", response={200: HistoryOut, **_ERRORS}, summary="Every change to a station")
def history(request: HttpRequest, station_id: Path[int]):
    """Newest first: who, when, through what, and `{field: [old, new]}`."""
    changes = station_writes.history(request.auth, station_id)
    return {"station_id": station_id, "count": len(changes), "results": changes}


@router.post(
    "/stations/{station_id}/revert/{change_id}",
    response={200: ManagedStationOut, **_WRITE_ERRORS},
    summary="Return a station to its state after an earlier change",
)
def revert(request: HttpRequest, response: HttpResponse, station_id: Path[int], change_id: Path[int], if_match: Header[str | None] = None, version: int | None = None):
    """The station's fields become what they were right after change `change_id`; recorded as
    a new change (nothing in the history is lost)."""
    station = station_writes.revert_station(_actor(request), station_id, change_id, expected_version(if_match, version))
    return _with_etag(200, station_out(station), response)


@router.post(
    "/imports",
    response={200: ImportOut, 400: ImportRejectedOut | ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="Upload a CSV, XLSX or GeoJSON of stations",
)
def upload(
    request: HttpRequest,
    file: File[UploadedFile],
    coordsys: Form[Coordsys],
    kind: Form[Kind | None] = None,
    dry_run: Form[bool] = False,
    skip_invalid: Form[bool] = False,
    format: Form[str | None] = None,
):
    """The same importer as `manage.py import_stations`, in your organisation's source
    (`org:<name>`): rows are upserted by `external_id`; rows outside your jurisdiction are
    rejected. All or nothing unless `skip_invalid=true`; `dry_run=true` validates only. The
    answer lists every rejected row with its number and reason."""
    report = station_uploads.import_upload(
        request.auth, file, coordsys=coordsys, kind=kind, fmt=format, dry_run=dry_run, skip_invalid=skip_invalid
    )
    return Status(200, report)


@router.post("/stations/{station_id}/photos", response={201: PhotoOut, **_ERRORS, 413: ErrorOut}, summary="Add a photo")
def add_photo(request: HttpRequest, station_id: Path[int], file: File[UploadedFile]):
    """A JPEG, PNG or WebP (judged by its content) up to 10 MB and 40 megapixels. It is turned
    upright, stripped of all metadata (GPS included) and stored as a ≤ 1600 px WebP with a
    ≤ 320 px thumbnail; riders see both URLs in the station's detail."""
    station = station_writes.visible_station(request.auth, station_id)
    photo = photo_store.add_photo(station, file, request.auth.user)
    return Status(201, photo_store.photo_json(photo))


@router.put("/stations/{station_id}/photos/order", response={200: list[PhotoOut], **_ERRORS}, summary="Reorder photos")
def reorder_photos(request: HttpRequest, station_id: Path[int], payload: PhotoOrderIn):
    """Send every photo id of the station once, first shown first."""
    station = station_writes.visible_station(request.auth, station_id)
    return [photo_store.photo_json(p) for p in photo_store.reorder_photos(station, payload.photo_ids)]


@router.delete("/stations/{station_id}/photos/{photo_id}", response={204: None, **_ERRORS}, summary="Delete a photo")
def delete_photo(request: HttpRequest, station_id: Path[int], photo_id: Path[int]):
    station = station_writes.visible_station(request.auth, station_id)
    photo_store.delete_photo(station, photo_id)
    return Status(204, None)
