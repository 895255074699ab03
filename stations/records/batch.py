"""Use case: a batch of up to 1,000 create/update/close/remove operations from a union's own
system, each applied or rejected on its own, applied once per Idempotency-Key.

Operations name stations by ``(source, external_id)``, so the answers do too: no message names
an internal id. An operation in a source the caller's organisation does not own
(stations.accounts.sources) is refused before anything is looked up, and a station outside the
jurisdiction answers like one that does not exist: what a batch answers never depends on what
exists where the caller may not look."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import pydantic
from django.db import IntegrityError, transaction

from stations.accounts.sources import OwnedSources, owned_sources
from stations.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable
from stations.http.preconditions import Precondition
from stations.models import BatchRequest, Station, StationChange
from stations.records import writes as station_writes
from stations.records.writes import Actor

MAX_KEY_LENGTH = 200
_REFUSALS = (BadRequest, NotFound, Forbidden, Conflict, pydantic.ValidationError)


@dataclass(frozen=True)
class BatchOperation:
    """One operation as the router read it (BatchOperationIn's fields)."""

    op: str
    external_id: str
    source: str | None = None
    version: int | None = None
    station: dict | None = None


@dataclass(frozen=True)
class StationValidators:
    """How an operation's ``station`` fields become write data: the router's schemas (StationIn
    for create, StationPatch for update) checked per operation, so one bad operation is
    rejected alone. Each raises pydantic.ValidationError."""

    create: Callable[[dict], dict]
    update: Callable[[dict], dict]


def run_batch(
    actor: Actor, operations: list[BatchOperation], validators: StationValidators, key: str | None, raw_body: bytes
) -> tuple[dict, bool]:
    """(the per-operation outcome, whether it is a replay of an earlier identical batch)."""
    body_sha256 = hashlib.sha256(raw_body).hexdigest()
    if key is not None:
        if not 1 <= len(key) <= MAX_KEY_LENGTH:
            raise BadRequest(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters (a UUID is ideal)")
        stored = _stored(actor, key, body_sha256)
        if stored is not None:
            return stored, True
    try:
        with transaction.atomic():
            body = _apply_all(actor, operations, validators)
            if key is not None:
                BatchRequest.objects.create(account=actor.account, key=key, body_sha256=body_sha256, response=body)
    except IntegrityError:
        # The same key committed by a concurrent retry while this one ran: this one rolled
        # back, so the batch is applied once; answer what the other one stored.
        stored = _stored(actor, key, body_sha256) if key is not None else None
        if stored is None:
            raise
        return stored, True
    return body, False


def _stored(actor: Actor, key: str, body_sha256: str) -> dict | None:
    earlier = BatchRequest.objects.filter(account=actor.account, key=key).first()
    if earlier is None:
        return None
    if earlier.body_sha256 != body_sha256:
        raise Unprocessable(
            f"Idempotency-Key {key!r} was already used for a different batch; use a new key for a new batch"
        )
    return earlier.response


def _apply_all(actor: Actor, operations: list[BatchOperation], validators: StationValidators) -> dict:
    owned = _owned_sources(actor, operations)
    known = _known_station_ids(actor, operations, owned)
    results = []
    for index, operation in enumerate(operations):
        outcome = {"index": index, "op": operation.op, "external_id": operation.external_id}
        try:
            with transaction.atomic():  # a savepoint: a refused operation leaves no trace
                station = _apply(actor, operation, validators, known, owned)
        except _REFUSALS as exc:
            outcome.update(status="rejected", id=None, version=None, detail=_reason(exc))
        else:
            outcome.update(status="applied", id=station.id, version=station.version, detail=None)
        results.append(outcome)
    applied = sum(1 for r in results if r["status"] == "applied")
    return {"applied": applied, "rejected": len(results) - applied, "results": results}


def _reason(exc: Exception) -> str:
    if isinstance(exc, pydantic.ValidationError):
        return "; ".join(f"station.{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
    return str(exc)


def _owned_sources(actor: Actor, operations: list[BatchOperation]) -> OwnedSources | None:
    """The sources the caller owns, looked up only if an operation names a source other than
    the organisation's own (None: every operation writes in it)."""
    own = actor.account.organisation.source_name
    if all(operation.source in (None, own) for operation in operations):
        return None
    return owned_sources(actor.account.organisation)


def _known_station_ids(actor: Actor, operations: list[BatchOperation], owned: OwnedSources | None) -> dict[tuple[str, str], int]:
    """{(source, external_id): id} of the existing stations the update/close/remove operations
    name in sources the caller owns, in one query per source instead of one per operation (a
    fifth of a batch's time). Stations created earlier in the same batch are not in it; _apply
    looks those up itself."""
    default_source = actor.account.organisation.source_name
    wanted: dict[str, set[str]] = {}
    for operation in operations:
        source = operation.source or default_source
        if operation.op != "create" and (source == default_source or (owned is not None and source in owned)):
            wanted.setdefault(source, set()).add(operation.external_id)
    known = {}
    for source, external_ids in wanted.items():
        rows = Station.objects.filter(source=source, external_id__in=external_ids).values_list("external_id", "pk")
        known.update(((source, external_id), pk) for external_id, pk in rows)
    return known


def _apply(
    actor: Actor, operation: BatchOperation, validators: StationValidators, known: dict[tuple[str, str], int], owned: OwnedSources | None
) -> Station:
    source = operation.source or actor.account.organisation.source_name
    if source != actor.account.organisation.source_name and source not in owned:
        raise Forbidden(owned.refusal(source))
    fields = dict(operation.station or {})
    if operation.op == "create":
        force = fields.pop("force", False) is True
        data = validators.create({**fields, "external_id": operation.external_id})
        return station_writes.create_station(actor, data, force=force, source=source)
    if operation.version is None:
        raise BadRequest(f"{operation.op} needs the version it is based on (\"version\": N)")
    missing = NotFound(f"no station with external_id {operation.external_id!r} in source {source!r} in your jurisdiction")
    existing = known.get((source, operation.external_id))
    if existing is None:
        existing = Station.objects.filter(source=source, external_id=operation.external_id).values_list("pk", flat=True).first()
    if existing is None:
        raise missing
    precondition = Precondition(body_version=operation.version)
    try:
        if operation.op == "update":
            data = validators.update(fields)
            return station_writes.update_station(actor, existing, data, precondition)
        if operation.op == "close":
            return station_writes.set_status(actor, existing, Station.Status.CLOSED, precondition, StationChange.Action.UPDATE)
        return station_writes.remove_station(actor, existing, precondition)
    except NotFound:
        # visible_station's answer names the internal id: outside the jurisdiction, a station
        # answers exactly like a missing one.
        raise missing from None
