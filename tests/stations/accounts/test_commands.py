import io
import json
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from stations.models import Account, ApiToken, Organisation
from stations.models.organisation import hash_token
from stations.accounts.jurisdiction import jurisdiction_of
from tests.stations.personas import FUTIAN_POINT, NANSHAN_POINT, SHENZHEN_BOUNDARIES

pytestmark = pytest.mark.django_db


def load(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("load_jurisdictions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_loads_the_city_and_its_districts_and_updates_on_rerun():
    out, err = load(str(SHENZHEN_BOUNDARIES), "--coordsys", "gcj02")
    assert out.strip() == "loaded 10 organisations (created 10, updated 0)"
    assert "广东省" in err  # the city's parent is not loaded: said, not fatal
    futian = Organisation.objects.get(name="福田区")
    assert (futian.level, futian.adcode, futian.parent.name) == ("district", "440304", "深圳市")

    out, _ = load(str(SHENZHEN_BOUNDARIES), "--coordsys", "gcj02")
    assert out.strip() == "loaded 10 organisations (created 0, updated 10)"
    assert Organisation.objects.count() == 10


def test_boundaries_are_stored_in_wgs84():
    load(str(SHENZHEN_BOUNDARIES), "--coordsys", "gcj02")
    futian = jurisdiction_of(Organisation.objects.get(name="福田区"))
    city = jurisdiction_of(Organisation.objects.get(name="深圳市"))
    assert futian.covers(*FUTIAN_POINT) and not futian.covers(*NANSHAN_POINT)
    assert city.covers(*FUTIAN_POINT) and city.covers(*NANSHAN_POINT)


def test_options_fill_in_missing_properties(tmp_path):
    square = {"type": "Polygon", "coordinates": [[[114.0, 22.5], [114.1, 22.5], [114.1, 22.6], [114.0, 22.6], [114.0, 22.5]]]}
    path = tmp_path / "street.geojson"
    load(str(SHENZHEN_BOUNDARIES), "--coordsys", "gcj02")
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "某街道工会"}, "geometry": square}]}))

    load(str(path), "--coordsys", "wgs84", "--level", "district", "--parent", "福田区")
    street = Organisation.objects.get(name="某街道工会")
    assert (street.level, street.parent.name) == ("district", "福田区")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "cannot read"),
        (json.dumps({"type": "Feature"}), "is not a GeoJSON FeatureCollection"),
        (json.dumps({"type": "FeatureCollection", "features": [{"properties": {"level": "city"}, "geometry": None}]}), "has no 'name' property"),
        (json.dumps({"type": "FeatureCollection", "features": [{"properties": {"name": "x"}, "geometry": {"type": "Point", "coordinates": [114, 22]}}]}), "level None is not one of"),
        (json.dumps({"type": "FeatureCollection", "features": [{"properties": {"name": "x", "level": "city"}, "geometry": {"type": "Point", "coordinates": [114, 22]}}]}), "must be a GeoJSON Polygon or MultiPolygon"),
    ],
)
def test_it_rejects_unusable_boundary_files(tmp_path, content, message):
    path = tmp_path / "b.geojson"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        load(str(path), "--coordsys", "wgs84")
    assert Organisation.objects.count() == 0


def test_create_manager_prints_a_token_once_and_stores_only_its_hash():
    load(str(SHENZHEN_BOUNDARIES), "--coordsys", "gcj02")
    out = io.StringIO()
    call_command("create_manager", "lihua", "--organisation", "福田区", stdout=out, stderr=io.StringIO())
    token = out.getvalue().strip()

    assert token.startswith("yz_") and len(token) > 40
    stored = ApiToken.objects.get()
    assert stored.key_hash == hash_token(token) and token not in (stored.key_hash, stored.hint)
    account = Account.objects.get(user__username="lihua")
    assert (account.role, account.organisation.name) == ("manager", "福田区")


def test_create_manager_makes_planners_too():
    load(str(SHENZHEN_BOUNDARIES), "--coordsys", "gcj02")
    call_command("create_manager", "wang", "--organisation", "深圳市", "--role", "planner", stdout=io.StringIO(), stderr=io.StringIO())
    assert Account.objects.get(user__username="wang").role == "planner"


def test_create_manager_explains_an_unknown_organisation_or_a_taken_name():
    load(str(SHENZHEN_BOUNDARIES), "--coordsys", "gcj02")
    with pytest.raises(CommandError, match="no organisation named '火星区'; known: "):
        call_command("create_manager", "a", "--organisation", "火星区", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("create_manager", "a", "--organisation", "福田区", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_manager", "a", "--organisation", "福田区", stdout=io.StringIO(), stderr=io.StringIO())


def test_it_warns_when_the_file_names_another_coordinate_system():
    _, err = load(str(SHENZHEN_BOUNDARIES), "--coordsys", "wgs84")
    assert "the file says its coord_system is GCJ-02 but --coordsys is wgs84" in err


def test_it_tells_a_staff_manager_how_to_set_an_admin_password_in_a_runnable_command(monkeypatch, tmp_path):
    load(str(SHENZHEN_BOUNDARIES), "--coordsys", "gcj02")
    monkeypatch.chdir(settings.BASE_DIR)
    monkeypatch.setattr(sys, "executable", str(settings.BASE_DIR / ".venv" / "bin" / "python"))
    err = io.StringIO()

    call_command("create_manager", "lihua", "--organisation", "深圳市", "--staff", stdout=io.StringIO(), stderr=err)

    assert "set a password with: .venv/bin/python manage.py changepassword lihua" in err.getvalue()
    monkeypatch.chdir(tmp_path)  # from elsewhere: absolute paths
    call_command("create_manager", "zhao", "--organisation", "深圳市", "--staff", stdout=io.StringIO(), stderr=err)
    assert f"set a password with: {settings.BASE_DIR}/.venv/bin/python {settings.BASE_DIR}/manage.py changepassword zhao" in err.getvalue()
