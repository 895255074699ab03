"""geodata.geojson: the one polygon reader (boundaries, --within, planners' areas)."""

import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from geodata.coords import wgs84_to_gcj02
from geodata.geojson import InvalidGeoJSON, coordsys_of, feature_geometries, read_polygon

SQUARE = {"type": "Polygon", "coordinates": [[[114.0, 22.5], [114.1, 22.5], [114.1, 22.6], [114.0, 22.6], [114.0, 22.5]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[114.0, 22.5], [114.1, 22.6], [114.1, 22.5], [114.0, 22.6], [114.0, 22.5]]]}


def test_it_reads_a_polygon_and_a_feature_holding_one():
    assert read_polygon(SQUARE).equals(shapely.box(114.0, 22.5, 114.1, 22.6))
    assert read_polygon({"type": "Feature", "properties": {}, "geometry": SQUARE}).equals(shapely.box(114.0, 22.5, 114.1, 22.6))


@pytest.mark.parametrize(
    "geometry, message",
    [
        ({"type": "Point", "coordinates": [114, 22]}, "area must be a GeoJSON Polygon or MultiPolygon geometry, got 'Point'"),
        ([1, 2], "area must be a GeoJSON Polygon or MultiPolygon geometry, got 'list'"),
        (None, "got 'NoneType'"),
        ({"type": "Polygon", "coordinates": "x"}, "area has unreadable coordinates"),
        ({"type": "Polygon", "coordinates": []}, "area is empty (no area)"),
        ({"type": "Polygon", "coordinates": [[[114.0, 22.5], [114.1, 22.5], [114.0, 22.5]]]}, "area"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [200, 1], [0, 0]]]}, "lon in -180..180"),
        (BOWTIE, "area is not a valid polygon (Self-intersection"),
    ],
)
def test_it_refuses_what_is_not_a_usable_polygon(geometry, message):
    with pytest.raises(InvalidGeoJSON) as raised:
        read_polygon(geometry, what="area")
    assert message in str(raised.value)


def test_it_repairs_a_self_crossing_ring_when_asked():
    repaired = read_polygon(BOWTIE, repair=True)
    assert repaired.is_valid and repaired.geom_type in ("Polygon", "MultiPolygon") and repaired.area > 0


def test_it_converts_gcj02_vertices_to_wgs84():
    ring = [wgs84_to_gcj02(lon, lat) for lon, lat in SQUARE["coordinates"][0]]
    polygon = read_polygon({"type": "Polygon", "coordinates": [ring]}, "gcj02")
    assert shapely.hausdorff_distance(polygon, shapely.box(114.0, 22.5, 114.1, 22.6)) < 1e-7  # ~1 cm


def test_it_lists_the_geometries_of_a_collection_a_feature_or_a_geometry():
    collection = {"type": "FeatureCollection", "features": [{"geometry": SQUARE}, {"geometry": None}, "junk"]}
    assert feature_geometries(collection) == [SQUARE, None, None]
    assert feature_geometries({"type": "Feature", "geometry": SQUARE}) == [SQUARE]
    assert feature_geometries(SQUARE) == [SQUARE]
    with pytest.raises(InvalidGeoJSON, match="needs a \"features\" list"):
        feature_geometries({"type": "FeatureCollection", "features": {}})


@pytest.mark.parametrize("declared, code", [("GCJ-02", "gcj02"), ("gcj02", "gcj02"), ("WGS84", "wgs84"), ("BD_09", "bd09"), ("EPSG:3857", None)])
def test_it_reads_a_coord_system_member(declared, code):
    assert coordsys_of(declared) == code


@given(
    st.floats(-179, 179), st.floats(-89, 89), st.floats(1e-4, 0.9), st.floats(1e-4, 0.9),
)
def test_any_box_reads_back_as_itself(lon, lat, width, height):
    box = shapely.box(lon, lat, lon + width, lat + height)
    assert read_polygon(shapely.geometry.mapping(box)).equals(box)
