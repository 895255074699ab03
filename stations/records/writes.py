"""Use cases of the managers' write API: create, change, remove and revert stations inside the
caller's jurisdiction, with optimistic concurrency and a field-level history.

Every write runs in one transaction that locks the station row (SQLite: the whole database,
BEGIN IMMEDIATE), compares the version the caller based the change on, applies it and records
one StationChange. A refused write changes nothing.
"""

import difflib
import re
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from geodata.coords import out_of_china, to_wgs84
from geodata.distance import haversine_m
from geodata.index import circle_search_area
from stations import vocabulary as vocab
from stations.errors import BadRequest, Conflict, Forbidden, NotFound
from stations.http.preconditions import Precondition
from stations.models import Account, Station, StationChange
from stations.search.hours import now_in_china
from stations.accounts import places
from stations.accounts.jurisdiction import Jurisdiction, jurisdiction_of, visible_station
from stations.search.station_json import detail_json
from stations.records.state import apply_state, diff_states, state_of

DUPLICATE_RADIUS_M = 30.0
NAME_SIMILARITY = 0.6
# Every status but "removed" (vocab.STATUSES does not list it).
_LIVE_STATUSES = frozenset(vocab.STATUS_CODES)
_SIMPLE_FIELDS = (
    "name", "name_en", "kind", "status", "address", "city", "city_adcode", "district", "district_adcode",
    "opening_hours", "phone", "operator", "last_verified_at",
)


@dataclass(frozen=True)
class Actor:
    """Who writes, and through what (api, batch, import, admin)."""

    account: Account
    via: str = "api"

    def name(self, station: Station) -> str:
        """A station as this caller's messages name it: by id in the REST API, whose URLs use
        ids; by source and external_id in a batch, whose operations name stations that way and
        whose answers carry no internal ids."""
        if self.via == "batch":
            return f"station {station.external_id!r} in source {station.source!r}"
        return f"station {station.id}"

    @property
    def force_hint(self) -> str:
        return 'send "force": true' if self.via == "batch" else "send force=true"


# -- reading within a jurisdiction -------------------------------------------------------------


def station_out(station: Station, coordsys: str = "wgs84") -> dict:
    return detail_json(station, coordsys, now_in_china())


def _check_version(actor: Actor, station: Station, precondition: Precondition, coordsys: str) -> None:
    """Read the precondition (400/412/428 if unusable) and compare it: 409 with the current
    record if stale. Called once the station is known to be visible, so a station outside the
    jurisdiction answers 404 whatever the precondition says."""
    version = precondition.version()
    if station.version != version:
        raise Conflict(
            f"{actor.name(station)} has changed since version {version}: it is now version {station.version};"
            " review the current record and send your change again based on it",
            current=station_out(station, coordsys),
        )


# -- locations ---------------------------------------------------------------------------------


def wgs84_location(lon: float, lat: float, coordsys: str) -> tuple[float, float]:
    if coordsys != "wgs84" and out_of_china(lon, lat):
        raise BadRequest(
            f"point (lon {lon}, lat {lat}) is outside China, where {vocab.COORDSYS_NAMES[coordsys]} coordinates do not exist;"
            " check the coordinates or coordsys"
        )
    return to_wgs84(lon, lat, coordsys)


def _check_inside(account: Account, lon: float, lat: float, moving: bool = False) -> None:
    if not jurisdiction_of(account.organisation).covers(lon, lat):
        what = "cannot move a station to" if moving else "cannot create a station at"
        raise Forbidden(
            f"{what} (lon {lon:.6f}, lat {lat:.6f}) (WGS-84): it is outside your jurisdiction"
            f" ({account.organisation.name})"
        )


# -- applying fields ---------------------------------------------------------------------------


def _apply_fields(station: Station, data: dict, coordsys: str) -> None:
    """Set the fields present in ``data`` (already schema-validated) on ``station``."""
    for name in _SIMPLE_FIELDS:
        if name in data:
            value = data[name]
            if value is None and name in ("name", "kind", "status"):
                raise BadRequest(f"{name} cannot be null")
            setattr(station, name, "" if value is None and name != "last_verified_at" else value)
    if data.get("lat") is not None:
        station.lon, station.lat = wgs84_location(data["lon"], data["lat"], coordsys)
    if "amenities" in data:
        station.amenity_mask = vocab.amenity_mask(data["amenities"] or [])
    if "eligible_workers" in data:
        station.eligible_workers_mask = vocab.worker_mask(data["eligible_workers"] or [vocab.ALL_WORKERS])
    if "charging" in data:
        charging = data["charging"] or {}
        station.charging_vehicle = charging.get("vehicle") or ""
        station.charging_sockets = charging.get("sockets")
        station.battery_swap = charging.get("battery_swap")
        station.max_power_kw = charging.get("max_power_kw")


def _fill_place(station: Station, given: dict) -> None:
    """Set the city and district fields the caller left to us (``given``: what they sent) from
    the polygons at the station's location (stations.accounts.places.fill_place)."""
    for name, value in places.fill_place(given, places.current_places().locate(station.lon, station.lat)).items():
        setattr(station, name, value)


