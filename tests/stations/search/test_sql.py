"""stations.search.sql: the ranked SQLite search agrees with the Python engine exactly."""

import math
import random

import pytest
from django.db import connection
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata import nearest as geo_nearest
from geodata.distance import haversine_m
from geodata.index import circle_search_area
from stations.search import sql as search_sql
from stations.search.sql import COLUMNS, Filters, fetch_in_ranges, fetch_nearest_in_ranges, ranked_search_supported
from tests.stations.factories import make_station

pytestmark = pytest.mark.django_db

# Futian, Shenzhen (WGS-84)
LAT, LON = 22.5431, 114.0579


def _require_ranked():
    if connection.vendor != "sqlite":
        pytest.skip("the ranked search is SQLite's (PostgreSQL keeps the two-phase search)")
    if not ranked_search_supported():
        pytest.skip("this SQLite lacks its math functions (SQLITE_ENABLE_MATH_FUNCTIONS)")


def _sql_haversine_m(lon0: float, lat0: float, lon1: float, lat1: float) -> float:
    rad = math.pi / 180.0
    params = {"diameter_m": 2.0 * 6_371_008.8, "rad": rad, "lat0": lat0 * rad, "cos_lat0": math.cos(lat0 * rad), "lon": lon0}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {search_sql._HAVERSINE_SQL} FROM (SELECT %(lon1)s AS lon, %(lat1)s AS lat) AS c",
            {**params, "lon1": lon1, "lat1": lat1},
        )
        return cursor.fetchone()[0]


def test_it_is_not_used_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    assert ranked_search_supported() is False


lons = st.floats(-180, 180, allow_nan=False)
lats = st.floats(-90, 90, allow_nan=False)


@given(lon0=lons, lat0=lats, lon1=lons, lat1=lats)
@example(lon0=114.0579, lat0=22.5431, lon1=114.0579, lat1=22.5431)  # the same point
@example(lon0=0.0, lat0=0.0, lon1=180.0, lat1=0.0)  # antipodal: h rounds past 1
@example(lon0=179.9999, lat0=0.0, lon1=-179.9999, lat1=0.0)  # across the antimeridian
@example(lon0=0.0, lat0=90.0, lon1=123.0, lat1=89.9999)  # the pole
@settings(max_examples=200, deadline=None)
def test_it_measures_in_sql_bit_for_bit_like_python(lon0, lat0, lon1, lat1):
    _require_ranked()
    assert _sql_haversine_m(lon0, lat0, lon1, lat1) == haversine_m(lon0, lat0, lon1, lat1)


@pytest.mark.parametrize("filters", [Filters(), Filters(kinds=("driver_home",)), Filters(amenity_mask=1), Filters(statuses=())])
def test_it_returns_the_k_nearest_candidates_whole_ties_by_id(filters):
    _require_ranked()
    rng = random.Random(3)
    points = [(LON + rng.uniform(-0.02, 0.02), LAT + rng.uniform(-0.02, 0.02)) for _ in range(60)]
    points += points[:15]  # duplicate coordinates: equal distances, broken by id
    for lon, lat in points:
        make_station(lon=lon, lat=lat, kind=rng.choice(["rest_station", "driver_home"]), amenities=rng.choice([[], ["toilet"]]),
                     status=rng.choice(["open", "open", "closed"]))

    for _ in range(20):
        q_lon, q_lat = LON + rng.uniform(-0.02, 0.02), LAT + rng.uniform(-0.02, 0.02)
        ranges, bounds = circle_search_area(q_lon, q_lat, rng.choice([300.0, 1500.0, 5000.0]))
        for k in (1, 5, 30, 100):
            everything = fetch_in_ranges(ranges, filters, COLUMNS, bounds)
            wanted = sorted(everything, key=lambda row: (haversine_m(q_lon, q_lat, row[1], row[2]), row[0]))[:k]

            got = fetch_nearest_in_ranges(ranges, filters, bounds, q_lon, q_lat, k)

            assert sorted(got, key=lambda row: (haversine_m(q_lon, q_lat, row[1], row[2]), row[0])) == wanted


