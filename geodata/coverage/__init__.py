"""Coverage analysis for planners: demand within reach of a station, gaps, new sites.

Everything works on numpy float64 arrays of WGS-84 degrees in ``(lon, lat)`` order and on
weights (float64, >= 0, one per demand point). A demand point is *covered* when the
great-circle (haversine) distance to some station is at most ``radius_m``, on the sphere of
geodata.distance (R = 6,371,008.8 m).

Speed comes from a k-d tree (scipy.spatial.cKDTree) over 3-D unit vectors: the chord between
two unit vectors grows strictly with the great-circle angle (chord = 2 sin(angle / 2)), so the
nearest by chord is the nearest by haversine, a radius is a chord, and the antimeridian and the
poles need no special case. The tree only proposes; every reported distance and every ``<=
radius_m`` decision is the haversine formula itself, so an answer is the one a brute-force scan
gives (ties go to the lower index).

Bad input raises geodata.errors.InvalidCoordinate (a coordinate) or InvalidArgument (weights,
radius, counts, array shapes); the API maps both to a 4xx.

The package has one module per concern; each imports only the ones listed before it:

- validation: the input checks every function shares (raising InvalidCoordinate / InvalidArgument)
- sphere: the vectorised haversine formula, unit vectors and chords
- reach: the nearest station of each point, the stations within a radius (the k-d tree)
- summary: covered weight and share, weighted mean and p90 distance (CoverageSummary)
- regions: which district (shapely geometry) holds each point
- impact: what each station covers, alone and in all (StationImpact)
- gaps: covered and uncovered demand per H3 cell, candidate sites from the gaps (GapHex)
- sites: new sites by greedy maximal covering (Site)

Import the public names from geodata.coverage itself; the modules are its implementation.
"""

from geodata.coverage.gaps import GapHex, candidate_sites_from_gaps, gap_hexes
from geodata.coverage.impact import StationImpact, station_impacts
from geodata.coverage.reach import nearest_station_m, stations_within
from geodata.coverage.regions import region_of
from geodata.coverage.sites import Site, choose_sites
from geodata.coverage.sphere import haversine_m
from geodata.coverage.summary import CoverageSummary, summarize
from geodata.distance import EARTH_RADIUS_M

__all__ = [
    "EARTH_RADIUS_M",
    "CoverageSummary",
    "GapHex",
    "Site",
    "StationImpact",
    "candidate_sites_from_gaps",
    "choose_sites",
    "gap_hexes",
    "haversine_m",
    "nearest_station_m",
    "region_of",
    "station_impacts",
    "stations_within",
    "summarize",
]
