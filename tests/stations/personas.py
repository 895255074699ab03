"""Union organisations loaded from the shipped Shenzhen boundaries, and their people."""

from functools import cache

from django.conf import settings
from django.test import Client

from stations.accounts.organisations import create_account, load_organisations, read_boundaries

SHENZHEN_BOUNDARIES = settings.BASE_DIR / "data" / "demo" / "boundaries_shenzhen_districts.geojson"

# WGS-84 points well inside each district (checked against the boundaries in test_personas).
FUTIAN_POINT = (114.0550, 22.5410)  # 福田 CBD
NANSHAN_POINT = (113.9300, 22.5330)  # 南山 Houhai
LUOHU_POINT = (114.1310, 22.5480)  # 罗湖 Dongmen
OUTSIDE_SHENZHEN = (113.2644, 23.1291)  # Guangzhou
# Either side of the 福田区 / 南山区 boundary near 深圳湾, 0.41 m apart (4e-6 degrees of longitude).
FUTIAN_EDGE_POINT = (113.9856907, 22.518443)
NANSHAN_EDGE_POINT = (113.9856867, 22.518443)


@cache
def _features():
    # Reading and converting the full-resolution boundaries takes ~1 s: once per test process.
    return read_boundaries(SHENZHEN_BOUNDARIES, "gcj02")


def load_shenzhen() -> None:
    load_organisations(_features())


def client_for(username: str, organisation: str, role: str = "manager") -> Client:
    account, token = create_account(username, organisation, role)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.account = account
    client.token = token
    return client
