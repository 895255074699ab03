"""stations.search.start_radius: where a nearest search starts (a guess; never part of the answer)."""

import math

import pytest

from geodata.distance import MAX_DISTANCE_M
from stations.search.start_radius import start_radius_m
from stations.search.sql import Filters
from tests.stations.factories import make_station

pytestmark = pytest.mark.django_db

# Futian, Shenzhen (WGS-84)
LAT, LON = 22.5431, 114.0579


@pytest.fixture
def futian():
    """100 rest stations and one driver home within ~500 m."""
    for i in range(100):
        make_station(kind="rest_station", lat=LAT + (i % 10) * 0.0005, lon=LON + (i // 10) * 0.0005)
    make_station(kind="driver_home", lat=LAT, lon=LON)


def test_it_starts_a_rare_kind_wider_by_the_square_root_of_its_rarity(futian):
    everyone = start_radius_m(LON, LAT, 10, Filters())

    driver_homes = start_radius_m(LON, LAT, 10, Filters(kinds=("driver_home",)))

    # 1 open station in 101 is a driver home: aim at 101 times as many stations, sqrt(101) times as far.
    assert driver_homes == pytest.approx(everyone * math.sqrt(101))


def test_it_does_not_widen_for_amenities(futian):
    # They are checked while scanning the all-kinds index: a wider start costs more than it saves.
    assert start_radius_m(LON, LAT, 10, Filters(amenity_mask=1)) == start_radius_m(LON, LAT, 10, Filters())


def test_it_searches_the_whole_sphere_at_once_for_a_kind_with_none_open(futian):
    assert start_radius_m(LON, LAT, 10, Filters(kinds=("charging_point",))) == MAX_DISTANCE_M


def test_it_counts_each_kind_once_per_grid(futian, django_assert_num_queries):
    with django_assert_num_queries(2):  # the grid, then the driver homes
        start_radius_m(LON, LAT, 10, Filters(kinds=("driver_home",)))
    with django_assert_num_queries(0):
        start_radius_m(LON, LAT, 10, Filters(kinds=("driver_home",)))


@pytest.mark.django_db(transaction=True)  # the rebuild reads on its own thread's connection: data must be committed
def test_it_rebuilds_a_stale_grid_in_the_background_while_serving_the_old_one(settings):
    from stations.search import start_radius as density

    make_station(lat=LAT, lon=LON)
    old = density.density_grid()
    settings.NEAREST_DENSITY_TTL_S = 0
    make_station(lat=LAT, lon=LON + 0.001)

    assert density.density_grid() is old  # served at once, however stale
    density.refresh_density_grid_in_background().join(timeout=30)

    new = density.density_grid()
    assert new is not old
    assert (old.total, new.total) == (1, 2)


def test_it_discards_a_background_rebuild_started_before_the_grid_was_forgotten(settings, monkeypatch):
    import threading

    from geodata.density import DEFAULT_LEVEL, DensityGrid
    from stations.search import start_radius as density

    make_station(lat=LAT, lon=LON)
    density.density_grid()
    release = threading.Event()

    def slow_build():
        release.wait(timeout=30)
        return DensityGrid([], DEFAULT_LEVEL)

    monkeypatch.setattr(density, "_build", slow_build)
    refresher = density.refresh_density_grid_in_background()
    density.forget_density_grid()  # e.g. after a bulk import, while the rebuild is still reading
    release.set()
    refresher.join(timeout=30)

    assert density._grid is None
