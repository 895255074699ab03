"""geodata.coverage.validation: bad coordinates and arguments are refused, saying what is allowed."""

import math

import numpy as np
import pytest

from geodata.coverage import (
    candidate_sites_from_gaps,
    choose_sites,
    gap_hexes,
    nearest_station_m,
    region_of,
    summarize,
)
from geodata.errors import InvalidArgument, InvalidCoordinate

# Edge cases ---------------------------------------------------------------------------------

BAD_COORDS = [
    ("NaN latitude", [0.0], [math.nan]),
    ("infinite longitude", [math.inf], [0.0]),
    ("latitude past the pole", [0.0], [90.5]),
    ("longitude out of range", [181.0], [0.0]),
    ("not numbers", ["east"], [0.0]),
]


@pytest.mark.parametrize(("name", "lon", "lat"), BAD_COORDS, ids=[b[0] for b in BAD_COORDS])
def test_it_rejects_bad_coordinates(name, lon, lat):
    with pytest.raises(InvalidCoordinate, match="lon in \\[-180, 180\\] and lat in \\[-90, 90\\]|arrays of numbers"):
        nearest_station_m(lon, lat, [0.0], [0.0])
    with pytest.raises(InvalidCoordinate):
        nearest_station_m([0.0], [0.0], lon, lat)
    with pytest.raises(InvalidCoordinate):
        region_of(lon, lat, [])


def test_it_rejects_bad_arguments_saying_what_is_allowed():
    d = np.array([1.0, 2.0])
    cases = [
        (lambda: summarize(d, [1.0, -1.0], 500), "weights must be finite and >= 0"),
        (lambda: summarize(d, [1.0], 500), "one weight per demand point"),
        (lambda: summarize(d, [1.0, 1.0], math.nan), "radius_m must be a number of metres >= 0"),
        (lambda: summarize(d, [1.0, 1.0], -1), "radius_m must be a number of metres >= 0"),
        (lambda: summarize([math.nan], [1.0], 5), "distance_m must be >= 0"),
        (lambda: summarize(d, [1.0, 1.0], 5, mask=[1, 0]), "mask must be an array of booleans"),
        (lambda: nearest_station_m([0.0, 1.0], [0.0], [0.0], [0.0]), "same length"),
        (lambda: choose_sites([0.0], [0.0], [1.0], [False], [0.0], [0.0], 500, -1), "p must be a whole number"),
        (lambda: choose_sites([0.0], [0.0], [1.0], [False], [0.0], [0.0], 500, 1.5), "p must be a whole number"),
        (lambda: choose_sites([0.0], [0.0], [1.0], [False, True], [0.0], [0.0], 500, 1), "covered needs one value"),
        (lambda: gap_hexes([0.0], [0.0], [1.0], [False], [], [], resolution=16), "resolution must be an H3"),
        (lambda: candidate_sites_from_gaps([], -1), "limit must be a whole number"),
    ]
    for call, message in cases:
        with pytest.raises(InvalidArgument, match=message):
            call()
