"""Where an organisation may act: its boundary together with its descendants' (a province
manager covers all its cities), as one prepared shapely geometry per process.

This is the one place jurisdiction is decided. Points on the boundary line count as inside.
"""

import json
import threading
from dataclasses import dataclass

import numpy as np
import shapely

from geodata.geojson import read_polygon
from geodata.index import box_key_ranges
from stations.errors import NotFound
from stations.models import Account, Organisation, Station

_cache: dict[tuple[int, str], "Jurisdiction"] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Jurisdiction:
    organisation_id: int
    name: str
    geometry: shapely.Geometry  # WGS-84, prepared
    bbox: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat

    def covers(self, lon: float, lat: float) -> bool:
        return bool(shapely.intersects_xy(self.geometry, lon, lat))

    def covers_many(self, lon, lat) -> np.ndarray:
        return shapely.intersects_xy(self.geometry, np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))

    def candidates(self):
        """A queryset of the stations in the bounding box, narrowed by the spatial index;
        callers keep those ``covers_many`` accepts."""
        ranges = box_key_ranges(self.bbox, max_ranges=16)
        query = Station.objects.none()
        for low, high in ranges:
            query = query | Station.objects.filter(zkey__range=(low, high))
        min_lon, min_lat, max_lon, max_lat = self.bbox
        return query.filter(lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat)


    def station_ids(self) -> list[int]:
        """Ids of every station inside: the bounding box through the spatial index, then the
        exact polygon test on those candidates."""
        rows = list(self.candidates().values_list("pk", "lon", "lat"))
        if not rows:
            return []
        inside = self.covers_many([r[1] for r in rows], [r[2] for r in rows])
        return [row[0] for row, ok in zip(rows, inside) if ok]


def parse_boundary(text: str) -> shapely.Geometry:
    """An organisation's stored boundary (WGS-84 GeoJSON text, checked when it was loaded)."""
    return read_polygon(json.loads(text), repair=True)


def jurisdiction_of(organisation: Organisation) -> Jurisdiction:
    """The organisation's jurisdiction (cached until it, or a descendant, is reloaded: loading
    a boundary touches every ancestor's ``updated_at``)."""
    key = (organisation.pk, organisation.updated_at.isoformat())
    found = _cache.get(key)
    if found is not None:
        return found
    with _lock:
        found = _cache.get(key)
        if found is None:
            found = _build(organisation)
            for old in [k for k in _cache if k[0] == organisation.pk]:
                del _cache[old]
            _cache[key] = found
    return found


def _build(organisation: Organisation) -> Jurisdiction:
    members = [organisation, *organisation.descendants()]
    geometry = shapely.union_all([parse_boundary(member.boundary_geojson) for member in members])
    shapely.prepare(geometry)
    return Jurisdiction(organisation.pk, organisation.name, geometry, tuple(geometry.bounds))


def forget_jurisdictions() -> None:
    _cache.clear()


def visible_station(account: Account, station_id: int, *, lock: bool = False) -> Station:
    """The station if it lies in the account's jurisdiction; NotFound otherwise (existence
    outside it is not revealed)."""
    query = Station.objects.select_for_update() if lock else Station.objects
    station = query.filter(pk=station_id).first() if 1 <= station_id < 2**63 else None
    if station is None or not jurisdiction_of(account.organisation).covers(station.lon, station.lat):
        raise NotFound(f"no station with id {station_id} in your jurisdiction ({account.organisation.name})")
    return station
