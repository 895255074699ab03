import io
import json

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from stations.models import CoverageRun
from tests.stations.planning.conftest import DATASET

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("coverage_report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_writes_the_table_the_gaps_and_the_map(shenzhen, demand, stations, tmp_path):
    png, csv, geojson = tmp_path / "out.png", tmp_path / "out.csv", tmp_path / "gaps.geojson"
    out = run("--district", "南山区", "--radius", "500", "--at", "22:00", "--png", str(png), "--csv", str(csv), "--geojson", str(geojson))
    assert out.strip() == (
        f"南山区: 66.7% of demand weight covered within 500 m (1 of 2 points, 1 stations, 1 gap cells);"
        f" wrote {csv}, {geojson}, {png}"
    )
    assert csv.read_text(encoding="utf-8-sig").splitlines()[1].startswith("南山区,2,3.0,1,2.0,0.666")
    assert [f["properties"]["uncovered"] for f in json.loads(geojson.read_text())["features"]] == [1.0, 0.0]
    assert Image.open(png).format == "PNG"
    assert not CoverageRun.objects.exists()


def test_it_covers_every_loaded_district_without_a_district(shenzhen, demand, stations, tmp_path):
    csv = tmp_path / "all.csv"
    out = run("--dataset", DATASET, "--csv", str(csv))
    assert out.startswith("深圳市: 42.9% of demand weight covered within 500 m (2 of 3 points")
    assert len(csv.read_text(encoding="utf-8-sig").splitlines()) == 11


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--district", "海淀区"], "unknown district '海淀区'"),
        (["--radius", "0"], "radius_m must be > 0 and <= 20000 metres"),
        (["--radius", "25000"], "radius_m must be > 0 and <= 20000 metres"),
        (["--kinds", "toilet"], "unknown kind 'toilet'"),
        (["--dataset", "nope"], "unknown demand dataset 'nope'"),
        (["--organisation", "北京市"], "no organisation named '北京市'"),
        (["--district", "福田区", "--organisation", "南山区"], "unknown district '福田区'; districts in your area: 南山区"),
    ],
)
def test_it_rejects_bad_options(shenzhen, demand, args, message):
    with pytest.raises(CommandError, match=message.replace("(", "\\(").replace(")", "\\)")):
        run(*args)
