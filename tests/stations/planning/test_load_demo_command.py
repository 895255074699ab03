"""load_demo's planners' part: a second run keeps the demand dataset, so earlier coverage runs
stay current (issue 15: it used to replace the 923 points and turn every run's POST /sites
into 409)."""

import io
import json

import pytest
from django.core.management import call_command

from stations.models import Account, DemandDataset
from stations.accounts.jurisdiction import forget_jurisdictions
from stations.accounts.organisations import create_account

pytestmark = pytest.mark.django_db

DEMO_DATASET = "shenzhen-food-pickups"
URL = "/api/v1/planning"


@pytest.fixture(autouse=True)
def _fresh_jurisdictions():
    # load_demo loads the Shenzhen organisations; their prepared polygons must not outlive the test.
    forget_jurisdictions()
    yield
    forget_jurisdictions()


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_it_keeps_the_demo_demand_and_its_coverage_runs_on_a_second_load(client):
    load_demo()
    dataset = DemandDataset.objects.get(name=DEMO_DATASET)
    point_ids = list(dataset.points.order_by("pk").values_list("pk", flat=True))
    _, token = create_account("wang", "深圳市", Account.Role.PLANNER)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {"demand": DEMO_DATASET, "radius_m": 500, "kinds": ["rest_station"], "district": "南山区"}
    response = client.post(f"{URL}/coverage", json.dumps(body), content_type="application/json", **bearer)
    assert response.status_code == 201, response.content
    run_id = response.json()["id"]

    out = load_demo()

    response = client.post(f"{URL}/sites", json.dumps({"coverage": run_id, "p": 3}), content_type="application/json", **bearer)
    assert response.status_code == 200, response.content
    assert len(response.json()["sites"]) == 3
    again = DemandDataset.objects.get(name=DEMO_DATASET)
    assert again.updated_at == dataset.updated_at
    assert list(again.points.order_by("pk").values_list("pk", flat=True)) == point_ids
    assert f"dataset '{DEMO_DATASET}' unchanged: the file holds the same 923 demand points" in out
    assert "replacing" not in out
