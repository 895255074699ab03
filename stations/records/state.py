"""A station's public fields as plain values: what history records, diffs and restores.

Masks become code lists and datetimes ISO strings, so a diff reads like the API and a snapshot
can be applied back to a model (revert).
"""

import datetime

from django.utils.dateparse import parse_datetime

from geodata.rounding import round_coord

from stations import vocabulary as vocab
from stations.models import Station

# In the order a diff lists them.
TRACKED = (
    "name", "name_en", "kind", "status", "lat", "lon", "address", "city", "city_adcode", "district",
    "district_adcode", "amenities", "opening_hours", "phone", "operator", "charging_vehicle",
    "charging_sockets", "battery_swap", "max_power_kw", "eligible_workers", "last_verified_at",
)


def state_of(station: Station) -> dict:
    state = {}
    for name in TRACKED:
        value = getattr(station, name)
        if name in ("lat", "lon"):
            value = round_coord(value)
        elif name == "amenities":
            value = list(value)
        elif isinstance(value, datetime.datetime):
            value = value.isoformat()
        state[name] = value
    return state


def diff_states(old: dict | None, new: dict) -> dict[str, list]:
    """{field: [old, new]} for every field that differs (old None for a creation)."""
    if old is None:
        return {name: [None, value] for name, value in new.items() if value not in ("", None, [])}
    return {name: [old.get(name), value] for name, value in new.items() if old.get(name) != value}


def apply_state(station: Station, state: dict) -> None:
    """Set the tracked fields of ``station`` from a snapshot (state_of's output)."""
    for name, value in state.items():
        if name not in TRACKED:
            continue
        if name == "amenities":
            station.amenity_mask = vocab.amenity_mask(value)
        elif name == "eligible_workers":
            station.eligible_workers_mask = vocab.worker_mask(value)
        elif name == "last_verified_at":
            station.last_verified_at = parse_datetime(value) if value else None
        else:
            setattr(station, name, value)
