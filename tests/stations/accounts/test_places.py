"""stations.accounts.places: the district and city a point lies in, from the loaded organisations."""

import pytest
from shapely.geometry import box

from stations.accounts.organisations import _Feature, load_organisations
from stations.accounts.places import NOWHERE, Place, current_places, fill_place
from tests.stations.personas import FUTIAN_EDGE_POINT, FUTIAN_POINT, LUOHU_POINT, NANSHAN_EDGE_POINT, NANSHAN_POINT, OUTSIDE_SHENZHEN

pytestmark = pytest.mark.django_db


def test_it_names_the_district_and_its_city(shenzhen):
    places = current_places()

    assert places.locate(*FUTIAN_POINT) == Place("深圳市", "440300", "福田区", "440304")
    assert places.locate_many(*zip(NANSHAN_POINT, LUOHU_POINT, OUTSIDE_SHENZHEN, NANSHAN_EDGE_POINT, FUTIAN_EDGE_POINT)) == [
        Place("深圳市", "440300", "南山区", "440305"),
        Place("深圳市", "440300", "罗湖区", "440303"),
        NOWHERE,
        Place("深圳市", "440300", "南山区", "440305"),
        Place("深圳市", "440300", "福田区", "440304"),
    ]
    assert places.locate_many([], []) == []


def test_it_gives_the_city_where_no_district_covers_the_point(shenzhen):
    lon, lat = OUTSIDE_SHENZHEN
    load_organisations([_Feature("广州市", "city", None, "440100", box(lon - 0.1, lat - 0.1, lon + 0.1, lat + 0.1))])

    assert current_places().locate(lon, lat) == Place("广州市", "440100", "", "")


def test_a_district_below_a_city_wins_over_a_union_below_a_district(shenzhen):
    lon, lat = FUTIAN_POINT
    load_organisations([_Feature("某街道工会", "district", "福田区", "", box(lon - 0.001, lat - 0.001, lon + 0.001, lat + 0.001))])

    assert current_places().locate(lon, lat) == Place("深圳市", "440300", "福田区", "440304")


def test_it_knows_nothing_without_organisations(db):
    places = current_places()

    assert not places
    assert places.locate(*FUTIAN_POINT) == NOWHERE


def test_it_sees_organisations_loaded_after_its_first_use(db):
    assert current_places().locate(*FUTIAN_POINT) == NOWHERE
    from tests.stations.personas import load_shenzhen

    load_shenzhen()

    assert current_places().locate(*FUTIAN_POINT).district == "福田区"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, {"city": "深圳市", "city_adcode": "440300", "district": "福田区", "district_adcode": "440304"}),
        ({"district": "福田区"}, {"city": "深圳市", "city_adcode": "440300", "district_adcode": "440304"}),
        ({"district_adcode": "440304", "city": "深圳"}, {"district": "福田区"}),  # the city pair: said otherwise
        ({"district": "南山区"}, {"city": "深圳市", "city_adcode": "440300"}),
        ({"city": None, "district": ""}, {"city": "深圳市", "city_adcode": "440300", "district": "福田区", "district_adcode": "440304"}),
    ],
)
def test_fill_place_fills_a_pair_only_where_the_caller_left_it_or_agrees(given, expected):
    assert fill_place(given, Place("深圳市", "440300", "福田区", "440304")) == expected


def test_fill_place_sets_nothing_from_nowhere():
    assert fill_place({}, NOWHERE) == {}
