import pytest
from django.core.cache import cache
from django.test import Client

from stations.accounts.jurisdiction import forget_jurisdictions
from stations.search.start_radius import forget_density_grid
from tests.stations.personas import client_for, load_shenzhen


@pytest.fixture
def rider() -> Client:
    """An anonymous rider's phone."""
    return Client()


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts without the health count or the nearest-search density grid."""
    cache.clear()
    forget_density_grid()
    yield
    cache.clear()
    forget_density_grid()


# Union accounts on the Shenzhen district boundaries (tests/stations/personas.py).


@pytest.fixture
def shenzhen(db):
    forget_jurisdictions()
    load_shenzhen()
    yield
    forget_jurisdictions()


@pytest.fixture
def manager_futian(shenzhen):
    return client_for("futian_manager", "福田区")


@pytest.fixture
def manager_nanshan(shenzhen):
    return client_for("nanshan_manager", "南山区")


@pytest.fixture
def manager_shenzhen(shenzhen):
    """The city union: its jurisdiction covers every district."""
    return client_for("shenzhen_manager", "深圳市")


@pytest.fixture
def planner_shenzhen(shenzhen):
    return client_for("shenzhen_planner", "深圳市", role="planner")
