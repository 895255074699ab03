"""The area a coverage run looks at, and the districts its table breaks it into.

Three ways to name it, checked against the caller's organisation (its jurisdiction is the
organisation's boundary together with its descendants', stations.accounts.jurisdiction):

- a district: the name of an organisation that is the caller's own or one of its descendants;
- a GeoJSON polygon (any coordsys): **clipped** to the caller's jurisdiction, because a planner
  may draw freely around their area's edge; a polygon entirely outside it is rejected;
- neither: the caller's whole jurisdiction.

The table's rows are the area organisation's children (a city's districts) or, for an
organisation without children, the organisation itself; for a polygon, the rows of the
caller's organisation that it touches, each clipped to it. With no organisation (the
command-line report without --organisation) the area is every loaded organisation.
"""

import json
from dataclasses import dataclass

import shapely
from shapely.geometry import mapping

from geodata.coords import check_coordsys
from geodata.geojson import InvalidGeoJSON, polygonal_part, read_polygon
from stations.errors import BadRequest
from stations.http.json_input import check_depth, load_json
from stations.models import Organisation
from stations.accounts.jurisdiction import jurisdiction_of, parse_boundary

# shapely.set_precision grid for clipped shapes (degrees): ~1 cm, removes slivers of overlay noise.
_GRID_DEG = 1e-7


@dataclass(frozen=True)
class District:
    name: str
    geometry: shapely.Geometry  # WGS-84


@dataclass(frozen=True)
class Area:
    name: str  # what the title of a map says, e.g. "南山区" or "polygon in 深圳市"
    geometry: shapely.Geometry  # WGS-84, prepared
    districts: tuple[District, ...]
    clipped: bool = False  # a polygon that reached outside the jurisdiction was cut to it

    def layers_json(self) -> dict:
        """The outlines a stored run keeps for its map (WGS-84 GeoJSON geometries)."""
        return {
            "area": mapping(self.geometry),
            "districts": [{"name": d.name, "geometry": mapping(d.geometry)} for d in self.districts],
        }


def area_names(organisation: Organisation) -> list[str]:
    """The organisation and its descendants, by level then adcode: the valid district names."""
    members = [organisation, *organisation.descendants()]
    return [o.name for o in members]


def _rows_of(organisation: Organisation) -> list[District]:
    children = list(Organisation.objects.filter(parent=organisation).order_by("adcode", "name"))
    members = children or [organisation]
    return [District(o.name, parse_boundary(o.boundary_geojson)) for o in members]


def _roots() -> list[Organisation]:
    """Organisations whose parent is not loaded: the tops of the loaded trees."""
    return list(Organisation.objects.filter(parent__isnull=True).order_by("adcode", "name"))


def _prepared(geometry: shapely.Geometry) -> shapely.Geometry:
    shapely.prepare(geometry)
    return geometry


def resolve_area(
    scope: Organisation | None,
    district: str | None = None,
    polygon: dict | None = None,
    coordsys: str = "wgs84",
) -> Area:
    """The Area for a caller in ``scope`` (None: everything loaded). BadRequest says what is wrong."""
    if district and polygon:
        raise BadRequest("give either district or polygon, not both")
    if scope is None:
        roots = _roots()
        if not roots:
            raise BadRequest("no organisations are loaded; run load_jurisdictions (or load_demo) first")
        allowed = {o.name: o for root in roots for o in [root, *root.descendants()]}
        whole = shapely.union_all([jurisdiction_of(root).geometry for root in roots])
        rows = _rows_of(roots[0]) if len(roots) == 1 else [District(r.name, jurisdiction_of(r).geometry) for r in roots]
        scope_name = roots[0].name if len(roots) == 1 else "all loaded organisations"
    else:
        allowed = {o.name: o for o in [scope, *scope.descendants()]}
        whole = jurisdiction_of(scope).geometry
        rows = _rows_of(scope)
        scope_name = scope.name
    if district:
        organisation = allowed.get(district.strip())
        if organisation is None:
            names = ", ".join(sorted(allowed)[:40])
            raise BadRequest(f"unknown district {district!r}; districts in your area: {names}")
        return Area(organisation.name, _prepared(jurisdiction_of(organisation).geometry), tuple(_rows_of(organisation)))
    if polygon is not None:
        geometry = parse_polygon(polygon, coordsys)
        clipped = shapely.set_precision(shapely.intersection(geometry, whole), _GRID_DEG)
        clipped = polygonal_part(clipped)
        if clipped.is_empty:
            raise BadRequest(f"the polygon lies entirely outside your area ({scope_name}); draw it inside")
        was_clipped = not shapely.equals(clipped, shapely.set_precision(geometry, _GRID_DEG))
        parts = []
        for row in rows:
            part = polygonal_part(shapely.set_precision(shapely.intersection(row.geometry, clipped), _GRID_DEG))
            if not part.is_empty:
                parts.append(District(row.name, part))
        return Area(f"polygon in {scope_name}", _prepared(clipped), tuple(parts), clipped=was_clipped)
    return Area(scope_name, _prepared(whole), tuple(rows))


def parse_polygon(polygon, coordsys: str) -> shapely.Geometry:
    """A WGS-84 shapely (Multi)Polygon from a GeoJSON geometry in ``coordsys``; BadRequest when it
    is not a polygon, is empty, or is invalid (self-intersecting, unclosed ...)."""
    check_coordsys(coordsys)
    if isinstance(polygon, str):
        try:
            polygon = load_json(polygon, what="polygon")
        except json.JSONDecodeError as exc:
            raise BadRequest(f"polygon is not valid JSON: {exc}") from None
    else:
        check_depth(polygon, what="polygon")  # shapely's reader recurses into the coordinates
    try:
        return read_polygon(polygon, coordsys, what="polygon")
    except InvalidGeoJSON as exc:
        raise BadRequest(str(exc)) from None
