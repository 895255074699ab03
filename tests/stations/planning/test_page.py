import pytest

pytestmark = pytest.mark.django_db


def test_it_serves_the_planner_page_without_external_resources(rider):
    response = rider.get("/planning/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "驿站覆盖分析" in html and "Coverage planner" in html
    assert '<script src="/static/stations/planning.js" defer></script>' in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    assert 'value="rest_station" checked' in html and 'value="charging_point">' in html


def test_options_list_the_planners_districts_and_datasets(planner_nanshan, planner_shenzhen, demand):
    body = planner_nanshan.get("/api/v1/planning/options").json()
    assert body["organisation"] == "南山区" and body["districts"] == ["南山区"]
    assert body["datasets"] == [{"name": "test-demand", "description": "", "source": "", "licence": "", "points": 3}]
    city = planner_shenzhen.get("/api/v1/planning/options").json()
    assert city["districts"][0] == "深圳市" and len(city["districts"]) == 10