def _place_given(station: Station) -> dict:
    return {name: getattr(station, name) for name in places.FIELDS}


def record_change(station: Station, action: str, user, organisation_name: str, via: str, before: dict | None, reverted: StationChange | None = None) -> StationChange:
    """One history entry: ``before`` is state_of() the station before the change (None: created)."""
    after = state_of(station)
    return StationChange.objects.create(
        station=station,
        version=station.version,
        action=action,
        changed_at=timezone.now(),
        changed_by=user,
        changed_by_name=user.get_username() if user is not None else "",
        organisation_name=organisation_name,
        via=via,
        diff=diff_states(before, after),
        snapshot=after,
        reverted_change=reverted,
    )


def _record(station: Station, action: str, actor: Actor, before: dict | None, reverted: StationChange | None = None) -> StationChange:
    account = actor.account
    return record_change(station, action, account.user, account.organisation.name, actor.via, before, reverted)


# -- duplicates --------------------------------------------------------------------------------

_NOISE = re.compile(r"[\s\W_]+|（.*?）|\(.*?\)")


def similar_names(a: str, b: str) -> bool:
    """Names that probably mean the same place: equal or contained after dropping spaces,
    punctuation and bracketed notes, or close by difflib's ratio."""
    a, b = _NOISE.sub("", a).lower(), _NOISE.sub("", b).lower()
    if not a or not b:
        return False
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


def find_duplicate(
    kind: str, name: str, lon: float, lat: float, jurisdiction: Jurisdiction, exclude_id: int | None = None
) -> Station | None:
    """An existing (not removed) station of ``kind`` within 30 m with a similar name, among those
    inside ``jurisdiction`` (the caller's): a station the caller may not see is neither named nor
    in the way — it is another union's record (districts do not overlap; a city union, which sees
    both sides of a district boundary, still gets the 409)."""
    ranges, box = circle_search_area(lon, lat, DUPLICATE_RADIUS_M)
    found = sorted(
        (haversine_m(lon, lat, s_lon, s_lat), pk, s_lon, s_lat, s_name)
        for pk, s_lon, s_lat, s_kind, status, s_name in _nearby(ranges, box, exclude_id)
        if s_kind == kind and status in _LIVE_STATUSES
    )
    for distance_m, pk, s_lon, s_lat, station_name in found:
        if distance_m <= DUPLICATE_RADIUS_M and similar_names(name, station_name) and jurisdiction.covers(s_lon, s_lat):
            return Station.objects.get(pk=pk)
    return None


_NEARBY_COLUMNS = ", ".join(connection.ops.quote_name(Station._meta.get_field(f).column) for f in ("id", "lon", "lat", "kind", "status", "name"))


