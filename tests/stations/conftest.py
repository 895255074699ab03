import pytest
from django.core.cache import cache
from django.test import Client


@pytest.fixture
def rider() -> Client:
    """An anonymous rider's phone."""
    return Client()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()
