"""What a staff user may see and change in the Django admin: superusers everything; a union
manager with staff rights only their jurisdiction, decided by the same service as the API."""

import base64

from mapdraw import station_preview_png
from stations.models import Account, Organisation, Station
from stations.accounts.jurisdiction import jurisdiction_of

# Lowest level first: district, city, province, national.
_LOWEST_FIRST = list(reversed(Organisation.Level.values))


def account_of(user) -> Account | None:
    try:
        return user.yizhan_account
    except Account.DoesNotExist:
        return None
    except AttributeError:  # AnonymousUser
        return None


def station_ids_in(account: Account) -> list[int]:
    return jurisdiction_of(account.organisation).station_ids()


def organisation_ids_under(organisation: Organisation) -> list[int]:
    return [organisation.pk, *(o.pk for o in organisation.descendants())]


def covers(user, lon: float, lat: float) -> bool:
    if user.is_superuser:
        return True
    account = account_of(user)
    return account is not None and jurisdiction_of(account.organisation).covers(lon, lat)


def smallest_organisation_at(lon: float, lat: float) -> Organisation | None:
    """The lowest-level organisation whose boundary holds the point (its district, usually)."""
    candidates = Organisation.objects.filter(min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat)
    for organisation in sorted(candidates, key=lambda o: (_LOWEST_FIRST.index(o.level), o.name)):
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