def test_it_finds_what_ranking_every_candidate_in_python_finds():
    _require_ranked()
    rng = random.Random(5)
    for _ in range(80):
        make_station(lon=LON + rng.gauss(0, 0.01), lat=LAT + rng.gauss(0, 0.01))

    for _ in range(30):
        q_lon, q_lat = LON + rng.gauss(0, 0.02), LAT + rng.gauss(0, 0.02)
        k = rng.choice([1, 10, 80, 81])
        radius_m = rng.choice([None, 500.0])
        ranked_hits = geo_nearest.nearest(
            q_lon, q_lat, k, lambda r, b, q_lon=q_lon, q_lat=q_lat, k=k: fetch_nearest_in_ranges(r, Filters(), b, q_lon, q_lat, k), radius_m=radius_m, start_radius_m=100.0
        )
        plain_hits = geo_nearest.nearest(
            q_lon, q_lat, k, lambda r, b: fetch_in_ranges(r, Filters(), COLUMNS, b), radius_m=radius_m, start_radius_m=100.0
        )

        assert ranked_hits == plain_hits


def _index_columns(name: str) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA index_info({name})")
            return [row[2] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum WHERE c.relname = %s ORDER BY k.n",
            [name],
        )
        return [row[0] for row in cursor.fetchall()]


def test_its_status_index_holds_whole_answer_rows_on_sqlite_only():
    narrow = ["status", "zkey", "id", "lon", "lat", "kind", "amenity_mask"]
    answer = ["name", "address", "opening_hours", "last_confirmed_at", "alerts", "updated_at", "last_verified_at"]
    expected = narrow + answer if connection.vendor == "sqlite" else narrow
    assert _index_columns("station_status_zkey_idx") == expected
    # Every column of an answer row (freshness's moments included) is in it (on SQLite), so
    # none is read from the table.
    if connection.vendor == "sqlite":
        assert {*search_sql._COLUMN_NAMES, "updated_at", "last_verified_at"} <= set(expected)


@pytest.mark.parametrize(("filters", "reads_the_table"), [(Filters(), False), (Filters(amenity_mask=1), False), (Filters(kinds=("driver_home",)), True)])
def test_it_reads_only_the_index_unless_a_kind_is_asked_for(filters, reads_the_table):
    _require_ranked()
    make_station(lon=LON, lat=LAT)
    ranges, bounds = circle_search_area(LON, LAT, 1000.0)
    sql = search_sql._nearest_sql(len(ranges), filters.where(), not filters.kinds)
    sql = search_sql._numbered(sql, len(filters.params()), len(ranges))
    params = [1.0, 1.0, 0.0, 1.0, 0.0, bounds[0], bounds[2], bounds[1], bounds[3], 10, *filters.params()]
    params += [bound for key_range in ranges for bound in key_range]
    with connection.cursor() as cursor:
        plan = " | ".join(row[-1] for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
    assert ("USING INTEGER PRIMARY KEY" in plan) is reads_the_table, plan
    if not reads_the_table:
        assert "USING COVERING INDEX station_status_zkey_idx" in plan, plan


def test_it_numbers_its_placeholders_in_the_order_it_binds_them():
    sql = search_sql._nearest_sql(2, Filters(kinds=("driver_home",)).where(), False)
    numbered = search_sql._numbered(sql, 2, 2)
    names = search_sql._param_names(2, 2)
    assert "%(" not in numbered
    for name, number in (("diameter_m", 1), ("k", 10), ("f0", 11), ("f1", 12), ("lo0", 13), ("hi1", 16)):
        assert names[number - 1] == name
        assert sql.count(f"%({name})s") == numbered.count(f"?{number} ") + numbered.count(f"?{number})") + numbered.count(f"?{number},") + numbered.endswith(f"?{number}")
