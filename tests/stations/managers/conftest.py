import pytest

from stations.accounts.jurisdiction import forget_jurisdictions
from tests.stations.personas import client_for, load_shenzhen


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
