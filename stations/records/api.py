"""The union managers' station records API: token-authenticated, scoped to the caller's jurisdiction.

Stations outside it do not exist here (404). Every change names the version it is based on
(If-Match or "version"); a stale one answers 409 with the current record.
"""

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Status

from stations.accounts.auth import manager_auth
from stations.accounts.jurisdiction import visible_station
from stations.http import paths  # noqa: F401  registers the {id:...} path converter
from stations.http.preconditions import Precondition
from stations.http.schemas import Coordsys, ErrorOut, IdempotencyKey, IfMatch
from stations.records import batch as station_batch
from stations.records import listing as manager_list
from stations.records import writes as station_writes
from stations.records.schemas import (
    BatchIn,
    BatchOut,
    ConflictOut,
    HistoryOut,
    ListQueryIn,
    ManagedPageOut,
    ManagedStationOut,
    StationIn,
    StationPatch,
)
from stations.records.writes import Actor, station_out

router = Router(auth=manager_auth, tags=["managers"])

_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
_WRITE_ERRORS = {**_ERRORS, 409: ConflictOut, 428: ErrorOut}
# Writes based on a version (If-Match): a weak tag answers 412.
_VERSIONED_WRITE_ERRORS = {**_WRITE_ERRORS, 412: ErrorOut}



def _actor(request: HttpRequest, via: str = "api") -> Actor:
    return Actor(request.auth, via)


def _create_data(fields: dict) -> dict:
    return StationIn.model_validate(fields).model_dump()


def _patch_data(fields: dict) -> dict:
    return StationPatch.model_validate(fields).model_dump(exclude_unset=True, exclude={"version"})


_BATCH_VALIDATORS = station_batch.StationValidators(create=_create_data, update=_patch_data)


def _with_etag(response_status: int, body: dict, response: HttpResponse) -> Status:
    response["ETag"] = f'"{body["version"]}"'
    return Status(response_status, body)


@router.post("/stations", response={201: ManagedStationOut, **_WRITE_ERRORS}, summary="Create a station")
def create(request: HttpRequest, response: HttpResponse, payload: StationIn, force: bool = False):
    """A new station inside your jurisdiction, in your organisation's source (`org:<name>`).

    Answers 409 with the `candidate` if a station you can see (one inside your jurisdiction) of
    the same kind with a similar name is within 30 m, unless `force=true`. A station across your
    jurisdiction's boundary is another union's record: it is neither named nor in the way, and
    the station is created (a city union, which sees both sides of a district boundary, still
    gets the 409). An `external_id` already used in your source answers 409 too: with that
    station as the `candidate` if you can see it, otherwise saying only that the id is taken."""
    station = station_writes.create_station(_actor(request), payload.model_dump(), force=force)
    return _with_etag(201, station_out(station, payload.coordsys), response)


@router.post("/stations/batch", response={200: BatchOut, **_ERRORS, 409: ErrorOut, 422: ErrorOut}, summary="Up to 1,000 operations")
def batch(request: HttpRequest, response: HttpResponse, payload: BatchIn, idempotency_key: IdempotencyKey = None):
    """create / update / close / remove operations, each by `external_id` (in your
    organisation's source unless `source` says otherwise). Each one is applied or rejected on
    its own; a rejected one changes nothing. With an `Idempotency-Key` header, a retry of the
    same batch answers the first result again instead of applying it twice.

    You write only in the sources your organisation owns: its own `org:<name>` and those of the
    organisations below it (a city union's districts). Any other `source` is refused with the
    same answer whether or not it holds the station. A station outside your jurisdiction answers
    like a missing one ("no station with external_id … in your jurisdiction"), and answers name
    stations by source and external_id, never by internal id."""
    operations = [station_batch.BatchOperation(**operation.model_dump()) for operation in payload.operations]
    body, replayed = station_batch.run_batch(_actor(request, "batch"), operations, _BATCH_VALIDATORS, idempotency_key, request.body)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(200, body)


@router.get("/stations", response={200: ManagedPageOut, **_ERRORS}, summary="Your stations, recently changed first")
def list_stations(request: HttpRequest, q: Query[ListQueryIn]):
    """Every station in your jurisdiction (any status, removed included), ordered by
    `updated_at` then id; `updated_since` for changes since your last sync; follow `next`."""
    return manager_list.page(request.auth, q.updated_since, q.limit, q.cursor, q.coordsys)


@router.get("/stations/{id:station_id}", response={200: ManagedStationOut, **_ERRORS}, summary="One of your stations")
def detail(request: HttpRequest, response: HttpResponse, station_id: Path[int], coordsys: Coordsys = "wgs84"):
    """The station with its current `version` (also sent as the ETag header)."""
    station = visible_station(request.auth, station_id)
    return _with_etag(200, station_out(station, coordsys), response)


@router.patch("/stations/{id:station_id}", response={200: ManagedStationOut, **_VERSIONED_WRITE_ERRORS}, summary="Change a station")
def patch(
    request: HttpRequest,
    response: HttpResponse,
    station_id: Path[int],
    payload: StationPatch,
    if_match: IfMatch = None,
):
    """Change only the fields you send (facilities, hours, status, phone, ...). Send the version
    you based it on as `If-Match: "<version>"` or a `version` field: none answers 428, a stale
    one 409 with the `current` record, and a weak tag (`W/"3"`) 412, as the comparison is
    strong. A station outside your jurisdiction answers 404 whatever If-Match says."""
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    station = station_writes.update_station(_actor(request), station_id, data, Precondition(if_match, payload.version))
    return _with_etag(200, station_out(station, payload.coordsys), response)


@router.delete("/stations/{id:station_id}", response={200: ManagedStationOut, **_VERSIONED_WRITE_ERRORS}, summary="Remove a station")
def remove(request: HttpRequest, response: HttpResponse, station_id: Path[int], if_match: IfMatch = None, version: int | None = None):
    """Soft delete: the station gets status `removed`, keeps its history (revert brings it
    back) and riders no longer see it. Needs the version, as `If-Match: "<version>"` (not a
    weak `W/"3"`: 412) or `?version=`."""
    station = station_writes.remove_station(_actor(request), station_id, Precondition(if_match, version))
    return _with_etag(200, station_out(station), response)


@router.get("/stations/{id:station_id}/history", response={200: HistoryOut, **_ERRORS}, summary="Every change to a station")
def history(request: HttpRequest, station_id: Path[int]):
    """Newest first: who, when, through what, and `{field: [old, new]}`."""
    changes = station_writes.history(request.auth, station_id)
    return {"station_id": station_id, "count": len(changes), "results": changes}


@router.post(
    "/stations/{id:station_id}/revert/{id:change_id}",
    response={200: ManagedStationOut, **_VERSIONED_WRITE_ERRORS},
    summary="Return a station to its state after an earlier change",
)
def revert(request: HttpRequest, response: HttpResponse, station_id: Path[int], change_id: Path[int], if_match: IfMatch = None, version: int | None = None):
    """The station's fields become what they were right after change `change_id`; recorded as
    a new change (nothing in the history is lost). Needs the version, as `If-Match: "<version>"`
    (not a weak `W/"3"`: 412) or `?version=`."""
    station = station_writes.revert_station(_actor(request), station_id, change_id, Precondition(if_match, version))
    return _with_etag(200, station_out(station), response)