def _nearby(ranges, box, exclude_id: int | None) -> list[tuple]:
    """(id, lon, lat, kind, status, name) of every station in the key ranges and the box.

    Raw SQL, as in search.sql: building this query with the ORM took more than half of a
    batch of creates. Kind and status are checked by the caller rather than in SQL: given
    them, SQLite's planner takes the (kind, status, zkey) index with equality on kind and
    status alone and reads every station of the kind (growing with the registry); by the key
    ranges alone it searches the zkey index (MULTI-INDEX OR). The box holds a handful of rows.
    """
    if not ranges:
        return []
    quote = connection.ops.quote_name
    zkey, lon, lat, pk = (quote(Station._meta.get_field(f).column) for f in ("zkey", "lon", "lat", "id"))
    in_ranges = " OR ".join([f"{zkey} BETWEEN %s AND %s"] * len(ranges))
    sql = (
        f"SELECT {_NEARBY_COLUMNS} FROM {quote(Station._meta.db_table)}"
        f" WHERE ({in_ranges}) AND {lon} >= %s AND {lon} <= %s AND {lat} >= %s AND {lat} <= %s"
    )
    min_lon, min_lat, max_lon, max_lat = box
    params = [bound for key_range in ranges for bound in key_range] + [min_lon, max_lon, min_lat, max_lat]
    if exclude_id is not None:
        sql += f" AND {pk} <> %s"
        params.append(exclude_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# -- the use cases -----------------------------------------------------------------------------


@transaction.atomic
def create_station(actor: Actor, data: dict, *, force: bool = False, source: str | None = None) -> Station:
    """A new station from StationIn data, in ``source`` (the caller checked it is theirs;
    default: the organisation's own). 403 outside the jurisdiction; 409 if it would duplicate a
    station the caller can see within 30 m of the same kind and a similar name (unless
    ``force``), or reuse an external id of the source (naming the station only if the caller
    can see it)."""
    account = actor.account
    coordsys = data.get("coordsys", "wgs84")
    lon, lat = wgs84_location(data["lon"], data["lat"], coordsys)
    _check_inside(account, lon, lat)
    jurisdiction = jurisdiction_of(account.organisation)
    if not force:
        duplicate = find_duplicate(data["kind"], data["name"], lon, lat, jurisdiction)
        if duplicate is not None:
            raise Conflict(
                f"{actor.name(duplicate)} ({duplicate.name}) is a {duplicate.kind} within {DUPLICATE_RADIUS_M:.0f} m"
                f" with a similar name; update it instead, or {actor.force_hint} if this is really another station",
                candidate=station_out(duplicate, coordsys),
            )
    station = Station(source=source or account.organisation.source_name, external_id=data.get("external_id") or uuid.uuid4().hex)
    _apply_fields(station, {k: v for k, v in data.items() if k not in ("lat", "lon")}, coordsys)
    station.lon, station.lat = lon, lat
    station.status = data.get("status") or Station.Status.OPEN
    _fill_place(station, _place_given(station))
    try:
        with transaction.atomic():
            station.save()
    except IntegrityError:
        raise _external_id_taken(actor, station.source, station.external_id, jurisdiction, coordsys) from None
    _record(station, StationChange.Action.CREATE, actor, None)
    return station


def _external_id_taken(actor: Actor, source: str, external_id: str, jurisdiction: Jurisdiction, coordsys: str) -> Conflict:
    """The 409 for an external_id already used in the source: the station is named (and sent as
    the candidate) only if the caller can see it; otherwise the answer says no more than that the
    id is taken in a source the caller owns."""
    existing = Station.objects.filter(source=source, external_id=external_id).first()
    taken = f"external_id {external_id!r} is already used"
    if existing is None or not jurisdiction.covers(existing.lon, existing.lat):
        return Conflict(f"{taken} in source {source!r}; choose another external_id")
    if actor.via == "batch":
        return Conflict(f"{taken} in source {source!r}; update that station instead")
    return Conflict(
        f"{taken} by station {existing.id} in source {source!r}; PATCH that station instead",
        candidate=station_out(existing, coordsys),
    )


@transaction.atomic
def update_station(actor: Actor, station_id: int, data: dict, precondition: Precondition) -> Station:
    """Apply a partial change (StationPatch data, ``precondition`` the version it is based on)."""
    coordsys = data.get("coordsys", "wgs84")
    station = visible_station(actor.account, station_id, lock=True)
    _check_version(actor, station, precondition, coordsys)
    if station.status == Station.Status.REMOVED and "status" not in data:
        raise BadRequest(f"{actor.name(station)} is removed; send a status (e.g. \"open\") to bring it back, or revert it")
    before = state_of(station)
    location = (station.lon, station.lat)
    _apply_fields(station, data, coordsys)
    if data.get("lat") is not None:
        _check_inside(actor.account, station.lon, station.lat, moving=True)
        if (station.lon, station.lat) != location:
            # The old place described the old location: recompute what this patch does not set.
            for name in places.FIELDS:
                if name not in data:
                    setattr(station, name, "")
            _fill_place(station, _place_given(station))
    if state_of(station) == before:
        return Station.objects.get(pk=station.pk)  # nothing changed: no new version, no history
    station.save()
    _record(station, StationChange.Action.UPDATE, actor, before)
    return station


@transaction.atomic
def set_status(actor: Actor, station_id: int, status: str, precondition: Precondition, action: str) -> Station:
    """Close or remove a station (soft: it stays, with its history; riders no longer see a
    removed one)."""
    station = visible_station(actor.account, station_id, lock=True)
    _check_version(actor, station, precondition, "wgs84")
    if station.status == status:
        return station
    before = state_of(station)
    station.status = status
    station.save()
    _record(station, action, actor, before)
    return station


def remove_station(actor: Actor, station_id: int, precondition: Precondition) -> Station:
    return set_status(actor, station_id, Station.Status.REMOVED, precondition, StationChange.Action.REMOVE)


@transaction.atomic
def revert_station(actor: Actor, station_id: int, change_id: int, precondition: Precondition) -> Station:
    """Return the station to the state recorded right after change ``change_id``, as a new change."""
    station = visible_station(actor.account, station_id, lock=True)
    _check_version(actor, station, precondition, "wgs84")
    change = StationChange.objects.filter(pk=change_id, station_id=station.pk).first()
    if change is None:
        raise NotFound(f"station {station_id} has no change {change_id} (see its history)")
    before = state_of(station)
    apply_state(station, change.snapshot)
    _check_inside(actor.account, station.lon, station.lat, moving=True)
    _fill_place(station, _place_given(station))  # a state recorded without them (older than this rule)
    if state_of(station) == before:
        return Station.objects.get(pk=station.pk)
    station.save()
    _record(station, StationChange.Action.REVERT, actor, before, reverted=change)
    return station


def history(account: Account, station_id: int) -> list[dict]:
    station = visible_station(account, station_id)
    changes = StationChange.objects.filter(station=station).order_by("-id")
    return [
        {
            "id": change.id,
            "version": change.version,
            "action": change.action,
            "changed_at": change.changed_at.isoformat(),
            "changed_by": change.changed_by_name,
            "organisation": change.organisation_name,
            "via": change.via,
            "diff": change.diff,
            "reverted_change": change.reverted_change_id,
        }
        for change in changes
    ]
