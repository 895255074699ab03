"""What a staff user may see and change in the Django admin: superusers everything; a union
manager with staff rights only their jurisdiction, decided by the same service as the API."""

import base64

from stations.models import Account, Organisation, Station
from stations.services.jurisdiction import jurisdiction_of
from stations.services.map_render import station_preview_png

_LEVEL_ORDER = ["district", "city", "province", "national"]


def account_of(user) -> Account | None:
    try:
        return user.yizhan_account
    except Account.DoesNotExist:
        return None
    except AttributeError:  # AnonymousUser
        return None


def station_ids_in(account: Account) -> list[int]:
    """Ids of every station inside the account's jurisdiction (a bounding-box query through the
    spatial index, then the exact polygon test on the candidates)."""
    jurisdiction = jurisdiction_of(account.organisation)
    rows = list(jurisdiction.candidates().values_list("pk", "lon", "lat"))
    if not rows:
        return []
    inside = jurisdiction.covers_many([r[1] for r in rows], [r[2] for r in rows])
    return [row[0] for row, ok in zip(rows, inside) if ok]


def organisation_ids_under(organisation: Organisation) -> list[int]:
    ids, frontier = [organisation.pk], [organisation.pk]
    while frontier:
        frontier = list(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def covers(user, lon: float, lat: float) -> bool:
    if user.is_superuser:
        return True
    account = account_of(user)
    return account is not None and jurisdiction_of(account.organisation).covers(lon, lat)


def smallest_organisation_at(lon: float, lat: float) -> Organisation | None:
    """The lowest-level organisation whose boundary holds the point (its district, usually)."""
    candidates = Organisation.objects.filter(min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat)
    for organisation in sorted(candidates, key=lambda o: (_LEVEL_ORDER.index(o.level), o.name)):
        if jurisdiction_of(organisation).covers(lon, lat):
            return organisation
    return None


def preview_data_uri(station: Station) -> str:
    """An offline map of the station on its district outline, as a data: URI (no tile server)."""
    organisation = smallest_organisation_at(station.lon, station.lat)
    outline = jurisdiction_of(organisation).geometry if organisation else None
    png = station_preview_png(
        station.lon, station.lat, outline, label=station.name, outline_name=organisation.name if organisation else None
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()
