"""Which district and city a point lies in, from the loaded union organisations' boundaries: what
fills a station's ``city`` / ``city_adcode`` / ``district`` / ``district_adcode`` when the caller
does not say (the admin's district filter and the planners' tables read them).

A point's district is the district-level organisation whose jurisdiction covers it (boundary
lines count as inside, as for jurisdictions); where several do (a street-level union loaded as a
district below its district), the one directly below a city wins, then the lowest adcode. Its
city is its nearest city-level ancestor. A point in no district gets the city-level organisation
covering it, if any. The polygons are the organisations' prepared jurisdiction geometries
(stations.accounts.jurisdiction, built once per process and shared with the jurisdiction
checks), looked up through an STRtree of the organisations' bounding boxes: a chunk of an
import costs one tree query and one vectorised point-in-polygon test per organisation its points
fall near, not a query or a test per row.

``fill_place`` is the one rule for combining them with what a caller sent.
"""

import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from django.db.models import Count, Max

from stations.accounts.jurisdiction import jurisdiction_of
from stations.models import Organisation

# (name field, adcode field) of a station, filled together.
PAIRS = (("city", "city_adcode"), ("district", "district_adcode"))
FIELDS = tuple(field for pair in PAIRS for field in pair)


@dataclass(frozen=True)
class Place:
    city: str = ""
    city_adcode: str = ""
    district: str = ""
    district_adcode: str = ""


NOWHERE = Place()


def fill_place(given: dict, place: Place) -> dict:
    """The place fields to set, given the ones the caller sent (``given``: field -> value; a
    missing or empty one was not sent). Per pair (name, adcode): both from ``place`` when
    neither was sent; the other one when the sent one agrees with ``place``; nothing when it
    disagrees (the caller's word stands, and is not mixed with ours). Empty place values are not
    set.

    >>> fill_place({}, Place("深圳市", "440300", "福田区", "440304"))["district"]
    '福田区'
    >>> fill_place({"city": "深圳市"}, Place("深圳市", "440300"))
    {'city_adcode': '440300'}
    >>> fill_place({"district": "某区"}, Place(district="福田区", district_adcode="440304"))
    {}
    """
    out = {}
    for name_field, code_field in PAIRS:
        name, code = given.get(name_field) or "", given.get(code_field) or ""
        place_name, place_code = getattr(place, name_field), getattr(place, code_field)
        if not name and not code:
            out.update({name_field: place_name, code_field: place_code})
        elif name and not code and name == place_name:
            out[code_field] = place_code
        elif code and not name and code == place_code:
            out[name_field] = place_name
    return {field: value for field, value in out.items() if value}


@dataclass(frozen=True)
class _Area:
    organisation: Organisation
    place: Place
    is_district: bool
    rank: tuple  # lower wins among the areas covering a point


class Places:
    """The districts and cities loaded at one moment (see ``current_places``)."""

    def __init__(self, areas: list[_Area]):
        self._areas = sorted(areas, key=lambda area: area.rank)
        boxes = [
            shapely.box(a.organisation.min_lon, a.organisation.min_lat, a.organisation.max_lon, a.organisation.max_lat)
            for a in self._areas
        ]
        self._tree = shapely.STRtree(boxes) if boxes else None

    def __bool__(self) -> bool:
        return self._tree is not None

    def locate(self, lon: float, lat: float) -> Place:
        return self.locate_many([lon], [lat])[0]

    def locate_many(self, lon: Iterable[float], lat: Iterable[float]) -> list[Place]:
        """The Place of each (lon, lat) in WGS-84 (NOWHERE where no organisation covers it)."""
        xs, ys = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        if self._tree is None or xs.size == 0:
            return [NOWHERE] * xs.size
        # Areas are sorted by rank, so the lowest index covering a point is its best area.
        best = np.full(xs.size, len(self._areas), dtype=np.int64)
        points, areas = self._tree.query(shapely.points(xs, ys))  # bounding boxes only
        for area_index in np.unique(areas):
            candidates = points[areas == area_index]
            candidates = candidates[best[candidates] > area_index]  # a better area already covers them
            if candidates.size:
                geometry = jurisdiction_of(self._areas[area_index].organisation).geometry
                inside = candidates[shapely.intersects_xy(geometry, xs[candidates], ys[candidates])]
                best[inside] = area_index
        places = [area.place for area in self._areas] + [NOWHERE]
        return [places[i] for i in best.tolist()]


_cache: dict[str, object] = {}
_lock = threading.Lock()
_LEVELS = (Organisation.Level.DISTRICT, Organisation.Level.CITY)


def current_places() -> Places:
    """The Places of the organisations loaded now: one small aggregate query, and a rebuild of
    the index (not of the polygons, which jurisdiction_of caches) when an organisation was
    added, removed or reloaded since the last call in this process."""
    fingerprint = Organisation.objects.aggregate(n=Count("pk"), latest=Max("updated_at"))
    if not fingerprint["n"]:
        return _NO_PLACES
    key = f"{fingerprint['n']}:{fingerprint['latest'].isoformat() if fingerprint['latest'] else ''}"
    if _cache.get("key") == key:
        return _cache["places"]
    with _lock:
        if _cache.get("key") != key:
            _cache["places"], _cache["key"] = _build(), key
        return _cache["places"]


_NO_PLACES = Places([])


def forget_places() -> None:
    _cache.clear()


def _build() -> Places:
    every = {row["pk"]: row for row in Organisation.objects.values("pk", "name", "level", "parent_id", "adcode")}

    def city_of(organisation_id) -> dict | None:
        seen = set()
        while organisation_id is not None and organisation_id not in seen:
            seen.add(organisation_id)
            row = every.get(organisation_id)
            if row is None:
                return None
            if row["level"] == Organisation.Level.CITY:
                return row
            organisation_id = row["parent_id"]
        return None

    areas = []
    # The polygons stay unread here (deferred): jurisdiction_of reads and prepares each on first use.
    for organisation in Organisation.objects.filter(level__in=_LEVELS).defer("boundary_geojson"):
        if organisation.level == Organisation.Level.DISTRICT:
            city = city_of(organisation.parent_id)
            place = Place(city["name"] if city else "", city["adcode"] if city else "", organisation.name, organisation.adcode)
            below_a_city = city is not None and city["pk"] == organisation.parent_id
            rank = (0, not below_a_city, organisation.adcode or "~", organisation.name)
            areas.append(_Area(organisation, place, True, rank))
        else:
            place = Place(organisation.name, organisation.adcode)
            areas.append(_Area(organisation, place, False, (1, organisation.adcode or "~", organisation.name)))
    return Places(areas)
