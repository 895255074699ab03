"""Personas and data of the planners' tests: Shenzhen's real district boundaries (GCJ-02, loaded
through the service), a small hand-made demand dataset whose answers can be worked out by hand,
and a few stations placed at known distances from it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from geodata.distance import EARTH_RADIUS_M
from stations.models import Account
from stations.planning.demand import DemandImportOptions, import_demand
from stations.imports.readers import read_table
from stations.accounts.jurisdiction import forget_jurisdictions
from stations.accounts.organisations import create_account, load_organisations, read_boundaries
from tests.stations.factories import make_station

BOUNDARIES = Path(settings.BASE_DIR) / "data" / "demo" / "boundaries_shenzhen_districts.geojson"
M_PER_DEG_LAT = EARTH_RADIUS_M * 3.141592653589793 / 180  # on geodata.distance's sphere

# Demand (WGS-84): two points in 南山区, one in 福田区; weights 2, 1 and 4 (total 7).
NANSHAN_A = (113.93, 22.53)
NANSHAN_B = (113.93, 22.539)  # 9/1000 degree (~1.0 km) north of A
FUTIAN_A = (114.05, 22.54)
DEMAND_CSV = f"""lon,lat,orders,category,external_id
{NANSHAN_A[0]},{NANSHAN_A[1]},2,restaurant,n-a
{NANSHAN_B[0]},{NANSHAN_B[1]},1,cafe,n-b
{FUTIAN_A[0]},{FUTIAN_A[1]},4,fast_food,f-a
""".encode()
DATASET = "test-demand"


def north_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    """The point ``metres`` due north (a meridian arc: exact on the sphere)."""
    return point[0], point[1] + metres / M_PER_DEG_LAT


@pytest.fixture
def shenzhen(db):
    """深圳市 and its nine districts as organisations."""
    forget_jurisdictions()
    load_organisations(read_boundaries(BOUNDARIES, "gcj02"))
    yield
    forget_jurisdictions()


def _client(username: str, organisation: str, role: str) -> Client:
    _, token = create_account(username, organisation, role)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    client.token = token
    return client


@pytest.fixture
def planner_shenzhen(shenzhen) -> Client:
    """A city planner of 深圳市总工会."""
    return _client("planner_sz", "深圳市", Account.Role.PLANNER)


@pytest.fixture
def planner_nanshan(shenzhen) -> Client:
    """A district planner of 南山区."""
    return _client("planner_ns", "南山区", Account.Role.PLANNER)


@pytest.fixture
def manager_futian(shenzhen) -> Client:
    """A station manager of 福田区 (managers may analyse too)."""
    return _client("manager_ft", "福田区", Account.Role.MANAGER)


@pytest.fixture
def demand(db):
    """The hand-made dataset, weights from the 'orders' column."""
    return import_demand(read_table(DEMAND_CSV, "csv"), DemandImportOptions(dataset=DATASET, weight_field="orders"))


@pytest.fixture
def stations(db):
    """A rest station 300 m north of 南山 A (covers A at 500 m, B is 700 m away), a rest station
    800 m north of 福田 A, a charging point on 福田 A, a closed rest station on 南山 B, and a
    rest station open only by day 100 m north of 南山 B."""
    lon, lat = north_of(NANSHAN_A, 300)
    s1 = make_station(lon=lon, lat=lat, name="南山驿站", opening_hours="24/7")
    lon, lat = north_of(FUTIAN_A, 800)
    s2 = make_station(lon=lon, lat=lat, name="福田驿站", opening_hours="24/7")
    s3 = make_station(lon=FUTIAN_A[0], lat=FUTIAN_A[1], kind="charging_point", name="福田充电站")
    s4 = make_station(lon=NANSHAN_B[0], lat=NANSHAN_B[1], status="closed", name="关闭的驿站")
    lon, lat = north_of(NANSHAN_B, 100)
    s5 = make_station(lon=lon, lat=lat, name="白天驿站", opening_hours="Mo-Su 08:00-20:00", eligible_workers=["courier"])
    return {"nanshan": s1, "futian": s2, "charging": s3, "closed": s4, "daytime": s5}
