"""JSON nested at any depth answers 400 with what to fix, never a RecursionError (a 500).

Found by fuzzing: a FeatureCollection nested 1,000 deep made Python's json parser raise
RecursionError, and at 500 deep the import's property reader and the polygon reader did. Every
JSON the API reads (request bodies, GeoJSON uploads, a planner's polygon) is refused past
MAX_JSON_DEPTH levels, before anything walks it."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stations.http.json_input import MAX_JSON_DEPTH, JSONTooDeep, load_json
from stations.models import CoverageRun, Station
from tests.stations.helpers import registry_state

pytestmark = pytest.mark.django_db

DEPTHS = [MAX_JSON_DEPTH + 1, 500, 999, 1000, 5000, 100_000]
TOO_DEEP = f"nested more than {MAX_JSON_DEPTH} levels deep"


def objects(depth: int, leaf: str = "1") -> str:
    return '{"a":' * depth + leaf + "}" * depth


def arrays(depth: int, leaf: str = "") -> str:
    return "[" * depth + leaf + "]" * depth


def feature_collection(geometry: str = '{"type":"Point","coordinates":[114.05,22.54]}', properties: str = '{"external_id":"A","name":"甲"}') -> str:
    return f'{{"type":"FeatureCollection","features":[{{"type":"Feature","geometry":{geometry},"properties":{properties}}}]}}'


def test_it_reads_json_up_to_the_limit_and_refuses_deeper():
    assert load_json(arrays(MAX_JSON_DEPTH), what="x") is not None
    with pytest.raises(JSONTooDeep, match=f"^x is {TOO_DEEP}"):
        load_json(arrays(MAX_JSON_DEPTH + 1), what="x")
    with pytest.raises(JSONTooDeep):
        load_json(objects(100_000).encode(), what="x")


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("where", ["around", "properties", "coordinates"])
def test_a_deep_geojson_upload_answers_400_and_writes_nothing(manager_futian, settings, depth, where):
    settings.IMPORT_SYNC_MAX_BYTES = 2**20  # answered at once, the deepest too (a background job fails the same way)
    text = {
        "around": objects(depth, feature_collection()),
        "properties": feature_collection(properties=f'{{"external_id":"A","name":"甲","amenities":{arrays(depth)}}}'),
        "coordinates": feature_collection(geometry=f'{{"type":"Point","coordinates":{arrays(depth)}}}'),
    }[where]
    before = registry_state()

    response = manager_futian.post(
        "/api/v1/manage/imports", {"file": SimpleUploadedFile("s.geojson", text.encode()), "coordsys": "wgs84", "kind": "rest_station"}
    )

    assert response.status_code == 400, response.content
    assert response.json()["detail"] == f"the GeoJSON is {TOO_DEEP} (objects and arrays inside each other); a FeatureCollection of Points needs 5"
    assert registry_state() == before


@pytest.fixture
def dataset(db):
    from stations.imports.readers import read_table
    from stations.planning.demand import DemandImportOptions, import_demand

    import_demand(read_table(b"lon,lat\n114.05,22.54\n", "csv"), DemandImportOptions(dataset="d"))


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("where", ["coordinates", "object"])
def test_a_deep_polygon_answers_400(planner_shenzhen, dataset, depth, where):
    polygon = {"coordinates": f'{{"type":"Polygon","coordinates":{arrays(depth)}}}', "object": objects(depth)}[where]

    response = planner_shenzhen.post("/api/v1/planning/coverage", f'{{"demand":"d","polygon":{polygon}}}', content_type="application/json")

    assert response.status_code == 400, response.content
    assert TOO_DEEP in response.json()["detail"]
    assert not CoverageRun.objects.exists()


@pytest.mark.parametrize("depth", DEPTHS)
def test_a_deep_polygon_given_as_text_or_as_parsed_json_is_refused(depth):
    from stations.errors import BadRequest
    from stations.planning.area import parse_polygon

    text = f'{{"type":"Polygon","coordinates":{arrays(depth)}}}'
    for polygon in (text, {"type": "Polygon", "coordinates": json.loads(arrays(min(depth, 900)))}):
        with pytest.raises(BadRequest, match=f"^polygon is {TOO_DEEP}"):
            parse_polygon(polygon, "wgs84")


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/manage/stations", lambda depth: f'{{"name":"x","kind":"rest_station","lat":22.54,"lon":114.05,"amenities":{arrays(depth)}}}'),
        ("/api/v1/manage/stations/batch", lambda depth: f'{{"operations":{arrays(depth)}}}'),
        ("/api/v1/manage/stations", lambda depth: objects(depth)),
    ],
)
def test_any_deep_json_body_answers_400_saying_so(manager_futian, depth, url, body):
    response = manager_futian.post(url, body(depth), content_type="application/json")

    assert response.status_code == 400, response.content
    assert response.json() == {"detail": f"the request body is {TOO_DEEP} (objects and arrays inside each other)"}
    assert not Station.objects.exists()


def test_a_malformed_json_body_says_where_it_breaks(manager_futian):
    response = manager_futian.post("/api/v1/manage/stations", '{"name": "x",, }', content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "the request body is not valid JSON: Expecting property name enclosed in double quotes at line 1 column 14"}


def test_the_import_command_refuses_a_deep_geojson_and_a_deep_boundary(tmp_path, db):
    from django.core.management import CommandError, call_command

    deep = tmp_path / "deep.geojson"
    deep.write_text(objects(5000, feature_collection()))
    with pytest.raises(CommandError, match=TOO_DEEP):
        call_command("import_stations", str(deep), "--coordsys", "wgs84", "--source", "x", "--kind", "rest_station")

    good = tmp_path / "good.geojson"
    good.write_text(feature_collection())
    with pytest.raises(CommandError, match=TOO_DEEP):
        call_command("import_stations", str(good), "--coordsys", "wgs84", "--source", "x", "--kind", "rest_station", "--within", str(deep))
    assert not Station.objects.exists()


def test_a_body_that_is_not_utf8_says_so(manager_futian):
    response = manager_futian.post("/api/v1/manage/stations", '{"name": "福田"}'.encode("gb18030"), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "the request body is not valid JSON: it must be UTF-8 text"}
