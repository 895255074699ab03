import pytest
from django.core.cache import cache
from django.test import Client

from stations.search.start_radius import forget_density_grid


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
