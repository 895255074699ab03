"""Use cases: load union organisations from boundary GeoJSON, and create their accounts."""

import json
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from shapely.geometry import mapping

from geodata.coords import check_coordsys
from geodata.geojson import InvalidGeoJSON, coordsys_of, read_polygon
from stations.errors import BadRequest
from stations.models import Account, ApiToken, Organisation

LEVELS = tuple(Organisation.Level.values)
_LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary_line(self) -> str:
        return f"loaded {len(self.created) + len(self.updated)} organisations (created {len(self.created)}, updated {len(self.updated)})"


@dataclass
class _Feature:
    name: str
    level: str
    parent: str | None
    adcode: str
    geometry: shapely.Geometry  # WGS-84


def read_boundaries(
    path: Path, coordsys: str, level: str | None = None, parent: str | None = None, warnings: list[str] | None = None
) -> list[_Feature]:
    """The organisations of a boundary GeoJSON, converted to WGS-84. ``level``/``parent``
    fill in features whose properties lack them; a "coord_system" member that disagrees with
    ``coordsys`` is added to ``warnings``."""
    check_coordsys(coordsys)
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(f"cannot read {str(path)!r} as GeoJSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise BadRequest(f"{str(path)!r} is not a GeoJSON FeatureCollection")
    declared = doc.get("coord_system")
    if warnings is not None and declared and coordsys_of(declared) != coordsys:
        warnings.append(f"the file says its coord_system is {declared} but --coordsys is {coordsys}")
    features = []
    for number, feature in enumerate(doc["features"], start=1):
        props = (feature or {}).get("properties") or {}
        name = str(props.get("name") or "").strip()
        if not name:
            raise BadRequest(f"feature {number} has no 'name' property")
        feature_level = props.get("level") or level
        if feature_level not in LEVELS:
            raise BadRequest(
                f"feature {number} ({name}): level {feature_level!r} is not one of {', '.join(LEVELS)} (use --level)"
            )
        try:
            geometry = read_polygon(feature.get("geometry"), coordsys, what=f"feature {number} ({name}): the geometry", repair=True)
        except InvalidGeoJSON as exc:
            raise BadRequest(str(exc)) from None
        features.append(_Feature(name, feature_level, props.get("parent") or parent, str(props.get("adcode") or ""), geometry))
    if not features:
        raise BadRequest(f"{str(path)!r} holds no features")
    return features


@transaction.atomic
def load_organisations(features: list[_Feature]) -> LoadReport:
    """Create or update (by name) one organisation per feature. Parents are looked up among the
    file's features and the organisations already loaded; an unknown parent leaves it empty."""
    report = LoadReport()
    by_name: dict[str, Organisation] = {}
    # Higher levels first, so a parent in the same file exists before its children.
    for feature in sorted(features, key=lambda f: _LEVEL_RANK[f.level]):
        min_lon, min_lat, max_lon, max_lat = feature.geometry.bounds
        values = {
            "level": feature.level,
            "adcode": feature.adcode,
            "boundary_geojson": json.dumps(mapping(feature.geometry), separators=(",", ":")),
            "min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat,
        }
        parent = None
        if feature.parent:
            parent = by_name.get(feature.parent) or Organisation.objects.filter(name=feature.parent).first()
            if parent is None:
                report.warnings.append(f"{feature.name}: parent {feature.parent!r} is not loaded; left without a parent")
        values["parent"] = parent
        organisation, created = Organisation.objects.update_or_create(name=feature.name, defaults=values)
        (report.created if created else report.updated).append(feature.name)
        by_name[feature.name] = organisation
        _touch_ancestors(organisation)
    return report


def _touch_ancestors(organisation: Organisation) -> None:
    # A descendant's boundary is part of each ancestor's jurisdiction: bumping updated_at
    # makes every process rebuild its cached geometry (stations.accounts.jurisdiction).
    seen = {organisation.pk}
    parent_id = organisation.parent_id
    now = timezone.now()
    while parent_id and parent_id not in seen:
        seen.add(parent_id)
        Organisation.objects.filter(pk=parent_id).update(updated_at=now)
        parent_id = Organisation.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()


# What a manager with admin access may do there (always within their jurisdiction).
STAFF_PERMISSIONS = {
    "station": ("view", "add", "change", "delete"),
    "stationphoto": ("view", "change", "delete"),
    "stationchange": ("view",),
    "organisation": ("view",),
    "account": ("view",),
    "report": ("view",),  # riders' reports: handled through the API (acknowledge, resolve)
    "webhook": ("view", "change"),
}


def grant_admin_access(user) -> None:
    from django.contrib.auth.models import Permission

    codenames = [f"{action}_{model}" for model, actions in STAFF_PERMISSIONS.items() for action in actions]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="stations", codename__in=codenames))


@transaction.atomic
def create_account(
    username: str, organisation_name: str, role: str = Account.Role.MANAGER, email: str = "", staff: bool = False
) -> tuple[Account, str]:
    """A new user with an account in ``organisation_name`` and its first API token (returned
    once, never stored in clear)."""
    if role not in Account.Role.values:
        raise BadRequest(f"unknown role {role!r}; allowed: {', '.join(Account.Role.values)}")
    organisation = Organisation.objects.filter(name=organisation_name).first()
    if organisation is None:
        known = ", ".join(Organisation.objects.values_list("name", flat=True)[:30]) or "none (run load_jurisdictions first)"
        raise BadRequest(f"no organisation named {organisation_name!r}; known: {known}")
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise BadRequest(f"a user named {username!r} already exists")
    user = User.objects.create_user(username=username, email=email)  # no password: token (API) or admin reset
    account = Account.objects.create(user=user, organisation=organisation, role=role)
    if staff:
        grant_admin_access(user)
    _, token = ApiToken.issue(account, label="created by create_manager")
    return account, token
